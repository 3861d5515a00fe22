"""Notebook posts: ``.ipynb`` files and MyST Markdown notebooks, read by MyST-NB, shown with their outputs.

A site loads MyST-NB (``"myst_nb"`` in ``extensions``, in place of ``"myst_parser"``, whose settings it
reads) and lists ``posts/*/*.ipynb`` in ``blog_post_pattern``. This module makes such posts behave as the
Markdown ones do:

- front matter: an ``.ipynb`` keeps it in its notebook metadata or in a first raw cell holding a ``---`` YAML
  block (Quarto's and Jupytext's place for it); the cell's values are lifted into the metadata MyST-NB turns
  into the page's fields, and the cell itself is not shown. :mod:`publication.site.frontmatter` reads and
  checks both, naming the line of the ``.ipynb`` file;
- execution: off unless ``publication_execute_notebooks = True``, so building needs no kernel and shows the
  outputs the notebook stores. On, notebooks run through jupyter-cache, kept beside the doctrees, so only a
  notebook whose code changed runs again; a cell that raises fails the build with a warning naming the
  notebook, the cell and its line, instead of MyST-NB's traceback;
- outputs load nothing from another site: ipywidgets' scripts (from a CDN) are never added,
  ``application/javascript`` and widget views are not rendered, and each HTML output loses its scripts,
  event handlers, frames and anything it would fetch from elsewhere (each removal is logged, naming the cell);
  image outputs get a text alternative ("Output of cell 3") unless the cell's metadata gives one, and the
  first of them is the post's picture on cards when its front matter names no ``image``;
- MyST Markdown notebooks with a ``date:`` in their front matter can be read at all (MyST-NB's reader keeps
  YAML dates as datetimes, which the notebook it writes cannot hold);
- an output that changed leaves no stale file in ``_images`` on a rebuild;
- cells are styled in furo's colours (``publication-notebook.css``, on pages that show a notebook): MyST-NB's
  own style sheet follows the system's colour scheme rather than furo's switch, and no page loads it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from publication.shared.patching import DeferredImport, Patch
from publication.site.assets import add_static_path, drop_from_page, static_name
from publication.site.frontmatter import (
    cell_lines,
    cell_text,
    front_matter_cell,
    is_notebook,
    read_front_matter,
)
from publication.site.posts import OUTPUT_IMAGE_KEY

logger = logging.getLogger(__name__)

#: Where jupyter-cache keeps executed notebooks, inside the doctree folder (docs/_build/...), so a rebuild
#: finds them and `nox -s clean` removes them.
CACHE_FOLDER = "jupyter_cache"

#: Outputs a page cannot show without a script from elsewhere (ipywidgets' manager) or without running code.
UNRENDERED_MIME_TYPES = ("application/vnd.jupyter.widget-view+json", "application/javascript")

#: Elements of an HTML output that run code or fetch from another site by being on a page.
ACTIVE_ELEMENTS = ("script", "iframe", "frame", "object", "embed", "applet", "base", "meta", "link", "form")
#: Attributes whose URL a browser fetches when the element is shown.
FETCHED = ("src", "srcset", "poster", "data", "background", "href", "xlink:href")
#: A CSS ``url()`` that names another site, in a ``style`` attribute or element.
REMOTE_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?:[a-z][a-z0-9+.-]*:(?!image/)|//)|@import", re.IGNORECASE)
OTHER_SITE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
SAFE_SCHEMES = re.compile(r"^\s*(?:data:image/|#)", re.IGNORECASE)


def configure_execution(app: Sphinx, config: Config) -> None:
    """MyST-NB's settings from the publication's one switch, and no scripts from a CDN."""
    if "myst_nb" not in config.extensions:
        return
    execute = config.publication_execute_notebooks
    config.nb_execution_mode = "cache" if execute else "off"
    config.nb_execution_cache_path = str(Path(app.doctreedir) / CACHE_FOLDER)
    # a failing cell is reported here, at its line; MyST-NB's own error is a traceback
    config.nb_execution_raise_on_error = False
    config.nb_execution_show_tb = False
    config.nb_ipywidgets_js = {}
    overrides = list(config.nb_mime_priority_overrides)
    overrides += [("*", mime_type, None) for mime_type in UNRENDERED_MIME_TYPES]
    config.nb_mime_priority_overrides = overrides


def jsonable(value: Any) -> Any:
    """A front-matter value as notebook metadata can hold it (JSON): dates as ISO text."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def lift_front_matter_cell(app: Sphinx, docname: str, source: list[str]) -> None:
    """Move an ``.ipynb`` post's front-matter cell into its metadata, and hide the cell.

    The cell stays (tagged ``remove-cell``, which MyST-NB leaves out), so cell numbers in messages are those
    the author sees in Jupyter.
    """
    if not is_notebook(app.env.doc2path(docname)):
        return
    try:
        notebook = json.loads(source[0])
    except ValueError:
        return  # publication.site.sources reports it
    cell = front_matter_cell(notebook) if isinstance(notebook, dict) else None
    if cell is None:
        return
    front = read_front_matter(cell_text(cell).strip() + "\n")  # dates stay text (FrontMatterLoader)
    metadata = notebook.setdefault("metadata", {})
    if isinstance(metadata, dict):
        metadata.update(jsonable(front.values))
    cell_metadata = cell.setdefault("metadata", {})
    tags = cell_metadata.setdefault("tags", [])
    if isinstance(tags, list) and "remove-cell" not in tags:
        tags.append("remove-cell")
    source[0] = json.dumps(notebook)


def cell_line(env: Any, docname: str, index: int) -> int:
    """The line of the source file on which cell ``index`` (from 0) begins."""
    path = Path(env.doc2path(docname))
    if is_notebook(path):
        lines = cell_lines(path.read_text(encoding="utf-8"))
        return lines[index] if index < len(lines) else 1
    source_map = env.metadata.get(docname, {}).get("source_map") or []  # MyST Markdown notebooks
    return source_map[index] + 1 if index < len(source_map) else 1


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "an error"


def report_execution_errors(app: Sphinx, doctree: nodes.document) -> None:
    """A notebook that failed to run fails the build, naming the notebook, the cell and its line."""
    docname = app.env.docname
    executed = getattr(app.env, "nb_metadata", {}).get(docname, {}).get("exec_data")
    if not executed or executed.get("succeeded", True):
        return
    failed = None
    for cell in doctree.findall(
        lambda node: isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"
    ):
        if any("traceback" in node["classes"] for node in cell.findall(nodes.literal_block)):
            failed = cell
            break
    if failed is None:
        logger.warning(
            f"running the notebook failed ({executed.get('error') or 'an error'}) before any cell raised: "
            "check its kernel (pip install ipykernel) and run it in Jupyter",
            location=(docname, 1),
            type="publication",
            subtype="notebook",
        )
        return
    index = failed["cell_index"]
    traceback = next(node for node in failed.findall(nodes.literal_block) if "traceback" in node["classes"])
    logger.warning(
        f"cell {index + 1} raised {last_line(traceback.astext())} when the notebook ran: fix the cell, "
        "or tag it 'raises-exception' if the error is what it shows",
        location=(docname, cell_line(app.env, docname, index)),
        type="publication",
        subtype="notebook",
    )


def sanitise_html_output(html: str) -> tuple[str, list[str]]:
    """An HTML output without what would run or fetch from another site; and what was removed."""
    soup = BeautifulSoup(html, "html.parser")
    removed: list[str] = []
    for element in soup.find_all(ACTIVE_ELEMENTS):
        removed.append(f"<{element.name}>")
        element.decompose()
    for element in soup.find_all(True):
        for attribute in list(element.attrs):
            value = element.attrs[attribute]
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attribute.lower().startswith("on"):
                removed.append(f"{attribute}=")
                del element.attrs[attribute]
            elif attribute.lower() in FETCHED and text.strip().lower().startswith("javascript:"):
                removed.append(f"{attribute}=javascript:")
                del element.attrs[attribute]
            elif attribute.lower() == "style" and REMOTE_CSS_URL.search(text):
                removed.append("style= that fetches")
                del element.attrs[attribute]
            elif (
                attribute.lower() in FETCHED
                and element.name != "a"
                and any(
                    OTHER_SITE.match(part) and not SAFE_SCHEMES.match(part)
                    for part in (text.split(",") if attribute.lower() == "srcset" else [text])
                )
            ):
                removed.append(f"<{element.name} {attribute}> from another site")
                element.decompose()
                break
    for style in soup.find_all("style"):
        if REMOTE_CSS_URL.search(style.get_text()):
            removed.append("<style> that fetches")
            style.decompose()
    return (str(soup), removed) if removed else (html, [])


#: Ends of table cells, rows, paragraphs and list items with the next tag right after: words either side would
#: run together in the search index, which strips tags from HTML without leaving a space.
RUN_TOGETHER = re.compile(r"(</(?:td|th|tr|p|li|dd|dt|caption)>|<br\s*/?>)(?=<)", re.IGNORECASE)


def output_cell(node: nodes.Node) -> nodes.Element | None:
    """The notebook cell a node of the page belongs to (MyST-NB's container with its index)."""
    cell = node.parent
    while cell is not None and not (isinstance(cell, nodes.container) and "cell_index" in cell.attributes):
        cell = cell.parent
    return cell


def prepare_outputs(app: Sphinx, doctree: nodes.document) -> None:
    """HTML outputs without what would run or load from another site (logged), their words apart for
    search; image outputs with a text alternative."""
    docname = app.env.docname
    for raw in list(doctree.findall(nodes.raw)):
        if "text_html" not in raw["classes"]:
            continue
        html, removed = sanitise_html_output(raw.astext())
        raw.children = [nodes.Text(RUN_TOGETHER.sub(r"\1\n", html))]
        if removed:
            cell = output_cell(raw)
            where = f"cell {cell['cell_index'] + 1}'s" if cell is not None else "an"
            left_out = ", ".join(sorted(set(removed)))
            logger.info(
                f"{app.env.doc2path(docname)}: {where} HTML output is shown without {left_out}"
                " (no page runs a notebook's scripts or loads from another site)"
            )
    for image in doctree.findall(nodes.image):
        cell = output_cell(image)
        if cell is None or image.get("alt"):
            continue
        # Sphinx would write the file's path as its alt text; say what it is instead (an author gives a
        # better one in the cell's metadata: {"mystnb": {"image": {"alt": "..."}}})
        image["alt"] = f"Output of cell {cell['cell_index'] + 1}"
    first = next((image for image in doctree.findall(nodes.image) if output_cell(image) is not None), None)
    if first is not None:
        # the card's picture when the front matter names none (publication.site.theme.post_image); the file
        # is published as _images/<its name>, a digest of its content
        app.env.metadata[docname][OUTPUT_IMAGE_KEY] = {"file": Path(first["uri"]).name, "alt": first["alt"]}


STYLE = "publication-notebook.css"


def shows_notebook(doctree: Any) -> bool:
    return doctree is not None and any(
        True
        for _ in doctree.findall(
            lambda node: isinstance(node, nodes.container) and "nb_element" in node.attributes
        )
    )


def cell_styles(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """The site's notebook styles on pages that show a notebook's cells; MyST-NB's own on none."""
    if shows_notebook(doctree):
        app.add_css_file(STYLE)
    sheets = {static_name(css) for css in context.get("css_files", [])}
    drop_from_page(context, "css_files", {name for name in sheets if name.startswith("mystnb.")})


#: How MyST-NB names an output it writes as a file: the SHA-256 of its content.
OUTPUT_FILE = re.compile(r"[0-9a-f]{64}\.[A-Za-z0-9]+")


def drop_stale_outputs(app: Sphinx, exception: Exception | None) -> None:
    """Output files no page shows any more leave ``_images``: an output that changed gets a new name, and
    Sphinx never deletes the old file, so a rebuild would publish what a clean build does not."""
    if exception is not None or app.builder.format != "html":
        return
    shown = {Path(unique).name for _docnames, unique in app.env.images.values()}
    folder = Path(app.outdir) / "_images"
    if folder.is_dir():
        for path in folder.iterdir():
            if OUTPUT_FILE.fullmatch(path.name) and path.name not in shown:
                path.unlink()


READ_MYST_NOTEBOOK = Patch(
    owner="myst_nb.core.read",
    name="read_myst_markdown_notebook",
    package="myst-nb",
    versions=">=1.4,<2",
    where="publication.site.notebooks",
    retire="when MyST-NB reads a MyST notebook's YAML dates as text (its nbformat.writes fails on a "
    "datetime); not reported upstream yet",
)

#: MyST-NB's clients that run notebooks, imported by MyST-NB when it loads whether or not anything runs:
#: jupyter-cache, SQLAlchemy and nbclient, 0.7 s of every build's start. Execution is off by default here,
#: so each is imported the first time a notebook runs instead.
EXECUTION_CLIENTS = tuple(
    DeferredImport(
        module=f"myst_nb.core.execute.{module}",
        names=(name,),
        package="myst-nb",
        versions=">=1.4,<2",
        where="publication.site.notebooks",
        retire="when MyST-NB imports its execution clients only when it executes; not reported upstream yet",
    )
    for module, name in (
        ("cache", "NotebookClientCache"),
        ("direct", "NotebookClientDirect"),
        ("inline", "NotebookClientInline"),
    )
)


def setup(app: Sphinx) -> dict[str, Any]:
    if "myst_nb" in app.config.extensions:  # before MyST-NB loads: the site lists "publication" first
        for client in EXECUTION_CLIENTS:
            client.install()
    app.add_config_value("publication_execute_notebooks", False, "env", types=[bool])
    app.connect("config-inited", configure_execution)
    app.connect("source-read", lift_front_matter_cell)
    app.connect("doctree-read", report_execution_errors)
    app.connect("doctree-read", prepare_outputs)
    app.connect("config-inited", add_static_path)
    app.connect("build-finished", drop_stale_outputs)
    # after MyST-NB and every extension added its style sheets (unused_styles runs there too)
    app.connect("html-page-context", cell_styles, priority=900)
    if "myst_nb" in app.config.extensions:
        original = READ_MYST_NOTEBOOK.check()
        if not getattr(original, "publication_patch", False):  # once per process, however many builds

            def read_myst_markdown_notebook(*args: Any, **kwargs: Any) -> Any:
                notebook = original(*args, **kwargs)
                notebook.metadata = nbformat.from_dict(jsonable(dict(notebook.metadata)))
                return notebook

            read_myst_markdown_notebook.publication_patch = True  # type: ignore[attr-defined]
            READ_MYST_NOTEBOOK.apply(read_myst_markdown_notebook)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

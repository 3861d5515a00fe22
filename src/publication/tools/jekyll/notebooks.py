"""A Jupyter notebook a Jekyll post embeds (jekyll-jupyter-notebook, al-folio) makes it a notebook post.

al-folio's sample post wraps the embed in ``{::nomarkdown}`` with a ``file_exists`` check and an apology for a
missing file; the plugin's README shows the plain ``{% jupyter_notebook "path" %}``. Where the file is in the
Jekyll site, the post is written as an ``.ipynb`` post (:mod:`publication.site.notebooks`): a first raw cell
with its front matter, the post's Markdown before the embed, the notebook's own cells with their stored
outputs, then the Markdown after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import nbformat

from .liquid import code_spans

#: al-folio's scaffolding around the embed: one ``{::nomarkdown}`` span that holds a ``jupyter_notebook`` tag.
_SCAFFOLD = re.compile(
    r"\{::nomarkdown\}(?:(?!\{:/nomarkdown\}).)*?\{%-?\s*jupyter_notebook\b.*?\{:/nomarkdown\}", re.S
)
_TAG = re.compile(r"\{%-?\s*jupyter_notebook\s+(?P<argument>.*?)\s*-?%\}", re.S)
_ASSIGN = r"\{%-?\s*assign\s+NAME\s*=\s*(?P<quote>[\"'])(?P<path>[^\"']+)(?P=quote)"
#: Either form; al-folio's sample post first shows the scaffolding as code, inside ``{% raw %}``.
_EMBED = re.compile(f"{_SCAFFOLD.pattern}|{_TAG.pattern}", re.S)
_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
_FILE_EXISTS = re.compile(r"\{%-?\s*file_exists\s+(?P<path>[^\s%]+)\s*-?%\}")

#: Ids of the cells the importer writes; a notebook's own cells keep theirs.
FRONT_MATTER_ID = "jekyll-front-matter"


@dataclass(frozen=True)
class Embed:
    """Where a post embeds a notebook, and the notebook's path in the Jekyll site."""

    start: int
    end: int
    path: str
    source: str  # the embed as written, scaffolding included


def find_embed(body: str) -> Embed | None:
    """The first notebook ``body`` embeds (al-folio's scaffolded form or the plain tag), or None; an embed
    shown as code (in a code block, inline code or ``{% raw %}``) is not one."""
    shown = code_spans(body) + [(raw.start(), raw.end()) for raw in _RAW.finditer(body)]
    match = next(
        (found for found in _EMBED.finditer(body) if not any(s <= found.start() < e for s, e in shown)), None
    )
    if match is None:
        return None
    source = match.group(0)
    tag = _TAG.search(source)
    argument = tag.group("argument").split("|")[0].strip() if tag else ""
    path = argument[1:-1] if len(argument) >= 2 and argument[0] == argument[-1] in "\"'" else ""
    if not path and re.fullmatch(r"[\w.-]+", argument):  # a variable: al-folio assigns it just before
        assigned = re.search(_ASSIGN.replace("NAME", re.escape(argument)), source)
        path = assigned.group("path") if assigned else ""
    if not path:
        exists = _FILE_EXISTS.search(source)
        path = exists.group("path") if exists else ""
    if not path:
        return None
    return Embed(match.start(), match.end(), path, source)


def notebook_file(site_root: Path | None, path: str) -> Path | None:
    """The notebook file ``path`` (a site path, as the plugin reads it) names in the Jekyll site, or None."""
    if site_root is None:
        return None
    parts = PurePosixPath(unquote(urlparse(path).path).lstrip("/")).parts
    if not parts or ".." in parts or not parts[-1].endswith(".ipynb"):
        return None
    candidate = site_root.joinpath(*parts)
    return candidate if candidate.is_file() else None


def unreadable(notebook: Path) -> str | None:
    """Why ``notebook`` cannot become the cells of a post (not JSON, not a valid notebook), or None."""
    try:
        nbformat.validate(nbformat.reads(notebook.read_text(encoding="utf-8"), as_version=4))
    # nbformat's reader fails on JSON of the wrong shape with whatever Python raised (AttributeError ...)
    except (OSError, ValueError, AttributeError, TypeError, KeyError, nbformat.ValidationError) as error:
        first = str(error).strip().split("\n", 1)[0]
        return f"{type(error).__name__}: {first[:120]}"
    return None


def notebook_post(front_matter: str, before: str, notebook: Path, after: str) -> str:
    """The ``.ipynb`` text of a notebook post: front matter cell, Markdown before, the notebook's cells with
    their stored outputs, Markdown after. Cell ids are fixed so that importing again writes the same bytes."""
    embedded = nbformat.reads(notebook.read_text(encoding="utf-8"), as_version=4)
    cells = [nbformat.v4.new_raw_cell(f"---\n{front_matter}---", id=FRONT_MATTER_ID)]
    if before.strip():
        cells.append(nbformat.v4.new_markdown_cell(before.strip("\n"), id="jekyll-before"))
    for number, cell in enumerate(embedded.cells):
        cell.setdefault("id", f"cell-{number}")
        cells.append(cell)
    if after.strip():
        cells.append(nbformat.v4.new_markdown_cell(after.strip("\n"), id="jekyll-after"))
    post = nbformat.v4.new_notebook(cells=cells, metadata=embedded.metadata)
    nbformat.validate(post)
    return nbformat.writes(post) + "\n"


def as_markdown(text: str) -> str:
    """What a reader of a notebook post finds, as Markdown the importer's accounting reads: the front matter,
    the Markdown cells, and each code cell's code and text outputs as code blocks."""
    notebook = nbformat.reads(text, as_version=4)
    parts: list[str] = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" or (cell.cell_type == "raw" and cell.get("id") == FRONT_MATTER_ID):
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(_fenced(cell.source))
            for output in cell.get("outputs", []):
                shown = output.get("text") or output.get("data", {}).get("text/plain")
                if shown:
                    parts.append(_fenced("".join(shown) if isinstance(shown, list) else shown))
    return "\n\n".join(parts) + "\n"


def _fenced(code: str) -> str:
    fence = "`" * max(3, max((len(run) + 1 for run in re.findall("`+", code)), default=0))
    return f"{fence}\n{code.rstrip()}\n{fence}"

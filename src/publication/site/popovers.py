"""Citation and footnote previews: the full reference in a popover, right where it is cited.

sphinxcontrib-bibtex offers at most a ``title`` attribute on a citation. On every page that has an
in-text citation or a footnote reference, this extension adds a small script and style sheet of the
site's own (no third-party script, nothing from another origin) that show the target footnote's text,
links included, in a popover on hover, keyboard focus or a first tap. The page's HTML is left as it is:
without scripts the links still jump to the bibliography, and feeds carry the post unchanged.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from publication.site.assets import add_static_path, add_to_page

SCRIPT = "publication-popovers.js"
STYLE = "publication-popovers.css"


def cites_or_notes(doctree: nodes.document | None) -> bool:
    """Whether a page refers to a footnote: a footnote reference, or a ``{footcite}`` citation."""
    if doctree is None:
        return False
    for node in doctree.findall(lambda n: isinstance(n, nodes.footnote_reference | nodes.reference)):
        if isinstance(node, nodes.footnote_reference) or "footcite" in node.get("classes", []):
            return True
    return False


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Only pages with something to preview load the script (Sphinx adds these to this page alone)."""
    if cites_or_notes(doctree):
        add_to_page(app, SCRIPT, STYLE)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""A copy button on every code block, from a small script of the site's own, on pages with code only.

sphinx-copybutton did this with 7 KiB gzipped on each page that has code (every post: it ends with a
BibTeX entry to copy): ClipboardJS, a stand-in for the ``navigator.clipboard`` every browser has had since
2020, and its messages in ten languages. That was a quarter of a post's 30 KiB budget; this script and its
style sheet weigh about 1.3 KiB. Like sphinx-copybutton configured for this site, it copies a block's code
without line numbers, prompts and console output (``static/publication-copy.js`` says how).
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from publication.site.assets import add_static_path, add_to_page

SCRIPT = "publication-copy.js"
STYLE = "publication-copy.css"


def has_code(doctree: nodes.document | None) -> bool:
    return doctree is not None and next(iter(doctree.findall(nodes.literal_block)), None) is not None


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Only pages with a code block load the button (Sphinx adds these to this page alone)."""
    if has_code(doctree):
        add_to_page(app, SCRIPT, STYLE)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

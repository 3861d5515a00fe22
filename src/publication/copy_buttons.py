"""sphinx-copybutton's script and style only on pages that have a code block to copy.

sphinx-copybutton adds its files (with ClipboardJS: 7 KiB gzipped) to every page. The home page, archives
and most pages have no code; they load none of it. Posts keep it: each ends with a BibTeX entry to copy.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: sphinx-copybutton's files, by name.
FILES = ("clipboard.min.js", "copybutton.js", "copybutton.css")


def _name(asset: Any) -> str:
    return str(getattr(asset, "filename", asset)).split("?")[0].rsplit("/", 1)[-1]


def has_code(doctree: nodes.document | None) -> bool:
    return doctree is not None and next(iter(doctree.findall(nodes.literal_block)), None) is not None


def drop_unused(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if has_code(doctree):
        return
    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [asset for asset in context[key] if _name(asset) not in FILES]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", drop_unused, priority=900)  # after every extension has added its files
    return {"parallel_read_safe": True, "parallel_write_safe": True}

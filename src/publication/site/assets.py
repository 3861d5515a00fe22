"""The package's own scripts and style sheets (``src/publication/static``), shipped with every site.

Extensions that need a file from there connect :func:`add_static_path` and, from ``html-page-context``,
add it with :func:`add_to_page` to the pages that use it; :func:`drop_from_page` takes off a page the
files other extensions add that it does not use. Nothing is loaded from another origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.config import Config

STATIC = Path(__file__).parent / "static"


def add_static_path(_app: object, config: Config) -> None:
    """Ship the package's static files; first, so a file of the same name in the site's own wins."""
    if str(STATIC) not in config.html_static_path:  # a new list: the default is every application's
        config.html_static_path = [str(STATIC), *config.html_static_path]


def add_to_page(app: Any, script: str, style: str | None = None) -> None:
    """Load a script (deferred: it never holds up the page) and a style sheet on the page being written.

    Called from ``html-page-context``, Sphinx adds them to this page alone.
    """
    app.add_js_file(script, loading_method="defer")
    if style:
        app.add_css_file(style)


def drop_from_page(context: dict, key: str, names: set[str] | tuple[str, ...]) -> None:
    """Remove the files named (under ``_static``) from the page's ``script_files`` or ``css_files``."""
    if key in context:
        # in place: it is the builder's list, which Sphinx restores after each page
        context[key][:] = [asset for asset in context[key] if static_name(asset) not in names]


def static_name(asset: Any) -> str:
    """A page's script or style sheet as its path under ``_static`` (Sphinx keeps some as ``_static/…``)."""
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")

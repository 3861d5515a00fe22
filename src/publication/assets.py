"""The package's own scripts and style sheets (``src/publication/static``), shipped with every site.

Extensions that need a file from there connect :func:`add_static_path` and add the file to the pages
that use it; nothing is loaded from another origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.config import Config

STATIC = Path(__file__).parent / "static"


def add_static_path(_app: object, config: Config) -> None:
    """Ship the package's static files; first, so a file of the same name in the site's own wins."""
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.insert(0, str(STATIC))


def static_name(asset: Any) -> str:
    """A page's script or style sheet as its path under ``_static`` (Sphinx keeps some as ``_static/…``)."""
    return str(getattr(asset, "filename", asset)).removeprefix("_static/")

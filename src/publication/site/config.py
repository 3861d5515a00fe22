"""The publication's own settings are ``publication_*``; a setting of an earlier name is named, not ignored.

Sphinx ignores a name in ``conf.py`` that no extension declares, so a site written for an earlier version
of the package would silently lose its sitemap exclusions, comments or time zone.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Earlier names of settings, each borrowed from another package's prefix, and their names now.
RENAMED = {
    "blog_timezone": "publication_timezone",
    "sitemap_excludes": "publication_sitemap_excludes",
    "linkcheck_cache_max_age": "publication_linkcheck_cache_max_age",
    "comments_provider": "publication_comments_provider",
    "giscus": "publication_giscus",
}


def renamed_settings(names: Any) -> list[str]:
    """A message for each earlier setting name among ``names``."""
    return [
        f"conf.py: the setting {old!r} is now called {new!r}: rename it"
        for old, new in RENAMED.items()
        if old in names
    ]


def report_renamed(app: Sphinx, config: Config) -> None:
    for message in renamed_settings(config._raw_config):
        logger.warning(message, type="publication", subtype="config")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", report_renamed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

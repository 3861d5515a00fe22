"""Settings checked before anything reads them: each bad value is named, and the build goes on without it.

The publication's own settings are ``publication_*``; a setting of an earlier name is named, not ignored
(Sphinx ignores a name in ``conf.py`` that no extension declares, so a site written for an earlier version
of the package would silently lose its sitemap exclusions, comments or time zone). A value of the wrong
type, a time zone that does not exist, or an ablog setting ablog would refuse with a traceback
(``blog_authors`` entries that are not ``(name, link)``, a ``blog_default_author`` that is no author) is a
warning naming the setting, and the setting's default is used so that the build reports every other problem
too; under ``-W`` the build fails.
"""

from __future__ import annotations

from typing import Any

import ablog.blog
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

from publication.site.frontmatter import timezone_from_config

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


def _warn(message: str) -> None:
    logger.warning(f"conf.py: {message}", type="publication", subtype="config")


def report_renamed(app: Sphinx, config: Config) -> None:
    for message in renamed_settings(config._raw_config):
        logger.warning(message, type="publication", subtype="config")


def wrong_type(value: Any, valid_types: Any) -> bool:
    """Whether a value is not of a setting's declared types (settings declared without types pass)."""
    types = tuple(valid_types) if isinstance(valid_types, list | tuple | frozenset | set) else ()
    return bool(types) and all(isinstance(t, type) for t in types) and not isinstance(value, types)


def check_own_settings(app: Sphinx, config: Config) -> None:
    """A publication_* setting of the wrong type is named, and its default used."""
    for name, option in config._options.items():
        if not name.startswith("publication_") or name not in config._raw_config:
            continue
        value = getattr(config, name)
        if wrong_type(value, option.valid_types):
            expected = " or ".join(t.__name__ for t in option.valid_types)
            _warn(f"{name} must be {expected}, not {value!r}; using {option.default!r}")
            setattr(config, name, option.default)
    try:
        timezone_from_config(config.publication_timezone)
    except ValueError as error:
        _warn(f"{error}; using UTC")
        config.publication_timezone = "UTC"


def check_ablog_settings(app: Sphinx, config: Config) -> None:
    """ablog checks its settings only when it first needs them, and stops with a traceback: ask it first."""
    for option in ablog.blog.CONFIG:
        if len(option) < 4:
            continue
        name, default, _rebuild, verify = option
        try:
            verify(name, getattr(config, name), config)
        except (KeyError, ValueError, TypeError, AttributeError) as error:
            reason = error.args[0] if isinstance(error, KeyError) and error.args else str(error)
            _warn(f"{name}: {reason}; using {default!r}")
            setattr(config, name, default)


def setup(app: Sphinx) -> dict[str, Any]:
    # before ablog (500) and publication.site.drafts (600) read them, before Sphinx's type check (800)
    app.connect("config-inited", check_ablog_settings, priority=50)
    app.connect("config-inited", check_own_settings, priority=50)
    app.connect("config-inited", report_renamed)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

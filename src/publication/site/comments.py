"""Comments under the posts that ask for them, from giscus (GitHub Discussions), loaded only on request.

Configured once in ``docs/conf.py``::

    publication_comments_provider = "giscus"
    publication_giscus = {
        "repo": "owner/name", "repo_id": "R_...", "category": "Comments", "category_id": "DIC_..."
    }

A published post whose front matter says ``comments: true`` then ends, after its previous/next links,
with a comments section: a heading, a note on what loading the comments shares with whom, and a "Load
comments" button. Nothing comes from giscus.app until the reader presses it; then the site's own script
inserts giscus's ``client.js`` with the configured ``data-*`` attributes and a theme that follows furo's
light or dark mode. With no provider (the default) no page has any comment markup. Each problem in the
settings (an unknown provider, a missing or unknown key) is a warning naming it, so a strict build fails.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from publication.site.assets import add_static_path, add_to_page
from publication.site.posts import published_post

logger = logging.getLogger(__name__)

PROVIDERS = ("giscus",)
SCRIPT = "publication-comments.js"
STYLE = "publication-comments.css"
#: Keys of the ``giscus`` setting, as on https://giscus.app (``data-repo-id`` is ``repo_id`` here).
GISCUS_REQUIRED = ("repo", "repo_id", "category", "category_id")
GISCUS_DEFAULTS: dict[str, str] = {
    "mapping": "pathname",
    "strict": "0",
    "reactions_enabled": "1",
    "emit_metadata": "0",
    "input_position": "bottom",
}
#: Optional keys without a default: ``term`` (for mapping "specific" or "number"), ``theme`` (else the
#: theme follows furo's light or dark mode) and ``lang`` (else the site's ``language``).
GISCUS_OPTIONAL = ("term", "theme", "lang")


@dataclass(frozen=True)
class CommentSettings:
    """What a comments section needs: the provider and the ``data-*`` attributes of its script."""

    provider: str
    attributes: dict[str, str]


def _attribute_value(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"  # giscus reads "1" and "0"
    return str(value)


def giscus_attributes(giscus: Mapping[str, Any], language: str | None) -> tuple[dict[str, str], list[str]]:
    """The ``data-*`` attributes of giscus's script from the ``giscus`` setting, and what is wrong with it.

    Attribute names are the keys with ``-`` for ``_``, without the ``data-`` prefix.
    """
    problems = []
    if not isinstance(giscus, Mapping):
        return {}, [f"publication_giscus must be a dict of settings, not {type(giscus).__name__}"]
    for key in GISCUS_REQUIRED:
        if not str(giscus.get(key) or "").strip():
            problems.append(f"publication_giscus[{key!r}] is missing: copy it from https://giscus.app")
    known = (*GISCUS_REQUIRED, *GISCUS_DEFAULTS, *GISCUS_OPTIONAL)
    for key in giscus:
        if key not in known:
            problems.append(f"publication_giscus[{key!r}] is not a giscus setting; known: {', '.join(known)}")
    settings = {**GISCUS_DEFAULTS, **({"lang": language} if language else {}), **giscus}
    attributes = {
        key.replace("_", "-"): _attribute_value(value)
        for key, value in settings.items()
        if key in known and value is not None
    }
    return attributes, problems


def comment_settings(config: Any) -> tuple[CommentSettings | None, list[str]]:
    """The site's comment settings (None when comments are off or misconfigured), and their problems."""
    provider = config.publication_comments_provider
    if not provider:
        return None, []
    if provider not in PROVIDERS:
        return None, [
            f"publication_comments_provider {provider!r} is not supported; use one of: {', '.join(PROVIDERS)}"
        ]
    attributes, problems = giscus_attributes(config.publication_giscus, config.language)
    if problems:
        return None, problems
    return CommentSettings(provider, attributes), []


def report_problems(app: Sphinx) -> None:
    """Warn once per build about each problem in the comment settings."""
    for problem in comment_settings(app.config)[1]:
        # a location would be read as a document name; the message names the setting instead
        logger.warning(f"conf.py: {problem}", type="publication", subtype="comments")


def has_comments(app: Sphinx, pagename: str) -> bool:
    """Only a published post can ask for comments: pages and drafts never get a discussion."""
    record = published_post(app.env, pagename)
    return record is not None and record.comments


def place_after_related_pages(footer: str, section: str) -> str:
    """furo's footer with the comments section between the previous/next links and the copyright.

    furo's ``footer`` block has no smaller block to fill, so the section goes in before its
    ``bottom-of-page`` part; if furo renames that, after the whole footer.
    """
    marker = '<div class="bottom-of-page">'
    if marker in footer:
        return footer.replace(marker, f"{section}\n        {marker}", 1)
    return f"{footer}\n{section}"


def add_comments(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    settings, _ = comment_settings(app.config)
    if settings is None or not has_comments(app, pagename):
        return
    context["publication_comments"] = settings
    context["place_comments"] = place_after_related_pages
    add_to_page(app, SCRIPT, STYLE)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_comments_provider", None, "html", types=[str, type(None)])
    app.add_config_value("publication_giscus", {}, "html", types=[dict])
    app.connect("config-inited", add_static_path)
    app.connect("builder-inited", report_problems)
    app.connect("html-page-context", add_comments)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""The footer's copyright years come from the posts: the first published post's year to the newest's.

With ``publication_copyright_holder`` set (``docs/conf.py`` sets it to ``author``), every page's footer reads
"Copyright © 2020–2026, The Editors", the years being those of the earliest and the newest published post
(one year when they agree; the holder alone before the first post). Drafts and future posts do not count.
Nothing in ``docs/conf.py`` needs editing on New Year's Day, and Sphinx's ``copyright`` is left as
written for a site that does not set the holder.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from publication.site.posts import all_posts


def post_years(env: BuildEnvironment) -> tuple[int, int] | None:
    """The years of the earliest and the newest published post, as each post's date was written."""
    years = [record.date.year for record in all_posts(env) if record.published and record.date is not None]
    return (min(years), max(years)) if years else None


def copyright_years(env: BuildEnvironment) -> tuple[int, int] | None:
    """The years this build found once all posts were read (rewrite_when_years_change), else found now:
    looking through every post again for every page (or every feed) took 2 s of a build at 1,000 posts."""
    return getattr(env, "publication_copyright_years", None) or post_years(env)


def copyright_text(years: tuple[int, int] | None, holder: str) -> str:
    if years is None:
        return holder
    first, last = years
    span = str(first) if first == last else f"{first}–{last}"
    return f"{span}, {holder}" if holder else span


def footer_copyright(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    holder = app.config.publication_copyright_holder
    if holder is not None:
        context["copyright"] = copyright_text(copyright_years(app.env), holder)


def rewrite_when_years_change(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Every page's footer changes with the years: write them all again when they do."""
    if app.config.publication_copyright_holder is None:
        return []
    new = post_years(env)
    changed = hasattr(env, "publication_copyright_years") and env.publication_copyright_years != new
    env.publication_copyright_years = new  # type: ignore[attr-defined]  # pickled with the environment
    return sorted(env.found_docs) if changed else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_copyright_holder", None, "html", types=[str, type(None)])
    app.connect("html-page-context", footer_copyright)
    app.connect("env-get-updated", rewrite_when_years_change)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

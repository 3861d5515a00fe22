"""Drafts and future-dated posts stay out of the published site; a preview shows them, marked.

A post with no ``date``, or dated after the build's cut-off (now, or ``SOURCE_DATE_EPOCH``), is not read at
all when the site is built for publishing: no page, no listing, no feed, no sitemap entry, no search entry.
The build says which posts it held back, so nothing the author wrote disappears silently. With
``publication_show_drafts = True`` (``nox -s preview`` sets it) they are built like any post, their
pages say they are drafts, and the sidebar lists them under "Drafts" (future posts by date, then undated
ones), where a writer looks for the post they are working on.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinx.util.matching import Matcher

from publication.site.ablog_patches import publication_cutoff
from publication.site.files import walk, write_if_changed
from publication.site.frontmatter import parse_datetime, read_post_front_matter, timezone_from_config
from publication.site.posts import all_posts

logger = logging.getLogger(__name__)

#: Each post's date as last read (in the doctree folder), so that a build reads again only the posts that
#: changed: at 1,000 posts, reading every front matter took a tenth of a rebuild that changes nothing.
DATES = "publication-post-dates.json"


def publication_date(text: str, timezone: dt.tzinfo, path: str = ".md") -> dt.datetime | bool | None:
    """The post's date; None if it has none (a draft); False if the post is empty or its front matter broken.

    Such a post is built anyway, so that the build reports what is wrong with it. ``path`` tells a notebook
    (its front matter is in its metadata or first raw cell) from Markdown.
    """
    front = read_post_front_matter(path, text)
    if front.problems or not text.strip():
        return False  # publication.site.sources reports an empty post
    if "date" not in front.values:
        return None
    try:
        return parse_datetime(front.values["date"], timezone)
    except ValueError:
        return False


def declares_post(text: str, path: str = ".md") -> bool:
    """Whether a page's front matter says ``blogpost: true``: ablog makes it a post wherever it lives."""
    return "blogpost" in text and read_post_front_matter(path, text).values.get("blogpost") is True


def post_sources(srcdir: Path, patterns: list[str]) -> list[str]:
    """The files ablog's ``blog_post_pattern`` matches (found as ablog finds them, with glob.glob), by their
    names relative to ``srcdir`` (ablog keeps them without suffix)."""
    found = set()
    for pattern in patterns:
        for name in glob.glob(pattern, root_dir=srcdir, recursive=True):
            if os.path.isfile(os.path.join(srcdir, name)):
                found.add(name.replace(os.sep, "/"))
    return sorted(found)


def other_sources(app: Sphinx, config: Config, posts: list[str]) -> list[str]:
    """The site's other source files, which may still be posts by their front matter (names relative to the
    source folder)."""
    srcdir = str(app.srcdir)
    matcher = Matcher([*config.exclude_patterns, "**/_build", "**/.*"])
    suffixes = config.source_suffix
    suffixes = [suffixes] if isinstance(suffixes, str) else list(suffixes)
    # extensions' suffixes (MyST's .md) join config.source_suffix only later in config-inited
    suffixes += list(app.registry.source_suffix)
    ends = tuple(dict.fromkeys(suffixes))
    found = set()
    # os.walk into the folders Sphinx reads, as Sphinx does: not into excluded ones, such as the output
    # (docs/_build, thousands of files), nor through links to folders (as Path.rglob did)
    for prefix, subfolders, files in walk(srcdir):
        subfolders[:] = [name for name in subfolders if not matcher(prefix + name)]
        for file in files:
            name = prefix + file
            if file.endswith(ends) and not matcher(name) and os.path.isfile(os.path.join(srcdir, name)):
                found.add(name)
    return sorted(found - set(posts))


class PostDates:
    """Posts' publication dates, read from a post only when its file changed since the last build."""

    def __init__(self, store: Path, timezone: dt.tzinfo) -> None:
        self.store, self.timezone = store, timezone
        try:
            saved = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            saved = {}
        # a date written without an offset is read in the configured time zone: another one, read again
        self.previous = saved.get("dates", {}) if saved.get("timezone") == str(timezone) else {}
        self.current: dict[str, list[Any]] = {}

    def read(self, path: Path, name: str) -> tuple[dt.datetime | bool | None, bool]:
        """The file's date (as :func:`publication_date`) and whether it declares itself a post.

        Raises OSError or UnicodeDecodeError for a file Sphinx reports.
        """
        stat = path.stat()
        seen = self.previous.get(name)
        if seen is not None and len(seen) == 4 and seen[:2] == [stat.st_mtime_ns, stat.st_size]:
            value, declared = seen[2], seen[3]
        else:
            text = path.read_text(encoding="utf-8")
            date = publication_date(text, self.timezone, path.name)
            value = date.isoformat() if isinstance(date, dt.datetime) else date
            declared = declares_post(text, path.name)
        self.current[name] = [stat.st_mtime_ns, stat.st_size, value, declared]
        return (dt.datetime.fromisoformat(value) if isinstance(value, str) else value), declared

    def date(self, path: Path, name: str) -> dt.datetime | bool | None:
        return self.read(path, name)[0]

    def save(self) -> None:
        data = {"timezone": str(self.timezone), "dates": self.current}
        # on one line: json's encoder in C (with an indent, its Python one: a fifth of this check's time)
        write_if_changed(self.store, json.dumps(data, sort_keys=True).encode())


def hold_back_drafts(app: Sphinx, config: Config) -> None:
    """Exclude unpublished posts from the build, unless drafts are to be shown."""
    if config.publication_show_drafts:
        return
    srcdir = Path(app.srcdir)
    dates = PostDates(Path(app.doctreedir) / DATES, timezone_from_config(config.publication_timezone))
    cutoff = publication_cutoff()
    held: list[str] = []
    posts = post_sources(srcdir, config.blog_post_pattern)
    for name, matched in [
        *((name, True) for name in posts),
        *((name, False) for name in other_sources(app, config, posts)),
    ]:
        try:
            date, declared = dates.read(srcdir / name, name)
        except (OSError, UnicodeDecodeError):
            continue  # Sphinx reports it
        if not (matched or declared):
            continue
        if date is None or (date is not False and date > cutoff):
            held.append(name)
            docname = os.path.splitext(name)[0]
            if docname in config.matched_blog_posts:
                config.matched_blog_posts.remove(docname)
    dates.save()
    # exclude_patterns are glob patterns: a post named draft[1].md must exclude that file, not draft1.md
    config.exclude_patterns = [*config.exclude_patterns, *(glob.escape(name) for name in held)]
    if held:
        logger.info(
            "held back %d unpublished post(s), not dated or dated in the future: %s "
            "(nox -s preview shows them)",
            len(held),
            ", ".join(held),
        )


def sidebar_drafts(app: Sphinx) -> list[dict[str, str]]:
    """Each unpublished post's page, title and state, future ones by date first, for sidebar/blog.html."""
    if not app.config.publication_show_drafts:
        return []  # a published build has none to show, and shows none
    drafts = [record for record in all_posts(app.env) if not record.published]
    drafts.sort(key=lambda r: (r.date is None, r.date or dt.datetime.min.replace(tzinfo=dt.UTC), r.docname))
    return [
        {
            "docname": record.docname,
            "title": record.title or record.docname,
            "state": f"scheduled {record.date.date().isoformat()}" if record.date else "draft",
        }
        for record in drafts
    ]


def drafts_for_the_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    context["publication_drafts"] = sidebar_drafts(app)


def rewrite_when_drafts_change(app: Sphinx, env: Any) -> list[str]:
    """A preview writes every page again when the sidebar's list of drafts changes (a draft begun)."""
    if not app.config.publication_show_drafts:
        return []
    new = sidebar_drafts(app)
    changed = hasattr(env, "publication_sidebar_drafts") and env.publication_sidebar_drafts != new
    env.publication_sidebar_drafts = new  # pickled with the environment
    return sorted(env.found_docs) if changed else []


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.ablog_patches")
    app.add_config_value("publication_show_drafts", False, "env", types=[bool])
    app.connect("config-inited", hold_back_drafts, priority=600)  # after ablog has matched the posts
    app.connect("html-page-context", drafts_for_the_sidebar)
    app.connect("env-get-updated", rewrite_when_drafts_change)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

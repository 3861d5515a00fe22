"""One record per post: its front matter read, checked and normalised once, and read by every output.

:class:`PostRecord` holds what the site says about a post: its file and the line of each field, address,
title, description, dates with their offsets (and the one rule for "last modified"), authors resolved to
``blog_authors``, category and tags with the slugs of their archive pages, image, comments, the addresses
it redirects from, its series (and place in it), and whether it is published (and, if not, why).
:mod:`publication.site.frontmatter` makes it while Sphinx reads the post; it lives in the build environment
(``env.metadata``, which Sphinx merges after parallel reads), and cards, bylines, feeds, the sitemap,
scholarly metadata, comments and redirects all read it through :func:`post_record` or :func:`published_post`.

Checks that need every post at once run here after reading: two spellings of a tag or category that share
one archive page, and redirects that would replace a page of the site or write outside it.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import ablog.blog
import ablog.post
from ablog.blog import slugify
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from publication.site.paging import later_page_names

logger = logging.getLogger(__name__)

#: Where a post's record is kept in ``env.metadata[docname]``.
RECORD_KEY = "publication"


@dataclass(frozen=True)
class Label:
    """A tag or category as the author wrote it, and the slug of its archive page."""

    name: str
    slug: str

    @classmethod
    def of(cls, name: str) -> Label:
        return cls(name, slugify(name))


@dataclass(frozen=True)
class Author:
    """An author: the ``blog_authors`` key (or the name as written, for a name not in it), name and link."""

    key: str
    name: str
    url: str | None = None
    orcid: str | None = None  # checked, as 0000-0002-1825-0097 (publication.site.identifiers)
    affiliation: str | None = None


@dataclass
class PostRecord:
    """Everything the site says about one post, checked, with the line each field came from."""

    docname: str
    source: str  # the file, relative to the source folder
    lines: dict[str, int] = field(default_factory=dict)
    title: str = ""
    description: str | None = None
    date: dt.datetime | None = None  # aware: written with its offset, or in publication_timezone
    updated: dt.datetime | None = None
    authors: tuple[Author, ...] = ()
    categories: tuple[Label, ...] = ()
    tags: tuple[Label, ...] = ()
    image: str | None = None  # relative to the source folder
    image_alt: str = ""
    comments: bool = False
    redirects: tuple[str, ...] = ()  # old addresses (document names) that lead to this post
    series: Label | None = None  # the multi-part essay the post is a part of (publication.site.series)
    series_order: int | None = None  # its place there; parts without one follow by date
    doi: str | None = None  # checked, without https://doi.org/ (publication.site.identifiers)

    @property
    def draft(self) -> str | None:
        """Why the post is not published by this build (None when it is)."""
        return draft_reason(self.date, build_cutoff())

    @property
    def published(self) -> bool:
        return self.draft is None

    @property
    def last_modified(self) -> dt.datetime | None:
        """When the post last changed: its ``updated`` time if it has one, else its date.

        The one rule for feeds, the sitemap, JSON-LD, Open Graph and the BibTeX note; an ``updated`` before
        ``date`` is refused when the post is read, so the two never disagree.
        """
        return self.updated or self.date

    def line(self, key: str) -> int:
        """The line a front-matter key was written on (the front matter's first line if it was not)."""
        return self.lines.get(key, 1)


def build_cutoff() -> dt.datetime:
    """The instant up to which this build publishes posts: the one ablog compares dates with.

    publication.site.ablog_patches sets it once per build (now, or ``SOURCE_DATE_EPOCH``), so a record read
    by an earlier build is judged by this build's clock, as ablog judges it.
    """
    return ablog.blog.TOMORROW


def draft_reason(date: dt.datetime | None, cutoff: dt.datetime) -> str | None:
    """Why a post with this date is not published at ``cutoff``, or None if it is."""
    if date is None:
        return "it has no date"
    if date > cutoff:
        return f"it is dated {date.isoformat()}, after this build"
    return None


def resolve_authors(
    names: list[str], blog_authors: dict[str, Any], people: dict[str, Any] | None = None
) -> tuple[Author, ...]:
    """Authors by ``blog_authors`` key (with their name, link, and ORCID iD and affiliation from ``people``,
    the checked ``publication_people``), or by name as written."""
    found = []
    for name in names:
        entry = blog_authors.get(name)
        if isinstance(entry, list | tuple) and entry:
            person = (people or {}).get(name)
            found.append(
                Author(
                    name,
                    str(entry[0]),
                    entry[1] if len(entry) > 1 else None,
                    getattr(person, "orcid", None),
                    getattr(person, "affiliation", None),
                )
            )
        else:
            found.append(Author(name, name))
    return tuple(found)


def record_of_ablog_post(post: Any) -> PostRecord:
    """A record for a post ablog found without front matter this package read (a ``post`` directive)."""
    return PostRecord(
        docname=post.docname,
        source=post.docname,
        title=post.title,
        date=post.date,
        authors=tuple(Author(c.label, str(c), c.href) for c in post.author or []),
        categories=tuple(Label.of(str(c)) for c in post.category or []),
        tags=tuple(Label.of(str(c)) for c in post.tags or []),
    )


def record_for(env: BuildEnvironment, post: Any) -> PostRecord:
    """The record of one of ablog's posts: the one read from its front matter, else one made from ablog's."""
    return post_record(env, post.docname) or record_of_ablog_post(post)


def post_record(env: BuildEnvironment, docname: str) -> PostRecord | None:
    """The record of a post (a draft included), or None for a page that is not a post."""
    record = env.metadata.get(docname, {}).get(RECORD_KEY)
    return record if isinstance(record, PostRecord) else None


#: Where a notebook post's first image output is kept in ``env.metadata[docname]`` (set by notebooks.py).
OUTPUT_IMAGE_KEY = "publication_output_image"


def output_image(env: BuildEnvironment, docname: str) -> dict[str, str] | None:
    """A notebook post's first image output (its ``file`` in ``_images`` and its ``alt``), or None: the
    picture of its card when its front matter names no image."""
    return env.metadata.get(docname, {}).get(OUTPUT_IMAGE_KEY)


def published_post(env: BuildEnvironment, docname: str) -> PostRecord | None:
    """The record of a published post: the one answer to "is this a published post?"."""
    record = post_record(env, docname)
    return record if record is not None and record.published else None


def all_posts(env: BuildEnvironment) -> list[PostRecord]:
    """Every post's record, in document-name order."""
    return [record for docname in sorted(env.all_docs) if (record := post_record(env, docname))]


def _warn(record: PostRecord, key: str, message: str) -> None:
    logger.warning(message, location=(record.docname, record.line(key)), type="publication", subtype="post")


def check_label_slugs(
    records: list[PostRecord], key: str, noun: str, folder: str = ""
) -> list[tuple[PostRecord, str]]:
    """Tags (or categories) whose spellings share one archive page, each named with its posts."""
    spellings: dict[str, dict[str, list[PostRecord]]] = defaultdict(lambda: defaultdict(list))
    for record in records:
        for label in getattr(record, key):
            spellings[label.slug][label.name].append(record)
    problems = []
    for slug, names in sorted(spellings.items()):
        if len(names) < 2:
            continue
        described = "; ".join(
            f"{name!r} in {', '.join(sorted(r.source for r in posts))}"
            for name, posts in sorted(names.items())
        )
        for posts in names.values():
            for record in posts:
                problems.append(
                    (
                        record,
                        f"{noun}s spelled differently share one page, {folder}{slug}.html: {described}; "
                        f"spell the {noun} the same way in every post",
                    )
                )
    return problems


#: Pages Sphinx and sphinx-notfound-page write that no source file names.
BUILDER_PAGES = ("genindex", "search", "404", "py-modindex")


def blog_of(app: Sphinx) -> ablog.blog.Blog:
    """ablog's registry of posts and drafts, filled from the environment if no handler has done it yet."""
    blog = ablog.blog.Blog(app)
    if not blog:
        ablog.post.register_posts(app)
    return blog


def generated_pages(app: Sphinx) -> set[str]:
    """The pages the blog and Sphinx write that no source file names: listings, archives, indexes."""
    blog = blog_of(app)
    pages = {*BUILDER_PAGES, blog.posts.docname, blog.drafts.docname}
    for catalog in (blog.author, blog.location, blog.language, blog.category, blog.archive, blog.tags):
        pages.add(catalog.docname)
        pages.update(collection.docname for collection in catalog)
    series = {  # publication.site.series: one page per series with a published part
        f"{app.config.blog_path}/series/{record.series.slug}"
        for record in all_posts(app.env)
        if record.series is not None and record.published
    }
    return pages | series | later_page_names(blog, app.config.publication_posts_per_page)  # blog/page/2, ...


def redirect_problem(old: str, docs: set[str], generated: set[str]) -> str | None:
    """Why a redirect from ``old`` cannot be written, or None if it can."""
    normal = posixpath.normpath(old)
    if old.startswith("/") or normal.startswith("..") or normal in ("", "."):
        return f"'redirect': {old!r} is outside the site: write the old address relative to the site's root"
    if normal in docs:
        return f"'redirect': {old!r} is the address of the page {normal} itself; a redirect would replace it"
    if normal in generated:
        return f"'redirect': {old!r} is the address of {normal}, a page the blog writes itself"
    return None


def redirects(app: Sphinx) -> tuple[dict[str, PostRecord], list[tuple[PostRecord, str]]]:
    """The redirect pages that may be written (old address -> post), and why each other one may not."""
    docs = set(app.env.found_docs)
    generated = generated_pages(app)
    writable: dict[str, PostRecord] = {}
    problems = []
    for record in all_posts(app.env):
        if not record.published:
            continue  # ablog writes no redirect for a draft
        for old in record.redirects:
            normal = posixpath.normpath(old)
            problem = redirect_problem(old, docs, generated)
            if problem is None and normal in writable:
                other = writable[normal].source
                problem = f"'redirect': {old!r} is also a redirect of {other}: keep it in one post"
            if problem:
                problems.append((record, problem))
            else:
                writable[normal] = record
    return writable, problems


def check_posts(app: Sphinx, env: BuildEnvironment) -> None:
    """After reading: name tags or categories that collide, and redirects that cannot be written."""
    records = all_posts(env)
    blog_path = app.config.blog_path
    for record, message in check_label_slugs(records, "tags", "tag", f"{blog_path}/tag/"):
        _warn(record, "tags", message)
    for record, message in check_label_slugs(records, "categories", "category", f"{blog_path}/category/"):
        _warn(record, "category", message)
    for record, message in redirects(app)[1]:
        _warn(record, "redirect", message)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-check-consistency", check_posts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

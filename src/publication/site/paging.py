"""Listings in pages: all posts, and each tag, category and author, a set number of posts a page.

``publication_posts_per_page`` (default 10) posts a page, newest first. Page 1 keeps the listing's address
(``blog.html``, ``blog/tag/<slug>.html``); page n is the listing's address without ``.html``, then
``/page/<n>.html`` (``blog/page/2.html``, ``blog/tag/<slug>/page/2.html``). Each page is a plain ``.html``
file, like every other page of the site: any static host serves it and a browser opens it from disk, with no
rewrite rule mapping a folder (``blog/page/2/``) to its ``index.html``; Sphinx's relative links work from
it as from any page; and page 1 stays where links, bookmarks and search engines already point.

A listing that fits on one page has no pager. The archive by year stays one page (a year is its own
natural page), and so do the indexes of all tags, categories and authors.

What each page shows is a :class:`Paging` in its template context (``templates/ablog/collection.html``,
``pager.html``); :mod:`publication.site.rebuilds` fingerprints each page by its own posts, so an edit
rewrites only the page that lists the post, and a page that no longer exists is deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

DEFAULT_POSTS_PER_PAGE = 10
#: ablog's catalogs whose collections are listed in pages (the archive by year is not).
PAGED_CATALOGS = ("tags", "category", "author", "location", "language")
#: How many page numbers the pager shows on either side of the current page, besides the first and last.
PAGER_REACH = 2


def page_bounds(total: int, per_page: int) -> list[tuple[int, int]]:
    """Where each page of a listing of ``total`` posts starts and stops (slice bounds), in page order.

    A listing always has its first page, even when it is empty.
    """
    if per_page < 1:
        raise ValueError(f"per_page must be at least 1, not {per_page!r}")
    if total <= 0:
        return [(0, 0)]
    return [(start, min(start + per_page, total)) for start in range(0, total, per_page)]


def page_name(docname: str, number: int) -> str:
    """The page name of page ``number`` of the listing at ``docname``: page 1 is the listing itself."""
    return docname if number == 1 else f"{docname}/page/{number}"


def pager_numbers(current: int, count: int, reach: int = PAGER_REACH) -> list[int | None]:
    """The page numbers a pager links, in order: the first, the last, and ``reach`` either side of the
    current page; ``None`` stands for numbers left out (shown as an ellipsis). A gap of one number is
    shown as that number, never as an ellipsis that takes as much room."""
    shown = {1, count, *range(max(1, current - reach), min(count, current + reach) + 1)}
    numbers: list[int | None] = []
    previous = 0
    for number in sorted(shown):
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis for numbers left out
    pagename: str = ""


@dataclass(frozen=True)
class Paging:
    """One page of a listing, as its template shows it."""

    number: int
    count: int
    total: int  # posts in the whole listing
    first: int  # the position of this page's first post in the listing, from 1
    posts: tuple[Any, ...]
    links: tuple[PageLink, ...]
    prev: str | None  # the page of newer posts
    next: str | None  # the page of older posts

    @property
    def state(self) -> tuple[int, int, int]:
        """What the page shows besides its posts (for fingerprints of what changed)."""
        return (self.number, self.count, self.total)


def pages_of(docname: str, posts: list[Any], per_page: int) -> list[Paging]:
    """The pages of the listing at ``docname`` of ``posts`` (newest first)."""
    bounds = page_bounds(len(posts), per_page)
    count = len(bounds)
    names = [page_name(docname, number) for number in range(1, count + 1)]
    pages = []
    for number, (start, stop) in enumerate(bounds, start=1):
        links = tuple(
            PageLink(n, names[n - 1]) if n is not None else PageLink(None)
            for n in pager_numbers(number, count)
        )
        pages.append(
            Paging(
                number=number,
                count=count,
                total=len(posts),
                first=start + 1,
                posts=tuple(posts[start:stop]),
                links=links,
                prev=names[number - 2] if number > 1 else None,
                next=names[number] if number < count else None,
            )
        )
    return pages


def is_paged(blog: Any, collection: Any) -> bool:
    """Whether a listing ablog writes is shown in pages: all posts, and each tag, category, author."""
    if collection is blog.posts:
        return True
    return any(collection.catalog is getattr(blog, name) for name in PAGED_CATALOGS)


def later_page_names(blog: Any, per_page: int) -> set[str]:
    """The names of every listing page after the first (the pages no source file or redirect may take)."""
    collections = [blog.posts, *(c for name in PAGED_CATALOGS for c in getattr(blog, name))]
    return {
        page_name(collection.docname, number)
        for collection in collections
        for number in range(2, len(page_bounds(len(collection), per_page)) + 1)
    }


def split_into_pages(
    blog: Any, per_page: int, pagename: str, context: dict[str, Any], template: str
) -> Iterator[tuple[str, dict[str, Any], str]]:
    """ablog's page for a listing, as one page per ``per_page`` posts (other pages as they are)."""
    collection = context.get("collection")
    if collection is None or template != "ablog/collection.html" or not is_paged(blog, collection):
        yield pagename, context, template
        return
    for paging in pages_of(pagename, list(collection), per_page):
        yield page_name(pagename, paging.number), {**context, "paging": paging}, template


def number_the_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Pages after the first say which they are in their title (``<title>``, heading, description)."""
    paging = context.get("paging")
    if isinstance(paging, Paging) and paging.number > 1:
        context["title"] = f"{context.get('title', '')} (page {paging.number} of {paging.count})"


def check_posts_per_page(app: Sphinx, config: Config) -> None:
    """A ``publication_posts_per_page`` that is not a whole number of at least 1 is named; 10 is used."""
    value = config.publication_posts_per_page
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        logger.warning(
            f"conf.py: publication_posts_per_page must be a whole number of at least 1, not {value!r}; "
            f"using {DEFAULT_POSTS_PER_PAGE}",
            type="publication",
            subtype="config",
        )
        config.publication_posts_per_page = DEFAULT_POSTS_PER_PAGE


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_posts_per_page", DEFAULT_POSTS_PER_PAGE, "html", types=[int])
    app.connect("config-inited", check_posts_per_page)
    # after publication.site.theme's archive_title (300) has made the title HTML; before anything reads it
    app.connect("html-page-context", number_the_title, priority=350)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

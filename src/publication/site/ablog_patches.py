"""Every change this project makes to ablog's own behaviour, in one place.

Each patch answers a measured problem of ablog 0.11.13 (see the test named beside it):

* ablog compares post dates with a naive "tomorrow", so a date with a UTC offset crashes the build
  ("can't compare offset-naive and offset-aware datetimes"). Front matter dates are made aware by
  :mod:`publication.site.frontmatter`; here ablog's cut-off and far-future sentinels become aware too, and the
  cut-off is *now* (or ``SOURCE_DATE_EPOCH``), so a post dated later today is not published early.
  -> ``tests/test_posts.py::test_offset_aware_date_builds``
* ablog publishes drafts and future-dated posts on a ``blog/drafts`` page. The published site lists no
  draft, so that page is not generated. -> ``tests/test_posts.py::test_drafts_are_listed_nowhere``
* ablog injects its own ``page.html``, which extends ``layout.html``; furo answers that with an error stub
  on every page while a strict build still passes. The injection is switched off; the templates ablog's
  generated pages need live in ``publication/templates/ablog/`` and extend furo's ``page.html``.
  -> ``tests/test_site.py::test_no_page_shows_furo_error_stub``
* ablog fills its post registry lazily, from whichever of its own handlers runs first after reading; a
  handler of ours that runs before them would see no posts. :func:`blog_of` fills it when it is empty.
  -> ``tests/test_scholarly.py::test_sitemap_lists_published_pages_only``
* ablog does not say it is safe for parallel reading, so ``-j`` falls back to one process with a warning
  that ``-W`` turns into a failure. What it keeps while reading is ``env.ablog_posts`` (by document) and
  labels in the standard domain (which Sphinx merges itself); merging ``ablog_posts`` in ``env-merge-info``
  makes it safe, as sunpy/ablog PR #330 proposes. -> ``tests/test_parallel.py``
* ablog writes a redirect page at any address a post's ``redirect`` names, the home page or a path outside
  the output folder included. Only the redirects :func:`publication.site.posts.redirects` accepts are
  written; the others are named as errors. -> ``tests/test_posts.py::test_redirects_stay_inside_the_site``
* ablog parses each post's date again from the text of its front matter; it takes the record's instead,
  so there is one parse and one "last modified". -> ``tests/test_posts.py``
* ablog keeps a full copy of every post's document in the environment, for its own full-text feeds; this
  project writes its feeds from the built pages, so the copies only made the environment, loaded at the
  start of every build, twice as big. They are dropped after reading. Its excerpt (the first paragraph)
  still points at the whole document it came from, and so pickled all of it again: the pointer is dropped
  too (46 MB -> 6 MB at 1,000 posts). ablog's copy is not even made any more: 2 ms of each post's reading.
  -> ``tests/test_feeds.py`` (full posts), ``tests/test_posts.py``
"""

from __future__ import annotations

import datetime as dt
import inspect
import os
import posixpath
from collections.abc import Iterator
from typing import Any

import ablog.blog
import ablog.post
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config

from publication.shared.patching import Patch, PatchError, TemplateOverride
from publication.site.paging import split_into_pages
from publication.site.posts import blog_of, post_record, redirects

#: What every patch below was written for: the release that first supports Sphinx 9, up to the next minor
#: release, whose internals (``env.ablog_posts``, the module-level dates, the archive listener) may differ.
ABLOG = {"package": "ablog", "versions": ">=0.11.13,<0.12", "where": "publication.site.ablog_patches"}
TOMORROW = Patch(
    owner="ablog.blog",
    name="TOMORROW",
    retire="when ablog compares post dates with an aware datetime; not reported upstream yet",
    **ABLOG,
)
FUTURE = Patch(owner="ablog.blog", name="FUTURE", retire="with TOMORROW", **ABLOG)
ARCHIVE_PAGES = Patch(
    owner="ablog.post",
    name="generate_archive_pages",
    retire="when ablog lists no drafts on the published site and writes only redirects inside it; "
    "not reported upstream yet",
    **ABLOG,
)
PROCESS_POSTS = Patch(
    owner="ablog.post",
    name="process_posts",  # fills env.ablog_posts, the one thing merge_posts must merge
    retire="sunpy/ablog PR #330 (parallel reading), once released; and when ablog no longer copies each "
    "post's whole document, not reported upstream yet",
    **ABLOG,
)
_ablog_process_posts = PROCESS_POSTS.check()
#: How ablog's process_posts copies a one-post document (``section`` is the document) and keeps the copy.
DOCUMENT_COPY = ("section_copy = section.deepcopy()", '"doctree": section_copy')
#: ablog renders its generated pages with these templates; ours (publication/site/templates/ablog/) take
#: their names, extending furo's page.html instead of the layout.html that furo replaces with an error stub.
ABLOG_TEMPLATES = tuple(
    TemplateOverride(
        folder="templates",
        template=f"ablog/{name}",
        retire="sunpy/ablog#108 and #323 (ablog templates under furo)",
        **ABLOG,
    )
    for name in ("catalog.html", "collection.html", "redirect.html")
)


def publication_cutoff(environ: dict[str, str] = os.environ) -> dt.datetime:  # type: ignore[assignment]
    """The instant up to which posts are published: ``SOURCE_DATE_EPOCH`` if set, else now (UTC)."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC)


def use_aware_dates() -> None:
    """Give ablog aware datetimes to compare post dates with."""
    TOMORROW.apply(publication_cutoff())
    FUTURE.apply(dt.datetime.max.replace(tzinfo=dt.UTC))


def published_archive_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """ablog's archive pages, without the page that lists drafts, only the redirects that may be written,
    and listings in pages (publication.site.paging).

    ablog writes a redirect page at whatever address a post's ``redirect`` names: ``index`` would replace
    the home page, ``../../x`` would write outside the output folder. publication.site.posts names those;
    here they are not written.
    """
    blog = blog_of(app)
    writable = redirects(app)[0]
    for pagename, context, template in ablog.post.generate_archive_pages(app):
        if pagename == blog.drafts.docname:
            continue
        if template == "ablog/redirect.html":
            record = writable.get(posixpath.normpath(pagename))
            if record is None or record.docname != context["redirect"]:
                continue
        # a listing of all posts, a tag, category or author: publication_posts_per_page posts a page
        yield from split_into_pages(blog, app.config.publication_posts_per_page, pagename, context, template)


def replace_listener(app: Sphinx, event: str, old: Any, new: Any, guard: Patch | None = None) -> None:
    """Connect ``new`` to ``event`` in the place of ``old``, at its priority; ``guard`` names the patch when
    ``old`` is no longer connected."""
    for listener in list(app.events.listeners[event]):
        if listener.handler is old:
            app.disconnect(listener.id)
            app.connect(event, new, priority=listener.priority)
            return
    if guard is not None:
        raise guard.fail(f"{guard.package} no longer connects it to {event}")
    raise PatchError(f"{old.__name__} is not connected to {event!r}: review publication.site.ablog_patches")


def merge_posts(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    """Take the posts a parallel reader found into the main environment."""
    found = getattr(other, "ablog_posts", {})
    posts = env.__dict__.setdefault("ablog_posts", {})
    for docname in docnames:
        if docname in found:
            posts[docname] = found[docname]


def check_document_copy() -> None:
    source = inspect.getsource(_ablog_process_posts)
    if not all(text in source for text in DOCUMENT_COPY):
        raise PROCESS_POSTS.fail("its process_posts no longer copies a post's document as it did")


def process_posts_without_copying_documents(app: Sphinx, doctree: nodes.document) -> None:
    """ablog's process_posts, without the copy of the whole document it keeps for each post (see above).

    drop_post_doctree_copies forgets the copy as soon as ablog has made it: 2 ms a post, most of ablog's
    share of reading. While ablog runs, the document's ``deepcopy`` (the instance's, for this call only)
    gives an empty section; ablog copies nothing else of the document as a whole (check_document_copy).
    """
    doctree.deepcopy = nodes.section  # type: ignore[method-assign]
    try:
        _ablog_process_posts(app, doctree)
    finally:
        del doctree.deepcopy


def drop_post_doctree_copies(app: Sphinx, doctree: Any) -> None:
    """After ablog has registered a post, forget its copy of the post's document (see above)."""
    for postinfo in getattr(app.env, "ablog_posts", {}).get(app.env.docname, []):
        postinfo["doctree"] = None
        for paragraph in postinfo["excerpt"]:
            for node in paragraph.findall():
                node.document = None  # listings put the excerpt into documents of their own


def take_dates_from_records(app: Sphinx, doctree: Any) -> None:
    """ablog's post dates are the record's: parsed once (publication.site.frontmatter), not again by ablog."""
    record = post_record(app.env, app.env.docname)
    for postinfo in getattr(app.env, "ablog_posts", {}).get(app.env.docname, []):
        if record is not None:
            postinfo["date"] = record.date
            postinfo["update"] = record.last_modified


def keep_ablog_templates_out(app: Sphinx, config: Config) -> None:
    config.skip_injecting_base_ablog_templates = True


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("ablog")
    app.setup_extension("publication.site.paging")  # publication_posts_per_page
    for guard in (PROCESS_POSTS, ARCHIVE_PAGES, *ABLOG_TEMPLATES):
        guard.check()
    app.extensions["ablog"].parallel_read_safe = True  # with merge_posts below
    app.connect("env-merge-info", merge_posts)
    check_document_copy()
    replace_listener(
        app, "doctree-read", _ablog_process_posts, process_posts_without_copying_documents, PROCESS_POSTS
    )
    app.connect("doctree-read", drop_post_doctree_copies, priority=900)  # after ablog's process_posts
    app.connect("doctree-read", take_dates_from_records, priority=900)
    use_aware_dates()
    app.connect("config-inited", keep_ablog_templates_out, priority=100)
    replace_listener(
        app, "html-collect-pages", ablog.post.generate_archive_pages, published_archive_pages, ARCHIVE_PAGES
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}

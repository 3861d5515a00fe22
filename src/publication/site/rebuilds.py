"""Incremental builds that do only the work a change needs, and still equal a clean build byte for byte.

Pages show blog data that lives outside their own source: every page's sidebar lists the recent posts, the
home page the latest ones with excerpts, posts their previous and next post, ``{postlist}`` pages and
ablog's archive pages their posts. Sphinx re-reads and rewrites only the files that changed, and ablog
re-renders every archive page on every build. Here, after reading, the blog's listing data is compared with
the last build's, and exactly the pages that show something that changed are written again:

- the recent posts (sidebar) changed: every page;
- the order or titles of the posts changed: every post (its previous/next links);
- the latest posts' listing changed: the home page; any post's listing changed: pages with a ``{postlist}``;
- an archive page is rendered only when what it lists changed (or its file is missing);
- the site's design changed: every page. Pages are made with the templates, and link each style sheet and
  script with a ``?v=`` checksum of its content; Sphinx writes again only the pages older than the newest
  template, so a template removed (an override the site dropped) or a static file edited left every page
  as it was, still linking the old file by its old checksum, which readers' browsers keep serving from
  their caches (:func:`design_of`);
- the navigation changed (a page added to a toctree, or retitled): every page, which all show it in their
  sidebar (:func:`navigation_of`).

Sphinx never deletes what it wrote: a removed post, a post turned back into a draft, or a tag no post
carries any more would stay in the output (and be published). Their pages are deleted here. And Sphinx's
search index, pruned of a removed page, keeps the words only that page had, with no page: they are dropped
(:func:`prune_search_index`), so the index equals a clean build's. And Sphinx reads ``searchindex.js`` back
and writes it again on every build, even one that writes no page and removes none, whose index cannot have
changed: 0.5 s of a no-change build at 1,000 posts. Such a build leaves the file as it is
(:func:`load_search_index_unless_unchanged`); the preview starts each build from the index its last build
wrote, kept in memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.search import IndexBuilder

from publication.shared.patching import Patch
from publication.site.ablog_patches import blog_of, published_archive_pages, replace_listener
from publication.site.copyright import copyright_years
from publication.site.files import walk
from publication.site.posts import output_image, post_record
from publication.site.reading_time import reading_time

#: Posts in the sidebar's "Recent posts" (templates/sidebar/blog.html); the home page shows
#: ``publication_home_posts`` (publication.site.theme).
SIDEBAR_POSTS = 5
#: Where the archive pages' fingerprints are kept between builds (in the doctree folder: not published).
ARCHIVE_FINGERPRINTS = "publication-archive-pages.json"


def listing_of(app: Sphinx, post: Any) -> tuple[Any, ...]:
    """Everything a listing, card or link shows of a post."""
    record = post_record(app.env, post.docname)
    shown = (
        (record.updated, record.description, record.image, record.image_alt, record.authors, record.tags)
        if record
        else ()
    )
    excerpt = " ".join(node.astext() for node in post.excerpt)
    return (
        post.docname,
        post.title,
        post.date.isoformat() if post.date else "",
        repr(shown),
        [str(tag) for tag in post.tags],
        [str(c) for c in post.category],
        [str(a) for a in post.author],
        excerpt,
        reading_time(app.env, post.docname),
        repr(output_image(app.env, post.docname)),  # a notebook's card picture
    )


@dataclass(frozen=True)
class Listing:
    recent: tuple[Any, ...]
    order: tuple[Any, ...]
    home: tuple[Any, ...]
    everything: tuple[Any, ...]


def listing(app: Sphinx) -> Listing:
    blog = blog_of(app)
    posts = list(blog.posts)  # newest first
    # a post's row comes from its own source alone: one not read again by this build is as the last build
    # left it, in this application (the preview builds many times) or in the environment it loaded (at
    # 1,000 posts, a tenth of a second of every save and of every sphinx-build that reads few posts)
    known: dict[str, Any] = getattr(app, "publication_listing_rows", None) or {
        row[0]: row for row in getattr(getattr(app.env, "publication_listing", None), "everything", ())
    }
    read = set(getattr(app, "publication_read_docs", ()))
    rows = tuple(
        known[post.docname]
        if post.docname in known and post.docname not in read
        else _frozen(listing_of(app, post))
        for post in posts
    )
    app.publication_listing_rows = {row[0]: row for row in rows}  # type: ignore[attr-defined]
    return Listing(
        recent=tuple((post.docname, post.title) for post in posts[:SIDEBAR_POSTS]),
        order=tuple((post.docname, post.title) for post in posts),
        home=rows[: app.config.publication_home_posts],
        everything=rows,
    )


def _digest(row: Any) -> str:
    return hashlib.sha256(repr(row).encode()).hexdigest()


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value


def note_postlists(app: Sphinx, doctree: nodes.document) -> None:
    """Remember which documents hold a ``{postlist}``: they show other posts' listings."""
    from ablog.post import PostList

    if next(iter(doctree.findall(PostList)), None) is not None:
        app.env.metadata[app.env.docname]["publication_postlist"] = True


#: What pages link with a ``?v=`` checksum of the file (a template of one, ``.css_t`` or ``.css.jinja``, too).
LINKED_WITH_CHECKSUM = re.compile(r"\.(?:css|js)(?:_t|\.jinja)?$")


def design_files(app: Sphinx) -> Iterator[Path]:
    """The files every page is made with besides the documents: the templates (the site's, the package's and
    the theme's), and the style sheets and scripts Sphinx copies into ``_static`` (the theme's and
    ``html_static_path``'s). A superset of what the pages use: a file no page uses costs a rewrite, one missed
    a stale page."""
    templates = getattr(app.builder, "templates", None)
    for folder in getattr(templates, "pathchain", ()):  # each theme's folder holds its static/ too
        for prefix, _, names in walk(folder):
            for name in names:
                if name.endswith(".html") or LINKED_WITH_CHECKSUM.search(name):
                    yield Path(folder, prefix + name)
    for entry in app.config.html_static_path:
        path = Path(app.confdir, entry)
        if path.is_file():
            yield path
            continue
        for prefix, _, names in walk(path):
            yield from (Path(path, prefix + name) for name in names if LINKED_WITH_CHECKSUM.search(name))


def design_of(app: Sphinx) -> str:
    """A digest of the design files' names and contents: it changes when one is added, removed or edited."""
    digest = hashlib.sha256()
    for path in sorted(set(design_files(app))):
        with contextlib.suppress(OSError):  # gone since it was listed: it is not part of the design
            content = path.read_bytes()
            digest.update(f"{path}\0{len(content)}\0".encode(errors="surrogateescape") + content)
    return digest.hexdigest()


def navigation_of(env: BuildEnvironment) -> str:
    """A digest of the site's navigation: the documents the toctrees reach from the root document, in order,
    with their titles and each toctree's settings (caption, entries, hidden...). Every page shows it in its
    sidebar, and links its previous and next page in it; Sphinx writes again only the pages it read."""
    digest = hashlib.sha256()
    seen: set[str] = set()
    waiting = [env.config.root_doc]
    while waiting:
        docname = waiting.pop()
        if docname in seen:
            continue
        seen.add(docname)
        title, toc = env.titles.get(docname), env.tocs.get(docname)
        trees = [sorted(node.attributes.items()) for node in toc.findall(addnodes.toctree)] if toc else []
        shown = (docname, title.astext() if title else None, trees)
        digest.update(repr(shown).encode(errors="surrogateescape"))
        waiting.extend(reversed(env.toctree_includes.get(docname, [])))
    return digest.hexdigest()


def forget_compiled_templates(app: Sphinx) -> None:
    """Drop the templates the builder compiled. An application that builds again (the preview) holds them,
    each checked only against its own file: one added in front of it, in the site's templates, would never
    be used."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is not None and environment.cache is not None:
        environment.cache.clear()


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The documents, beyond those Sphinx read again, whose page shows listing data that changed, or all of
    them when the design or the navigation did."""
    new = listing(app)
    old: Listing | None = getattr(env, "publication_listing", None)
    env.publication_listing = new  # type: ignore[attr-defined]  # pickled with the environment
    design, navigation = design_of(app), navigation_of(env)
    old_design = getattr(env, "publication_design", None)
    old_navigation = getattr(env, "publication_navigation", None)
    env.publication_design, env.publication_navigation = design, navigation  # type: ignore[attr-defined]
    if old_design != design:
        forget_compiled_templates(app)
    if old is None:
        return []  # a first build writes every page anyway
    if old.recent != new.recent or old_navigation != navigation or old_design != design:
        return sorted(env.found_docs)
    rewrite: set[str] = set()
    if old.order != new.order:
        rewrite |= {docname for docname, _ in new.order + old.order}
    if old.home != new.home:
        rewrite.add(app.config.root_doc)
    if old.everything != new.everything:
        rewrite |= {name for name, meta in env.metadata.items() if meta.get("publication_postlist")}
    return sorted(rewrite & env.found_docs)


def note_read_docs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Remember the documents this build reads again (the list Sphinx reads, which other handlers of this
    event may still add to): their listing rows are made anew."""
    app.publication_read_docs = docnames  # type: ignore[attr-defined]


def note_removed(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Remember the documents gone since the last build (deleted, or held back as drafts)."""
    app.publication_removed = set(removed)  # type: ignore[attr-defined]
    return []


def delete_removed_pages(app: Sphinx, exception: Exception | None) -> None:
    """Delete the pages, and the BibTeX files beside posts, of documents that no longer exist."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for docname in getattr(app, "publication_removed", ()):
        page = Path(app.builder.get_outfilename(docname))  # a file name, not the (percent-encoded) address
        sources = list((outdir / "_sources").glob(f"{docname}.*.txt"))  # with html_copy_source
        for path in (page, page.with_suffix(".bib"), *sources):
            path.unlink(missing_ok=True)


def fingerprint(
    app: Sphinx,
    pagename: str,
    context: dict[str, Any],
    template: str,
    shared: tuple[Any, ...],
    listings: dict[str, Any],
) -> str:
    """What an archive page shows, as a hash: its posts' listings, its title, and what every page shares
    (the sidebar, the design, the navigation, the footer's years, the HTML configuration)."""
    paging = context.get("paging")  # one page of a listing (publication.site.paging) shows only its posts

    def row(post: Any) -> str:
        # each row's digest, made once for all the pages that list the post (repr of the rows themselves,
        # page after page, was most of this at 1,000 posts)
        return listings.get(post.docname) or _digest(_frozen(listing_of(app, post)))

    listed = paging.posts if paging else context.get("collection") or context.get("catalog") or []
    posts = []
    for item in listed:
        if hasattr(item, "docname") and hasattr(item, "title") and hasattr(item, "date"):
            posts.append(row(item))
        else:  # a catalog lists collections, each listing posts (drafts too, in a preview)
            posts.append((str(item), [row(p) for p in item]))
    state = (
        pagename,
        template,
        str(context.get("title", "")),
        str(context.get("redirect", "")),
        paging.state if paging else None,
        posts,
        shared,
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def settings_of(config: Any) -> str:
    """Every setting of the site, as a digest: those Sphinx does not count as changing pages too (ablog's
    archive titles). A set is taken in order, which changes from one process to the next; a value whose
    text names an object's address never equals the last build's, which then renders every archive page."""

    def canonical(value: Any) -> Any:
        if isinstance(value, dict):
            return [(repr(key), canonical(item)) for key, item in value.items()]
        if isinstance(value, set | frozenset):
            return sorted(repr(canonical(item)) for item in value)
        if isinstance(value, list | tuple):
            return [canonical(item) for item in value]
        return repr(value)

    return _digest([(option.name, canonical(option.value)) for option in config])


def nothing_read_or_removed(app: Sphinx) -> bool:
    """Whether this build read no document and removed none: the environment's posts are the last build's."""
    read = getattr(app, "publication_read_docs", None)  # note_read_docs and note_removed, for this build
    removed = getattr(app, "publication_removed", None)
    return read is not None and not read and removed is not None and not removed


def only_changed_archive_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """ablog's archive pages, skipping each one whose content has not changed since the last build.

    A build that read no document and removed none, with the same settings and what every page shares,
    makes none of them: their contexts (ablog sorts each listing's posts again) and fingerprints took a
    tenth of a second of a build that changes nothing, at 1,000 posts.
    """
    store = Path(app.doctreedir) / ARCHIVE_FINGERPRINTS
    try:
        kept = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        kept = {}
    kept = kept if isinstance(kept, dict) else {}  # a store of an older release is read as no store
    previous = kept.get("pages") if isinstance(kept.get("pages"), dict) else {}
    current = {}
    # computed after reading (pages_to_rewrite) and kept in the environment: not computed again here
    now: Listing = getattr(app.env, "publication_listing", None) or listing(app)
    shared = (
        now.recent,  # the sidebar's recent posts
        getattr(app.env, "publication_design", None) or design_of(app),  # computed after reading
        getattr(app.env, "publication_navigation", None) or navigation_of(app.env),
        copyright_years(app.env),  # every footer's (publication.site.copyright rewrites the documents' pages)
        getattr(app.builder, "config_hash", ""),  # Sphinx's hash of the configuration that pages depend on
    )
    state = _digest((shared, settings_of(app.config)))
    outdir, suffix = app.outdir, app.builder.out_suffix
    if (
        kept.get("state") == state
        and nothing_read_or_removed(app)
        and all(os.path.isfile(os.path.join(outdir, *f"{page}{suffix}".split("/"))) for page in previous)
    ):
        return
    listings = {row[0]: _digest(row) for row in now.everything}
    for pagename, context, template in published_archive_pages(app):
        current[pagename] = fingerprint(app, pagename, context, template, shared, listings)
        page = Path(app.builder.get_outfilename(pagename))
        if previous.get(pagename) == current[pagename] and page.is_file():
            continue
        yield pagename, context, template
    # a tag or category no published post carries any more; the last page of a listing that shrank
    for gone in previous.keys() - current.keys():
        page = Path(app.builder.get_outfilename(gone))
        page.unlink(missing_ok=True)
        if page.parent.name == "page":  # a listing's later pages live in <listing>/page/
            with contextlib.suppress(OSError):  # unless pages (or, a folder up, feeds) remain there
                page.parent.rmdir()
                page.parent.parent.rmdir()
    store.write_text(
        json.dumps({"state": state, "pages": current}, indent=0, sort_keys=True), encoding="utf-8"
    )


SPHINX = {"package": "sphinx", "versions": ">=8.2,<10", "where": "publication.site.rebuilds"}
PRUNE = Patch(
    owner="sphinx.search:IndexBuilder",
    name="prune",
    retire="when Sphinx's IndexBuilder.prune drops words left with no page; not reported upstream yet",
    **SPHINX,
)
_sphinx_prune = PRUNE.check()


def prune_search_index(self: IndexBuilder, docnames: Iterable[str]) -> None:
    """Sphinx's pruning, then the words that no page has any more (a clean build never lists them)."""
    _sphinx_prune(self, docnames)
    for mapping in (self._mapping, self._title_mapping):
        for word in [word for word, pages in mapping.items() if not pages]:
            del mapping[word]


LOAD_INDEXER = Patch(
    owner="sphinx.builders.html:StandaloneHTMLBuilder",
    name="load_indexer",
    retire="when Sphinx leaves an index no page changed as it is, and can keep one in memory between builds "
    "of one application; not proposed upstream yet",
    **SPHINX,
)
_sphinx_load_indexer = LOAD_INDEXER.check()
DUMP_SEARCH_INDEX = Patch(
    owner="sphinx.builders.html:StandaloneHTMLBuilder",
    name="dump_search_index",
    retire=LOAD_INDEXER.retire,
    **SPHINX,
)
_sphinx_dump_search_index = DUMP_SEARCH_INDEX.check()
#: The attribute of a builder that holds the search index its last build wrote, set by the preview.
KEPT_SEARCH_INDEX = "publication_search_index"


def load_search_index_unless_unchanged(self: Any, docnames: set[str]) -> None:
    """Sphinx's ``load_indexer``, skipped (and the index not written again) when no page is written and
    none was removed: the index is made from the pages' words and titles only, so it is the one on disk.

    A builder that keeps the index its last build wrote (the preview's, :data:`KEPT_SEARCH_INDEX`) starts
    from that one, pruned as Sphinx prunes the one it reads: decoding the file took 0.3 s of every save.
    """
    kept = getattr(self, KEPT_SEARCH_INDEX, None)
    if kept is not None:
        self.indexer = kept
        self.indexer.prune(set(self.env.all_docs).difference(docnames))
        self.publication_index_unchanged = False
        return
    removed = getattr(self._app, "publication_removed", None)  # note_removed's; Builder.app is deprecated
    self.publication_index_unchanged = (
        not docnames
        and removed is not None
        and not removed
        and (self.outdir / self.searchindex_filename).is_file()
    )
    if not self.publication_index_unchanged:
        _sphinx_load_indexer(self, docnames)


def dump_search_index_if_changed(self: Any) -> None:
    if not getattr(self, "publication_index_unchanged", False):
        _sphinx_dump_search_index(self)


def setup(app: Sphinx) -> dict[str, Any]:
    PRUNE.apply(prune_search_index)
    LOAD_INDEXER.apply(load_search_index_unless_unchanged)
    DUMP_SEARCH_INDEX.apply(dump_search_index_if_changed)
    app.setup_extension("publication.site.ablog_patches")
    app.setup_extension("publication.site.theme")  # publication_home_posts
    app.setup_extension("publication.site.files")
    app.connect("doctree-read", note_postlists)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("env-get-outdated", note_removed)
    app.connect("env-before-read-docs", note_read_docs)
    app.connect("build-finished", delete_removed_pages, priority=100)  # before sitemap and feeds
    replace_listener(app, "html-collect-pages", published_archive_pages, only_changed_archive_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

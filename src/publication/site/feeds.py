"""Atom and RSS 2.0 feeds for the whole blog, each tag and each category, carrying each post in full.

ablog's own feeds are Atom only, resolve links against the wrong page, double every bibliography entry
and stamp the build time. These feeds are built instead from each post page exactly as a reader sees
it (after Sphinx has written it), with every link and image made absolute against the page's own URL,
so citations, footnotes and cross-references point at the real page and anchor. Entry ids are the posts'
permanent URLs; a feed's ``updated`` time is that of its newest entry, never the clock.

The whole-blog Atom feed is also written to ``feed.xml``, where a Jekyll site serves its feed, so
subscribers who came from the old site keep receiving posts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import lxml.html
from docutils import nodes
from feedgen.feed import FeedGenerator
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

from publication.site.ablog_patches import blog_of, publication_cutoff
from publication.site.copyright import copyright_text, copyright_years
from publication.site.files import write_if_changed
from publication.site.identifiers import doi_url, orcid_url, site_license
from publication.site.parallel import map_in_workers
from publication.site.posts import PostRecord, record_for
from publication.site.scholarly import CITE_SECTION
from publication.site.series import Place, place_of, series_docname
from publication.site.theme import shorten

logger = logging.getLogger(__name__)

#: Where the whole-blog Atom feed is also served, for subscribers of the site's Jekyll past.
LEGACY_FEED = "feed.xml"
#: Attributes that hold a URL, made absolute in feed entries.
URL_ATTRIBUTES = ("href", "src", "poster", "cite")


@dataclass(frozen=True)
class Feed:
    """One feed: its title, the folder its files live in, and the posts it carries (none where only its
    addresses are needed)."""

    title: str
    folder: str
    posts: tuple[Any, ...] = ()

    @property
    def page(self) -> str:
        """The page that lists the feed's posts."""
        return f"{self.folder}.html"

    @property
    def atom(self) -> str:
        return f"{self.folder}/atom.xml"

    @property
    def rss(self) -> str:
        return f"{self.folder}/rss.xml"

    @property
    def json(self) -> str:
        return f"{self.folder}/feed.json"


@dataclass(frozen=True)
class Entry:
    """One post as every feed format carries it."""

    post: Any  # ablog's, for the feeds it belongs to
    record: PostRecord  # what the entry says of the post
    url: str
    content: str  # HTML, with absolute URLs
    summary: str  # plain text
    updated: dt.datetime


def site_feed(app: Sphinx) -> Feed:
    """The whole blog's feed (its addresses only)."""
    return Feed(app.config.project, app.config.blog_path)


def feed_of(app: Sphinx, collection: Any) -> Feed | None:
    """The feed of the posts an archive page lists: all posts, one tag or one category; else None."""
    blog = blog_of(app)
    if collection is blog.posts:
        return Feed(app.config.project, app.config.blog_path, tuple(collection))
    if collection.catalog is blog.tags:
        noun = "tagged"
    elif collection.catalog is blog.category:
        noun = "in category"
    else:
        return None  # years and authors have archive pages but no feed of their own
    if not len(collection):
        return None  # only drafts carry this label
    return Feed(f"{app.config.project}: posts {noun} “{collection}”", collection.path, tuple(collection))


def all_feeds(app: Sphinx) -> list[Feed]:
    """The whole blog's feed, then one per tag and per category that has a published post."""
    blog = blog_of(app)
    collections = [blog.posts, *blog.tags, *blog.category]
    return [feed for collection in collections if (feed := feed_of(app, collection)) is not None]


def absolute_url(app: Sphinx, target: str) -> str:
    return urljoin(app.config.html_baseurl, target)


def post_url(app: Sphinx, post: Any) -> str:
    return absolute_url(app, app.builder.get_target_uri(post.docname))


def page_file(app: Sphinx, docname: str) -> Path:
    """The file Sphinx wrote a page to: by its name as written, not by its percent-encoded address."""
    return Path(app.builder.get_outfilename(docname))


#: Page furniture inside the article, left out of feed entries: the title, the byline, the permalink marks,
#: "Cite this post" (it is about the page, not part of the text), the series box and related posts.
FURNITURE = (
    ".//h1 | .//*[contains(concat(' ', normalize-space(@class), ' '), ' post-byline ')]"
    " | .//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"
    f" | .//*[@id='{CITE_SECTION}']"
    # the series box and related posts are about the site, not the post (feeds name the series instead)
    " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' post-series ')]"
    " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' post-related ')]"
)


def entry_content(page_html: str, page_url: str) -> tuple[str, str]:
    """The post body as shown on its page, with absolute URLs; and a plain-text summary.

    Parsed with lxml, from the page's ``<article>`` only: the rest of the page (head, sidebars, footer) is
    most of its bytes, and a feed entry is made of every post in every feed it is in.
    """
    start, end = page_html.find("<article"), page_html.rfind("</article>")
    article_html = page_html[start : end + len("</article>")] if 0 <= start < end else page_html
    root = lxml.html.fromstring(article_html)
    found = root.xpath("descendant-or-self::article[@id='furo-main-content']")
    if not found:
        raise ValueError("no <article id='furo-main-content'> in the page")
    article = found[0]
    for furniture in article.xpath(FURNITURE):
        furniture.drop_tree()  # keeps the text that follows it
    for element in article.xpath(".//*[@href or @src or @poster or @cite or @srcset]"):
        for attribute in URL_ATTRIBUTES:
            if attribute in element.attrib:
                element.set(attribute, urljoin(page_url, element.get(attribute)))
        if "srcset" in element.attrib:
            element.set(
                "srcset",
                ", ".join(
                    " ".join([urljoin(page_url, part.split()[0]), *part.split()[1:]])
                    for part in element.get("srcset").split(",")
                ),
            )
    paragraphs = article.xpath(".//p")
    summary = " ".join(paragraphs[0].text_content().split()) if paragraphs else ""
    sections = article.xpath(".//section")
    body = sections[0] if sections else article
    inner = (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
    return inner.strip(), summary


def updated_of(app: Sphinx, post: Any) -> dt.datetime:
    """When the post last changed, by the record's one rule (publication.site.posts)."""
    return record_for(app.env, post).last_modified or post.date


#: Fewest pages to parse for which forking workers pays (a page takes about 2.5 ms).
PAGES_WORTH_A_WORKER = 40
#: Write the feeds in workers only when there are at least this many to write (a feed of 10 entries takes
#: about as long as forking a worker of a 1,000-post build).
FEEDS_WORTH_A_WORKER = 8


class EntryCache:
    """Each post's feed content, parsed once from its page and kept until the page is written again.

    A post appears in the blog's feed and in those of each of its tags and categories; its page is parsed
    once per build at most, and not at all when it has not changed since the last build (the cache lives in
    the doctree folder, keyed by the page's size and modification time).
    """

    FILE = "publication-feed-entries.json"

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.path = Path(app.doctreedir) / self.FILE
        try:
            self.stored: dict[str, list[Any]] = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.stored = {}
        self.used: dict[str, list[Any]] = {}

    def content(self, post: Any) -> tuple[str, str]:
        key, cached = self._cached(post)
        if cached is None:
            page = page_file(self.app, post.docname).read_text(encoding="utf-8")
            cached = [key, *entry_content(page, post_url(self.app, post))]
        self.used[post.docname] = cached
        return cached[1], cached[2]

    def _cached(self, post: Any) -> tuple[str, list[Any] | None]:
        """The key of the post's page as it is now, and what is kept for it if it is still that page."""
        stat = page_file(self.app, post.docname).stat()
        key = f"{stat.st_size}:{stat.st_mtime_ns}"
        cached = self.used.get(post.docname) or self.stored.get(post.docname)
        return key, cached if cached is not None and cached[0] == key else None

    def parse(self, posts: Iterable[Any]) -> None:
        """Parse the pages of those ``posts`` not kept, all at once: in workers, in a parallel build (1,000
        posts: 2.6 s in the main process alone, after every other page was written)."""
        unparsed: dict[str, tuple[Any, str]] = {}  # by document: the post, and its page's key
        for post in {post.docname: post for post in posts}.values():
            key, cached = self._cached(post)
            if cached is None:
                unparsed[post.docname] = (post, key)
        pages = [
            (page_file(self.app, name), post_url(self.app, post)) for name, (post, _) in unparsed.items()
        ]
        parsed = map_in_workers(
            self.app,
            lambda page: entry_content(page[0].read_text(encoding="utf-8"), page[1]),
            pages,
            fewest=PAGES_WORTH_A_WORKER,
        )
        for (name, (_, key)), content in zip(unparsed.items(), parsed, strict=True):
            self.used[name] = [key, *content]

    def save(self, docnames: set[str]) -> None:
        """Keep the content of the posts ``docnames`` (those the feeds show): read in this build, or kept
        from the last one for the feeds this build did not write again."""
        kept = {
            name: self.used.get(name) or self.stored[name]
            for name in docnames
            if name in self.used or name in self.stored
        }
        if kept != self.stored:
            self.path.write_text(json.dumps(kept, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def entries_of(app: Sphinx, posts: list[Any], cache: EntryCache) -> list[Entry]:
    """The entries of a feed's shown ``posts`` (newest first), from their pages in the output folder."""
    entries = []
    for post in posts:
        content, first_paragraph = cache.content(post)
        record = record_for(app.env, post)
        summary = shorten(record.description or first_paragraph)
        entries.append(Entry(post, record, post_url(app, post), content, summary, updated_of(app, post)))
    return entries


def newest(entries: list[Entry]) -> dt.datetime:
    """The feed's own time: its newest entry's, so rebuilding changes nothing; with no posts, the cutoff."""
    return max((entry.updated for entry in entries), default=None) or publication_cutoff()


def build_feed(app: Sphinx, feed: Feed, entries: list[Entry]) -> FeedGenerator:
    """The feed as Atom and RSS 2.0 (feedgen)."""
    generator = FeedGenerator()
    generator.load_extension("dc", atom=False, rss=True)
    generator.id(absolute_url(app, feed.atom))
    generator.title(feed.title)
    generator.subtitle(app.config.blog_feed_subtitle or app.config.project)
    link_feed(app, generator, feed, feed.atom)
    generator.language(app.config.language or "en")
    generator.generator("ablog + publication", uri="https://ablog.readthedocs.io/")
    for item in entries:
        record = item.record
        entry = generator.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(record.title)
        entry.link(href=item.url, rel="alternate")
        for author in record.authors:
            uri = author_uri(author)
            entry.author({"name": author.name} | ({"uri": uri} if uri else {}))
        entry.published(record.date)
        entry.updated(item.updated)
        for label in [*record.categories, *record.tags]:
            entry.category(term=label.name, label=label.name)
        if record.series is not None:  # RSS: <category domain="series">
            entry.category(term=record.series.name, scheme="series", label=record.series.name)
        entry.summary(item.summary)
        entry.content(item.content, type="html")
    if rights := feed_rights(app):
        generator.rights(rights)  # Atom <rights> and RSS <copyright>
    generator.updated(newest(entries))
    generator.lastBuildDate(newest(entries))
    return generator


def author_uri(author: Any) -> str | None:
    """The address that identifies an author in feeds: their ORCID iD, else their ``blog_authors`` link."""
    return orcid_url(author.orcid) if author.orcid else author.url


def feed_rights(app: Sphinx) -> str | None:
    """The feeds' rights statement: the site's licence, after its copyright when the site has one."""
    license_ = site_license(app.config)
    if license_ is None:
        return None
    statement = f"Licensed under {license_.name} ({license_.label}): {license_.url}"
    written = app.config.copyright or ""  # Sphinx also takes a list of lines
    holder = written if isinstance(written, str) else ", ".join(written)
    if app.config.publication_copyright_holder is not None:
        holder = copyright_text(copyright_years(app.env), app.config.publication_copyright_holder)
    return f"Copyright © {holder}. {statement}" if holder else statement


def link_feed(app: Sphinx, generator: FeedGenerator, feed: Feed, address: str) -> None:
    """Give the feed its links: to the file at ``address`` (rel="self") and to the page it stands for.

    feedgen writes one set of links into both formats, so the RSS file is given its own before it is written.
    """
    generator.link(href=absolute_url(app, address), rel="self", replace=True)
    # feedgen keeps the last link as RSS's <channel><link>: the page the feed stands for
    generator.link(href=absolute_url(app, feed.page), rel="alternate")


def json_feed(app: Sphinx, feed: Feed, entries: list[Entry]) -> dict[str, Any]:
    """The feed as JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/), with the same entries."""
    items = []
    for entry in entries:
        record = entry.record
        item: dict[str, Any] = {
            "id": entry.url,
            "url": entry.url,
            "title": record.title,
            "content_html": entry.content,
            "summary": entry.summary,
            "date_published": record.date.isoformat(),
            "date_modified": entry.updated.isoformat(),
            "authors": [
                {"name": author.name} | ({"url": uri} if (uri := author_uri(author)) else {})
                for author in record.authors
            ],
            "tags": [label.name for label in [*record.categories, *record.tags]],
        }
        image = record.image
        if image:
            item["image"] = absolute_url(app, quote(image))  # a file name, made an address
        if place := place_of(app.env, record.docname):
            # JSON Feed has no field for a series: an extension object (a key starting with "_")
            item.setdefault("_publication", {})["series"] = series_json(app, place)
        if record.doi:  # JSON Feed has no field for it: an extension object
            item.setdefault("_publication", {})["doi"] = doi_url(record.doi)
        items.append(item)
    return {
        "version": "https://jsonfeed.org/version/1.1",
        "title": feed.title,
        "description": app.config.blog_feed_subtitle or app.config.project,
        "home_page_url": absolute_url(app, feed.page),
        "feed_url": absolute_url(app, feed.json),
        "language": app.config.language or "en",
        "authors": [{"name": app.config.author}],
        "items": items,
    } | feed_license_json(app)


def feed_license_json(app: Sphinx) -> dict[str, Any]:
    """The site's licence for JSON Feed, which has no field for one: an extension object."""
    license_ = site_license(app.config)
    if license_ is None:
        return {}
    return {"_publication": {"license": {"id": license_.id, "name": license_.name, "url": license_.url}}}


def series_json(app: Sphinx, place: Place) -> dict[str, Any]:
    """A post's series in JSON Feed: its name, its page's address, and the post's place in it."""
    page = app.builder.get_target_uri(series_docname(app, place.series.slug))
    url = absolute_url(app, page)
    return {"name": place.series.name, "url": url, "part": place.number, "parts": place.total}


def write_feeds(app: Sphinx, exception: Exception | None) -> None:
    """Write every feed after the pages they are built from."""
    if exception is not None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    if not app.config.html_baseurl:
        logger.warning(
            "html_baseurl is empty: feeds need absolute URLs, so none were written",
            type="publication",
            subtype="feed",
        )
        return
    outdir = Path(app.builder.outdir)
    feeds = all_feeds(app)
    shown = {feed.folder: shown_posts(app, feed) for feed in feeds}
    states = feed_states(app, feeds, shown)
    stamp = Path(app.doctreedir) / "publication-feeds.state"
    try:
        previous = json.loads(stamp.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    # whether each feed's files are there is not part of its state: the state is taken before the feeds
    # are written, so it would differ at the next build, which then wrote every feed again
    present = {feed.folder: feed_files_present(outdir, feed) for feed in feeds}
    if previous == states and all(present.values()):
        logger.verbose("feeds: none of %d made again", len(feeds))
        return  # no post page, feed membership or setting changed: every feed would come out the same
    cache = EntryCache(app)
    remove_vanished_feeds(app, {feed.folder for feed in feeds})
    # none of its posts changed: at 1,000 posts, one edit changes a handful of ~100 feeds
    to_make = [f for f in feeds if previous.get(f.folder) != states[f.folder] or not present[f.folder]]
    cache.parse(post for feed in to_make for post in shown[feed.folder])
    # the feeds are made from the parsed pages alone, each apart: in workers, in a parallel build (1,000
    # posts, 40 feeds: 1.4 s in the main process alone, the last thing the build did)
    map_in_workers(
        app,
        lambda feed: write_feed(app, feed, entries_of(app, shown[feed.folder], cache)),
        to_make,
        fewest=FEEDS_WORTH_A_WORKER,
    )
    cache.save({post.docname for posts in shown.values() for post in posts})
    stamp.write_text(json.dumps(states, indent=0, sort_keys=True), encoding="utf-8")
    logger.verbose("feeds: %d of %d made again", len(to_make), len(feeds))


def write_feed(app: Sphinx, feed: Feed, entries: list[Entry]) -> None:
    """The feed's Atom, RSS and JSON Feed files (and the blog's old address of its Atom feed)."""
    outdir = Path(app.builder.outdir)
    generator = build_feed(app, feed, entries)
    (outdir / feed.folder).mkdir(parents=True, exist_ok=True)
    atom = generator.atom_str(pretty=True)
    write_if_changed(outdir / feed.atom, atom)
    link_feed(app, generator, feed, feed.rss)
    write_if_changed(outdir / feed.rss, generator.rss_str(pretty=True))
    document = json.dumps(json_feed(app, feed, entries), ensure_ascii=False, indent=1) + "\n"
    write_if_changed(outdir / feed.json, document.encode("utf-8"))
    if feed.folder == app.config.blog_path:
        write_if_changed(outdir / LEGACY_FEED, atom)


def feed_files_present(outdir: Path, feed: Feed) -> bool:
    return all(outdir.joinpath(name).is_file() for name in (feed.atom, feed.rss, feed.json))


def shown_posts(app: Sphinx, feed: Feed) -> list[Any]:
    """The posts a feed carries, newest first: the newest ``blog_feed_length`` of its posts."""
    posts = sorted(feed.posts, key=lambda post: (post.date, post.docname), reverse=True)
    return posts[: app.config.blog_feed_length] if app.config.blog_feed_length else posts


def feed_states(app: Sphinx, feeds: list[Feed], shown: dict[str, list[Any]]) -> dict[str, str]:
    """For each feed (by folder), a hash of everything it is made of: which posts it carries, the pages of
    those it shows (``shown``, by folder; size and time of the file: a post whose title, dates or tags
    changed was written again), and the configuration."""
    pages: dict[str, tuple[int, int] | None] = {}
    shared = (getattr(app.builder, "config_hash", ""), app.config.html_baseurl, app.config.blog_feed_length)
    states = {}
    for feed in feeds:
        pages_shown = []
        for post in shown[feed.folder]:
            if post.docname not in pages:
                page = page_file(app, post.docname)
                stat = page.stat() if page.is_file() else None
                pages[post.docname] = (stat.st_size, stat.st_mtime_ns) if stat else None
            pages_shown.append((post.docname, pages[post.docname]))
        state = (
            feed.title,
            [post.docname for post in feed.posts],
            pages_shown,
            shared,
        )
        states[feed.folder] = hashlib.sha256(repr(state).encode()).hexdigest()
    return states


def remove_vanished_feeds(app: Sphinx, folders: set[str]) -> None:
    """Delete the feeds of tags and categories that no published post carries any more.

    Their subscribers get a 404, as from a Jekyll site that dropped the tag, rather than a feed that stays
    frozen forever. The folders of the last build's feeds are kept in the doctree folder.
    """
    store = Path(app.doctreedir) / "publication-feeds.json"
    try:
        previous = set(json.loads(store.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        previous = set()
    outdir = Path(app.builder.outdir)
    for folder in previous - folders:
        gone = Feed("", folder)
        for name in (gone.atom, gone.rss, gone.json):
            (outdir / name).unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # the tag's folder, unless something else lives there
            (outdir / folder).rmdir()
    store.write_text(json.dumps(sorted(folders)), encoding="utf-8")


def _urls(app: Sphinx, feed: Feed) -> dict[str, str]:
    return {
        "atom": absolute_url(app, feed.atom),
        "rss": absolute_url(app, feed.rss),
        "json": absolute_url(app, feed.json),
    }


def feed_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Offer the page's own feed (on an archive page that has one) and the whole blog's, to feed readers."""
    site = site_feed(app)
    # ablog gives each archive page the collection of posts it lists
    own = feed_of(app, context["collection"]) if "collection" in context else None
    feeds = [site] if own is None or own.folder == site.folder else [own, site]
    context["site_feed"] = _urls(app, site)
    context["own_feed"] = _urls(app, own) if own is not None else None
    context["feed_links"] = [
        link
        for feed in feeds
        for link in (
            {
                "type": "application/atom+xml",
                "title": f"{feed.title} (Atom)",
                "href": absolute_url(app, feed.atom),
            },
            {
                "type": "application/rss+xml",
                "title": f"{feed.title} (RSS)",
                "href": absolute_url(app, feed.rss),
            },
            {
                "type": "application/feed+json",
                "title": f"{feed.title} (JSON Feed)",
                "href": absolute_url(app, feed.json),
            },
        )
    ]


def resolve_feed_reference(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """``{ref}`blog-feed``` links to the feed's real URL (ablog writes it without the base URL)."""
    if node.get("reftarget") != "blog-feed" or not isinstance(app.builder, StandaloneHTMLBuilder):
        return None
    link = nodes.reference("", "", internal=False, refuri=absolute_url(app, site_feed(app).atom))
    link += contnode if node.get("refexplicit") else nodes.Text(f"{app.config.project} feed")
    return link


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.ablog_patches")
    app.connect("html-page-context", feed_links)
    app.connect("missing-reference", resolve_feed_reference, priority=400)  # before ablog's handler
    app.connect("build-finished", write_feeds)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""What holds for any publication built from a docs/ folder, whatever its posts, title or address.

Each check reads the sources (which posts are published, which are drafts) and the built site as readers,
feed readers and crawlers do, and returns what it found wrong, one line each; an empty list is a pass.
tests/test_real_site.py runs them on docs/ as it is, and on a copy an author has changed.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import runpy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
from bs4 import BeautifulSoup

from helpers import FURO_STUB, broken_links, pages, soup
from publication.site.frontmatter import parse_datetime, read_post_front_matter, timezone_from_config
from publication.site.identifiers import license_from_setting
from publication.tools.sitecheck.site import base_url_of


@dataclass(frozen=True)
class SourcePost:
    """A post as its author wrote it: where it is, and when it is dated (None: a draft)."""

    docname: str
    date: dt.datetime | None

    @property
    def page(self) -> str:
        return self.docname + ".html"

    def published(self, now: dt.datetime) -> bool:
        return self.date is not None and self.date <= now


@dataclass
class Site:
    """A publication's sources, its settings, and the site built from them."""

    source: Path
    html: Path
    built_at: dt.datetime

    def __post_init__(self) -> None:
        self.conf = runpy.run_path(str(self.source / "conf.py"))
        self.base = base_url_of(self.html) or ""
        self.posts = source_posts(self.source, self.conf)

    @property
    def published(self) -> list[SourcePost]:
        """The published posts, newest first."""
        found = [post for post in self.posts if post.published(self.built_at)]
        return sorted(found, key=lambda post: post.date, reverse=True)

    @property
    def drafts(self) -> list[SourcePost]:
        return [post for post in self.posts if not post.published(self.built_at)]


def source_posts(source: Path, conf: dict) -> list[SourcePost]:
    """Every post under ``source``: files matching ``blog_post_pattern``, and any with ``blogpost: true``."""
    patterns = conf.get("blog_post_pattern") or []
    patterns = [patterns] if isinstance(patterns, str) else patterns
    zone = timezone_from_config(conf.get("publication_timezone", "UTC"))
    excluded = ["_build/*", *conf.get("exclude_patterns", [])]
    posts = []
    for path in sorted([*source.rglob("*.md"), *source.rglob("*.ipynb")]):  # notebooks are posts too
        name = path.relative_to(source).as_posix()
        if any(fnmatch.fnmatch(name, pattern) for pattern in excluded):
            continue
        front = read_post_front_matter(path, path.read_text(encoding="utf-8")).values
        docname = name.removesuffix(path.suffix)
        matched = any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(docname, p) for p in patterns)
        if not matched and front.get("blogpost") is not True:
            continue
        date = parse_datetime(front["date"], zone) if front.get("date") else None
        posts.append(SourcePost(docname, date))
    return posts


def feed_links(html: Path) -> dict[str, list[str]]:
    """The entry links of the publication's Atom, RSS and JSON feeds, by feed file."""
    links = {}
    for name in ("blog/atom.xml", "blog/rss.xml"):
        path = html / name
        entries = feedparser.parse(path.read_bytes()).entries if path.is_file() else []
        links[name] = [entry.link for entry in entries]
    path = html / "blog/feed.json"
    items = json.loads(path.read_text(encoding="utf-8"))["items"] if path.is_file() else []
    links["blog/feed.json"] = [item["url"] for item in items]
    return links


# -- the checks ----------------------------------------------------------------------------------------


def every_published_post_has_a_page_with_json_ld(site: Site) -> list[str]:
    problems = []
    for post in site.published:
        path = site.html / post.page
        if not path.is_file():
            problems.append(f"{post.docname}: published, but {post.page} was not written")
            continue
        page = soup(path)
        if page.select_one("article[role=main] h1") is None:
            problems.append(f"{post.page}: no title (h1) in the article")
        scripts = page.select('head script[type="application/ld+json"]')
        if not scripts:
            problems.append(f"{post.page}: no JSON-LD")
        for script in scripts:
            try:
                data = json.loads(script.string or "")
            except ValueError as error:
                problems.append(f"{post.page}: JSON-LD does not parse: {error}")
                continue
            if data.get("url") != site.base + post.page:
                problems.append(f"{post.page}: JSON-LD url is {data.get('url')!r}")
    return problems


def the_home_page_has_a_card_for_each_of_the_newest_posts(site: Site) -> list[str]:
    shown = site.published[: site.conf.get("publication_home_posts", 7)]
    home = soup(site.html / "index.html")
    cards = [a["href"] for a in home.select("article[role=main] li.post-card .post-card-title a[href]")]
    expected = [post.page for post in shown]
    return [] if cards == expected else [f"index.html: cards link {cards}, not the newest posts {expected}"]


def every_feed_carries_the_newest_posts(site: Site) -> list[str]:
    length = site.conf.get("blog_feed_length") or len(site.published)
    expected = [site.base + post.page for post in site.published[:length]]
    problems = []
    for name, links in feed_links(site.html).items():
        if links != expected:
            problems.append(f"{name}: entries {links}, not {expected}")
    return problems


def the_sitemap_lists_every_published_post(site: Site) -> list[str]:
    sitemap = BeautifulSoup((site.html / "sitemap.xml").read_text(encoding="utf-8"), "xml")
    locations = {loc.get_text() for loc in sitemap.find_all("loc")}
    expected = [site.base + post.page for post in site.published]
    return [f"sitemap.xml: no {url}" for url in expected if url not in locations]


def drafts_appear_nowhere(site: Site) -> list[str]:
    """A draft has no page, and no page, feed, sitemap or search index names its address."""
    problems = []
    outputs = [p for p in site.html.rglob("*") if p.suffix in {".html", ".xml", ".json", ".js", ".txt"}]
    for draft in site.drafts:
        if (site.html / draft.page).exists():
            problems.append(f"{draft.page}: a draft was published")
        for output in outputs:
            if draft.docname in output.read_text(encoding="utf-8"):
                problems.append(f"{output.relative_to(site.html)} names the draft {draft.docname}")
    return problems


def no_page_shows_furos_error_stub(site: Site) -> list[str]:
    return [str(page.relative_to(site.html)) for page in pages(site.html) if FURO_STUB in page.read_text()]


def every_internal_link_resolves(site: Site) -> list[str]:
    return broken_links(site.html, site.base)


def the_licence_is_named_on_every_page_and_in_every_feed(site: Site) -> list[str]:
    """With ``publication_license`` set, every page's footer links it (rel="license"); the feeds name it."""
    license_ = license_from_setting(site.conf.get("publication_license"))[0]
    if license_ is None:
        return []
    problems = []
    for page in pages(site.html):
        links = [a["href"] for a in soup(page).select('footer a[rel~="license"]')]
        if links != [license_.url]:
            problems.append(
                f"{page.relative_to(site.html)}: footer licence links {links}, not {license_.url}"
            )
    for name in ("blog/atom.xml", "blog/rss.xml"):
        rights = feedparser.parse((site.html / name).read_bytes()).feed.get("rights", "")
        if license_.url not in rights:
            problems.append(f"{name}: rights {rights!r} do not name {license_.url}")
    document = json.loads((site.html / "blog/feed.json").read_text(encoding="utf-8"))
    if document.get("_publication", {}).get("license", {}).get("url") != license_.url:
        problems.append(f"blog/feed.json: no _publication.license for {license_.url}")
    return problems


PROPERTIES: list[Callable[[Site], list[str]]] = [
    every_published_post_has_a_page_with_json_ld,
    the_home_page_has_a_card_for_each_of_the_newest_posts,
    every_feed_carries_the_newest_posts,
    the_sitemap_lists_every_published_post,
    drafts_appear_nowhere,
    no_page_shows_furos_error_stub,
    every_internal_link_resolves,
    the_licence_is_named_on_every_page_and_in_every_feed,
]

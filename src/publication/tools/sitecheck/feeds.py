"""Every feed is one a feed reader accepts: Atom (RFC 4287), RSS 2.0 and JSON Feed 1.1.

No maintained validator for these formats is on PyPI (the W3C Feed Validation Service is not packaged),
so the rules are written out here, each from its specification:

- Atom, RFC 4287: well-formed XML; `feed` and each `entry` have exactly one `id` (an absolute IRI),
  `title` and `updated` (an RFC 3339 date-time, §3.3); `published` is one too; the feed or else every
  entry has an `author` with a `name` (§4.1.1); every `link` has an `href`; entry ids are unique. This
  publication asks more of its feeds than the RFC's minimum: the feed links to its page
  (`rel="alternate"`) and to itself (`rel="self"`, which §4.1.1 recommends), and each entry links to its post.
- RSS 2.0 (rssboard.org/rss-specification): `rss version="2.0"` with one `channel` that has `title`,
  `link` and `description`; its dates are RFC 822 date-times; each item has a `title` or a `description`,
  and, as this publication asks, a `link`, a `pubDate` and a unique `guid` (a URL unless
  `isPermaLink="false"`).
- JSON Feed 1.1 (jsonfeed.org/version/1.1): valid JSON; `version`, `title` and `items`; each item has a
  unique string `id` and `content_html` or `content_text`; URLs are absolute and dates RFC 3339.

Every link a feed gives into the site must lead to a page the site has.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import local_target, relative

Valid = Callable[[str], bool]
ATOM = "{http://www.w3.org/2005/Atom}"
JSON_FEED_VERSIONS = {"https://jsonfeed.org/version/1", "https://jsonfeed.org/version/1.1"}
RFC_3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
RFC_822 = re.compile(
    r"^((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2,4} "
    r"\d{2}:\d{2}(:\d{2})? ([+-]\d{4}|GMT|UT|[ECMP][SD]T|[A-IK-Z])$"
)


def is_rfc_3339(text: str) -> bool:
    if not RFC_3339.match(text.strip()):
        return False
    try:
        dt.datetime.fromisoformat(text.strip().replace("z", "Z"))
    except ValueError:  # 2020-02-30T...: the right shape, not a date
        return False
    return True


def is_rfc_822(text: str) -> bool:
    if not RFC_822.match(text.strip()):
        return False
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return False
    weekday = text.strip()[:3]
    return "," not in text or moment.strftime("%a") == weekday  # "Mon, 28 Jan 2020" is not a Monday


def is_absolute(url: str) -> bool:
    parsed = urlparse(url.strip())
    return bool(parsed.scheme and (parsed.netloc or parsed.scheme in {"urn", "tag", "mailto"}))


class FeedProblems:
    """Collects a feed's problems, each naming the feed and the entry it is in."""

    def __init__(self, html: Path, feed: Path, base_url: str | None) -> None:
        self.html, self.feed, self.base_url = html, feed, base_url
        self.problems: list[Problem] = []
        self.entries = 0

    def add(self, where: str, what: str, advice: str) -> None:
        name = relative(self.html, self.feed)
        self.problems.append(Problem(name, f"{where}: {what}" if where else what, advice))

    def date(self, where: str, field: str, value: str | None, valid: Valid, form: str) -> None:
        if value is not None and not valid(value):
            self.add(where, f"{field} {value!r} is not {form}", f"write it as {form}")

    def leads_into_site(self, where: str, url: str) -> None:
        """A link into the site (under its address) must lead to a page the site has."""
        if not self.base_url or not url.startswith(self.base_url):
            return
        target = local_target(self.html, self.feed, url, self.base_url)
        if target is not None and not target[0].is_file():
            self.add(where, f"links to {url}, which the site does not have", "correct the feed's link")


# -- Atom ----------------------------------------------------------------------------------------------


def _texts(element: ET.Element, name: str) -> list[str]:
    return [(child.text or "").strip() for child in element.findall(ATOM + name)]


def _one(found: FeedProblems, where: str, element: ET.Element, name: str) -> str | None:
    values = _texts(element, name)
    if len(values) != 1 or not values[0]:
        count = "no" if not values else f"{len(values)}" if len(values) > 1 else "an empty"
        found.add(where, f"has {count} <{name}>", f"give it exactly one non-empty <{name}> (RFC 4287)")
        return None
    return values[0]


def _links(found: FeedProblems, where: str, element: ET.Element) -> dict[str, list[str]]:
    by_rel: dict[str, list[str]] = {}
    for link in element.findall(ATOM + "link"):
        if not link.get("href"):
            found.add(where, "has a <link> without href", "give every link an href (RFC 4287 §4.2.7)")
            continue
        by_rel.setdefault(link.get("rel", "alternate"), []).append(link.get("href", ""))
    return by_rel


def _has_author(element: ET.Element) -> bool:
    return any((author.findtext(ATOM + "name") or "").strip() for author in element.findall(ATOM + "author"))


def check_atom(found: FeedProblems, root: ET.Element) -> None:
    feed_id = _one(found, "feed", root, "id")
    if feed_id and not is_absolute(feed_id):
        found.add("feed", f"id {feed_id!r} is not an absolute IRI", "use the feed's URL")
    _one(found, "feed", root, "title")
    found.date("feed", "updated", _one(found, "feed", root, "updated"), is_rfc_3339, "an RFC 3339 date-time")
    links = _links(found, "feed", root)
    for rel in ("alternate", "self"):
        if rel not in links:
            found.add("feed", f'has no <link rel="{rel}">', f"link the feed to its {rel} URL")
    feed_has_author = _has_author(root)
    seen: set[str] = set()
    for number, entry in enumerate(root.findall(ATOM + "entry"), start=1):
        found.entries += 1
        title = (entry.findtext(ATOM + "title") or "").strip()
        where = f"entry {number}" + (f" ({title})" if title else "")
        entry_id = _one(found, where, entry, "id")
        if entry_id and not is_absolute(entry_id):
            found.add(where, f"id {entry_id!r} is not an absolute IRI", "use the post's URL")
        if entry_id in seen:
            found.add(where, f"repeats the id {entry_id}", "give each entry its own id")
        seen.add(entry_id or "")
        _one(found, where, entry, "title")
        updated = _one(found, where, entry, "updated")
        found.date(where, "updated", updated, is_rfc_3339, "an RFC 3339 date-time")
        for published in _texts(entry, "published"):
            found.date(where, "published", published, is_rfc_3339, "an RFC 3339 date-time")
        if not feed_has_author and not _has_author(entry):
            found.add(where, "has no author, nor has the feed", "give the entry an <author> with a <name>")
        alternates = _links(found, where, entry).get("alternate", [])
        if not alternates:
            found.add(where, 'has no <link rel="alternate">', "link the entry to its post")
        for href in alternates:
            found.leads_into_site(where, href)


# -- RSS 2.0 -------------------------------------------------------------------------------------------


def check_rss(found: FeedProblems, root: ET.Element) -> None:
    if root.get("version") != "2.0":
        found.add("rss", f"version is {root.get('version')!r}", 'write <rss version="2.0">')
    channels = root.findall("channel")
    if len(channels) != 1:
        found.add("rss", f"has {len(channels)} <channel> elements", "give it exactly one")
        return
    channel = channels[0]
    for name in ("title", "link", "description"):
        if not (channel.findtext(name) or "").strip():
            found.add("channel", f"has no <{name}>", f"give the channel its <{name}> (RSS 2.0)")
    for name in ("pubDate", "lastBuildDate"):
        found.date("channel", name, channel.findtext(name), is_rfc_822, "an RFC 822 date-time")
    seen: set[str] = set()
    for number, item in enumerate(channel.findall("item"), start=1):
        found.entries += 1
        title = (item.findtext("title") or "").strip()
        where = f"item {number}" + (f" ({title})" if title else "")
        if not title and not (item.findtext("description") or "").strip():
            found.add(where, "has neither <title> nor <description>", "give it a title")
        link = (item.findtext("link") or "").strip()
        if not link:
            found.add(where, "has no <link>", "link the item to its post")
        else:
            found.leads_into_site(where, link)
        guid = item.find("guid")
        if guid is None or not (guid.text or "").strip():
            found.add(where, "has no <guid>", "give it a guid (the post's URL) that never changes")
        else:
            value = guid.text.strip()
            if value in seen:
                found.add(where, f"repeats the guid {value}", "give each item its own guid")
            seen.add(value)
            if guid.get("isPermaLink", "true") != "false" and not is_absolute(value):
                found.add(where, f"guid {value!r} is a permalink but not a URL", 'add isPermaLink="false"')
        if item.findtext("pubDate") is None:
            found.add(where, "has no <pubDate>", "give it the post's date")
        found.date(where, "pubDate", item.findtext("pubDate"), is_rfc_822, "an RFC 822 date-time")


# -- JSON Feed -----------------------------------------------------------------------------------------


def check_json_feed(found: FeedProblems, feed: object) -> None:
    if not isinstance(feed, dict):
        found.add("", "is not a JSON object", "write the feed as one object with version, title and items")
        return
    if feed.get("version") not in JSON_FEED_VERSIONS:
        found.add("feed", f"version is {feed.get('version')!r}", 'write "https://jsonfeed.org/version/1.1"')
    if not isinstance(feed.get("title"), str) or not feed["title"].strip():
        found.add("feed", "has no title", "give the feed a title")
    for key in ("home_page_url", "feed_url"):
        if key in feed and not (isinstance(feed[key], str) and is_absolute(feed[key])):
            found.add("feed", f"{key} {feed[key]!r} is not an absolute URL", "write the full URL")
    items = feed.get("items")
    if not isinstance(items, list):
        found.add("feed", "has no items list", 'give it "items": [] even when empty')
        return
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        found.entries += 1
        if not isinstance(item, dict):
            found.add(f"item {number}", "is not an object", "write each item as an object")
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else ""
        where = f"item {number}" + (f" ({title})" if title else "")
        item_id = item.get("id")
        if not isinstance(item_id, str) or not item_id:
            found.add(where, f"id {item_id!r} is not a non-empty string", "give it the post's URL as its id")
        elif item_id in seen:
            found.add(where, f"repeats the id {item_id}", "give each item its own id")
        seen.add(str(item_id))
        if not any(isinstance(item.get(key), str) for key in ("content_html", "content_text")):
            found.add(where, "has neither content_html nor content_text", "give it the post's content")
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item and not (isinstance(item[key], str) and is_absolute(item[key])):
                found.add(where, f"{key} {item[key]!r} is not an absolute URL", "write the full URL")
        if isinstance(item.get("url"), str):
            found.leads_into_site(where, item["url"])
        for key in ("date_published", "date_modified"):
            value = item.get(key)
            if value is not None and not (isinstance(value, str) and is_rfc_3339(value)):
                found.add(where, f"{key} {value!r} is not an RFC 3339 date-time", "write it as RFC 3339")


# -- the check -----------------------------------------------------------------------------------------


def feeds_in(html: Path) -> Iterator[tuple[Path, str]]:
    """(file, format) for each feed of the site: XML files rooted in an Atom feed or in rss, JSON files
    that declare a JSON Feed version. A file that does not parse is reported by its format's check."""
    for path in sorted(html.rglob("*.xml")):
        head = path.read_bytes()[:2048]
        if b"<feed" in head:
            yield path, "atom"
        elif b"<rss" in head:
            yield path, "rss"
    for path in sorted(html.rglob("*.json")):
        if b"jsonfeed.org/version" in path.read_bytes()[:2048]:
            yield path, "json"


def check(html: Path, base_url: str | None = None) -> Report:
    report = Report("feeds")
    counts = {"atom": 0, "rss": 0, "json": 0}
    entries = 0
    for path, form in feeds_in(html):
        counts[form] += 1
        found = FeedProblems(html, path, base_url)
        try:
            if form == "json":
                check_json_feed(found, json.loads(path.read_text(encoding="utf-8")))
            else:
                root = ET.parse(path).getroot()
                if form == "atom" and root.tag != ATOM + "feed":
                    found.add("", f"root is <{root.tag}>, not an Atom <feed>", "use the Atom namespace")
                elif form == "atom":
                    check_atom(found, root)
                else:
                    check_rss(found, root)
        except (ET.ParseError, json.JSONDecodeError, UnicodeDecodeError) as error:
            found.add("", f"does not parse: {error}", "write well-formed, UTF-8 encoded XML or JSON")
        entries += found.entries
        report.problems += found.problems
    report.counts = {
        "Atom feeds": counts["atom"],
        "RSS feeds": counts["rss"],
        "JSON feeds": counts["json"],
        "entries": entries,
    }
    if not sum(counts.values()):
        report.problems.append(Problem(".", "the site has no feed", "set blog_baseurl so ablog writes feeds"))
    return report

"""Map a Jekyll post's front matter onto the keys this publication reads (``publication.site.frontmatter``).

Jekyll themes spell the same idea many ways (``header-img``, ``header.image``, ``cover-img`` ...). Each
idea maps to one key here; every key without an equivalent is kept, as written, under ``jekyll:``, where
ablog and MyST leave it alone and the author can still find it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date_text

#: Front matter: a '---' line, YAML, then a '---' (or '...') line.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)
#: Jekyll's post file name: YEAR-MONTH-DAY-title.EXT, month and day possibly without a leading zero.
_DATED_NAME = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})-(?P<slug>.+)$")

#: Keys that name the post's header image, most specific first (nested keys written with dots).
IMAGE_KEYS = (
    "header.image",
    "header.overlay_image",
    "header-img",
    "cover-img",
    "cover",
    "background",
    "image.path",
    "image.feature",
    "image",
    "feature",
    "header.teaser",
    "teaser",
    "thumbnail-img",
    "thumbnail",
    "share-img",
)
#: Keys that hold a text alternative for that image.
IMAGE_ALT_KEYS = ("image_alt", "header.image_description", "image.alt", "header.alt")
#: Keys read to compute the post's date, title and old addresses, or mapped onto keys of the site.
MAPPED_KEYS = {
    "title",
    "date",
    "tags",
    "tag",
    "category",
    "categories",
    "author",
    "excerpt",
    "description",
    "subtitle",
    "comments",
    "published",
    "redirect_from",
    "slug",
    "layout",
}


class FrontMatterError(ValueError):
    """Front matter that cannot be read, at a 1-based line of the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class JekyllPost:
    """What a Jekyll post's front matter and file name say about it."""

    data: dict[str, Any]
    body: str
    body_line: int  # the file line the body starts on
    title: str | None = None
    date: dt.datetime | dt.date | None = None
    slug: str = ""
    lines: dict[str, int] = field(default_factory=dict)


def split_front_matter(text: str) -> tuple[dict[str, Any], dict[str, int], str, int]:
    """Return (front matter, line of each key, body, line the body starts on); raise FrontMatterError."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, {}, text, 1
    block = match.group("yaml")
    try:
        root = yaml.compose(block, Loader=yaml.SafeLoader)
        data = yaml.safe_load(block)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening '---', +1 to count from 1
        reason = getattr(error, "problem", None) or str(error)
        raise FrontMatterError(line, f"front matter is not valid YAML: {reason}") from error
    body_line = text.count("\n", 0, match.end()) + 1
    if data is None:
        return {}, {}, text[match.end() :], body_line
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        raise FrontMatterError(2, "front matter must be a mapping of 'key: value' lines")
    lines = {str(key.value): key.start_mark.line + 2 for key, _ in root.value}
    return {str(k): v for k, v in data.items()}, lines, text[match.end() :], body_line


def dig(data: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted key ('header.image'), or None."""
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def words(value: Any) -> list[str]:
    """Jekyll's reading of tags and categories: a YAML list, or a string of space-separated words."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item).strip() for item in value if item is not None and str(item).strip()]
    return str(value).split()


def parse_date(value: Any, timezone: dt.tzinfo | None) -> dt.datetime | dt.date:
    """A front-matter date: a YAML date or datetime, or text such as '2015-10-20 11:12:00-0400'.

    A time with an offset keeps it; one without is read in the site's ``timezone`` when ``_config.yml``
    names one, as Jekyll does, and otherwise left without an offset for ``publication_timezone`` to place.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        return value
    elif isinstance(value, str) and value.strip():
        try:
            moment = parse_date_text(value.strip())
        except (ParserError, OverflowError, ValueError) as error:
            raise ValueError(f"{value!r} is not a date") from error
        if not re.search(r"\d:\d", value):
            return moment.date()
    else:
        raise ValueError(f"{value!r} is not a date")
    if moment.tzinfo is None and timezone is not None:
        moment = moment.replace(tzinfo=timezone)
    return moment


def format_date(value: dt.datetime | dt.date) -> str:
    """Write a date as the site's posts do: '2020-01-27 23:45:13 -04:00', or '2020-01-27'."""
    if not isinstance(value, dt.datetime):
        return value.isoformat()
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    offset = value.utcoffset()
    if offset is None:
        return text
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{text} {sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def site_timezone(config: dict[str, Any]) -> dt.tzinfo | None:
    name = config.get("timezone")
    if not isinstance(name, str):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def titleize(slug: str) -> str:
    """Jekyll's title for a post without one: its file name's words, capitalised."""
    return " ".join(word[:1].upper() + word[1:] for word in re.split(r"[-_\s]+", slug) if word)


def read_post(text: str, stem: str, config: dict[str, Any]) -> JekyllPost:
    """Read front matter, date and slug of a post; raise FrontMatterError for input that cannot be read."""
    data, lines, body, body_line = split_front_matter(text)
    post = JekyllPost(data=data, body=body, body_line=body_line, lines=lines)
    named = _DATED_NAME.search(stem)
    post.slug = str(data.get("slug") or (named.group("slug") if named else stem))
    timezone = site_timezone(config)
    if data.get("date") is not None:
        try:
            post.date = parse_date(data["date"], timezone)
        except ValueError as error:
            raise FrontMatterError(lines.get("date", 2), f"'date': {error}") from error
    elif named:
        try:
            post.date = dt.date(int(named["year"]), int(named["month"]), int(named["day"]))
        except ValueError as error:
            raise FrontMatterError(1, f"the file name's date is not a date: {error}") from error
    else:
        raise FrontMatterError(
            lines.get("title", 1), "the post has no date: neither a 'date' key nor a YYYY-MM-DD- file name"
        )
    title = data.get("title")
    post.title = str(title).strip() if title not in (None, "") else None
    return post

"""The addresses a Jekyll site served its posts at, so that each can answer with a redirect page.

Jekyll builds a post's URL from the site's ``permalink`` setting (or the post's own), placeholders such as
``:year`` and ``:title``, and the built-in styles ``date``, ``pretty``, ``ordinal`` and ``none``.
https://jekyllrb.com/docs/permalinks/
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import unquote, urlparse

#: Jekyll's built-in permalink styles.
STYLES = {
    "date": "/:categories/:year/:month/:day/:title:output_ext",
    "pretty": "/:categories/:year/:month/:day/:title/",
    "ordinal": "/:categories/:year/:y_day/:title:output_ext",
    "weekdate": "/:categories/:year/W:week/:short_day/:title:output_ext",
    "none": "/:categories/:title:output_ext",
}
DEFAULT = STYLES["date"]


def slugify(text: str) -> str:
    """Jekyll's default slug: lower case, runs of anything but letters and digits become one '-'."""
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-_") or "post"


def old_url(permalink: str | None, date: dt.date, slug: str, categories: list[str], title: str) -> str:
    """The URL a post had on the Jekyll site: '/2014/03/03/Hello-World.html'."""
    template = STYLES.get(permalink or "date", permalink or DEFAULT)
    day = date if isinstance(date, dt.datetime) else dt.datetime.combine(date, dt.time())
    values = {
        "year": f"{day.year:04d}",
        "short_year": f"{day.year % 100:02d}",
        "month": f"{day.month:02d}",
        "i_month": str(day.month),
        "short_month": day.strftime("%b"),
        "long_month": day.strftime("%B"),
        "day": f"{day.day:02d}",
        "i_day": str(day.day),
        "y_day": f"{day.timetuple().tm_yday:03d}",
        "week": day.strftime("%V"),
        "short_day": day.strftime("%a"),
        "long_day": day.strftime("%A"),
        "hour": f"{day.hour:02d}",
        "minute": f"{day.minute:02d}",
        "second": f"{day.second:02d}",
        "title": slug,
        "slug": slugify(slug),
        "slugified_categories": "/".join(slugify(c) for c in categories),
        "categories": "/".join(c.lower().replace(" ", "%20") for c in categories),
        "output_ext": ".html",
        "name": slug,
    }
    url = re.sub(
        r":(slugified_categories|categories|short_year|i_month|short_month|long_month|i_day|y_day|"
        r"short_day|long_day|output_ext|year|month|day|week|hour|minute|second|title|slug|name)",
        lambda match: values[match.group(1)],
        template,
    )
    url = re.sub(r"/{2,}", "/", "/" + url)
    return url


def redirect_page(url: str) -> str | None:
    """The Sphinx page name that serves ``url`` (site-relative): '2014/03/03/Hello-World', 'a/b/index'."""
    path = unquote(urlparse(url).path).lstrip("/")
    if not path or ".." in path.split("/"):
        return None
    if path.endswith("/"):
        return path + "index"
    if path.endswith(".html"):
        return path[: -len(".html")]
    if "." in path.rsplit("/", 1)[-1]:
        return None  # an asset such as a PDF: not a page Sphinx can write
    # GitHub Pages serves '/a/b' from 'a/b.html'
    return path


def url_list(value: Any) -> list[str]:
    """``redirect_from`` as a list of URLs (one string or a list)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if item]
    return []

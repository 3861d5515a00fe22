"""No page loads anything from another site: every script, style, font, image, frame and media file comes
from the site itself, so a reader's visit is known to no one else (comments load giscus only when the
reader presses "Load comments", which is a click, not a page load)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import pages, relative, soup

#: Elements whose `src` the browser fetches while loading the page.
FETCHED_SRC = ["script", "img", "iframe", "source", "audio", "video", "embed", "track", "input"]
#: `<link>` relations the browser fetches on its own.
FETCHED_REL = {"stylesheet", "icon", "apple-touch-icon", "preload", "prefetch", "modulepreload", "manifest"}
#: `url(...)` and `@import "..."` in CSS: fonts, background images, other stylesheets.
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def elsewhere(url: str) -> bool:
    """The URL names another host (`https://cdn...`, `//fonts...`); relative and data: URLs do not."""
    return bool(urlparse(url.strip()).netloc)


def page_loads(page: Path) -> list[tuple[str, str]]:
    """(what, URL) for each resource the page makes the browser fetch, from its HTML and inline CSS."""
    html = soup(page)
    loads = []
    for element in html.find_all(FETCHED_SRC):
        for attribute in ("src", "poster", "data"):
            if element.get(attribute):
                loads.append((f"<{element.name} {attribute}>", element[attribute]))
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                loads.append((f"<{element.name} srcset>", candidate.split()[0]))
    for element in html.find_all("object", data=True):
        loads.append(("<object data>", element["data"]))
    for link in html.find_all("link", href=True):
        if set(link.get("rel") or []) & FETCHED_REL:
            loads.append((f"<link rel={' '.join(link['rel'])}>", link["href"]))
    for style in html.find_all("style"):
        loads += [("<style>", "".join(match)) for match in CSS_URL.findall(style.get_text())]
    for element in html.find_all(style=True):
        loads += [(f"<{element.name} style>", "".join(match)) for match in CSS_URL.findall(element["style"])]
    return loads


def check(html: Path) -> Report:
    report = Report("origins")
    resources = 0
    all_pages = pages(html)
    for page in all_pages:
        for what, url in page_loads(page):
            resources += 1
            if elsewhere(url):
                report.problems.append(
                    Problem(
                        relative(html, page),
                        f"{what} loads {url} from {urlparse(url).netloc}",
                        "ship the file in docs/_static/ and load it from there",
                    )
                )
    stylesheets = sorted(html.rglob("*.css"))
    for stylesheet in stylesheets:
        for match in CSS_URL.findall(stylesheet.read_text(encoding="utf-8", errors="replace")):
            url = "".join(match)
            resources += 1
            if elsewhere(url):
                report.problems.append(
                    Problem(
                        relative(html, stylesheet),
                        f"loads {url} from {urlparse(url).netloc} (a font, image or stylesheet)",
                        "ship the file in docs/_static/ and refer to it with a relative URL",
                    )
                )
    report.counts = {"pages": len(all_pages), "stylesheets": len(stylesheets), "resources": resources}
    return report

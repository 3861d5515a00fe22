"""Reading a built site as a reader's browser or feed reader would."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

# where a link leads, and what a fragment may point at: the site checks' own reading (nox -s check)
from publication.tools.sitecheck.site import ids_of, local_target, pages

__all__ = ["FURO_STUB", "broken_links", "ids_of", "local_target", "pages", "soup"]

FURO_STUB = "inheriting from layout.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def broken_links(html: Path, base_url: str | None = None) -> list[str]:
    """Every internal link or fragment, on every page, that leads nowhere."""
    broken = []
    for page in pages(html):
        for element in soup(page).find_all(["a", "link"], href=True):
            if element.name == "link" and "alternate" not in (element.get("rel") or []):
                continue
            target = local_target(html, page, element["href"], base_url)
            if target is None:
                continue
            path, fragment = target
            if not path.is_file():
                broken.append(f"{page.relative_to(html)}: {element['href']} (no file)")
            elif fragment and path.suffix == ".html" and fragment not in ids_of(path):
                broken.append(f"{page.relative_to(html)}: {element['href']} (no anchor)")
    return broken

"""Reading a built site as a reader's browser or feed reader would."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

FURO_STUB = "inheriting from layout.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def pages(html: Path) -> list[Path]:
    """Every HTML page of a built site."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def local_target(html: Path, page: Path, href: str, base_url: str | None = None) -> tuple[Path, str] | None:
    """The file and fragment a link on `page` leads to inside the site, or None if it leaves the site.

    With the site's base URL, absolute URLs and absolute paths under it (the 404 page's links, which must
    work at any depth) are followed too.
    """
    root = urlparse(base_url).path if base_url else None
    if base_url and href.startswith(base_url):
        href = "/" + href[len(base_url) :]
        url = urljoin("file:///", href)
        path = html / urlparse(url).path.lstrip("/")
    elif root and href.startswith(root) and not href.startswith("//"):
        path = html / urlparse(href).path[len(root) :]
    else:
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc or href.startswith("mailto:"):
            return None
        url = urljoin(page.as_uri(), href)
        path = Path(urlparse(url).path)
    _, fragment = urldefrag(href)
    if path.is_dir():
        path = path / "index.html"
    return path, fragment


def ids_of(page: Path) -> set[str]:
    return {element["id"] for element in soup(page).find_all(id=True)} | {
        element["name"] for element in soup(page).find_all("a", attrs={"name": True})
    }


def broken_links(html: Path, base_url: str | None = None) -> list[str]:
    """Every internal link or fragment, on every page, that leads nowhere."""
    broken = []
    cache: dict[Path, set[str]] = {}
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
            elif fragment and path.suffix == ".html":
                if path not in cache:
                    cache[path] = ids_of(path)
                if fragment not in cache[path]:
                    broken.append(f"{page.relative_to(html)}: {element['href']} (no anchor)")
    return broken

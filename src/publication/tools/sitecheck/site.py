"""A built site read as files: its pages, where each link leads, the ids a fragment can point at."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

from bs4 import BeautifulSoup

#: Schemes a link may use that never lead to a file of the site.
NOT_FILES = ("mailto:", "tel:", "data:", "javascript:")


@lru_cache(maxsize=32)  # a few pages at a time: a whole large site would not fit in memory
def _parsed(path: Path, mtime: float) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def soup(path: Path) -> BeautifulSoup:
    """The page parsed, once per version of the file (checks read the same page many times)."""
    return _parsed(path, path.stat().st_mtime)


def pages(html: Path) -> list[Path]:
    """Every HTML page of a built site (the theme's assets in _static are not pages)."""
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.relative_to(html).parts)


def base_url_of(html: Path) -> str | None:
    """The site's address, read from the home page's canonical link (Sphinx writes it from html_baseurl)."""
    home = html / "index.html"
    if not home.is_file():
        return None
    canonical = soup(home).select_one('link[rel="canonical"][href]')
    if canonical is None:
        return None
    return canonical["href"].removesuffix("index.html")


def local_target(html: Path, page: Path, href: str, base_url: str | None = None) -> tuple[Path, str] | None:
    """The file and fragment a link on `page` leads to inside the site, or None if it leaves the site.

    With the site's base URL, absolute URLs and absolute paths under it (the 404 page's links, which must
    work at any depth) are followed too.
    """
    href = href.strip()
    if href.lower().startswith(NOT_FILES):
        return None
    root = urlparse(base_url).path if base_url else None
    if base_url and href.startswith(base_url):
        href = "/" + href[len(base_url) :]
        url = urljoin("file:///", href)
        path = html / unquote(urlparse(url).path).lstrip("/")
    elif root and href.startswith(root) and not href.startswith("//"):
        path = html / unquote(urlparse(href).path)[len(root) :]
    else:
        parsed = urlparse(href)
        if parsed.scheme or parsed.netloc:
            return None
        url = urljoin(page.as_uri(), href)
        path = Path(unquote(urlparse(url).path))
    _, fragment = urldefrag(href)
    if path.is_dir():
        path = path / "index.html"
    return path, unquote(fragment)


def ids_of(page: Path) -> set[str]:
    """What a fragment may point at on a page: element ids, and the names of old-style `<a name>` anchors."""
    return _ids(page, page.stat().st_mtime)


@lru_cache(maxsize=4096)
def _ids(page: Path, mtime: float) -> set[str]:
    html = soup(page)
    return {element["id"] for element in html.find_all(id=True)} | {
        element["name"] for element in html.find_all("a", attrs={"name": True})
    }


def relative(html: Path, path: Path) -> str:
    try:
        return str(path.relative_to(html))
    except ValueError:
        return str(path)

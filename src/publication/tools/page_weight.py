"""What a page weighs for a reader: its HTML and every style sheet, script and font it loads, gzipped.

``python -m publication.tools.page_weight SITE PAGE...`` prints each file and the total for pages of a built
site (``docs/_build/html``); ``nox -s bench`` prints the same for the home page and the first post. Sizes are
of gzip at level 9, file by file, as a server compressing them sends them; images are not counted
(they load lazily and are the author's choice). Fonts are counted when a style sheet loads one from the
site (furo uses the system's fonts: none).
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html

#: ``url(…)`` in a style sheet: the fonts (and anything else) it loads.
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
FONTS = (".woff2", ".woff", ".ttf", ".otf")


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _local(site: Path, page: Path, url: str) -> Path | None:
    """The site's file a URL loads, or None for another site's (publication.tools.sitecheck reports those).

    A path from the server's root (the 404 page's, which works at any depth: ``/en/latest/_static/…``)
    is found under the site by dropping its leading folders.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    if not parts.path.startswith("/"):
        return (page.parent / parts.path).resolve()
    segments = parts.path.lstrip("/").split("/")
    for start in range(len(segments)):
        candidate = site.joinpath(*segments[start:])
        if candidate.is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"{page}: {url} is not a file of the site")


def files_loaded(site: Path, page: Path) -> list[tuple[str, Path]]:
    """(kind, file) of the page itself and each style sheet, script and font it loads from the site."""
    loaded = [("html", page)]
    document = lxml.html.parse(str(page)).getroot()
    for link in document.iter("link"):
        if "stylesheet" in (link.get("rel") or "").split() and (
            path := _local(site, page, link.get("href", ""))
        ):
            loaded.append(("css", path))
            for url in CSS_URL.findall(path.read_text(encoding="utf-8")):
                if urlsplit(url).path.endswith(FONTS) and (font := _local(site, path, url)):
                    loaded.append(("font", font))
    for script in document.iter("script"):
        if script.get("src") and (path := _local(site, page, script.get("src"))):
            loaded.append(("js", path))
    return loaded


def weigh(site: Path, page: str) -> dict[str, object]:
    """Each file's gzipped size in bytes (by path under the site) and the total."""
    site = site.resolve()
    loaded = files_loaded(site, site / page)
    files = {path.relative_to(site).as_posix(): gzipped(path.read_bytes()) for _, path in loaded}
    return {"files": files, "total": sum(files.values())}


def table(site: Path, pages: list[str]) -> str:
    lines = []
    for page in pages:
        weight = weigh(site, page)
        lines.append(f"{page}: {weight['total'] / 1024:.1f} KiB gzipped")
        for name, size in weight["files"].items():
            lines.append(f"  {size / 1024:6.1f} KiB  {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publication.tools.page_weight", description=__doc__.splitlines()[0]
    )
    parser.add_argument("site", type=Path, help="a built site (docs/_build/html)")
    parser.add_argument("pages", nargs="+", help="pages under it (index.html posts/2020/….html)")
    args = parser.parse_args(argv)
    print(table(args.site, args.pages))
    return 0


if __name__ == "__main__":
    sys.exit(main())

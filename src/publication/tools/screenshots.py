"""Pictures of the built site as readers see it: full-page screenshots and a PDF print, by headless Chromium.

``python -m publication.tools.screenshots [SITE] [OUT]`` (``nox -s screenshots``) serves a built site on
127.0.0.1, opens a few typical pages in Debian's ``chromium`` through Selenium and ``chromedriver``, and
writes one full-page PNG per page, width and colour scheme (``index-1280-light.png`` ...) and a PDF of the
first article as the browser prints it. The browser resolves no host but 127.0.0.1, so a picture shows
exactly what the site itself serves.
"""

from __future__ import annotations

import argparse
import base64
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publication.shared.browser import chromium, missing_browser, serve
from publication.tools.sitecheck.accessibility import SHOWCASE, default_pages

#: The page printed to PDF.
PRINTED = "post"
#: A wide screen and a phone (CSS pixels).
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
#: Chromium's full-page captures stop at 16,384 device pixels; longer pages are cut there.
MAX_HEIGHT = 16384


@dataclass(frozen=True)
class Shot:
    name: str
    page: str
    width: int
    scheme: str

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.width}-{self.scheme}.png"


def pages_of(site: Path) -> dict[str, str]:
    """The pages to picture, read from the site so that any publication has them: the home page, the newest
    post, its first tag's archive page, and the style showcase when there is one (as nox -s check's axe)."""
    names = ("index", "post", "archive")
    found = default_pages(site)
    pages = dict(zip(names, [page for page in found if page != SHOWCASE], strict=False))
    if SHOWCASE in found:
        pages["showcase"] = SHOWCASE
    return pages


def shots(pages: dict[str, str]) -> list[Shot]:
    """Every picture to take: each page at each width in each colour scheme."""
    return [
        Shot(name, page, width, scheme)
        for name, page in pages.items()
        for width in WIDTHS
        for scheme in SCHEMES
    ]


def emulate(driver: Any, width: int, scheme: str, height: int = 900, media: str = "") -> None:
    """Set the viewport (a phone is a touch screen at 3 device pixels a CSS pixel) and colour scheme."""
    phone = width < 600
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
    )
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": media, "features": [{"name": "prefers-color-scheme", "value": scheme}]},
    )


def full_page_png(driver: Any, url: str, width: int, scheme: str) -> bytes:
    """The whole page at this width and colour scheme, as PNG bytes."""
    emulate(driver, width, scheme)
    driver.get(url)
    # fonts and images settle before the page is measured
    driver.execute_script("return document.fonts.ready.then(() => true)")
    height = driver.execute_script(
        "return Math.ceil(Math.max(document.documentElement.scrollHeight, document.body.scrollHeight))"
    )
    height = min(int(height), MAX_HEIGHT)
    result = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        },
    )
    return base64.b64decode(result["data"])


def pdf(driver: Any, url: str) -> bytes:
    """The page as the browser prints it (A4, with the page's own print styles), as PDF bytes."""
    emulate(driver, 1280, "light")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
    driver.get(url)
    driver.execute_script("return document.fonts.ready.then(() => true)")
    result = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {
            "paperWidth": 8.27,  # A4, in inches
            "paperHeight": 11.69,
            "marginTop": 0.8,
            "marginBottom": 0.8,
            "marginLeft": 0.8,
            "marginRight": 0.8,
            "printBackground": False,
            "preferCSSPageSize": True,
        },
    )
    return base64.b64decode(result["data"])


def render(site: Path, out: Path, pages: dict[str, str] | None = None, printed: str = PRINTED) -> list[Path]:
    """Take every screenshot and the PDF print of a built site into ``out``; returns the files written."""
    pages = pages or pages_of(site)
    if printed not in pages:
        raise FileNotFoundError(f"no post in {site} to print (build the site first, with a published post)")
    missing = [page for page in pages.values() if not (site / page).is_file()]
    if missing:
        raise FileNotFoundError(f"not in {site}: {', '.join(missing)} (build the site first)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve(site) as base, chromium() as driver:
        for shot in shots(pages):
            path = out / shot.filename
            path.write_bytes(full_page_png(driver, base + shot.page, shot.width, shot.scheme))
            written.append(path)
        path = out / f"{printed}-print.pdf"
        path.write_bytes(pdf(driver, base + pages[printed]))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publication.tools.screenshots",
        description="Screenshot a built site at 1280 and 390 px, light and dark; print its newest post.",
    )
    parser.add_argument("site", nargs="?", default="docs/_build/html", type=Path, help="the built site")
    parser.add_argument("out", nargs="?", default="docs/_build/screenshots", type=Path, help="where to write")
    args = parser.parse_args(argv)
    reason = missing_browser()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 1
    try:
        written = render(args.site, args.out)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

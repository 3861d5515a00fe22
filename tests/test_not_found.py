"""The 404 page is styled and its links lead somewhere on any host: at the address it was built for, at the
root of another host, and opened from disk (publication.site.not_found).

tests/roots/test-blog is built as for Read the Docs (``notfound_urls_prefix = "/en/latest/"``), then served
from 127.0.0.1 with a server that, like any static host, answers a missing address with 404.html.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import ROOTS, skip_or_fail, sphinx_build
from publication.shared import browser as browser_tools

PREFIX = "/en/latest/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("not-found")
    result = sphinx_build(ROOTS / "test-blog", out, "-D", f"notfound_urls_prefix={PREFIX}")
    assert result.returncode == 0, result.stderr
    return out / "html"


class StaticHost(browser_tools.QuietHandler):
    """Serves the site under ``mount``; any other address gets 404.html with status 404, as hosts do."""

    mount = "/"

    def send_head(self) -> Any:
        path = unquote(urlsplit(self.path).path)
        if path.startswith(self.mount):
            target = Path(self.directory) / path.removeprefix(self.mount)
            if target.is_file() or (target / "index.html").is_file():
                self.path = "/" + path.removeprefix(self.mount)
                return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return None


@contextmanager
def static_host(folder: Path, mount: str) -> Iterator[str]:
    with browser_tools.serve(folder, type("Mounted", (StaticHost,), {"mount": mount})) as base:
        yield base.rstrip("/")


@pytest.fixture(scope="module")
def chrome() -> Iterator[Any]:
    skip_or_fail(browser_tools.missing_browser())
    with browser_tools.chromium() as driver:
        yield driver


def test_only_the_404_page_carries_the_script(site: Path) -> None:
    assert (site / "404.html").read_text(encoding="utf-8").count("DOMContentLoaded") == 1
    for page in ("index.html", "about.html", "blog.html"):
        assert "DOMContentLoaded" not in (site / page).read_text(encoding="utf-8"), page
    # without JavaScript it is what sphinx-notfound-page wrote: paths under the prefix it was built for
    stylesheets = BeautifulSoup((site / "404.html").read_bytes(), "html.parser").select(
        'link[rel="stylesheet"]'
    )
    assert stylesheets and all(link["href"].startswith(PREFIX) for link in stylesheets)


@pytest.mark.parametrize(
    ("mount", "asked"),
    [
        (PREFIX, f"{PREFIX}posts/2019/gone/deeper.html"),  # where it was built for (Read the Docs)
        ("/", "/posts/2019/gone/deeper.html"),  # the root of another host (GitHub Pages, http.server)
        ("/", "/404.html"),  # the page asked for by name
    ],
)
def test_the_404_page_is_styled_and_its_links_lead_to_pages(
    site: Path, chrome: Any, mount: str, asked: str
) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    with static_host(site, mount) as origin:
        chrome.get(origin + asked)
        assert chrome.find_element("css selector", "h1").text == "Page not found"
        # a style sheet that failed to load (a 404 page instead of CSS) has no sheet
        WebDriverWait(chrome, 20).until(
            lambda driver: driver.execute_script(
                "return [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)"
            )
        )
        links = chrome.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)")
    # links to this page itself ("#content", the search form) aside
    inside = [
        urlsplit(link).path for link in links if link.startswith(origin) and urlsplit(link).path != asked
    ]
    assert len(inside) > 5
    assert any(path.endswith("/blog.html") for path in inside)  # the body's "all posts" link
    for path in inside:
        assert path.startswith(mount), path
        target = site / unquote(path).removeprefix(mount)
        assert target.is_file() or (target / "index.html").is_file(), path


def test_opened_from_disk_it_is_styled(site: Path, chrome: Any) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    chrome.get((site / "404.html").as_uri())
    WebDriverWait(chrome, 20).until(
        lambda driver: driver.execute_script(
            "return [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet)"
        )
    )
    hrefs = chrome.execute_script(
        "return [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href)"
    )
    assert all(href.startswith(site.as_uri() + "/") for href in hrefs), hrefs

"""The reading experience in a real browser: phone and desktop layout, measure, contrast, print and PDF.

Same browser and rules as tests/test_browser.py (Debian's headless Chromium through Selenium; skipped
without it unless PUBLICATION_REQUIRE_BROWSER=1; the sites served from 127.0.0.1 only).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import DOCS, ROOTS, sphinx_build
from helpers import soup
from publication.tools import screenshots
from test_browser import browser, chrome, publication_url, serve, wait_until  # noqa: F401 (fixtures)

ARTICLE = "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
PAGES = ["index.html", ARTICLE, "blog/tag/flat-minima.html", "showcase.html"]
SIDEBAR_TEXT = ["Recent posts", "Browse", "Subscribe", "Atom feed", "By category", "Skip to content"]


@pytest.fixture(scope="module")
def blog_url(serve: Callable[[Path], str], tmp_path_factory: pytest.TempPathFactory) -> str:  # noqa: F811
    """tests/roots/test-blog (three posts) with the site's stylesheet (docs/_static/publication.css)."""
    out = tmp_path_factory.mktemp("styled-blog")
    styles = ["-D", f"html_static_path={DOCS / '_static'}", "-D", "html_css_files=publication.css"]
    result = sphinx_build(ROOTS / "test-blog", out, *styles)
    assert result.returncode == 0, result.stderr
    return serve(out / "html")


def viewport(driver: Any, width: int, scheme: str = "light", media: str = "") -> None:
    screenshots.emulate(driver, width, scheme, height=844 if width < 600 else 900, media=media)


def box(driver: Any, element: Any) -> dict[str, float]:
    return driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", element)


# -- phones --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_on_a_phone_nothing_overflows_and_the_sidebar_waits_behind_its_button(
    chrome: Any,  # noqa: F811
    publication_url: str,  # noqa: F811
    page: str,
) -> None:
    viewport(chrome, 390)
    chrome.get(publication_url + page)
    assert chrome.execute_script("return document.documentElement.clientWidth") == 390
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 390
    sidebar = chrome.find_element("css selector", ".sidebar-drawer")
    assert box(chrome, sidebar)["right"] <= 0  # off-screen, to the left
    toggle = chrome.find_element("css selector", ".mobile-header label.nav-overlay-icon")
    assert toggle.is_displayed()
    toggle.click()
    blog = chrome.find_element("css selector", ".sidebar-drawer nav.blog-sidebar")
    inside = "const r = arguments[0].getBoundingClientRect(); return r.left >= 0 && r.right <= 390"
    assert wait_until(lambda: chrome.execute_script(inside, blog))  # the drawer slides in
    assert "Recent posts" in blog.get_attribute("textContent")


# -- home page cards -----------------------------------------------------------------------------------


def card_boxes(driver: Any) -> list[dict[str, float]]:
    return [box(driver, card) for card in driver.find_elements("css selector", "li.post-card")]


def test_cards_stack_on_a_phone_and_pair_up_on_a_wide_screen(chrome: Any, blog_url: str) -> None:  # noqa: F811
    viewport(chrome, 390)
    chrome.get(blog_url)
    phone = card_boxes(chrome)
    assert len(phone) == 3
    assert len({round(b["left"]) for b in phone}) == 1
    assert phone[0]["bottom"] <= phone[1]["top"] and phone[1]["bottom"] <= phone[2]["top"]

    viewport(chrome, 1280)
    chrome.get(blog_url)
    newest, second, third = card_boxes(chrome)
    assert newest["bottom"] <= second["top"]  # the newest card spans the row above
    assert round(second["top"]) == round(third["top"]) and second["right"] <= third["left"]
    assert newest["width"] > 1.8 * second["width"]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_card_excerpt_shows_at_most_two_lines(chrome: Any, publication_url: str, width: int) -> None:  # noqa: F811
    viewport(chrome, width)
    chrome.get(publication_url)
    excerpt = chrome.find_element("css selector", ".post-card-excerpt")
    line = float(
        chrome.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", excerpt)
    )
    assert box(chrome, excerpt)["height"] <= 2 * line + 1
    assert excerpt.text  # shown, not hidden


# -- measure and contrast ------------------------------------------------------------------------------


def test_the_articles_text_runs_65_to_75_characters_a_line(chrome: Any, publication_url: str) -> None:  # noqa: F811
    viewport(chrome, 1280)
    chrome.get(publication_url + ARTICLE)
    # the width of each paragraph, in characters of its own text's average width at its own font
    per_line = chrome.execute_script(
        """
        const canvas = document.createElement('canvas').getContext('2d');
        return [...document.querySelectorAll('article[role=main] section > p')]
          .filter(p => p.innerText.length > 300)
          .map(p => {
            canvas.font = getComputedStyle(p).font;
            const text = p.innerText.replace(/\\s+/g, ' ');
            return p.clientWidth / (canvas.measureText(text).width / text.length);
          });
        """
    )
    assert len(per_line) >= 3
    assert all(65 <= characters <= 75 for characters in per_line), per_line


CONTRAST = """
function rgb(text) { return text.match(/[\\d.]+/g).map(Number); }
function luminance([r, g, b]) {
  return [r, g, b].map(c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
}
function background(element) {
  for (let e = element; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
  }
  return [255, 255, 255];
}
const element = arguments[0];
const [a, b] = [luminance(rgb(getComputedStyle(element).color).slice(0, 3)), luminance(background(element))];
return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("page", "selector"),
    [
        ("index.html", ".post-card-title a"),
        ("index.html", ".post-card-meta"),
        ("index.html", ".post-card-excerpt"),
        ("index.html", "li.post-card a.post-tag"),
        ("index.html", ".home-links p:not(.home-all-posts)"),
        (ARTICLE, ".post-standfirst"),
        (ARTICLE, ".post-byline"),
        (ARTICLE, ".post-byline a.post-tag"),
    ],
)
def test_the_publications_own_text_meets_wcag_aa_contrast(
    chrome: Any,  # noqa: F811
    publication_url: str,  # noqa: F811
    scheme: str,
    page: str,
    selector: str,
) -> None:
    viewport(chrome, 1280, scheme)
    chrome.get(publication_url + page)
    element = chrome.find_element("css selector", selector)
    assert chrome.execute_script(CONTRAST, element) >= 4.5


# -- print ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_printed_the_article_keeps_its_text_and_drops_the_furniture(
    chrome: Any,  # noqa: F811
    publication_url: str,  # noqa: F811
    scheme: str,
) -> None:
    viewport(chrome, 1280, scheme, media="print")
    chrome.get(publication_url + ARTICLE)
    furniture = [
        ".sidebar-drawer",
        ".toc-drawer",
        ".mobile-header",
        ".theme-toggle-container",
        ".related-pages",
    ]
    for selector in furniture:
        assert not chrome.find_element("css selector", selector).is_displayed(), selector
    buttons = chrome.find_elements("css selector", "button.copy-button")
    assert buttons and not any(button.is_displayed() for button in buttons)
    article = [
        "h1",
        ".post-standfirst",
        ".post-byline",
        ".post-header-image img",
        "#references",
        "#cite-this-post",
    ]
    for selector in article:
        assert chrome.find_element("css selector", "article " + selector).is_displayed(), selector
    text = chrome.find_element("css selector", "#general-understanding > p")
    assert chrome.execute_script("return getComputedStyle(arguments[0]).color", text) == "rgb(0, 0, 0)"
    doi = chrome.find_element("css selector", "#references a[href^='https://doi.org/']")
    after = chrome.execute_script("return getComputedStyle(arguments[0], '::after').content", doi)
    assert after == f'" <{doi.get_attribute("href")}>"'


def test_the_pdf_print_has_no_sidebar_text_and_keeps_the_bibliography_with_its_addresses(
    chrome: Any,  # noqa: F811
    publication_url: str,  # noqa: F811
    publication_site: Path,
) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(screenshots.pdf(chrome, publication_url + ARTICLE)))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for furniture in SIDEBAR_TEXT:
        assert furniture not in text
    assert text.startswith("Capabilities of deep learning")
    assert "References" in text and "Cite this post" in text
    entries = soup(publication_site / ARTICLE).select("#references aside.footnote")
    assert len(entries) == 9
    flat = "".join(text.split())  # the PDF breaks long addresses across lines
    for entry in entries:
        for link in entry.select("a[href^=http]"):
            written = link["href"] if "bare-url" in link["class"] else f"<{link['href']}>"
            assert "".join(written.split()) in flat, link["href"]

"""The built sites in a real browser: Debian's headless Chromium, driven by Selenium over chromedriver.

What only a browser can tell: the popover a reader opens with the keyboard, the mouse or a finger, what it
shows, where it sits, its colours in dark mode. Without chromium and chromedriver these tests skip, unless
PUBLICATION_REQUIRE_BROWSER=1 (as in CI), where they fail. The sites are served from 127.0.0.1 and the
browser resolves no other host, so nothing here reaches the internet.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from conftest import GISCUS, skip_or_fail
from helpers import soup
from publication.shared import browser as browser_tools

ARTICLE = "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
DISCUSSED = "posts/2024/discussed.html"
POPOVER = "publication-popover"


@pytest.fixture(scope="module")
def serve() -> Iterator[Callable[[Path], str]]:
    """Serve built sites over HTTP on 127.0.0.1, each from its own port; returns each site's base URL."""
    with ExitStack() as servers:
        yield lambda folder: servers.enter_context(browser_tools.serve(folder))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole module: starting it is the slowest step."""
    skip_or_fail(browser_tools.missing_browser())
    with browser_tools.chromium(log_network=True) as driver:  # the comments test reads the network log
        yield driver


@pytest.fixture
def chrome(browser: Any) -> Iterator[Any]:
    """The module's browser, with every emulation a test turns on turned off again afterwards."""
    yield browser
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": False})


@pytest.fixture(scope="module")
def publication_url(serve: Callable[[Path], str], publication_site: Path) -> str:
    return serve(publication_site)


@pytest.fixture(scope="module")
def reading_url(serve: Callable[[Path], str], reading_site: Path) -> str:
    return serve(reading_site)


@pytest.fixture(scope="module")
def comments_url(serve: Callable[[Path], str], comments_site: Path) -> str:
    return serve(comments_site)


# -- helpers -------------------------------------------------------------------------------------------


def words(text: str) -> str:
    return " ".join(text.split())


def note_text(site: Path, page: str, link_selector: str, index: int = 0) -> tuple[str, list[str]]:
    """What the popover must show for a link, read from the built HTML: the note's text without its
    label and back-links, and the URLs of the note's links."""
    article = soup(site / page).select_one("article[role=main]")
    link = article.select(link_selector)[index]
    note = article.find(id=link["href"][1:])
    for furniture in note.select(".label, .backrefs"):
        furniture.decompose()
    return words(note.get_text()), [a["href"] for a in note.find_all("a", href=True)]


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def tab_to(driver: Any, selector: str, limit: int = 200) -> Any:
    """Press Tab from the top of the page until the focused element matches the selector."""
    from selenium.webdriver.common.keys import Keys

    for _ in range(limit):
        press(driver, Keys.TAB)
        if driver.execute_script("return document.activeElement.matches(arguments[0])", selector):
            return driver.switch_to.active_element
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def popover(driver: Any) -> Any:
    return driver.find_element("id", POPOVER)


def shown(driver: Any) -> bool:
    return bool(
        driver.execute_script(f"const p = document.getElementById('{POPOVER}'); return !!p && !p.hidden")
    )


def wait_until(condition: Callable[[], bool], timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def rendered_text(element: Any) -> str:
    return words(element.get_attribute("innerText"))


def css(driver: Any, element: Any, prop: str) -> str:
    return driver.execute_script(
        "return getComputedStyle(arguments[0]).getPropertyValue(arguments[1])", element, prop
    )


# -- popovers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site", "page", "selector"),
    [
        ("publication", ARTICLE, "a.footcite"),
        ("publication", "showcase.html", "a.footnote-reference"),
        ("reading", DISCUSSED, "a.footnote-reference"),
    ],
)
def test_tab_to_a_reference_shows_the_note_and_escape_hides_it(
    chrome: Any, request: pytest.FixtureRequest, site: str, page: str, selector: str
) -> None:
    folder = request.getfixturevalue(f"{site}_site")
    chrome.get(request.getfixturevalue(f"{site}_url") + page)
    expected_text, expected_links = note_text(folder, page, selector)

    link = tab_to(chrome, selector)
    assert shown(chrome)
    tip = popover(chrome)
    assert tip.is_displayed()
    assert tip.get_attribute("role") == "tooltip"
    assert link.get_attribute("aria-describedby") == POPOVER
    assert rendered_text(tip) == expected_text
    assert [a.get_attribute("href") for a in tip.find_elements("css selector", "a[href^=http]")] == [
        url for url in expected_links if url.startswith("http")
    ]
    assert expected_links  # every entry here has a DOI, arXiv or other link

    from selenium.webdriver.common.keys import Keys

    press(chrome, Keys.ESCAPE)
    assert not shown(chrome) and not tip.is_displayed()
    assert link.get_attribute("aria-describedby") is None
    assert chrome.switch_to.active_element == link  # Escape hides the popover; focus stays put


def test_the_citation_popover_shows_the_doi_link(
    chrome: Any, publication_site: Path, publication_url: str
) -> None:
    chrome.get(publication_url + ARTICLE)
    tab_to(chrome, "a.footcite")
    links = [a.get_attribute("href") for a in popover(chrome).find_elements("css selector", "a")]
    assert links == ["https://doi.org/10.1162/neco.1997.9.1.1"]
    assert rendered_text(popover(chrome)).startswith("Sepp Hochreiter and Jürgen Schmidhuber. Flat minima.")


def test_tab_walks_through_the_popovers_links_then_hides_it(chrome: Any, reading_url: str) -> None:
    from selenium.webdriver.common.keys import Keys

    chrome.get(reading_url + DISCUSSED)
    tab_to(chrome, "a.footnote-reference")
    press(chrome, Keys.TAB)
    assert chrome.switch_to.active_element.text == "the second section"
    assert shown(chrome)
    press(chrome, Keys.TAB)
    assert chrome.switch_to.active_element.text == "arXiv listing"
    assert shown(chrome)
    press(chrome, Keys.ESCAPE)  # from inside the popover: hidden, focus back on its link
    assert not shown(chrome)
    assert chrome.execute_script("return document.activeElement.matches('a.footnote-reference')")
    press(chrome, Keys.TAB)  # reopened by focus, then left: the next Tab stop is past the popover
    press(chrome, Keys.TAB, Keys.TAB, Keys.TAB)
    assert not shown(chrome)


def test_hover_shows_the_popover_and_it_stays_open_while_the_pointer_is_on_it(
    chrome: Any, reading_url: str
) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    chrome.get(reading_url + DISCUSSED)
    link = chrome.find_elements("css selector", "a.footcite")[0]
    ActionChains(chrome).move_to_element(link).perform()
    assert wait_until(lambda: shown(chrome))
    ActionChains(chrome).move_to_element(popover(chrome)).pause(0.5).perform()
    assert shown(chrome)  # the reader can reach the DOI link
    ActionChains(chrome).move_to_element(chrome.find_element("css selector", "h1")).perform()
    assert wait_until(lambda: not shown(chrome))


def test_in_dark_mode_the_popover_has_furos_dark_background(chrome: Any, publication_url: str) -> None:
    def background() -> tuple[str, str]:
        chrome.get(publication_url + ARTICLE)
        tab_to(chrome, "a.footcite")
        body = chrome.find_element("css selector", "body")
        return css(chrome, popover(chrome), "background-color"), css(chrome, body, "background-color")

    light, light_page = background()
    chrome.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]}
    )
    dark, dark_page = background()
    assert (light, dark) == (light_page, dark_page)  # the page's own background, in each mode
    assert light != dark
    red, green, blue = (int(part) for part in dark.removeprefix("rgb(").rstrip(")").split(","))
    assert red + green + blue < 3 * 64, dark


def test_on_a_phone_every_citation_popover_stays_inside_the_screen(chrome: Any, publication_url: str) -> None:
    chrome.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True},
    )
    chrome.get(publication_url + ARTICLE)
    width = chrome.execute_script("return document.documentElement.clientWidth")
    height = chrome.execute_script("return document.documentElement.clientHeight")
    assert width == 390
    links = chrome.find_elements("css selector", "article a.footcite")
    assert len(links) >= 5
    for link in links:
        chrome.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); arguments[0].focus()", link
        )
        assert shown(chrome)
        box = chrome.execute_script("return arguments[0].getBoundingClientRect().toJSON()", popover(chrome))
        assert box["left"] >= 0 and box["right"] <= width, box
        assert box["top"] >= 0 and box["bottom"] <= height, box


def test_a_first_tap_previews_a_second_tap_follows_a_tap_elsewhere_hides(
    chrome: Any, reading_url: str
) -> None:
    chrome.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    chrome.get(reading_url + DISCUSSED)
    link = chrome.find_elements("css selector", "a.footcite")[0]

    def tap(element: Any) -> None:
        x, y = chrome.execute_script(
            "const r = arguments[0].getClientRects()[0]; return [r.left + r.width / 2, r.top + r.height / 2]",
            element,
        )
        for kind in ("touchStart", "touchEnd"):
            points = [{"x": x, "y": y}] if kind == "touchStart" else []
            chrome.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
        time.sleep(0.1)

    tap(link)
    assert wait_until(lambda: shown(chrome))
    assert chrome.execute_script("return location.hash") == ""  # the page did not jump
    tap(chrome.find_element("css selector", "h1"))
    assert wait_until(lambda: not shown(chrome))
    tap(link)
    assert wait_until(lambda: shown(chrome))
    tap(link)
    assert wait_until(lambda: chrome.execute_script("return location.hash") == link.get_attribute("hash"))


# -- comments ------------------------------------------------------------------------------------------


def requests_since_last_call(driver: Any) -> list[str]:
    """The http(s) URLs the browser asked for since the last call (from Chromium's performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return [url for url in urls if url.startswith(("http:", "https:"))]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_comments_load_nothing_from_giscus_until_the_reader_presses_the_button(
    chrome: Any, comments_url: str, scheme: str
) -> None:
    chrome.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    requests_since_last_call(chrome)
    chrome.get(comments_url + DISCUSSED)
    button = chrome.find_element("css selector", "section.comments button.comments-load")
    assert button.is_displayed() and button.text == "Load comments"
    assert chrome.find_elements("css selector", "script[src*=giscus], iframe") == []
    before = requests_since_last_call(chrome)
    assert before and all(url.startswith(comments_url) for url in before), before

    chrome.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    script = chrome.find_element("css selector", "section.comments script[src]")
    assert script.get_attribute("src") == "https://giscus.app/client.js"
    data = chrome.execute_script("return {...arguments[0].dataset}", script)
    assert data["repo"] == GISCUS["repo"] and data["repoId"] == GISCUS["repo_id"]
    assert data["category"] == GISCUS["category"] and data["categoryId"] == GISCUS["category_id"]
    assert data["mapping"] == "pathname"
    assert data["theme"] == scheme  # furo's mode, here the system's as furo's toggle is on "auto"
    # the browser tried (this test's browser resolves no host but 127.0.0.1, so it got nowhere)
    assert wait_until(lambda: "https://giscus.app/client.js" in requests_since_last_call(chrome))


# -- copy buttons --------------------------------------------------------------------------------------


def clipboard_after_clicking(chrome: Any, base_url: str, page: str, block: str) -> tuple[str, Any]:
    origin = base_url.rstrip("/")
    chrome.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": origin, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    chrome.get(base_url + page)
    button = chrome.find_element("css selector", f"{block} div.highlight button.copy-button")
    assert button.get_attribute("aria-label") == "Copy to clipboard"
    chrome.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
    button.click()
    assert wait_until(lambda: button.get_attribute("data-status") == "Copied")
    text = chrome.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, (e) => done('failed: ' + e))"
    )
    return text, button


def test_the_copy_button_copies_the_bibtex_entry_and_says_so(
    chrome: Any, publication_site: Path, publication_url: str
) -> None:
    shown = soup(publication_site / ARTICLE).select_one("#cite-this-post div.highlight pre").get_text()
    copied, button = clipboard_after_clicking(chrome, publication_url, ARTICLE, "#cite-this-post")
    assert copied == shown.rstrip("\n") and copied.startswith("@misc{")
    status = chrome.find_element("css selector", "[role=status]")
    assert status.get_attribute("textContent") == "Copied"  # read out by screen readers
    assert (
        chrome.execute_script("return getComputedStyle(arguments[0], '::after').content", button)
        == '"Copied"'
    )


def test_a_terminal_session_is_copied_without_prompts_or_output(chrome: Any, publication_url: str) -> None:
    copied, _ = clipboard_after_clicking(chrome, publication_url, "showcase.html", ".highlight-console")
    assert copied == "nox -s build\npython3 -m http.server -d docs/_build/html"


# -- search ---------------------------------------------------------------------------------------------


def test_slash_puts_the_cursor_in_the_search_box(chrome: Any, publication_url: str) -> None:
    chrome.get(publication_url + ARTICLE)
    press(chrome, "/")
    assert chrome.execute_script("return document.activeElement.name") == "q"
    assert chrome.execute_script("return typeof Documentation") == "undefined"  # Sphinx's helpers not loaded


def test_a_page_opened_from_search_results_highlights_the_words(chrome: Any, publication_url: str) -> None:
    chrome.get(publication_url + "search.html?q=Hochreiter")
    assert wait_until(
        lambda: bool(chrome.find_elements("css selector", "#search-results ul.search li a")), 10
    )
    result = chrome.find_element("css selector", "#search-results ul.search li a")
    assert result.get_attribute("href").split("?")[0].endswith(ARTICLE)
    result.click()
    assert wait_until(lambda: bool(chrome.find_elements("css selector", "article span.highlighted")), 5)
    words = {span.text.lower() for span in chrome.find_elements("css selector", "article span.highlighted")}
    assert words == {"hochreiter"}
    chrome.get(publication_url + ARTICLE)  # the words are highlighted once, not on every later visit
    assert chrome.find_elements("css selector", "span.highlighted") == []

"""Paged listings (publication.site.paging): all posts, each tag, category and author, N posts a page."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DOCS, ROOTS, copy_site, sphinx_build
from helpers import broken_links, soup
from publication.site import paging
from test_browser import browser, chrome, serve  # noqa: F401 (fixtures)
from test_browser_layout import CONTRAST, box, viewport
from test_rebuilds import assert_same_as_clean_build, outputs, times, written_since

BASE = "https://paging.example.org/"
PER_PAGE = 10
GENERATED = 25


def generated_post(number: int) -> str:
    """Post ``number`` (1 = oldest of the generated ones): tagged ``all``, every third also ``rare``;
    alternate authors; a title with markup characters, which must show as written."""
    tags = ["all", "rare"] if number % 3 == 0 else ["all"]
    author = "alan" if number % 2 else "ada"
    return (
        f'---\ntitle: Post {number:02d} <b>bold</b> & "quoted"\n'
        f"date: 2021-{1 + number // 28:02d}-{1 + number % 28:02d} 10:00:00 +00:00\n"
        f"tags: [{', '.join(tags)}]\ncategory: Notes\nauthor: {author}\n---\n\n"
        f"Generated post number {number}.\n"
    )


def add_posts(site: Path, numbers: range) -> None:
    folder = site / "posts/2021"
    folder.mkdir(exist_ok=True)
    for number in numbers:
        (folder / f"post-{number:02d}.md").write_text(generated_post(number), encoding="utf-8")


def paging_site(tmp_path: Path) -> Path:
    site = copy_site(ROOTS / "test-paging", tmp_path / "src")
    add_posts(site, range(1, GENERATED + 1))
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test root with 25 generated posts (26 in all) and the site's stylesheet, built strictly; returns
    the HTML folder."""
    tmp = tmp_path_factory.mktemp("paging")
    out = tmp / "out"
    styles = ["-D", f"html_static_path={DOCS / '_static'}", "-D", "html_css_files=publication.css"]
    result = sphinx_build(paging_site(tmp), out, *styles)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "html"


def titles_newest_first(site_posts: list[tuple[str, str]]) -> list[str]:
    return [title for _, title in sorted(site_posts, reverse=True)]


def expected_titles(predicate: Callable[[int], bool] = lambda number: True, first: bool = True) -> list[str]:
    generated = [
        f'Post {number:02d} <b>bold</b> & "quoted"'
        for number in range(GENERATED, 0, -1)  # newest first
        if predicate(number)
    ]
    return generated + (["The first post <em>&amp; its title</em>"] if first else [])


def walk(html: Path, first_page: str) -> list[tuple[str, Any]]:
    """A listing's pages, from its first page by its rel="next" links, checking the way back by rel="prev"."""
    visited = []
    page: str | None = first_page
    previous = None
    while page is not None:
        assert page not in [name for name, _ in visited], f"{page} links back into its own chain"
        document = soup(html / page)
        visited.append((page, document))
        head_prev = document.select_one('head link[rel="prev"]')
        if previous is None:
            assert head_prev is None
        else:
            assert resolve(page, head_prev["href"]) == previous
            assert resolve(page, document.select_one('nav.pager a[rel="prev"]')["href"]) == previous
        head_next = document.select_one('head link[rel="next"]')
        pager_next = document.select_one('nav.pager a[rel="next"]')
        assert (head_next is None) == (pager_next is None)
        previous, page = page, resolve(page, head_next["href"]) if head_next else None
        if page is not None:
            assert resolve(previous, pager_next["href"]) == page
    return visited


def resolve(page: str, href: str) -> str:
    """The page a relative link on ``page`` leads to, as a path in the output folder."""
    return urljoin(BASE + page, href).removeprefix(BASE)


def listed_titles(document: Any) -> list[str]:
    return [link.get_text() for link in document.select("ol.post-list .post-list-title a")]


LISTINGS = [
    ("blog.html", "blog/page/", lambda number: True, True),
    ("blog/tag/all.html", "blog/tag/all/page/", lambda number: True, True),
    ("blog/category/notes.html", "blog/category/notes/page/", lambda number: True, True),
    ("blog/author/alan-turing.html", "blog/author/alan-turing/page/", lambda number: number % 2 == 1, False),
]


@pytest.mark.parametrize(("first_page", "later", "listed", "with_first"), LISTINGS)
def test_every_post_appears_once_across_the_pages_newest_first(
    built: Path, first_page: str, later: str, listed: Callable[[int], bool], with_first: bool
) -> None:
    pages = walk(built, first_page)
    expected = expected_titles(listed, with_first)
    assert len(pages) == math.ceil(len(expected) / PER_PAGE) >= 2
    assert [name for name, _ in pages] == [first_page] + [
        f"{later}{n}.html" for n in range(2, len(pages) + 1)
    ]
    shown = [title for _, document in pages for title in listed_titles(document)]
    assert shown == expected  # each once, in order, the titles as written (text, not markup)
    for number, (name, document) in enumerate(pages, start=1):
        posts = listed_titles(document)
        assert len(posts) == (
            PER_PAGE if number < len(pages) else len(expected) - PER_PAGE * (len(pages) - 1)
        )
        assert not document.select("ol.post-list .post-list-title a b")  # a title's <b> is text
        # the list keeps each post's number in the whole listing (reversed: the newest is the highest)
        assert int(document.select_one("ol.post-list").get("start", len(expected))) == len(
            expected
        ) - PER_PAGE * (number - 1)
        pager = document.select_one('nav.pager[aria-label="Pages"]')
        current = pager.select('a[aria-current="page"]')
        assert [link.get_text(" ", strip=True) for link in current] == [f"Page {number}"]
        assert resolve(name, current[0]["href"].replace("#", "")) in (name, "")
        numbered = {
            int(link.get_text(strip=True).removeprefix("Page")): link
            for link in pager.select("li:not(.pager-step) > a")
        }
        assert set(numbered) == set(range(1, len(pages) + 1))  # few pages: every number is shown
        for other, link in numbered.items():
            if other != number:
                assert resolve(name, link["href"]) == pages[other - 1][0]
        assert document.select_one('link[rel="canonical"]')["href"] == BASE + name
        heading = document.select_one("h1").get_text()
        assert heading.endswith(f"(page {number} of {len(pages)})") if number > 1 else "(page" not in heading


def test_the_pages_are_in_the_sitemap_and_their_links_resolve(built: Path) -> None:
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    for later in (
        "blog/page/2.html",
        "blog/page/3.html",
        "blog/tag/all/page/3.html",
        "blog/author/alan-turing/page/2.html",
    ):
        assert (built / later).is_file()
        assert f"<loc>{BASE}{later}</loc>" in sitemap
    assert broken_links(built, BASE) == []


def test_a_listing_that_fits_on_a_page_has_no_pager(built: Path) -> None:
    rare = soup(built / "blog/tag/rare.html")
    assert listed_titles(rare) == expected_titles(lambda number: number % 3 == 0)
    assert rare.select_one("nav.pager") is None
    assert rare.select_one('link[rel="next"]') is None and rare.select_one('link[rel="prev"]') is None
    assert not (built / "blog/tag/rare/page").exists()


def test_the_archive_by_year_stays_one_page(built: Path) -> None:
    year = soup(built / "blog/2021.html")
    assert listed_titles(year) == expected_titles(first=False)  # 25 posts, more than a page
    assert year.select_one("nav.pager") is None
    assert not (built / "blog/2021").exists()


def test_the_home_page_is_not_paged(built: Path) -> None:
    home = soup(built / "index.html")
    assert home.select_one("nav.pager") is None and home.select_one('link[rel="next"]') is None


def test_a_redirect_cannot_take_a_listing_pages_address(tmp_path: Path) -> None:
    site = paging_site(tmp_path)
    post = site / "posts/2021/post-25.md"
    post.write_text(
        post.read_text(encoding="utf-8").replace("author: alan\n", "author: alan\nredirect: blog/page/2\n")
    )
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert (
        "'redirect': 'blog/page/2' is the address of blog/page/2, a page the blog writes itself"
        in result.stderr
    )
    assert listed_titles(soup(tmp_path / "out/html/blog/page/2.html"))  # the listing, not a redirect


# -- the setting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -3, True, 2.5, "10"])
def test_a_bad_posts_per_page_is_named_and_the_default_used(value: Any) -> None:
    config = SimpleNamespace(publication_posts_per_page=value)
    with pytest.MonkeyPatch.context() as patch:
        warnings: list[str] = []
        patch.setattr(paging.logger, "warning", lambda message, **kwargs: warnings.append(message))
        paging.check_posts_per_page(None, config)  # type: ignore[arg-type]
    assert config.publication_posts_per_page == paging.DEFAULT_POSTS_PER_PAGE
    assert warnings and "publication_posts_per_page" in warnings[0] and repr(value) in warnings[0]


def test_a_bad_posts_per_page_fails_a_strict_build_naming_the_setting(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-paging", tmp_path / "src")
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("publication_posts_per_page = 0\n")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "conf.py: publication_posts_per_page must be a whole number of at least 1, not 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_posts_per_page_from_the_command_line(tmp_path: Path) -> None:
    site = paging_site(tmp_path)
    result = sphinx_build(site, tmp_path / "out", "-D", "publication_posts_per_page=7")
    assert result.returncode == 0, result.stderr
    pages = walk(tmp_path / "out/html", "blog.html")
    assert len(pages) == math.ceil((GENERATED + 1) / 7)
    assert [title for _, document in pages for title in listed_titles(document)] == expected_titles()


# -- incremental builds --------------------------------------------------------------------------------


def listing_pages(html: Path) -> set[str]:
    return {str(path.relative_to(html)) for path in html.glob("blog/**/*.html")}


def test_editing_a_post_rewrites_only_the_listing_pages_that_show_it(tmp_path: Path) -> None:
    site = paging_site(tmp_path)
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    before = times(out / "html")
    assert sphinx_build(site, out).returncode == 0
    assert written_since(out / "html", before) == set()  # nothing changed, nothing written

    # post 10 is the 16th newest of all: on page 2 of all posts, of the tag "all" and of the category
    post = site / "posts/2021/post-10.md"
    post.write_text(post.read_text(encoding="utf-8").replace("Generated post", "A rewritten post"), "utf-8")
    assert sphinx_build(site, out).returncode == 0
    written = written_since(out / "html", before) & listing_pages(out / "html")
    assert {"blog/page/2.html", "blog/tag/all/page/2.html", "blog/category/notes/page/2.html"} <= written
    for unchanged in ("blog.html", "blog/page/3.html", "blog/tag/all.html", "blog/tag/all/page/3.html"):
        assert unchanged not in written, unchanged
    assert "blog/author/alan-turing.html" not in written  # post 10 is Ada's
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_deleting_posts_removes_a_listings_now_empty_last_page(tmp_path: Path) -> None:
    site = paging_site(tmp_path)
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    assert (out / "html/blog/page/3.html").is_file()
    for number in range(1, 8):  # 26 -> 19 posts: two pages
        (site / f"posts/2021/post-{number:02d}.md").unlink()
    assert sphinx_build(site, out).returncode == 0
    html = out / "html"
    assert not (html / "blog/page/3.html").exists() and not (html / "blog/tag/all/page/3.html").exists()
    assert "blog/page/3.html" not in (html / "sitemap.xml").read_text(encoding="utf-8")
    assert soup(html / "blog/page/2.html").select_one('link[rel="next"]') is None
    assert_same_as_clean_build(site, out, tmp_path / "clean")
    folders = {str(p.relative_to(html)) for p in html.rglob("*") if p.is_dir()}
    clean = tmp_path / "clean/html"
    assert folders == {str(p.relative_to(clean)) for p in clean.rglob("*") if p.is_dir()}


def test_more_posts_a_page_on_a_rebuild_removes_the_pages_no_longer_needed(tmp_path: Path) -> None:
    site = paging_site(tmp_path)
    out, clean = tmp_path / "out", tmp_path / "clean"
    assert sphinx_build(site, out).returncode == 0
    assert (out / "html/blog/page/3.html").is_file()
    larger = ["-D", "publication_posts_per_page=20"]
    assert sphinx_build(site, out, *larger).returncode == 0
    assert sphinx_build(site, clean, *larger).returncode == 0
    built, expected = outputs(out / "html"), outputs(clean / "html")
    built.pop(".buildinfo.bak", None)  # Sphinx keeps the previous configuration's record when it changes
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []
    assert (
        not (out / "html/blog/page/3.html").exists()
        and not (out / "html/blog/author/alan-turing/page").exists()
    )


# -- the paging itself, over any number of posts and posts a page ---------------------------------------


@settings(max_examples=200, deadline=None)
@given(total=st.integers(min_value=0, max_value=500), per_page=st.integers(min_value=1, max_value=60))
def test_pages_hold_every_post_once_in_order(total: int, per_page: int) -> None:
    posts = list(range(total))
    pages = paging.pages_of("blog/tag/x", posts, per_page)
    assert [post for page in pages for post in page.posts] == posts
    assert len(pages) == max(1, math.ceil(total / per_page))
    assert all(len(page.posts) == per_page for page in pages[:-1])
    assert 0 < len(pages[-1].posts) <= per_page or total == 0
    names = [paging.page_name("blog/tag/x", page.number) for page in pages]
    assert names[0] == "blog/tag/x" and all(re.fullmatch(r"blog/tag/x/page/\d+", n) for n in names[1:])
    for index, page in enumerate(pages):
        assert page.number == index + 1 and page.count == len(pages) and page.total == total
        assert page.first == index * per_page + 1
        assert page.prev == (names[index - 1] if index else None)
        assert page.next == (names[index + 1] if index + 1 < len(pages) else None)
        linked = [link.number for link in page.links]
        assert linked == paging.pager_numbers(page.number, page.count)
        assert all(link.pagename == names[link.number - 1] for link in page.links if link.number)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(), count=st.integers(min_value=1, max_value=400), reach=st.integers(min_value=0, max_value=4)
)
def test_the_pager_shows_first_last_and_neighbours(data: st.DataObject, count: int, reach: int) -> None:
    current = data.draw(st.integers(min_value=1, max_value=count))
    numbers = paging.pager_numbers(current, count, reach)
    shown = [n for n in numbers if n is not None]
    assert shown == sorted(set(shown)) and {1, count, current} <= set(shown)
    assert set(range(max(1, current - reach), min(count, current + reach) + 1)) <= set(shown)
    assert len(numbers) <= 2 * reach + 5  # first, gap, neighbours, gap, last
    for before, gap, after in zip(numbers, numbers[1:], numbers[2:], strict=False):
        if gap is None:
            assert before is not None and after is not None and after - before > 2  # never hides one number
    for before, after in itertools.pairwise(numbers):
        if before is not None and after is not None:
            assert after == before + 1  # numbers side by side are consecutive, else a gap is marked
    assert numbers[0] == 1 and numbers[-1] == count


def test_page_bounds_refuses_fewer_than_one_post_a_page() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        paging.page_bounds(5, 0)


# -- in a browser: a phone, light and dark, print ------------------------------------------------------


@pytest.fixture(scope="module")
def paging_url(serve: Callable[[Path], str], built: Path) -> str:  # noqa: F811
    return serve(built)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_pager_fits_and_its_links_are_big_enough_to_tap(
    chrome: Any,  # noqa: F811
    paging_url: str,
    scheme: str,
) -> None:
    viewport(chrome, 390, scheme)
    chrome.get(paging_url + "blog/page/2.html")
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 390
    links = chrome.find_elements("css selector", "nav.pager a")
    assert len(links) == 5 and all(link.is_displayed() for link in links)  # newer, 1, 2, 3, older
    for link in links:
        rectangle = box(chrome, link)
        assert rectangle["left"] >= 0 and rectangle["right"] <= 390
        assert rectangle["height"] >= 44 and rectangle["width"] >= 44
        assert chrome.execute_script(CONTRAST, link) >= 4.5
    current = chrome.find_element("css selector", 'nav.pager a[aria-current="page"]')
    assert chrome.execute_script(CONTRAST, current) >= 4.5
    background = chrome.execute_script("return getComputedStyle(arguments[0]).backgroundColor", current)
    assert background != chrome.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", links[1]
    )  # the current page stands out from the others


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_printed_a_listing_page_keeps_its_posts_and_drops_the_pager(
    chrome: Any,  # noqa: F811
    paging_url: str,
    scheme: str,
) -> None:
    viewport(chrome, 1280, scheme, media="print")
    chrome.get(paging_url + "blog/page/2.html")
    assert not chrome.find_element("css selector", "nav.pager").is_displayed()
    titles = chrome.find_elements("css selector", "ol.post-list .post-list-title a")
    assert len(titles) == PER_PAGE and all(title.is_displayed() for title in titles)

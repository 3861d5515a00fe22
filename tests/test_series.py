"""Series and related posts as readers and feed readers see them (tests/roots/test-series).

The root has one series, "Flat & sharp <minima>", of three published parts (part one and two placed by
``series_order``, part two dated before part one; part three by date), a draft and a future post in the
series, a post that shares tags with the series, and one that shares no tag with any post.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DOCS, ROOTS, copy_site, sphinx_build
from helpers import soup
from publication.site.posts import Label, PostRecord
from publication.site.related_posts import related_posts, shared_tags
from publication.site.series import reading_order, series_of
from test_browser import browser, chrome, serve  # noqa: F401 (fixtures)
from test_browser_layout import CONTRAST, box, viewport
from test_rebuilds import assert_same_as_clean_build, times, written_since

SERIES = "Flat & sharp <minima>"
SERIES_PAGE = "blog/series/flat-sharp-minima.html"
PARTS = ["posts/2021/part-one.html", "posts/2021/part-two.html", "posts/2022/part-three.html"]
TITLES = ["Part one <of> the essay", "Part two & its proof", "Part three"]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def series_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test root built strictly with the site's own stylesheet; returns the HTML folder."""
    out = tmp_path_factory.mktemp("series")
    styles = ["-D", f"html_static_path={DOCS / '_static'}", "-D", "html_css_files=publication.css"]
    result = sphinx_build(ROOTS / "test-series", out, *styles)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return out / "html"


def article(html: Path, page: str) -> BeautifulSoup:
    found = soup(html / page).find("article", attrs={"role": "main"})
    assert found is not None, page
    return found


def resolve(page: str, href: str) -> str:
    """The file a relative link on ``page`` points at."""
    parts = page.split("/")[:-1]
    for part in href.split("#")[0].split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


# -- The series box -----------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_part_says_where_it_stands_and_links_every_part_in_order(series_site: Path, number: int) -> None:
    page = PARTS[number - 1]
    box = article(series_site, page).find("nav", class_="post-series")
    assert box is not None
    line = box.find("p")
    assert " ".join(line.get_text().split()) == f"Part {number} of 3 in {SERIES}"
    assert resolve(page, line.a["href"]) == SERIES_PAGE
    links = box.find("ol").find_all("a")
    assert [a.get_text() for a in links] == TITLES  # drafts and future parts are not parts yet
    assert [resolve(page, a["href"]) for a in links] == PARTS
    assert [a.get("aria-current") for a in links] == ["page" if i == number - 1 else None for i in range(3)]
    assert box.get("aria-labelledby") == line["id"]


def test_the_box_is_under_the_byline(series_site: Path) -> None:
    body = article(series_site, PARTS[0])
    byline = body.find(class_="post-byline")
    assert byline.find_next_sibling() is body.find("nav", class_="post-series")


def test_posts_outside_a_series_have_no_box(series_site: Path) -> None:
    for page in ("posts/2020/neighbour.html", "posts/2020/lonely.html", "index.html"):
        assert article(series_site, page).find(class_="post-series") is None, page


def test_series_names_and_titles_stay_text(series_site: Path) -> None:
    for page in [*PARTS, SERIES_PAGE]:
        raw = (series_site / page).read_text(encoding="utf-8")
        assert "<minima>" not in raw and "<of>" not in raw, page


# -- The series page ----------------------------------------------------------------------------------


def test_the_series_page_lists_the_parts_in_reading_order(series_site: Path) -> None:
    page = soup(series_site / SERIES_PAGE)
    main = page.find(attrs={"role": "main"}) or page.find("main")
    assert main is not None
    assert main.find("h1").get_text(strip=True) == f"Series: {SERIES}"
    cards = main.select("ol.post-cards > li.post-card")
    assert [card.find("h3").get_text(strip=True) for card in cards] == TITLES
    assert [resolve(SERIES_PAGE, card.find("h3").a["href"]) for card in cards] == PARTS
    assert main.find("ol", class_="post-cards").get("reversed") is None
    assert SERIES in page.find("title").get_text()


def test_the_series_page_is_in_the_sitemap(series_site: Path) -> None:
    root = ElementTree.parse(series_site / "sitemap.xml").getroot()
    addresses = [loc.text for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert f"https://series.example.org/{SERIES_PAGE}" in addresses


# -- Feeds --------------------------------------------------------------------------------------------


def test_atom_and_rss_name_the_series(series_site: Path) -> None:
    atom = ElementTree.parse(series_site / "blog/atom.xml").getroot()
    for entry in atom.iter(f"{ATOM}entry"):
        title = entry.find(f"{ATOM}title").text
        series = [c for c in entry.iter(f"{ATOM}category") if c.get("scheme") == "series"]
        expected = [SERIES] if title in TITLES else []
        assert [c.get("term") for c in series] == expected, title
    rss = feedparser.parse((series_site / "blog/rss.xml").read_bytes())
    assert not rss.bozo
    for item in rss.entries:
        named = [t.term for t in item.get("tags", []) if t.get("scheme") == "series"]
        assert named == ([SERIES] if item.title in TITLES else []), item.title


def test_json_feed_gives_the_series_and_the_place_in_it(series_site: Path) -> None:
    feed = json.loads((series_site / "blog/feed.json").read_text(encoding="utf-8"))
    places = {
        item["title"]: item["_publication"]["series"] for item in feed["items"] if "_publication" in item
    }
    assert places == {
        title: {
            "name": SERIES,
            "url": f"https://series.example.org/{SERIES_PAGE}",
            "part": number,
            "parts": 3,
        }
        for number, title in enumerate(TITLES, start=1)
    }


def test_feed_entries_leave_the_series_box_and_related_posts_out(series_site: Path) -> None:
    feed = json.loads((series_site / "blog/feed.json").read_text(encoding="utf-8"))
    for item in feed["items"]:
        content = BeautifulSoup(item["content_html"], "html.parser")
        assert content.find(class_="post-series") is None and content.find(class_="post-related") is None
        assert "Related posts" not in content.get_text()


# -- Related posts ------------------------------------------------------------------------------------


def related_on(html: Path, page: str) -> list[str]:
    section = article(html, page).find("section", class_="post-related")
    if section is None:
        return []
    return [resolve(page, a["href"]) for a in section.select("li.post-card h3.post-card-title a")]


def test_related_posts_share_most_tags_then_are_nearest_in_time(series_site: Path) -> None:
    # part one (minima, sharpness): part three shares both; part two (a month away) and the neighbour
    # (three months away) one each
    assert related_on(series_site, PARTS[0]) == [PARTS[2], PARTS[1], "posts/2020/neighbour.html"]
    # the neighbour (sharpness, noise): part three shares both, part one one; the lonely post none
    assert related_on(series_site, "posts/2020/neighbour.html") == [PARTS[2], PARTS[0]]


def test_a_post_that_shares_no_tag_has_no_related_posts_nor_heading(series_site: Path) -> None:
    body = article(series_site, "posts/2020/lonely.html")
    assert body.find(class_="post-related") is None
    assert "Related posts" not in body.get_text()


def test_related_posts_close_the_article_as_the_home_pages_cards(series_site: Path) -> None:
    body = article(series_site, PARTS[0])
    section = body.find("section", class_="post-related")
    assert section.find_parent("section") is None  # not inside the post's text, after it
    cite = body.find(id="cite-this-post")
    assert cite is not None and section in cite.find_all_next("section")
    heading = section.find("h2")
    assert heading.get_text(strip=True) == "Related posts" and section["aria-labelledby"] == heading["id"]
    home_card = soup(series_site / "index.html").select_one("li.post-card")
    card = section.select_one("li.post-card")
    structure = [(child.name, child.get("class")) for child in card.find_all(recursive=False)]
    home_structure = [(child.name, child.get("class")) for child in home_card.find_all(recursive=False)]
    assert structure == home_structure
    assert len(section.select("li.post-card")) <= 3


# -- In a browser: a phone, light and dark, print ------------------------------------------------------


@pytest.fixture(scope="module")
def series_url(serve: Callable[[Path], str], series_site: Path) -> str:  # noqa: F811
    return serve(series_site)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_series_box_and_related_posts_fit_and_read_well(
    chrome: Any,  # noqa: F811
    series_url: str,
    scheme: str,
) -> None:
    viewport(chrome, 390, scheme)
    chrome.get(series_url + PARTS[1])
    assert chrome.execute_script("return document.documentElement.scrollWidth") <= 390
    links = chrome.find_elements("css selector", "nav.post-series a")
    assert len(links) == 4  # the series page, then the three parts
    for link in links:
        rectangle = box(chrome, link)
        assert link.is_displayed() and rectangle["left"] >= 0 and rectangle["right"] <= 390
        assert chrome.execute_script(CONTRAST, link) >= 4.5
    current = chrome.find_element("css selector", 'nav.post-series a[aria-current="page"]')
    assert current.value_of_css_property("font-weight") != links[1].value_of_css_property("font-weight")
    cards = chrome.find_elements("css selector", "section.post-related li.post-card")
    assert cards and all(
        c.is_displayed() and 0 <= box(chrome, c)["left"] <= box(chrome, c)["right"] <= 390 for c in cards
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_printed_a_part_says_where_it_stands_and_leaves_the_links_out(
    chrome: Any,  # noqa: F811
    series_url: str,
    scheme: str,
) -> None:
    viewport(chrome, 1280, scheme, media="print")
    chrome.get(series_url + PARTS[1])
    line = chrome.find_element("css selector", "nav.post-series p")
    assert line.is_displayed() and line.text == f"Part 2 of 3 in {SERIES}"
    assert chrome.execute_script(CONTRAST, line) >= 4.5
    assert not chrome.find_element("css selector", "ol.post-series-parts").is_displayed()
    assert not chrome.find_element("css selector", "section.post-related").is_displayed()


# -- Problems named at their line ---------------------------------------------------------------------


def test_bad_orders_and_colliding_names_are_named_at_their_line(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-series", tmp_path / "src")
    posts = site / "posts/2021"
    (posts / "bad-order.md").write_text(
        "---\ntitle: Bad order\ndate: 2021-05-01\nseries: Another\nseries_order: second\n---\n\nText.\n",
        encoding="utf-8",
    )
    (posts / "same-order.md").write_text(
        f"---\ntitle: Same order\ndate: 2021-05-02\nseries: {json.dumps(SERIES)}\n"
        "series_order: 1\n---\n\nText.\n",
        encoding="utf-8",
    )
    (posts / "other-spelling.md").write_text(
        "---\ntitle: Other spelling\ndate: 2021-05-03\nseries: Flat, sharp minima\n---\n\nText.\n",
        encoding="utf-8",
    )
    (posts / "orphan-order.md").write_text(
        "---\ntitle: Orphan order\ndate: 2021-05-04\nseries_order: 2\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "redirecting.md").write_text(
        "---\ntitle: Redirecting\ndate: 2021-05-05\nredirect: blog/series/flat-sharp-minima\n---\n\nText.\n",
        encoding="utf-8",
    )
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    errors = result.stderr
    assert "bad-order.md:5: WARNING: 'series_order' must be a whole number, not 'second'" in errors
    for name in ("same-order.md:5", "part-one.md:6"):
        assert f"{name}: WARNING: 'series_order': 1 is the place of more than one part" in errors, name
    for name in ("other-spelling.md:4", "part-one.md:5"):
        assert f"{name}: WARNING: series spelled differently share one page" in errors, name
    assert "orphan-order.md:4: WARNING: 'series_order' needs a 'series'" in errors
    assert (
        "redirecting.md:4: WARNING: 'redirect': 'blog/series/flat-sharp-minima' is the address of" in errors
    )


# -- Incremental builds -------------------------------------------------------------------------------


def test_another_posts_changes_rewrite_the_boxes_that_show_it(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-series", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    before = times(out / "html")
    three = site / "posts/2022/part-three.md"
    three.write_text(
        three.read_text(encoding="utf-8").replace("title: Part three", "title: Part 3, retitled")
    )
    result = sphinx_build(site, out)
    assert result.returncode == 0, result.stderr
    written = written_since(out / "html", before)
    # its title is in every part's series box, the neighbour's related posts and the series page (every
    # page here also lists it in the sidebar's recent posts: the byte-for-byte comparison is the real check)
    assert {*PARTS, "posts/2020/neighbour.html", SERIES_PAGE} <= written
    assert "Part 3, retitled" in article(out / "html", PARTS[0]).find("nav", class_="post-series").get_text()
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_tags_and_series_order_changed_elsewhere_rewrite_the_posts_that_show_them(tmp_path: Path) -> None:
    """Changes that the sidebar's recent posts do not show: only the dependants' own boxes changed."""
    site = copy_site(ROOTS / "test-series", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    before = times(out / "html")
    one, two = site / "posts/2021/part-one.md", site / "posts/2021/part-two.md"  # swap places
    one.write_text(one.read_text(encoding="utf-8").replace("series_order: 1", "series_order: 2"))
    two.write_text(two.read_text(encoding="utf-8").replace("series_order: 2", "series_order: 1"))
    assert sphinx_build(site, out).returncode == 0
    written = written_since(out / "html", before)
    assert "posts/2022/part-three.html" in written  # its series box: the other two parts swapped
    assert "posts/2020/lonely.html" not in written and "posts/2020/neighbour.html" not in written

    before = times(out / "html")
    neighbour = site / "posts/2020/neighbour.md"  # no longer shares "sharpness" with part one
    neighbour.write_text(neighbour.read_text(encoding="utf-8").replace("[sharpness, noise]", "[noise]"))
    assert sphinx_build(site, out).returncode == 0
    written = written_since(out / "html", before)
    assert {PARTS[0], PARTS[2]} <= written  # its card left part one's related posts, and changed in three's
    assert "posts/2020/lonely.html" not in written
    assert related_on(out / "html", PARTS[0]) == [PARTS[2], PARTS[1]]
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_parts_added_and_gone_tags_and_dates_changed_rebuild_like_a_clean_build(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-series", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    lonely = site / "posts/2020/lonely.md"  # gains a tag: now related to the series
    lonely.write_text(lonely.read_text(encoding="utf-8").replace("[solitude]", "[solitude, minima]"))
    two = site / "posts/2021/part-two.md"  # leaves the series
    two.write_text(two.read_text(encoding="utf-8").replace(f"series: {SERIES}\nseries_order: 2\n", ""))
    neighbour = site / "posts/2020/neighbour.md"  # moves in time
    neighbour.write_text(neighbour.read_text(encoding="utf-8").replace("2020-12-01", "2021-02-20"))
    (site / "posts/2022/part-four.md").write_text(
        f"---\ntitle: Part four\ndate: 2022-03-01\ntags: [noise]\nseries: {json.dumps(SERIES)}\n"
        "---\n\nMore.\n",
        encoding="utf-8",
    )
    result = sphinx_build(site, out)
    assert result.returncode == 0, result.stderr
    assert_same_as_clean_build(site, out, tmp_path / "clean")
    line = article(out / "html", PARTS[0]).find("nav", class_="post-series").p.get_text()
    assert " ".join(line.split()) == f"Part 1 of 3 in {SERIES}"


def test_a_series_whose_last_part_leaves_loses_its_page(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-series", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    for path in (site / "posts").rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"series: {SERIES}\n", "").replace("series_order: ", "order: "))
    assert sphinx_build(site, out).returncode == 0
    assert not (out / "html" / SERIES_PAGE).exists()
    assert SERIES_PAGE not in (out / "html/sitemap.xml").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path / "clean")


# -- The ranking, over generated posts ----------------------------------------------------------------

TAGS = ["a", "b", "c", "d", "e"]
#: The build's cut-off for generated posts: before it published, after it future posts.
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@st.composite
def posts(draw: st.DrawFn) -> list[PostRecord]:
    count = draw(st.integers(min_value=1, max_value=12))
    records = []
    for number in range(count):
        tags = draw(st.sets(st.sampled_from(TAGS)))
        when = draw(
            st.one_of(
                st.none(),  # a draft
                st.integers(min_value=-2000, max_value=-1).map(lambda days: NOW + dt.timedelta(days=days)),
                st.integers(min_value=1, max_value=400).map(lambda days: NOW + dt.timedelta(days=days)),
            )
        )
        records.append(
            PostRecord(
                f"posts/p{number:02d}", f"p{number:02d}.md", date=when, tags=tuple(map(Label.of, tags))
            )
        )
    return records


@settings(max_examples=150, deadline=None)
@given(posts(), st.data())
def test_related_posts_are_the_top_three_by_shared_tags_then_time(
    records: list[PostRecord], data: st.DataObject
) -> None:
    post = data.draw(st.sampled_from(records))
    with mock.patch("ablog.blog.TOMORROW", NOW):  # what publication.site.ablog_patches sets for a build
        check_related(post, records)


def check_related(post: PostRecord, records: list[PostRecord]) -> None:
    found = related_posts(post, records)
    assert post not in found
    assert all(other.published for other in found)  # never a draft or a future post
    if post.date is None:
        assert found == []
        return

    def key(other: PostRecord) -> tuple[int, float]:
        return (-shared_tags(post, other), abs((other.date - post.date).total_seconds()))

    eligible = [r for r in records if r is not post and r.published and shared_tags(post, r) > 0]
    assert [key(r) for r in found] == sorted(key(r) for r in eligible)[:3]
    assert len(found) == min(3, len(eligible))


@st.composite
def parts(draw: st.DrawFn) -> list[PostRecord]:
    count = draw(st.integers(min_value=1, max_value=10))
    orders = draw(st.lists(st.one_of(st.none(), st.integers(-5, 20)), min_size=count, max_size=count))
    days = draw(st.lists(st.integers(-3000, -1), min_size=count, max_size=count))
    return [
        PostRecord(
            f"posts/p{number:02d}",
            f"p{number:02d}.md",
            date=NOW + dt.timedelta(days=day),
            series=Label.of("A series"),
            series_order=order,
        )
        for number, (order, day) in enumerate(zip(orders, days, strict=True))
    ]


@settings(max_examples=150, deadline=None)
@given(parts())
def test_parts_with_an_order_come_first_by_it_then_the_others_by_date(records: list[PostRecord]) -> None:
    ordered = reading_order(reversed(records))
    assert sorted(r.docname for r in ordered) == sorted(r.docname for r in records)  # each part once
    placed = [r for r in ordered if r.series_order is not None]
    assert ordered[: len(placed)] == placed
    assert [r.series_order for r in placed] == sorted(r.series_order for r in placed)
    dated = ordered[len(placed) :]
    assert [r.date for r in dated] == sorted(r.date for r in dated)
    with mock.patch("ablog.blog.TOMORROW", NOW):
        (series,) = series_of(records).values()
    assert series.parts == tuple(r.docname for r in ordered)

"""One record per post (publication.site.posts): read once, checked, and the one answer every output gives."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOTS, copy_site, sphinx_build
from publication.site.frontmatter import parse_datetime
from publication.site.posts import Label, PostRecord, check_label_slugs, redirect_problem


def post(title: str, date: str = "2021-03-01", extra: str = "", body: str = "Some text.") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n\n{body}\n"


def write(site: Path, name: str, text: str) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- Dates, over generated input ----------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_named_refusal(text: str) -> None:
    """Never another exception, never a value completed from the day of the build."""
    try:
        moment = parse_datetime(text, dt.UTC)
    except ValueError as error:
        assert str(error)
        return
    assert moment.tzinfo is not None
    assert abs(moment.utcoffset()) <= dt.timedelta(hours=14)
    assert str(moment.year) in text and str(moment.day) in text.replace("-0", "-")


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=dt.datetime(1000, 1, 2), max_value=dt.datetime(9998, 12, 30)),
    st.integers(min_value=-14 * 60, max_value=14 * 60),
    st.sampled_from(["T", " "]),
)
def test_a_written_moment_reads_back_as_the_same_instant_and_offset(
    moment: dt.datetime, offset_minutes: int, separator: str
) -> None:
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    read = parse_datetime(aware.isoformat(sep=separator), dt.UTC)
    assert read == aware and read.utcoffset() == aware.utcoffset()


# -- Slugs and redirects, over generated input -------------------------------------------------------


SPELLINGS = ["C", "C++", "c", "flat minima", "flat-minima", "Flat Minima", "x"]


def record(name: str, tags: list[str]) -> PostRecord:
    return PostRecord(docname=f"posts/{name}", source=f"posts/{name}.md", tags=tuple(map(Label.of, tags)))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(SPELLINGS))))
def test_spellings_that_share_a_page_are_each_named(tag_lists: list[list[str]]) -> None:
    records = [record(f"p{i}", tags) for i, tags in enumerate(tag_lists)]
    named = {(r.docname, msg) for r, msg in check_label_slugs(records, "tags", "tag")}
    spellings: dict[str, set[str]] = {}
    for tags in tag_lists:
        for tag in tags:
            spellings.setdefault(Label.of(tag).slug, set()).add(tag)
    colliding = {slug for slug, names in spellings.items() if len(names) > 1}
    expected = {r.docname for r in records for tag in r.tags if tag.slug in colliding}
    assert {docname for docname, _ in named} == expected
    for _, message in named:
        slug = re.search(r"share one page, (.*?)\.html:", message).group(1)
        assert all(repr(name) in message for name in spellings[slug])


@pytest.mark.parametrize(
    ("old", "reason"),
    [
        ("index", "is the address of the page index itself"),
        ("about", "is the address of the page about itself"),
        ("./about", "is the address of the page about itself"),
        ("../../../../x", "is outside the site"),
        ("/etc/x", "is outside the site"),
        ("posts/../../x", "is outside the site"),
        ("", "is outside the site"),
        ("blog/tag/x", "a page the blog writes itself"),
        ("blog/tag/../tag/x", "a page the blog writes itself"),
        ("genindex", "a page the blog writes itself"),
        ("2019/01/05/old-address", None),
        ("blog/2019/01/old-address", None),  # a Jekyll permalink under the blog's folder
    ],
)
def test_redirects_that_would_replace_a_page_or_leave_the_site(old: str, reason: str | None) -> None:
    generated = {"blog", "blog/tag", "blog/tag/x", "blog/2019", "genindex", "search"}
    problem = redirect_problem(old, {"index", "about", "posts/2019/first"}, generated)
    assert (problem is None) if reason is None else (reason in problem)


# -- A site built with bad values: each named at its line, nothing written where it must not be ----


def test_values_that_cannot_be_right_are_named_together(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    write(site, "posts/2021/partial.md", post("Partial", date="March 2021"))
    write(site, "posts/2021/offset.md", post("Offset", date="2021-03-01 10:00 +25:00"))
    write(site, "posts/2021/updated.md", post("Updated", extra="updated: 2021-01-01\n"))
    write(site, "posts/2021/tag-a.md", post("Tag A", extra="tags: [flat-minima]\n"))
    write(site, "posts/2021/tag-b.md", post("Tag B", extra="tags: [flat minima, C++]\n"))
    write(site, "posts/2021/tag-c.md", post("Tag C", extra="tags: [C]\n"))
    write(site, "posts/2021/emoji.md", post("Emoji", extra="tags: ['🚀']\n"))
    write(site, "posts/2021/takeover.md", post("Takeover", extra="redirect: index, about\n"))
    write(site, "posts/2021/escape.md", post("Escape", extra="redirect: ../../../../escaped\n"))
    write(site, "posts/2021/control.md", post("Control", body="Bell \x07 here."))
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    expected = [
        ("partial.md:3", "'March 2021' is not a whole date"),
        ("offset.md:3", "outside -14:00 to +14:00"),
        ("updated.md:4", "'updated' (2021-01-01T00:00:00+01:00) is before 'date'"),
        ("tag-a.md:4", "'flat minima' in posts/2021/tag-b.md; 'flat-minima' in posts/2021/tag-a.md"),
        ("tag-b.md:4", "share one page, blog/tag/flat-minima.html"),
        ("tag-b.md:4", "'C' in posts/2021/tag-c.md; 'C++' in posts/2021/tag-b.md"),
        ("tag-c.md:4", "share one page, blog/tag/c.html"),
        ("emoji.md:4", "the tag '🚀' has no letter or digit"),
        ("takeover.md:4", "'index' is the address of the page index itself"),
        ("takeover.md:4", "'about' is the address of the page about itself"),
        ("escape.md:4", "'../../../../escaped' is outside the site"),
        ("control.md:6", "control character U+0007"),
    ]
    for location, message in expected:
        assert any(location in line and message in line for line in result.stderr.splitlines()), (
            location,
            message,
            result.stderr,
        )
    html = tmp_path / "out/html"
    assert not list(tmp_path.rglob("escaped.html"))
    for page in ("index.html", "about.html"):
        assert 'http-equiv="refresh"' not in (html / page).read_text(encoding="utf-8"), page
    assert not (html / "blog/tag/.html").exists()


def test_blogpost_front_matter_makes_a_post_wherever_it_lives(tmp_path: Path) -> None:
    """ablog's own `blogpost: true`, with a date-only date, builds and rebuilds (naive vs aware dates)."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    write(site, "notes/aside.md", post("An aside", extra="blogpost: true\n"))
    write(site, "notes/undated.md", "---\ntitle: Undated aside\nblogpost: true\n---\n\nText.\n")
    write(site, "notes/plain.md", "---\ntitle: Not a post\nblogpost: false\norphan: true\n---\n\nText.\n")
    for _ in range(2):  # the second build is incremental
        result = sphinx_build(site, tmp_path / "out")
        assert result.returncode == 0, result.stderr
        (site / "posts/2019/first.md").touch()
    html = tmp_path / "out/html"
    listed = BeautifulSoup((html / "blog.html").read_text(encoding="utf-8"), "html.parser").get_text()
    assert "An aside" in listed and "Undated aside" not in listed and "Not a post" not in listed
    assert "2021-03-01T00:00:00+01:00" in (html / "notes/aside.html").read_text(encoding="utf-8")
    assert not (html / "notes/undated.html").exists()  # a draft: held back like any undated post


def test_drafts_with_glob_characters_in_their_names_stay_out(tmp_path: Path) -> None:
    """exclude_patterns are glob patterns: draft[1].md must not exclude draft1.md, nor be published."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    write(site, "posts/2021/draft[1].md", "---\ntitle: Not yet\n---\n\nText.\n")
    write(site, "posts/2021/draft1.md", post("Published one"))
    write(site, "posts/2021/what?.md", "---\ntitle: Not yet either\n---\n\nText.\n")
    result = sphinx_build(site, tmp_path / "out", "-W")  # strict or not, the same pages
    html = tmp_path / "out/html"
    assert (html / "posts/2021/draft1.html").is_file(), result.stderr
    assert not (html / "posts/2021/draft[1].html").exists()
    assert not (html / "posts/2021/what?.html").exists()


def test_last_modified_is_one_answer_everywhere(blog_site: Path) -> None:
    """Sitemap, Atom, JSON Feed, JSON-LD and Open Graph give the same instant for every post."""
    sitemap = ElementTree.parse(blog_site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    lastmod = {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in sitemap.findall("s:url", ns)
    }
    atom_entries = feedparser.parse(blog_site / "blog/atom.xml").entries
    atom = {entry.link: entry.updated_parsed for entry in atom_entries}
    json_feed = json.loads((blog_site / "blog/feed.json").read_text(encoding="utf-8"))
    checked = 0
    for item in json_feed["items"]:
        page = BeautifulSoup(
            (blog_site / item["url"].removeprefix("https://blog.example.org/")).read_text(encoding="utf-8"),
            "html.parser",
        )
        json_ld = json.loads(page.find("script", type="application/ld+json").string)
        og = page.find("meta", property="article:modified_time")
        moments = {
            dt.datetime.fromisoformat(value)
            for value in (
                item["date_modified"],
                json_ld["dateModified"],
                og["content"] if og else json_ld["dateModified"],
                lastmod[item["url"]],
            )
        }
        assert len(moments) == 1, (item["url"], moments)
        assert atom[item["url"]] == moments.pop().astimezone(dt.UTC).timetuple()[:6] + atom[item["url"]][6:]
        checked += 1
    assert checked >= 3


def test_a_setting_of_an_earlier_name_is_named(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    conf = site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + '\nsitemap_excludes = ["x.html"]\n', encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "the setting 'sitemap_excludes' is now called 'publication_sitemap_excludes'" in result.stderr

"""Feeds as a feed reader sees them: full posts, absolute links to real anchors, stable ids."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import time
from pathlib import Path

import feedparser
import pytest
from bs4 import BeautifulSoup

from conftest import ROOTS, sphinx_build
from helpers import ids_of, local_target, pages, soup

BASE = "https://blog.example.org/"
ATOM_NS = "http://www.w3.org/2005/Atom"


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("name", ["blog/atom.xml", "blog/rss.xml"])
def test_whole_blog_feed_carries_published_posts_newest_first(blog_site: Path, name: str) -> None:
    feed = parse(blog_site / name)
    assert feed.version in ("atom10", "rss20")
    assert [entry.title for entry in feed.entries] == ["Third post", "Second post", "First post"]
    assert [entry.link for entry in feed.entries] == [
        f"{BASE}posts/2021/third.html",
        f"{BASE}posts/2020/second.html",
        f"{BASE}posts/2019/first.html",
    ]
    assert [entry.id for entry in feed.entries] == [entry.link for entry in feed.entries]


def test_atom_entries_keep_the_exact_instant(blog_site: Path) -> None:
    text = (blog_site / "blog/atom.xml").read_text(encoding="utf-8")
    assert "<published>2020-01-27T23:45:13-04:00</published>" in text
    second = parse(blog_site / "blog/atom.xml").entries[1]
    assert time.strftime("%Y-%m-%dT%H:%M:%S", second.published_parsed) == "2020-01-28T03:45:13"  # in UTC


def test_feed_updated_is_the_newest_post_not_the_clock(blog_site: Path) -> None:
    feed = parse(blog_site / "blog/atom.xml")
    assert feed.feed.updated == "2021-06-15T00:00:00+02:00"
    assert parse(blog_site / "blog/rss.xml").feed.updated == "Tue, 15 Jun 2021 00:00:00 +0200"


def test_entries_carry_the_full_post_with_absolute_urls_to_real_anchors(blog_site: Path) -> None:
    entry = parse(blog_site / "blog/atom.xml").entries[2]  # the first post: citations, image, links
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    text = " ".join(content.get_text(" ").split())
    assert "More text" in text and "Section two" in text
    assert content.find("h1") is None and content.select_one(".post-byline") is None
    urls = [a["href"] for a in content.find_all("a", href=True)] + [i["src"] for i in content.find_all("img")]
    assert urls, "the entry has links and an image"
    for url in urls:
        if not url.startswith(BASE):
            assert url.startswith(("https://doi.org/", "https://arxiv.org/")), url
            continue
        path, fragment = local_target(blog_site, blog_site / "index.html", url, BASE)
        assert path.is_file(), url
        if fragment:
            assert fragment in ids_of(path), url
    assert f"{BASE}posts/2019/first.html#section-two" in urls
    assert f"{BASE}about.html" in urls
    assert any(url.startswith(f"{BASE}_images/pic") for url in urls)


def test_citations_read_naturally_and_each_reference_appears_once(blog_site: Path) -> None:
    for name in ("blog/atom.xml", "blog/rss.xml"):
        entry = parse(blog_site / name).entries[2]
        content = BeautifulSoup(entry.content[0].value, "html.parser")
        text = " ".join(content.get_text(" ").split())
        assert "cites Hochreiter and Schmidhuber ( 1997 )" in text
        assert "HochreiterSchmidhuber1997" not in entry.content[0].value
        assert text.count("Flat minima") == 1, name
        assert "HochreiterSchmidhuber1997" not in entry.summary
        assert entry.summary.startswith("The first post, dated without an offset, cites Hochreiter")


def test_one_feed_per_tag_and_category(blog_site: Path) -> None:
    expected = {
        "blog/tag/alpha": ["Third post", "First post"],
        "blog/tag/beta": ["Second post", "First post"],
        "blog/category/research": ["Third post", "First post"],
        "blog/category/notes": ["Second post"],
    }
    for folder, titles in expected.items():
        for kind in ("atom", "rss"):
            feed = parse(blog_site / folder / f"{kind}.xml")
            assert [entry.title for entry in feed.entries] == titles, (folder, kind)


def test_legacy_feed_xml_is_the_atom_feed(blog_site: Path) -> None:
    """Subscribers of the Jekyll site read /feed.xml."""
    assert (blog_site / "feed.xml").read_bytes() == (blog_site / "blog/atom.xml").read_bytes()


def test_every_page_offers_the_feeds(blog_site: Path) -> None:
    for page in pages(blog_site):
        links = {(link["type"], link["href"]) for link in soup(page).select('head link[rel="alternate"]')}
        assert ("application/atom+xml", f"{BASE}blog/atom.xml") in links, page
        assert ("application/rss+xml", f"{BASE}blog/rss.xml") in links, page
        assert ("application/feed+json", f"{BASE}blog/feed.json") in links, page
    tag_page = soup(blog_site / "blog/tag/beta.html")
    first = tag_page.select_one('head link[rel="alternate"]')
    assert first["href"] == f"{BASE}blog/tag/beta/atom.xml"


def test_feed_ids_and_bytes_are_stable_across_builds(blog_site: Path, tmp_path: Path) -> None:
    """Another build, in another folder, later: the same feeds, byte for byte."""
    time.sleep(1.1)
    result = sphinx_build(ROOTS / "test-blog", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    for feed in [*blog_site.rglob("*.xml"), *blog_site.rglob("feed.json")]:
        again = tmp_path / "again" / "html" / feed.relative_to(blog_site)
        assert again.read_bytes() == feed.read_bytes(), feed


# -- JSON Feed 1.1 -------------------------------------------------------------------------------------------


def json_feed(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    # https://www.jsonfeed.org/version/1.1/: version, title and items are required; each item needs an id
    assert data["version"] == "https://jsonfeed.org/version/1.1"
    assert data["title"] and isinstance(data["items"], list)
    for item in data["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            assert dt.datetime.fromisoformat(item[key]).tzinfo is not None, (key, item[key])
    return data


def test_json_feed_carries_the_same_entries_as_atom(blog_site: Path) -> None:
    for folder in (
        "blog",
        "blog/tag/alpha",
        "blog/tag/beta",
        "blog/category/research",
        "blog/category/notes",
    ):
        data = json_feed(blog_site / folder / "feed.json")
        atom = parse(blog_site / folder / "atom.xml")
        assert data["feed_url"] == f"{BASE}{folder}/feed.json"
        assert data["home_page_url"] == f"{BASE}{folder}.html"
        assert [item["id"] for item in data["items"]] == [entry.id for entry in atom.entries], folder
        assert [item["title"] for item in data["items"]] == [entry.title for entry in atom.entries]
        for item, entry in zip(data["items"], atom.entries, strict=True):
            # feedparser sanitises the Atom content it hands over (drops ARIA roles): compare what is read
            ours, theirs = (
                BeautifulSoup(html, "html.parser") for html in (item["content_html"], entry.content[0].value)
            )
            assert ours.get_text() == theirs.get_text()
            assert [a["href"] for a in ours.select("a[href]")] == [
                a["href"] for a in theirs.select("a[href]")
            ]
            assert item["summary"] == entry.summary


def test_json_feed_items_say_who_when_and_what_about(blog_site: Path) -> None:
    second = json_feed(blog_site / "blog/feed.json")["items"][1]
    assert second["url"] == f"{BASE}posts/2020/second.html"
    assert second["date_published"] == "2020-01-27T23:45:13-04:00"
    assert second["date_modified"] == "2020-03-01T10:00:00+01:00"
    assert second["authors"] == [{"name": "Alan Turing"}, {"name": "Ada Lovelace"}]
    assert second["tags"] == ["Notes", "beta"]


def test_an_updated_post_is_updated_in_every_feed(blog_site: Path) -> None:
    second = parse(blog_site / "blog/atom.xml").entries[1]
    assert second.updated == "2020-03-01T10:00:00+01:00"
    assert second.published == "2020-01-27T23:45:13-04:00"


def test_the_cite_section_stays_on_the_page_not_in_feeds(blog_site: Path) -> None:
    content = parse(blog_site / "blog/atom.xml").entries[2].content[0].value
    assert "Cite this post" not in content and "@misc" not in content


def test_a_build_with_nothing_changed_makes_no_feed_and_a_missing_feed_is_made_again(tmp_path: Path) -> None:
    """Each feed is made again only when what it is made of changed, or its files are not there; the second
    build of a site used to make every feed again (a second at 1,000 posts)."""
    site = tmp_path / "site"
    shutil.copytree(ROOTS / "test-blog", site, ignore=shutil.ignore_patterns("_build"))

    def made_again() -> tuple[int, int]:
        done = sphinx_build(site, tmp_path / "out", "-v", "-D", f"html_baseurl={BASE}")
        assert done.returncode == 0, done.stderr
        found = re.search(r"feeds: (none|\d+) of (\d+) made again", done.stdout)
        assert found, done.stdout
        return (0 if found[1] == "none" else int(found[1])), int(found[2])

    made, feeds = made_again()
    assert made == feeds > 3
    assert made_again() == (0, feeds)
    (tmp_path / "out/html/blog/rss.xml").unlink()
    assert made_again() == (1, feeds)
    assert parse(tmp_path / "out/html/blog/rss.xml").entries

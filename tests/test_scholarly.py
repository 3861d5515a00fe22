"""What scholars' tools, search engines and social sites read from a post, and how readers cite it."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from helpers import local_target, soup

BASE = "https://blog.example.org/"
FIRST = "posts/2019/first.html"
SECOND = "posts/2020/second.html"
PUBLISHED = (FIRST, SECOND, "posts/2021/third.html")
UNPUBLISHED = ("posts/2021/draft.html", "posts/2021/future.html")


def metas(page: BeautifulSoup, name: str) -> list[str]:
    return [m["content"] for m in page.select(f'head meta[name="{name}"], head meta[property="{name}"]')]


def json_ld(page: BeautifulSoup) -> dict:
    scripts = page.select('head script[type="application/ld+json"]')
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def heading(element: Any) -> str:
    """A heading's text without its permalink marker."""
    return "".join(element.find_all(string=True, recursive=False)).strip()


def iso(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} has no UTC offset"
    return moment


# -- Google Scholar --------------------------------------------------------------------------------------


def test_posts_carry_google_scholars_required_tags(blog_site: Path) -> None:
    for name in PUBLISHED:
        page = soup(blog_site / name)
        assert metas(page, "citation_title") == [heading(page.h1)], name
        assert metas(page, "citation_author"), name
        [date] = metas(page, "citation_publication_date")
        assert re.fullmatch(r"\d{4}/\d{2}/\d{2}", date), name
        assert metas(page, "citation_fulltext_html_url") == [BASE + name]


def test_one_citation_author_per_author_in_order(blog_site: Path) -> None:
    page = soup(blog_site / SECOND)
    assert metas(page, "citation_author") == ["Alan Turing", "Ada Lovelace"]
    assert metas(page, "citation_publication_date") == ["2020/01/27"]  # the author's own date, not UTC's


def test_a_citation_reference_for_each_cited_work(blog_site: Path) -> None:
    references = metas(soup(blog_site / FIRST), "citation_reference")
    assert len(references) == 2
    flat, rethinking = (dict(part.split("=", 1) for part in ref.split("; ")) for ref in references)
    assert flat["citation_title"] == "Flat Minima"
    assert flat["citation_doi"] == "10.1162/neco.1997.9.1.1"
    assert flat["citation_publication_date"] == "1997"
    assert rethinking["citation_arxiv_id"] == "1611.03530"
    assert "citation_author=Jürgen Schmidhuber" in references[0]
    assert metas(soup(blog_site / "posts/2021/third.html"), "citation_reference") == []


def test_pages_that_are_not_posts_have_no_scholarly_metadata(blog_site: Path) -> None:
    for name in UNPUBLISHED:
        assert not (blog_site / name).exists()  # publication.site.drafts holds them back
    for name in ("index.html", "about.html", "blog.html"):
        page = soup(blog_site / name)
        assert not metas(page, "citation_title"), name
        assert not page.select('script[type="application/ld+json"]'), name
        assert page.select_one("#cite-this-post") is None, name
        assert not (blog_site / name).with_suffix(".bib").exists(), name


# -- schema.org --------------------------------------------------------------------------------------------


def test_json_ld_is_a_complete_blog_posting(blog_site: Path) -> None:
    data = json_ld(soup(blog_site / SECOND))
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "Second post"
    assert data["description"] == "The second post & its </update>."
    assert [a["name"] for a in data["author"]] == ["Alan Turing", "Ada Lovelace"]
    assert all(a["@type"] == "Person" for a in data["author"])
    assert iso(data["datePublished"]) == dt.datetime(
        2020, 1, 27, 23, 45, 13, tzinfo=dt.timezone(-dt.timedelta(hours=4))
    )
    assert iso(data["dateModified"]) == dt.datetime(2020, 3, 1, 9, tzinfo=dt.UTC)
    assert data["url"] == data["mainEntityOfPage"]["@id"] == BASE + SECOND
    assert data["publisher"]["url"] == BASE


def test_json_ld_lists_the_cited_works_with_their_links(blog_site: Path) -> None:
    data = json_ld(soup(blog_site / FIRST))
    assert iso(data["dateModified"]) == iso(data["datePublished"])  # never updated
    assert [(w["name"], w["url"]) for w in data["citation"]] == [
        ("Flat Minima", "https://doi.org/10.1162/neco.1997.9.1.1"),
        (
            "Understanding deep learning requires rethinking generalization",
            "https://arxiv.org/abs/1611.03530",
        ),
    ]
    assert data["wordCount"] > 20 and re.fullmatch(r"PT\d+M", data["timeRequired"])


def test_json_ld_cannot_end_its_script_early(blog_site: Path) -> None:
    raw = (blog_site / SECOND).read_text(encoding="utf-8")
    script = raw.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "</" not in script
    assert json.loads(script)["description"].endswith("</update>.")


def test_real_post_image_and_organisation_author(publication_site: Path, publication_base: str) -> None:
    post = publication_site / "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
    data = json_ld(soup(post))
    assert data["author"] == [{"@type": "Organization", "name": "The Editors"}]
    [image] = data["image"]
    assert image.startswith("https://") and image.endswith(".png")
    assert (publication_site / image.removeprefix(publication_base)).is_file()
    assert len(data["citation"]) == 9


# -- Open Graph and Twitter --------------------------------------------------------------------------------


def test_open_graph_tags_use_the_posts_own_description_and_image(publication_site: Path) -> None:
    page = soup(publication_site / "posts/2020/capabilities-of-deep-learning-models-to-generalize.html")
    assert metas(page, "og:type") == ["article"]
    assert metas(page, "og:title") == ["Capabilities of deep learning models to generalize"]
    assert metas(page, "og:description") == metas(page, "description")
    [image] = metas(page, "og:image")
    assert image == json_ld(page)["image"][0]  # a PNG: social sites do not show SVG
    assert metas(page, "og:image:alt")[0].startswith("A loss curve")
    assert metas(page, "twitter:card") == ["summary_large_image"]
    assert all(url.startswith("https://") for url in metas(page, "og:url") + metas(page, "og:image"))
    assert metas(page, "article:published_time") == ["2020-01-27T23:45:13-04:00"]
    assert len(metas(page, "description")) == 1  # sphinxext-opengraph adds no second one


def test_pages_without_an_image_get_a_small_card(blog_site: Path) -> None:
    page = soup(blog_site / "posts/2021/third.html")
    assert metas(page, "twitter:card") == ["summary"]
    assert metas(page, "og:image") == []
    assert metas(page, "og:url") == [BASE + "posts/2021/third.html"]


# -- Cite this post ------------------------------------------------------------------------------------------


def test_each_post_ends_with_how_to_cite_it(blog_site: Path) -> None:
    page = soup(blog_site / SECOND)
    section = page.select_one("article section#cite-this-post")
    assert heading(section.h2) == "Cite this post"
    reference = section.select_one(".post-cite-reference")
    assert reference.get_text(" ", strip=True) == (
        f"Alan Turing and Ada Lovelace. “Second post.” Test Blog, 27 January 2020. {BASE}{SECOND}"
    )
    assert reference.a["href"] == BASE + SECOND
    # last in the post's text, after the bibliography; only the related posts (other posts) follow it
    sections = [s for s in page.select("article section") if not s.find_parent(class_="post-related")]
    assert sections[-1].get("class") == ["post-related"] and sections[-2] is section
    assert page.select_one("article .footnote-list").find_parent("section") is not section


def test_bibtex_entry_parses_and_matches_the_post(blog_site: Path) -> None:
    page = soup(blog_site / SECOND)
    shown = page.select_one("#cite-this-post .post-cite-bibtex pre").get_text()
    served = (blog_site / SECOND).with_suffix(".bib").read_text(encoding="utf-8")
    assert shown == served
    [(key, entry)] = parse_string(served, "bibtex").entries.items()
    assert key == "turing2020second"
    assert entry.type == "misc"
    assert [str(person) for person in entry.persons["author"]] == ["Turing, Alan", "Lovelace, Ada"]
    assert entry.fields["title"] == "{Second post}"
    assert entry.fields["year"] == "2020" and entry.fields["month"] == "January"
    assert entry.fields["url"] == BASE + SECOND
    assert entry.fields["note"] == "Updated 2020-03-01"


def test_bibtex_file_is_linked_from_the_post_and_its_head(blog_site: Path) -> None:
    page = soup(blog_site / FIRST)
    download = page.select_one("#cite-this-post a.post-cite-download")
    head = page.select_one('head link[rel="alternate"][type="application/x-bibtex"]')
    assert head["href"] == f"{BASE}posts/2019/first.bib"  # absolute, as every alternate link
    for href in (download["href"], head["href"]):
        path, _ = local_target(blog_site, blog_site / FIRST, href, BASE)
        assert path.resolve() == (blog_site / FIRST).with_suffix(".bib")


def test_an_organisation_is_cited_by_its_whole_name(publication_site: Path) -> None:
    bib = (publication_site / "posts/2020/capabilities-of-deep-learning-models-to-generalize.bib").read_text()
    [entry] = parse_string(bib, "bibtex").entries.values()
    [person] = entry.persons["author"]
    assert person.last_names == ["{The Editors}"] and not person.first_names


def test_the_cite_block_has_a_copy_button_script(blog_site: Path) -> None:
    page = soup(blog_site / FIRST)
    scripts = [s.get("src", "") for s in page.select("script")]
    assert any(src.split("?")[0].endswith("_static/publication-copy.js") for src in scripts)
    assert (blog_site / "_static/publication-copy.js").is_file()


# -- Updates and reading time ---------------------------------------------------------------------------


def test_an_updated_post_says_when(blog_site: Path) -> None:
    byline = soup(blog_site / SECOND).select_one(".post-byline")
    updated = byline.select_one(".post-updated time")
    assert updated["datetime"] == "2020-03-01T10:00:00+01:00"
    assert updated.get_text() == "1 March 2020, 10:00 UTC+01:00"
    assert soup(blog_site / FIRST).select_one(".post-updated") is None


def test_reading_time_in_byline_and_listings(blog_site: Path) -> None:
    for name in PUBLISHED:
        assert re.fullmatch(
            r"\d+ min read", soup(blog_site / name).select_one(".post-reading-time").get_text()
        )
    listing = soup(blog_site / "blog.html").select(".post-list-item")
    assert len(listing) == 3
    assert all(
        re.search(r"\d+ min read", item.select_one(".post-reading-time").get_text()) for item in listing
    )


# -- Sitemap, robots.txt, 404 -----------------------------------------------------------------------------


def test_sitemap_lists_published_pages_only(blog_site: Path) -> None:
    sitemap = BeautifulSoup((blog_site / "sitemap.xml").read_text(encoding="utf-8"), "xml")
    locations = [loc.get_text() for loc in sitemap.find_all("loc")]
    assert all(loc.startswith(BASE) for loc in locations)
    for name in (*PUBLISHED, "index.html", "about.html", "blog.html"):
        assert BASE + name in locations, name
    for name in (*UNPUBLISHED, "search.html", "genindex.html", "404.html"):
        assert BASE + name not in locations, name
    for loc in locations:
        assert (blog_site / loc.removeprefix(BASE)).is_file(), loc


def test_robots_txt_points_to_the_sitemap(blog_site: Path) -> None:
    lines = (blog_site / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


@pytest.mark.parametrize("depth", ["", "a/", "a/b/c/"])
def test_404_page_links_work_at_any_depth(publication_site: Path, publication_base: str, depth: str) -> None:
    """A host serves 404.html for any missing address under the site's (Read the Docs: under /en/latest/)."""
    page = soup(publication_site / "404.html")
    assert heading(page.h1) == "Page not found"
    missing = f"{publication_base}{depth}missing.html"
    urls = [a["href"] for a in page.select("a[href]")] + [s["src"] for s in page.select("[src]")]
    urls += [link["href"] for link in page.select('link[rel~="stylesheet"], link[rel~="icon"]')]
    checked = 0
    for url in urls:
        target = urljoin(missing, url.split("#")[0].split("?")[0])
        if not target.startswith(publication_base) or url.startswith("#"):
            continue
        assert (publication_site / target.removeprefix(publication_base)).is_file(), url
        checked += 1
    assert checked > 10
    assert any("blog.html" in url for url in urls)


# -- Writing tools: math, numbers, margin notes, footnotes --------------------------------------------------


def test_math_is_mathml_with_numbered_linked_equations(blog_site: Path) -> None:
    article = soup(blog_site / FIRST).select_one("article")
    inline = article.select_one("span.math > math")
    assert inline["display"] == "inline" and "ℒ" in inline.get_text()
    block = article.select_one("div.math#equation-loss")
    assert block.math["display"] == "block" and block.math.find("mfrac")
    assert block.select_one(".eqno").get_text().startswith("(1)")
    assert article.select_one('a.reference[href="#equation-loss"]').get_text() == "(1)"
    assert "\\" not in article.get_text()  # no LaTeX left for the reader
    page = soup(blog_site / FIRST)
    assert not [s for s in page.select("script[src]") if "mathjax" in s["src"].lower()]


def test_figures_are_numbered_per_post(blog_site: Path) -> None:
    article = soup(blog_site / FIRST).select_one("article")
    assert article.select_one("figure#fig-pic .caption-number").get_text().strip() == "Fig. 1"
    assert article.select_one('a.reference[href="#fig-pic"]').get_text() == "Fig. 1"


def test_margin_notes_and_footnotes(blog_site: Path) -> None:
    article = soup(blog_site / FIRST).select_one("article")
    note = article.select_one("aside.margin-note")
    assert note.select_one(".sidebar-title").get_text() == "An aside"
    assert "Margin notes sit beside the text." in note.get_text()
    reference = article.select_one("a.footnote-reference")
    footnote = article.select_one(reference["href"])
    assert "A footnote, with a link" in footnote.get_text()

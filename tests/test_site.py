"""The publication's machinery on its own content of the day (tests/roots/test-publication, with the settings
of docs/conf.py), built as `nox -s build` builds it, read as its readers read it."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import feedparser

from conftest import PUBLICATION
from helpers import FURO_STUB, broken_links, local_target, pages, soup
from publication.site.frontmatter import read_front_matter

ARTICLE = "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
SOURCE = PUBLICATION / "posts/2020/capabilities-of-deep-learning-models-to-generalize.md"


def article_text(site: Path) -> str:
    return " ".join(soup(site / ARTICLE).select_one("article[role=main]").get_text(" ").split())


def test_no_page_shows_furo_error_stub(publication_site: Path) -> None:
    stubs = [page for page in pages(publication_site) if FURO_STUB in page.read_text(encoding="utf-8")]
    assert stubs == []


def test_each_page_has_one_h1_inside_main_and_its_own_title_and_description(publication_site: Path) -> None:
    titles, descriptions = Counter(), Counter()
    for page in pages(publication_site):
        html = soup(page)
        name = str(page.relative_to(publication_site))
        assert len(html.find_all("h1")) == 1, name
        assert html.select_one("article[role=main] h1") is not None, name
        titles[html.title.get_text(strip=True)] += 1
        description = html.select('meta[name="description"]')
        assert len(description) == 1 and description[0]["content"].strip(), name
        descriptions[description[0]["content"]] += 1
    assert [t for t, n in titles.items() if n > 1] == []
    assert [d for d, n in descriptions.items() if n > 1] == []


def test_every_page_has_a_favicon_and_a_canonical_link(publication_site: Path, publication_base: str) -> None:
    for page in pages(publication_site):
        html = soup(page)
        icon = html.select_one('link[rel~="icon"]')
        assert (
            icon is not None
            and local_target(publication_site, page, icon["href"], publication_base)[0].is_file()
        ), page
        canonical = html.select_one('link[rel="canonical"]')["href"]
        assert canonical == publication_base + str(page.relative_to(publication_site)), page


def test_every_internal_link_and_anchor_resolves(publication_site: Path, publication_base: str) -> None:
    assert broken_links(publication_site, publication_base) == []


def test_no_page_loads_anything_from_another_site(publication_site: Path) -> None:
    """Privacy by default: scripts, styles, images, frames and fonts all come from the site itself."""
    loads = []
    for page in pages(publication_site):
        html = soup(page)
        for element in html.find_all(["script", "img", "iframe", "source", "audio", "video", "embed"]):
            loads.append((page, element.get("src") or element.get("srcset") or ""))
        for link in html.find_all("link", href=True):
            if set(link.get("rel", [])) & {"stylesheet", "icon", "preload", "prefetch", "modulepreload"}:
                loads.append((page, link["href"]))
        for style in html.find_all("style"):
            loads.extend((page, url) for url in re.findall(r"url\(([^)]+)\)", style.get_text()))
    external = [(str(p.relative_to(publication_site)), url) for p, url in loads if urlparse(url).netloc]
    assert external == []
    for css in (publication_site / "_static").rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


def test_the_article_keeps_the_authors_prose_corrected(publication_site: Path) -> None:
    text = article_text(publication_site)
    for sentence in [
        "While implementing and training deep learning models becomes easier to accomplish, the "
        "generalization of deep learning still remains an active research field.",
        "This specifically concerns the use of stochastic gradient descent (SGD), which Schmidhuber has "
        "often associated with flat minima during training ( Hochreiter and Schmidhuber, 1997 ).",
        "However, this has largely been dismissed by Zhang et al. ( 2021 ).",
        "This article is organized as follows:",
        "Deep learning models are known to have tens of thousands of parameters, leading to a larger search "
        "space during model optimization.",
        "The question arising here is how meaningful the label is in allowing the model to generalize well.",
        "They show that, with the effective capacity of the model being large enough, the neural network is "
        "able to adapt to random labels.",
        "the need for novel fundamentals arises ( Sedghi and Nakkiran, 2021 ; Nakkiran et al. , 2021 ).",
        "In 1997, Sepp Hochreiter and Jürgen Schmidhuber studied the local, geometric properties",
        "This hypothesis is supposed to come from the fact that flat minima tend to be more stable.",
    ]:
        assert sentence in text
    for misspelling in [
        "Schmidthuber",
        "Hoch__",
        "specificially",
        "assosciated",
        "straighforward",
        "meaniful",
    ]:
        assert misspelling not in text


def test_the_outline_lists_the_articles_own_sections(publication_site: Path) -> None:
    article = soup(publication_site / ARTICLE).select_one("article[role=main]")
    outline = article.find("p", string=re.compile("organized as follows")).find_next_sibling("ol")
    targets = [a["href"] for a in outline.find_all("a")]
    assert targets == ["#general-understanding", "#classical-approaches"]
    for target in targets:
        assert article.select_one(target).find(["h2"]) is not None


def test_the_commented_outline_stays_in_the_source_only(publication_site: Path) -> None:
    source = SOURCE.read_text(encoding="utf-8")
    for topic in ["Occam's razor", "Minimum description length", "Kolmogorov complexity", "Solomonoff"]:
        assert topic in source
        assert topic not in (publication_site / ARTICLE).read_text(encoding="utf-8")


def test_every_reference_is_cited_once_in_a_linked_bibliography(publication_site: Path) -> None:
    article = soup(publication_site / ARTICLE).select_one("article[role=main]")
    entries = article.select("#references aside.footnote")
    assert len(entries) == 9
    cited = {a["href"].lstrip("#") for a in article.select("a.footcite")}
    assert cited == {entry["id"] for entry in entries}
    for entry in entries:
        links = [a["href"] for a in entry.select("a.reference.external")]
        assert any(
            urlparse(url).netloc
            in {"doi.org", "arxiv.org", "ai.googleblog.com", "www.youtube.com", "adityashrm21.github.io"}
            for url in links
        ), entry.get_text()
    text = article.get_text(" ")
    assert "10.1162/neco.1997.9.1.1" in text
    for arxiv in ["2103.06219", "1611.03530", "2010.08127", "1503.02406", "1703.00810"]:
        assert f"arXiv:{arxiv}" in text


def test_the_post_shows_its_metadata_and_header_image(publication_site: Path) -> None:
    article = soup(publication_site / ARTICLE).select_one("article[role=main]")
    byline = article.select_one(".post-byline")
    assert byline.select_one("time")["datetime"] == "2020-01-27T23:45:13-04:00"
    assert byline.select_one(".post-author").get_text(strip=True).startswith("by")
    assert byline.select_one(".post-category a").get_text() == "Research"
    assert len(byline.select("a.post-tag")) >= 2
    image = article.select_one(".post-header-image img")
    assert image["alt"] and (publication_site / "posts/2020" / image["src"]).resolve().is_file()


def test_the_demo_material_lives_on_the_showcase_not_in_the_article(publication_site: Path) -> None:
    showcase = " ".join(soup(publication_site / "showcase.html").select_one("article").get_text(" ").split())
    demo = [
        "The dreams of yesterday are the hopes of today and the reality of tomorrow.",
        "Spaceflights cannot be stopped.",
        "Reaching for the Stars",
        "To go places and do things that have never been done before – that’s what living is all about.",
        "Space, the final frontier.",
        "Man must explore, and this is exploration at its greatest.",
        "Placeholder text by Space Ipsum . Photographs by Unsplash .",
        "Have fun! test test",
    ]
    text = article_text(publication_site)
    for passage in demo:
        assert passage in showcase, passage
        assert passage.split(" .")[0] not in text, passage
    figure = soup(publication_site / "showcase.html").select_one("figure")
    assert figure.img["alt"] == "Demo Image" and not urlparse(figure.img["src"]).netloc
    assert figure.select_one("figcaption .caption-text").get_text(strip=True).startswith("To go places")
    for feed in publication_site.rglob("*.xml"):
        assert "Spaceflights" not in feed.read_text(encoding="utf-8")


def test_home_page_introduces_and_lists_the_article(publication_site: Path) -> None:
    home = soup(publication_site / "index.html").select_one("article[role=main]")
    assert len(home.find("h1").find_next_sibling("p").get_text()) > 100
    card = home.select_one("ol.post-cards li.post-card")
    assert card.select_one(".post-card-title a")["href"] == ARTICLE
    assert card.select_one("time")["datetime"] == "2020-01-27T23:45:13-04:00"
    assert card.select_one(".post-card-excerpt").get_text(strip=True)
    assert card.select("a.post-tag")


def test_feeds_carry_the_article_and_keep_the_jekyll_address(
    publication_site: Path, publication_base: str
) -> None:
    for name in ("feed.xml", "blog/atom.xml", "blog/rss.xml"):
        feed = feedparser.parse((publication_site / name).read_bytes())
        assert not feed.bozo
        assert [entry.link for entry in feed.entries] == [publication_base + ARTICLE]
    assert (publication_site / "feed.xml").read_bytes() == (publication_site / "blog/atom.xml").read_bytes()
    for folder in ("blog/tag/flat-minima", "blog/category/research"):
        assert feedparser.parse((publication_site / folder / "atom.xml").read_bytes()).entries


def test_the_post_keeps_comments_in_its_metadata() -> None:
    assert read_front_matter(SOURCE.read_text(encoding="utf-8")).values["comments"] is True


def test_blog_sidebar_uses_furos_navigation_markup(publication_site: Path) -> None:
    for page in (ARTICLE, "index.html", "blog/tag/flat-minima.html"):
        nav = soup(publication_site / page).select_one(".sidebar-drawer nav.blog-sidebar.sidebar-tree")
        captions = [c.get_text(strip=True) for c in nav.select("p.caption")]
        assert captions == ["Recent posts", "Browse", "Subscribe"]
        for ul in nav.find_all("ul"):
            assert {child.name for child in ul.find_all(recursive=False)} == {"li"}, page
    current = soup(publication_site / "blog/tag/flat-minima.html").select_one(
        "nav.blog-sidebar li.current-page a"
    )
    assert current.get_text() == "By tag"


def test_the_showcase_demonstrates_the_writing_tools(publication_site: Path) -> None:
    article = soup(publication_site / "showcase.html").select_one("article")
    assert article.select_one("div.math#equation-empirical-risk .eqno").get_text().startswith("(1)")
    assert article.select_one('a.reference[href="#equation-empirical-risk"]').get_text() == "(1)"
    assert article.select_one("div.math math mtable"), "an aligned display"
    assert article.select_one("table#tab-constructs .caption-number").get_text().strip() == "Table 1"
    assert article.select_one('a.reference[href="#fig-demo-earth"]').get_text() == "Figure 1"
    assert article.select_one("aside.margin-note .sidebar-title").get_text() == "A margin note"
    assert len(article.select("a.footcite")) == 2
    assert len(article.select('aside.footnote[id^="footcite-"]')) == 2
    for code in article.select("code, pre"):
        code.decompose()
    assert "\\" not in article.get_text()  # no LaTeX source left for the reader


def test_no_inline_script_handlers_and_new_tabs_cannot_reach_back(publication_site: Path) -> None:
    """A link that opens a new tab carries rel=noopener; no on* handlers or javascript: URLs anywhere."""
    for page in pages(publication_site):
        html = soup(page)
        for element in html.find_all(True):
            handlers = [name for name in element.attrs if name.lower().startswith("on")]
            assert handlers == [], (page, element.name, handlers)
            for attribute in ("href", "src", "action"):
                assert not str(element.get(attribute, "")).strip().lower().startswith("javascript:"), page
        for link in html.select('a[target="_blank"]'):
            assert "noopener" in (link.get("rel") or []), (page, link)


def test_each_entry_keeps_the_posts_address_as_its_id_in_every_feed(
    publication_site: Path, publication_base: str
) -> None:
    """Feed readers know an entry by its id: the post's permanent address, the same in Atom, RSS and JSON."""
    atom = feedparser.parse((publication_site / "blog/atom.xml").read_bytes())
    rss = feedparser.parse((publication_site / "blog/rss.xml").read_bytes())
    items = json.loads((publication_site / "blog/feed.json").read_text(encoding="utf-8"))["items"]
    expected = [publication_base + ARTICLE]
    assert [e.id for e in atom.entries] == [e.id for e in rss.entries] == [i["id"] for i in items] == expected
    assert (
        [e.link for e in atom.entries]
        == [e.link for e in rss.entries]
        == [i["url"] for i in items]
        == expected
    )

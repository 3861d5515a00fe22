"""The publication as a reader meets it: the home page's cards, a post's header, and what a print keeps.

Read from the built HTML and CSS; tests/test_browser.py checks what only a browser can (layout, print).
"""

from __future__ import annotations

from pathlib import Path

from conftest import ROOTS, sphinx_build
from helpers import soup

ARTICLE = "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
ARTICLE_ALT = (
    "A loss curve with a wide, flat minimum and a narrow, sharp one; under a small shift of the curve the "
    "loss at the flat minimum barely changes while the loss at the sharp minimum jumps."
)


def cards_of(page: Path) -> list:
    return soup(page).select("article[role=main] ol.post-cards > li.post-card")


# -- home page -----------------------------------------------------------------------------------------


def test_each_home_card_shows_title_date_reading_time_excerpt_and_tags(blog_site: Path) -> None:
    cards = cards_of(blog_site / "index.html")
    assert len(cards) == 3  # the three published posts; the draft and the future post are not there
    seen = [
        (
            card.select_one("h3.post-card-title a").get_text(strip=True),
            card.select_one("h3.post-card-title a")["href"],
            card.select_one("time")["datetime"],
            card.select_one("time").get_text(strip=True),
            card.select_one(".post-reading-time").get_text(strip=True),
            [tag.get_text() for tag in card.select("ul.post-tags a.post-tag")],
            card.select_one(".post-card-excerpt").get_text(strip=True),
        )
        for card in cards
    ]
    assert seen == [
        ("Third post", "posts/2021/third.html", "2021-06-15T00:00:00+02:00", "15 June 2021", "· 1 min read",
         ["alpha"], "The third post."),
        ("Second post", "posts/2020/second.html", "2020-01-27T23:45:13-04:00", "27 January 2020",
         "· 1 min read", ["beta"], "The second post & its </update>."),
        ("First post", "posts/2019/first.html", "2019-03-01T09:30:00+01:00", "01 March 2019", "· 1 min read",
         ["alpha", "beta"],
         "The first post, dated without an offset, cites Hochreiter and Schmidhuber (1997)."),
    ]  # fmt: skip
    assert [card.find("img") for card in cards] == [None, None, None]  # no front-matter image, no picture


def test_a_card_shows_the_posts_image_with_its_text_alternative(publication_site: Path) -> None:
    (card,) = cards_of(publication_site / "index.html")
    image = card.select_one("img.post-card-image")
    assert image["src"] == "_static/images/flat-and-sharp-minima.svg"
    assert (publication_site / image["src"]).is_file()
    assert image["alt"] == ARTICLE_ALT
    # the title comes first in reading order; CSS draws the image above it
    assert card.find(True).name == "h3"


def test_the_home_page_introduces_the_publication_then_links_archives_and_feeds(
    publication_site: Path,
) -> None:
    main = soup(publication_site / "index.html").select_one("article[role=main]")
    intro = main.find("h1").find_next_sibling("p")
    assert intro.get_text().startswith("Why do deep neural networks")
    assert main.select_one("section.home-posts").find_previous("p") is not None
    links = {a.get_text(strip=True): a["href"] for a in main.select("nav.home-links a")}
    assert links["All posts →"] == "blog.html"
    assert links["year"] == "blog/archive.html"
    assert links["tag"] == "blog/tag.html"
    assert links["Atom"].endswith("blog/atom.xml") and links["RSS"].endswith("blog/rss.xml")
    assert links["JSON Feed"].endswith("blog/feed.json")


def test_with_many_posts_the_home_page_shows_the_newest_few_then_all_posts(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path, "-D", "publication_home_posts=2")
    assert result.returncode == 0, result.stderr
    home = soup(tmp_path / "html/index.html").select_one("article[role=main]")
    titles = [h.get_text(strip=True) for h in home.select("li.post-card .post-card-title")]
    assert titles == ["Third post", "Second post"]
    more = home.select_one("nav.home-links p.home-all-posts a")
    assert more.get_text(strip=True) == "All posts →"
    everything = soup(tmp_path / "html" / more["href"]).select(".post-list-title")
    assert [h.get_text(strip=True) for h in everything] == ["Third post", "Second post", "First post"]


# -- post page -----------------------------------------------------------------------------------------


def test_a_post_opens_with_title_standfirst_byline_and_header_image(publication_site: Path) -> None:
    section = soup(publication_site / ARTICLE).select_one("article[role=main] > section")
    opening = section.find_all(recursive=False)[:4]
    assert [(child.name, child.get("class")) for child in opening] == [
        ("h1", None),
        ("p", ["post-standfirst"]),
        ("div", ["post-byline"]),
        ("figure", ["post-header-image"]),
    ]
    title, standfirst, byline, figure = opening
    assert title.get_text(strip=True).rstrip("#") == "Capabilities of deep learning models to generalize"
    assert standfirst.get_text() == (
        "Why do deep networks generalize? Flat minima, networks that fit random labels, and the "
        "information-theoretic view of learning."
    )
    assert byline.select_one(".post-date time")["datetime"] == "2020-01-27T23:45:13-04:00"
    assert byline.select_one(".post-reading-time").get_text() == "2 min read"
    assert byline.select_one(".post-author").get_text() == "by The Editors"
    assert byline.select_one(".post-category").get_text() == "in Research"
    assert [a.get_text() for a in byline.select("a.post-tag")] == [
        "generalization",
        "flat minima",
        "information theory",
    ]
    assert figure.img["alt"] == ARTICLE_ALT


def test_a_post_without_description_has_no_standfirst(blog_site: Path) -> None:
    assert soup(blog_site / "posts/2021/third.html").select_one(".post-standfirst") is None
    standfirst = soup(blog_site / "posts/2020/second.html").select_one(".post-standfirst")
    assert standfirst.get_text() == "The second post & its </update>."  # text, not markup


def test_the_end_matter_comes_in_order(publication_site: Path) -> None:
    article = soup(publication_site / ARTICLE).select_one("article[role=main]")
    # then previous/next and comments, in furo's footer (tests/test_comments.py checks that order)
    headings = [h.get_text(strip=True).rstrip("#") for h in article.select("section > h2")]
    assert headings[-2:] == ["References", "Cite this post"]
    references = article.find(id="references")
    assert references.select("aside.footnote") or references.select(".footnote-list")


# -- print ---------------------------------------------------------------------------------------------


def test_links_that_read_as_their_address_are_marked_so_a_print_does_not_repeat_it(
    publication_site: Path,
) -> None:
    references = soup(publication_site / ARTICLE).select_one("#references")
    bare = references.select_one("a[href='https://www.youtube.com/watch?v=XL07WEc2TRI']")
    assert "bare-url" in bare["class"]
    doi = references.select_one("a[href='https://doi.org/10.1162/neco.1997.9.1.1']")
    assert doi.get_text() == "doi:10.1162/neco.1997.9.1.1" and "bare-url" not in doi["class"]
    cite = soup(publication_site / ARTICLE).select_one("#cite-this-post .post-cite-reference a[href^=http]")
    assert "bare-url" in cite["class"]  # the "Cite this post" reference ends with the post's address


def test_every_page_links_the_stylesheet_that_holds_the_print_styles(publication_site: Path) -> None:
    page = soup(publication_site / ARTICLE)
    assert page.select_one('link[rel=stylesheet][href*="_static/publication.css"]') is not None
    css = "".join(
        (publication_site / "_static/publication.css").read_text(encoding="utf-8").split()
    )  # minified
    print_rules = css[css.index("@mediaprint{") :]
    for hidden in (
        ".sidebar-drawer",
        ".toc-drawer",
        ".theme-toggle-container",
        "section.comments",
        "copy-button",
    ):
        assert hidden in print_rules.split("display:none!important")[0], hidden

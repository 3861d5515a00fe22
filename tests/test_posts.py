"""Posts as readers see them: dates with their offset, bylines, listings, archives, drafts, citations."""

from __future__ import annotations

from pathlib import Path

from helpers import FURO_STUB, broken_links, pages, soup

SECOND = "posts/2020/second.html"


def titles_in(list_element) -> list[str]:
    return [h.get_text(strip=True) for h in list_element.select(".post-list-title")]


def test_offset_aware_date_builds(blog_site: Path) -> None:
    """ablog crashed on dates with a UTC offset; the instant reaches the page, offset included."""
    time = soup(blog_site / SECOND).select_one(".post-byline time")
    assert time["datetime"] == "2020-01-27T23:45:13-04:00"
    assert time.get_text() == "27 January 2020, 23:45 UTC−04:00"


def test_dates_without_offset_use_the_blog_time_zone(blog_site: Path) -> None:
    time = soup(blog_site / "posts/2019/first.html").select_one(".post-byline time")
    assert time["datetime"] == "2019-03-01T09:30:00+01:00"  # publication_timezone = Europe/Berlin


def test_byline_links_author_category_and_tags(blog_site: Path) -> None:
    byline = soup(blog_site / SECOND).select_one("article .post-byline")
    assert byline.select_one(".post-author").get_text(" ", strip=True) == "by Alan Turing , Ada Lovelace"
    assert byline.select_one(".post-category a")["href"] == "../../blog/category/notes.html"
    assert [a.get_text() for a in byline.select("a.post-tag")] == ["beta"]
    for link in byline.find_all("a"):
        assert (blog_site / "posts/2020" / link["href"]).resolve().is_file()


def test_posts_link_to_previous_and_next_post(blog_site: Path) -> None:
    footer = soup(blog_site / SECOND).select_one("footer .related-pages")
    assert footer.select_one("a.prev-page")["href"] == "../2019/first.html"
    assert footer.select_one("a.prev-page .title").get_text(strip=True) == "First post"
    assert footer.select_one("a.next-page")["href"] == "../2021/third.html"
    oldest = soup(blog_site / "posts/2019/first.html").select_one("footer .related-pages")
    assert oldest.select_one("a.prev-page") is None


def test_home_lists_latest_posts_newest_first(blog_site: Path) -> None:
    cards = soup(blog_site / "index.html").select_one("article[role=main] ol.post-cards")
    assert [h.get_text(strip=True) for h in cards.select(".post-card-title")] == [
        "Third post",
        "Second post",
        "First post",
    ]
    first = cards.select("li.post-card")[-1]
    assert first.select_one("time")["datetime"] == "2019-03-01T09:30:00+01:00"
    assert [a.get_text() for a in first.select("a.post-tag")] == ["alpha", "beta"]
    excerpt = first.select_one(".post-card-excerpt")
    # the excerpt's citation reads as text: its link would point at the post's own bibliography
    assert "Hochreiter and Schmidhuber (1997)" in excerpt.get_text()
    assert excerpt.find("a") is None


def test_archives_by_year_tag_category_and_author(blog_site: Path) -> None:
    expected = {
        "blog.html": ["Third post", "Second post", "First post"],
        "blog/2019.html": ["First post"],
        "blog/2020.html": ["Second post"],
        "blog/tag/beta.html": ["Second post", "First post"],
        "blog/category/research.html": ["Third post", "First post"],
        "blog/author/alan-turing.html": ["Second post"],
        "blog/author/ada-lovelace.html": ["Third post", "Second post", "First post"],
    }
    for page, titles in expected.items():
        main = soup(blog_site / page).select_one("article[role=main]")
        assert main.find("h1") is not None, page
        assert titles_in(main.select_one("ol.post-list")) == titles, page


def test_list_valued_category_is_one_category(blog_site: Path) -> None:
    """MyST hands `category: [Research]` over as the text '["Research"]'."""
    names = [h.get_text(" ", strip=True) for h in soup(blog_site / "blog/category.html").select("h2")]
    assert names == ["Notes (1)", "Research (2)"]


def test_drafts_are_listed_nowhere(blog_site: Path) -> None:
    assert not (blog_site / "blog/drafts.html").exists()
    assert not (blog_site / "blog/tag/secret.html").exists()
    for page in pages(blog_site):
        if page.stem in ("draft", "future"):
            continue
        text = page.read_text(encoding="utf-8")
        assert "A draft" not in text and "From the future" not in text, page
    for feed in blog_site.rglob("*.xml"):
        assert "draft" not in feed.read_text(encoding="utf-8").lower(), feed


def test_citations_are_author_year_links_to_one_bibliography(blog_site: Path) -> None:
    page = soup(blog_site / "posts/2019/first.html")
    article = page.select_one("article[role=main]")
    text = " ".join(article.get_text(" ").split())
    assert "cites Hochreiter and Schmidhuber ( 1997 )" in text
    assert "( Zhang et al. , 2017 )" in text
    entries = article.select("#references aside.footnote")
    assert len(entries) == 2
    links = article.select("a.footcite")
    assert {a["href"] for a in links} == {f"#{entry['id']}" for entry in entries}
    assert article.select_one('a[href="https://doi.org/10.1162/neco.1997.9.1.1"]') is not None
    assert article.select_one('a[href="https://arxiv.org/abs/1611.03530"]') is not None


def test_no_page_shows_furo_error_stub(blog_site: Path) -> None:
    for page in pages(blog_site):
        assert FURO_STUB not in page.read_text(encoding="utf-8"), page


def test_every_internal_link_resolves(blog_site: Path) -> None:
    assert broken_links(blog_site, "https://blog.example.org/") == []


def test_pages_that_are_not_posts_have_no_previous_or_next(blog_site: Path) -> None:
    """furo's footer would walk the table of contents, as in a manual."""
    for page in ("index.html", "about.html", "blog.html", "blog/tag/alpha.html"):
        footer = soup(blog_site / page).select_one("footer .related-pages")
        assert footer.find("a") is None, page


def test_archive_titles_say_what_they_list(blog_site: Path) -> None:
    archive = soup(blog_site / "blog/archive.html")
    assert archive.h1.get_text() == "Posts by year"
    assert archive.select_one('meta[name="description"]')["content"] == "Posts by year of Test Blog."
    assert soup(blog_site / "blog.html").h1.get_text() == "All posts"
    feeds = soup(blog_site / "blog.html").select_one(".archive-feeds")
    assert [a["href"] for a in feeds.find_all("a")] == [
        "https://blog.example.org/blog/atom.xml",
        "https://blog.example.org/blog/rss.xml",
        "https://blog.example.org/blog/feed.json",
    ]


def test_postlist_excerpts_keep_citations_as_text(blog_site: Path) -> None:
    """ablog's {postlist} copies the first paragraph; its citation links pointed at a bibliography
    that is not on the listing page."""
    excerpts = soup(blog_site / "about.html").select("article .ablog-post-excerpt")
    first = next(e for e in excerpts if "dated without an offset" in e.get_text())
    assert "Hochreiter and Schmidhuber (1997)" in " ".join(first.get_text().split())
    assert [a["href"] for a in first.find_all("a")] == []


def test_ablog_copies_no_post_s_whole_document(make_app, tmp_path: Path, monkeypatch) -> None:
    """ablog copied each post's document into its registry (2 ms a post), for the copy to be dropped."""
    from docutils import nodes

    from conftest import ROOTS, copy_site

    copies: list[str] = []
    original = nodes.document.deepcopy

    def counted(self: nodes.document) -> nodes.document:
        copies.append(self["source"])
        return original(self)

    monkeypatch.setattr(nodes.document, "deepcopy", counted)
    app = make_app("html", srcdir=copy_site(ROOTS / "test-blog", tmp_path / "src"))
    app.build()
    assert app.statuscode == 0
    posts = app.env.ablog_posts
    assert len(posts) >= 3  # the posts were registered, each with its excerpt
    assert all(info["excerpt"] for infos in posts.values() for info in infos)
    assert copies == []

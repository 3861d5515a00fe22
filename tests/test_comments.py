"""Comments: markup on exactly the posts that ask for it, only when a provider is configured, and nothing
loaded from the provider by the page itself (tests/test_browser.py presses the button)."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest

from conftest import GISCUS, ROOTS, giscus_overrides, sphinx_build
from helpers import pages, soup
from publication.site.comments import giscus_attributes, place_after_related_pages

DISCUSSED = "posts/2024/discussed.html"


def with_comment_markup(site: Path) -> set[str]:
    found = set()
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        markup = soup(page).select("section.comments, .comments-load, .giscus")
        if markup or "giscus" in text or "publication-comments" in text:
            found.add(str(page.relative_to(site)))
    return found


def test_without_a_provider_no_page_has_comment_markup(reading_site: Path) -> None:
    """test-reading's posts and pages say comments: true, but no provider is configured."""
    assert with_comment_markup(reading_site) == set()


def test_with_giscus_only_the_published_post_that_asks_has_comments(comments_site: Path) -> None:
    # quiet.html says comments: false, plain.html says nothing, about.html is a page that says true
    assert with_comment_markup(comments_site) == {DISCUSSED}


def test_the_comments_section_comes_after_the_article_and_its_previous_next_links(
    comments_site: Path,
) -> None:
    page = soup(comments_site / DISCUSSED)
    section = page.select_one("section.comments")
    footer = section.parent
    assert footer.name == "footer"
    parts = [child for child in footer.find_all(recursive=False)]
    assert [" ".join(part.get("class", [])) for part in parts] == [
        "related-pages",
        "comments",
        "bottom-of-page",
    ]
    article = page.select_one("article[role=main]")
    assert section not in article.descendants
    order = [element for element in page.find_all(True) if element in (article, footer)]
    assert order == [article, footer]


def test_the_comments_section_explains_and_waits_for_the_reader(comments_site: Path) -> None:
    section = soup(comments_site / DISCUSSED).select_one("section.comments")
    assert section.h2.get_text(strip=True) == "Comments"
    assert section["aria-labelledby"] == section.h2["id"]
    note = " ".join(section.select_one(".comments-privacy").get_text().split())
    assert "Nothing is loaded until you ask" in note and "giscus.app" in note and "GitHub" in note
    button = section.select_one("button.comments-load")
    assert button.get_text(strip=True) == "Load comments"
    assert button["type"] == "button"
    data = {
        name.removeprefix("data-"): value for name, value in button.attrs.items() if name.startswith("data-")
    }
    assert data == {
        "repo": GISCUS["repo"],
        "repo-id": GISCUS["repo_id"],
        "category": GISCUS["category"],
        "category-id": GISCUS["category_id"],
        "mapping": "pathname",
        "strict": "0",
        "reactions-enabled": "1",
        "emit-metadata": "0",
        "input-position": "bottom",
        "lang": "en",
    }
    assert section.find("script") is None and section.find("iframe") is None


def test_only_the_discussed_post_loads_the_comments_script_and_it_is_the_sites_own(
    comments_site: Path,
) -> None:
    for page in pages(comments_site):
        scripts = [s["src"] for s in soup(page).find_all("script", src=True)]
        assert not [src for src in scripts if re.match(r"(https?:)?//", src)], page
        ours = [src for src in scripts if "publication-comments.js" in src]
        assert len(ours) == (1 if page == comments_site / DISCUSSED else 0), page


def test_feeds_carry_the_post_without_its_comments_section(comments_site: Path) -> None:
    feed = feedparser.parse((comments_site / "blog/atom.xml").read_bytes())
    entry = next(entry for entry in feed.entries if entry.link.endswith(DISCUSSED))
    content = entry.content[0].value
    assert "Flat minima generalize" in content
    assert "Load comments" not in content and "giscus" not in content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (giscus_overrides(repo="a/b", repo_id="R_1", category="C"), "giscus['category_id'] is missing"),
        (
            giscus_overrides(**GISCUS, colour="blue"),
            "giscus['colour'] is not a giscus setting",
        ),
        (
            ["-D", "publication_comments_provider=disqus"],
            "publication_comments_provider 'disqus' is not supported",
        ),
    ],
)
def test_a_bad_comments_setting_fails_the_build_naming_it(
    tmp_path: Path, overrides: list[str], message: str
) -> None:
    result = sphinx_build(ROOTS / "test-reading", tmp_path, *overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_giscus_attributes_take_defaults_the_sites_language_and_yes_no_as_1_0() -> None:
    attributes, problems = giscus_attributes({**GISCUS, "reactions_enabled": False, "theme": "dark"}, "de")
    assert problems == []
    assert attributes["reactions-enabled"] == "0"
    assert attributes["lang"] == "de" and attributes["theme"] == "dark"
    assert attributes["mapping"] == "pathname"
    assert giscus_attributes({**GISCUS, "lang": "fr"}, "de")[0]["lang"] == "fr"


def test_every_missing_key_is_named() -> None:
    _, problems = giscus_attributes({}, "en")
    assert [p.split("]")[0] for p in problems] == [
        "publication_giscus['repo'",
        "publication_giscus['repo_id'",
        "publication_giscus['category'",
        "publication_giscus['category_id'",
    ]


def test_the_section_goes_before_furos_copyright_or_else_last() -> None:
    footer = '<div class="related-pages"></div><div class="bottom-of-page">©</div>'
    placed = place_after_related_pages(footer, "<section></section>")
    assert placed.index("related-pages") < placed.index("<section>") < placed.index("bottom-of-page")
    assert place_after_related_pages("<p>other</p>", "<section></section>").endswith("<section></section>")

"""Citation and footnote popovers, as the built pages deliver them (tests/test_browser.py shows them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import pages, soup

DISCUSSED = "posts/2024/discussed.html"
SCRIPT = "_static/publication-popovers.js"
STYLE = "_static/publication-popovers.css"


def assets(page: Path) -> tuple[list[str], list[str]]:
    html = soup(page)
    scripts = [s["src"].split("?")[0] for s in html.find_all("script", src=True) if "popovers" in s["src"]]
    styles = [
        link["href"].split("?")[0]
        for link in html.find_all("link", rel="stylesheet")
        if "popovers" in link["href"]
    ]
    return scripts, styles


@pytest.mark.parametrize("name", [DISCUSSED, "posts/2024/quiet.html", "about.html"])
def test_pages_with_citations_or_footnotes_load_the_sites_own_popover_script(
    reading_site: Path, name: str
) -> None:
    page = reading_site / name
    scripts, styles = assets(page)
    assert len(scripts) == 1 and len(styles) == 1
    for url in scripts + styles:
        assert "//" not in url and ":" not in url, url  # same origin: a path within the site
        assert (page.parent / url).resolve().is_file()
    assert (page.parent / scripts[0]).resolve() == (reading_site / SCRIPT).resolve()
    assert (page.parent / styles[0]).resolve() == (reading_site / STYLE).resolve()


def test_pages_with_nothing_to_preview_load_no_popover_script(reading_site: Path) -> None:
    without = [page for page in pages(reading_site) if assets(page) == ([], [])]
    names = {str(page.relative_to(reading_site)) for page in without}
    assert {"index.html", "posts/2025/plain.html", "blog.html"} <= names
    for page in without:
        article = soup(page).select_one("article[role=main]")
        assert not article.select("a.footcite, a.footnote-reference"), page


def test_every_previewed_link_points_at_a_note_on_its_page(reading_site: Path) -> None:
    """The popover shows the target note's text: each link must have one, with the entry's text."""
    article = soup(reading_site / DISCUSSED).select_one("article[role=main]")
    links = article.select("a.footcite, a.footnote-reference")
    assert len(links) == 3
    for link in links:
        note = article.find(id=link["href"][1:])
        assert note is not None and note.name == "aside" and "footnote" in note["class"], link
        assert note.p.get_text(strip=True), link


def test_the_article_loads_the_popovers(publication_site: Path) -> None:
    page = publication_site / "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
    assert assets(page) == (["../../" + SCRIPT], ["../../" + STYLE])

"""A preview (nox -s preview) lists drafts and future posts where a writer looks: a "Drafts" group in the
sidebar of every page, linking to each; a published build never does."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOTS, copy_site, sphinx_build


def sidebar_groups(page: Path) -> dict[str, list[tuple[str, str]]]:
    """The blog sidebar's groups: caption -> [(link text, href)]."""
    nav = BeautifulSoup(page.read_bytes(), "html.parser").select_one("nav.blog-sidebar")
    groups = {}
    for caption in nav.select("p.caption"):
        items = caption.find_next_sibling("ul").select("a")
        groups[caption.get_text(strip=True)] = [(" ".join(a.get_text().split()), a["href"]) for a in items]
    return groups


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("preview")
    result = sphinx_build(ROOTS / "test-blog", out, "-D", "publication_show_drafts=1")
    assert result.returncode == 0, result.stderr
    return out / "html"


def test_every_page_of_a_preview_lists_the_drafts_with_links(preview: Path) -> None:
    """tests/roots/test-blog has an undated draft and a post dated 2999: the future one, then the draft."""
    for page in ("index.html", "about.html", "posts/2019/first.html", "posts/2021/draft.html"):
        drafts = sidebar_groups(preview / page)["Drafts"]
        assert [text.rsplit(" (", 1)[1] for text, _ in drafts] == ["scheduled 2999-01-01)", "draft)"], page
        for _, href in drafts:
            if href == "#":  # the draft's own page
                continue
            assert (preview / page).parent.joinpath(href).resolve().is_file(), (page, href)
    assert {href for _, href in sidebar_groups(preview / "index.html")["Drafts"]} == {
        "posts/2021/future.html",
        "posts/2021/draft.html",
    }


def test_a_published_build_has_no_drafts_group(blog_site: Path) -> None:
    for page in blog_site.rglob("*.html"):
        if page.name in ("404.html", "search.html", "genindex.html"):
            continue
        text = page.read_text(encoding="utf-8")
        assert "blog-drafts" not in text and ">Drafts<" not in text, page


def test_a_draft_begun_during_a_preview_appears_on_every_page(tmp_path: Path) -> None:
    """An incremental build (as the preview makes): pages that did not change still get the new draft."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    drafts = ("-D", "publication_show_drafts=1")
    assert sphinx_build(site, tmp_path / "out", *drafts).returncode == 0
    (site / "posts/2021/begun.md").write_text(
        "---\ntitle: Just begun\n---\n\nA first line.\n", encoding="utf-8"
    )
    result = sphinx_build(site, tmp_path / "out", *drafts)
    assert result.returncode == 0, result.stderr
    titles = [text for text, _ in sidebar_groups(tmp_path / "out/html/about.html")["Drafts"]]
    assert "Just begun (draft)" in titles

"""A rebuild without -E after adding or editing a post gives the same pages as a clean build."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOTS, copy_site, sphinx_build

NEW_POST = """---
title: Fourth post
date: 2022-02-02 10:00:00 +00:00
tags: [alpha, gamma]
category: Notes
---

A post added after the first build.
"""


def outputs(html: Path) -> dict[str, bytes]:
    """Every file a reader or feed reader gets (Sphinx's own .buildinfo aside)."""
    return {
        str(path.relative_to(html)): path.read_bytes()
        for path in html.rglob("*")
        if path.is_file() and path.name != ".buildinfo"
    }


def times(html: Path) -> dict[str, int]:
    return {
        str(path.relative_to(html)): path.stat().st_mtime_ns for path in html.rglob("*") if path.is_file()
    }


def written_since(html: Path, before: dict[str, int]) -> set[str]:
    now = times(html)
    return {name for name, moment in now.items() if before.get(name) != moment}


def assert_same_as_clean_build(site: Path, incremental: Path, clean: Path) -> None:
    assert sphinx_build(site, clean).returncode == 0
    built, expected = outputs(incremental / "html"), outputs(clean / "html")
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


def test_adding_and_editing_posts_then_rebuilding_matches_a_clean_build(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    incremental = tmp_path / "incremental"
    assert sphinx_build(site, incremental).returncode == 0

    (site / "posts/2022").mkdir()
    (site / "posts/2022/fourth.md").write_text(NEW_POST, encoding="utf-8")
    second = site / "posts/2020/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("Second post", "Second post, revised"))
    result = sphinx_build(site, incremental)  # no -E: Sphinx reads only what changed
    assert result.returncode == 0, result.stderr

    assert_same_as_clean_build(site, incremental, tmp_path / "clean")
    home = (incremental / "html/index.html").read_text(encoding="utf-8")
    assert "Fourth post" in home and "Second post, revised" in home


def test_a_rebuild_with_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    before = times(tmp_path / "out/html")
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    # ablog would render every archive page again, and feeds and the sitemap were written every time
    assert written_since(tmp_path / "out/html", before) == set()


def test_a_rebuild_with_nothing_changed_leaves_the_search_index_as_it_was(tmp_path: Path) -> None:
    """Neither read back nor written again (rebuilds.load_search_index_unless_unchanged): the file is the
    same one, not only the same bytes (Sphinx replaces it with a new file, whose time files.py restores)."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    index = tmp_path / "out/html/searchindex.js"
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    first = index.stat()
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    assert index.stat().st_ino == first.st_ino
    assert_same_as_clean_build(site, tmp_path / "out", tmp_path / "clean")


def test_a_removed_page_that_no_page_links_leaves_the_search_index(tmp_path: Path) -> None:
    """Its removal writes no page, and the index still loses it: no build leaves an index a clean one would
    not write."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    orphan = site / "aside.md"
    orphan.write_text("---\norphan: true\n---\n# An aside\n\nQuixotically unlisted.\n", encoding="utf-8")
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    index = tmp_path / "out/html/searchindex.js"
    assert "quixot" in index.read_text(encoding="utf-8")
    orphan.unlink()
    before = times(tmp_path / "out/html")
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    assert {page for page in written_since(tmp_path / "out/html", before) if page.endswith(".html")} == set()
    assert "quixot" not in index.read_text(encoding="utf-8")
    assert_same_as_clean_build(site, tmp_path / "out", tmp_path / "clean")


def test_editing_a_posts_text_rewrites_only_what_shows_it(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    before = times(out / "html")
    third = site / "posts/2021/third.md"
    third.write_text(third.read_text(encoding="utf-8") + "\nA sentence added later.\n", encoding="utf-8")
    assert sphinx_build(site, out).returncode == 0
    written = written_since(out / "html", before)
    # the post, the search index, and what lists its excerpt: home page, archives, feeds
    assert "posts/2021/third.html" in written and "searchindex.js" in written
    assert "posts/2019/first.html" not in written and "about.html" not in written
    assert "blog/tag/beta.html" not in written  # third is not tagged beta
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_a_post_retagged_moves_between_the_tag_pages(tmp_path: Path) -> None:
    """Its title and date, and so the sidebar, are unchanged: the tag pages still follow."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    third = site / "posts/2021/third.md"
    text = third.read_text(encoding="utf-8")
    assert text.count("tags: ") == 1
    third.write_text(re.sub(r"tags: .*", "tags: [retagged]", text, count=1), encoding="utf-8")
    assert sphinx_build(site, out).returncode == 0
    assert (out / "html/blog/tag/retagged.html").is_file()
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_a_removed_post_and_its_lone_tag_leave_the_site(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    second = site / "posts/2020/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("tags: beta", "tags: [beta, lonely]"))
    assert sphinx_build(site, out).returncode == 0
    assert (out / "html/posts/2020/second.html").is_file() and (out / "html/blog/tag/lonely.html").is_file()
    second.unlink()
    assert sphinx_build(site, out).returncode == 0
    for gone in ("posts/2020/second.html", "posts/2020/second.bib", "blog/tag/lonely.html"):
        assert not (out / "html" / gone).exists(), gone
    assert "second.html" not in (out / "html/sitemap.xml").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_a_post_turned_back_into_a_draft_is_unpublished(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    third = site / "posts/2021/third.md"
    third.write_text(third.read_text(encoding="utf-8").replace("date: 2021-06-15\n", ""), encoding="utf-8")
    assert sphinx_build(site, out).returncode == 0
    assert not (out / "html/posts/2021/third.html").exists()
    assert "Third post" not in (out / "html/blog/atom.xml").read_text(encoding="utf-8")
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_a_removed_post_whose_name_needs_escaping_leaves_the_site(tmp_path: Path) -> None:
    """Pages are files named by the document, not by its percent-encoded address."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    odd = site / "posts/2021/my über #post.md"
    odd.write_text(NEW_POST.replace("tags: [alpha, gamma]", "tags: [ünïque tag]"), encoding="utf-8")
    assert sphinx_build(site, out).returncode == 0
    page = out / "html/posts/2021/my über #post.html"
    assert page.is_file() and page.with_suffix(".bib").is_file()
    odd.unlink()
    assert sphinx_build(site, out).returncode == 0
    assert not page.exists() and not page.with_suffix(".bib").exists()
    assert not list((out / "html/blog/tag").glob("*nique*"))
    assert_same_as_clean_build(site, out, tmp_path / "clean")


def test_a_new_build_makes_listing_rows_only_for_the_posts_it_reads(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The others' rows come from the environment the last build left (the next sphinx-build), and the
    pages equal a clean build's."""
    from publication.site import rebuilds

    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    make_app("html", srcdir=site, builddir=tmp_path / "out").build()
    rows: list[str] = []
    original = rebuilds.listing_of
    monkeypatch.setattr(
        rebuilds, "listing_of", lambda app, post: rows.append(post.docname) or original(app, post)
    )
    second = site / "posts/2020/second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("Second post", "Second post, revised"))
    again = make_app("html", srcdir=site, builddir=tmp_path / "out")
    again.build()
    assert again.statuscode == 0
    assert set(rows) == {"posts/2020/second"}
    clean = make_app("html", srcdir=site, builddir=tmp_path / "clean")
    clean.build()
    built, expected = outputs(Path(again.outdir)), outputs(Path(clean.outdir))
    built.pop(".buildinfo.bak", None)  # Sphinx's, of the first build's configuration
    assert sorted(built) == sorted(expected)
    assert [name for name in expected if built[name] != expected[name]] == []


def test_a_build_that_reads_nothing_makes_no_archive_page(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing read, nothing removed, the same settings: the archive pages are the last build's, and none of
    their contexts is made. A setting Sphinx does not count as changing pages makes them again."""
    from publication.site import rebuilds

    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    make_app("html", srcdir=site, builddir=tmp_path / "out").build()
    made: list[str] = []  # the archive pages whose context was made and fingerprinted
    original = rebuilds.fingerprint
    monkeypatch.setattr(
        rebuilds, "fingerprint", lambda app, page, *rest: made.append(page) or original(app, page, *rest)
    )
    again = make_app("html", srcdir=site, builddir=tmp_path / "out")
    again.build()
    assert again.statuscode == 0 and made == []
    other = make_app(
        "html", srcdir=site, builddir=tmp_path / "out", confoverrides={"blog_archive_titles": True}
    )
    other.build()
    assert other.statuscode == 0 and "blog/tag/alpha" in made


def assert_rebuild_changes_every_page(site: Path, tmp_path: Path, change: Callable[[Path], None]) -> None:
    """Build, make the change, build again without -E: the pages equal a clean build's, and every page
    differs from what it was (the change shows on each)."""
    out = tmp_path / "out"
    assert sphinx_build(site, out).returncode == 0
    before = outputs(out / "html")
    change(site)
    result = sphinx_build(site, out)
    assert result.returncode == 0, result.stderr
    assert_same_as_clean_build(site, out, tmp_path / "clean")
    after = outputs(out / "html")
    assert [name for name in before if name.endswith(".html") and after[name] == before[name]] == []


#: A site with its own templates and its own style sheet and script, which every page links with a ``?v=``
#: checksum of the file's content.
DESIGN = """
templates_path = ["_templates"]
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_js_files = ["site.js"]
"""
OVERRIDE = "sidebar/brand.html"  # a furo template every page includes


def with_design(site: Path, override: str | None) -> Path:
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(DESIGN)
    (site / "_static").mkdir()
    (site / "_static/site.css").write_text(".sidebar-brand { color: teal; }\n", encoding="utf-8")
    (site / "_static/site.js").write_text('console.log("first");\n', encoding="utf-8")
    (site / "_templates/sidebar").mkdir(parents=True)
    if override is not None:
        (site / "_templates" / OVERRIDE).write_text(override, encoding="utf-8")
    return site


def edit(path: str, text: str) -> Callable[[Path], None]:
    return lambda site: (site / path).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("override", "change"),
    [
        pytest.param(None, edit("_static/site.css", ".sidebar-brand { color: navy; }\n"), id="style-edited"),
        pytest.param(None, edit("_static/site.js", 'console.log("second");\n'), id="script-edited"),
        pytest.param(None, edit(f"_templates/{OVERRIDE}", "<p>A brand of its own</p>"), id="template-added"),
        pytest.param(
            "<p>Ours</p>", edit(f"_templates/{OVERRIDE}", "<p>Ours, edited</p>"), id="template-edited"
        ),
        pytest.param(
            "<p>Ours</p>", lambda site: (site / "_templates" / OVERRIDE).unlink(), id="template-removed"
        ),
    ],
)
def test_a_change_of_design_reaches_every_page(
    tmp_path: Path, override: str | None, change: Callable[[Path], None]
) -> None:
    """Every page is made with the templates and links the style sheets and scripts by their content's
    checksum: a rebuild after any of them changed, was added or was removed equals a clean build (Sphinx
    rewrote only pages older than the newest template, and none for a static file)."""
    site = with_design(copy_site(ROOTS / "test-blog", tmp_path / "src"), override)
    assert_rebuild_changes_every_page(site, tmp_path, change)


def add_contact_page(site: Path) -> None:
    (site / "contact.md").write_text("# Contact\n\nWrite to us.\n", encoding="utf-8")
    index = site / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("\nabout\n", "\nabout\ncontact\n"), "utf-8")


def retitle_about_page(site: Path) -> None:
    about = site / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("# About\n", "# About us\n", 1), "utf-8")


@pytest.mark.parametrize(
    "change", [add_contact_page, retitle_about_page], ids=["page-added", "page-retitled"]
)
def test_a_change_of_navigation_reaches_every_page(tmp_path: Path, change: Callable[[Path], None]) -> None:
    """Every page's sidebar shows the site's toctree: a page added to it or retitled shows on every page
    after a rebuild, as in a clean build (Sphinx wrote again only the pages it read)."""
    assert_rebuild_changes_every_page(copy_site(ROOTS / "test-blog", tmp_path / "src"), tmp_path, change)

"""The footer's copyright years are the published posts' years, never typed into conf.py."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from conftest import ROOTS, copy_site, sphinx_build


def footer(html: Path, page: str = "index.html") -> str:
    soup = BeautifulSoup((html / page).read_bytes(), "html.parser")
    return " ".join(soup.select_one(".copyright").get_text().split())


def test_the_years_run_from_the_first_to_the_newest_published_post(tmp_path: Path) -> None:
    """tests/roots/test-blog: posts of 2019, 2020 and 2021, a draft and a post dated 2999."""
    result = sphinx_build(ROOTS / "test-blog", tmp_path, "-D", "publication_copyright_holder=Ada Lovelace")
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html"
    for page in ("index.html", "about.html", "posts/2019/first.html", "blog.html"):
        assert footer(html, page) == "Copyright © 2019–2021, Ada Lovelace", page


def test_a_post_moved_to_another_year_moves_every_footer(tmp_path: Path) -> None:
    """Incremental: only the post changed, yet a page that lists no post shows the new years."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    for old in [*site.glob("posts/2020/*.md"), *site.glob("posts/2021/*.md")]:
        old.unlink()
    (site / "other.md").write_text("---\norphan: true\n---\n\n# Other\n\nText.\n", encoding="utf-8")
    holder = ("-D", "publication_copyright_holder=Ada Lovelace")
    assert sphinx_build(site, tmp_path / "out", *holder).returncode == 0
    assert footer(tmp_path / "out/html", "other.html") == "Copyright © 2019, Ada Lovelace"  # one year
    post = site / "posts/2019/first.md"
    post.write_text(post.read_text(encoding="utf-8").replace("date: 2019-", "date: 2017-"), encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out", *holder)
    assert result.returncode == 0, result.stderr
    assert footer(tmp_path / "out/html", "other.html") == "Copyright © 2017, Ada Lovelace"


def test_without_the_setting_copyright_is_as_conf_py_says(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path, "-D", "copyright=2001, Someone")
    assert result.returncode == 0, result.stderr
    assert footer(tmp_path / "html") == "Copyright © 2001, Someone"


def test_new_years_reach_every_page_the_listings_included(tmp_path: Path) -> None:
    """Five newer posts fill "Recent posts", so moving the first post to an earlier year changes no sidebar:
    still every page, the archive pages that do not list the moved post included, shows the new years."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    (site / "posts/2022").mkdir()
    for day in range(1, 6):
        (site / f"posts/2022/newer-{day}.md").write_text(
            f"---\ntitle: Newer {day}\ndate: 2022-01-0{day}\ntags: [newer]\ncategory: Later\n---\n\nText.\n",
            encoding="utf-8",
        )
    holder = ("-D", "publication_copyright_holder=Ada Lovelace")
    assert sphinx_build(site, tmp_path / "out", *holder).returncode == 0
    post = site / "posts/2019/first.md"
    post.write_text(post.read_text(encoding="utf-8").replace("date: 2019-", "date: 2017-"), encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out", *holder)
    assert result.returncode == 0, result.stderr
    html = tmp_path / "out/html"
    pages = [page.relative_to(html).as_posix() for page in html.rglob("*.html")]
    shown = {page: footer(html, page) for page in pages if "copyright" in page_text(html / page)}
    assert "blog/tag/newer.html" in shown  # lists only the newer posts
    assert {page: text for page, text in shown.items() if text != "Copyright © 2017–2022, Ada Lovelace"} == {}


def page_text(page: Path) -> str:
    return page.read_text(encoding="utf-8")

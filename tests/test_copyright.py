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

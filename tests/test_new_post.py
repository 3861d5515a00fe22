"""`nox -s new -- "Post title"`: a correctly named draft with complete front matter, which builds."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOTS, copy_site, sphinx_build
from helpers import soup
from publication.site.frontmatter import check, read_front_matter
from publication.tools.new_post import DESCRIPTION_PLACEHOLDER, create_post, main, slugify

BERLIN = ZoneInfo("Europe/Berlin")  # test-blog's publication_timezone
NOW = dt.datetime(2026, 11, 26, 19, 55, 12, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Deep learning models generalize", "deep-learning-models-generalize"),
        ("Flat minima, revisited: SGD & loss (part 2)!", "flat-minima-revisited-sgd-loss-part-2"),
        ("Über flache Minima — eine Einführung?", "uber-flache-minima-eine-einfuhrung"),
        ("Straße, Æther, Łódź", "strasse-aether-lodz"),
        ("  “Quoted”   title…  ", "quoted-title"),
        ("Ο θόρυβος του SGD", "ο-θορυβος-του-sgd"),
        ("snake_case_title", "snake-case-title"),
    ],
)  # fmt: skip
def test_the_file_name_comes_from_the_title(title: str, slug: str) -> None:
    assert slugify(title) == slug


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return copy_site(ROOTS / "test-blog", tmp_path / "site")


def test_a_new_post_has_complete_front_matter_that_checks_clean(site: Path) -> None:
    path = create_post(site, "Flat minima, revisited", now=NOW, tags=["flat minima", "SGD"])
    assert path == site / "posts/2026/flat-minima-revisited.md"
    text = path.read_text(encoding="utf-8")
    front = read_front_matter(text)
    values = check(front, BERLIN)
    assert front.problems == []
    assert values == {
        "title": "Flat minima, revisited",
        "author": ["ada"],  # blog_default_author
        "category": ["Research"],  # the category most posts have
        "tags": ["flat minima", "SGD"],
        "description": DESCRIPTION_PLACEHOLDER,
    }
    assert "date" not in front.values  # a draft until the author publishes it
    (written,) = re.findall(r"^# date: (.*)$", text, flags=re.MULTILINE)
    assert written == "2026-11-26 20:55:12 +01:00"  # now, in the blog's time zone, with its offset
    uncommented = read_front_matter(text.replace("# date:", "date:"))
    assert check(uncommented, BERLIN)["date"] == NOW


def test_a_new_post_never_overwrites_one_that_exists(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--docs", str(site), "--now", NOW.isoformat(), "First steps"]) == 0
    path = site / "posts/2026/first-steps.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nMy words.\n", encoding="utf-8")
    before = path.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["--docs", str(site), "--now", NOW.isoformat(), "First steps!"]) == 1
    assert path.read_text(encoding="utf-8") == before
    assert f"{path} exists" in capsys.readouterr().err


def test_it_prints_the_path_and_the_next_steps(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--docs", str(site), "A title"]) == 0
    out = capsys.readouterr().out
    year = dt.datetime.now(BERLIN).year
    assert out.startswith(f"Created {site / 'posts' / str(year) / 'a-title.md'}, a draft.")
    # where the draft is in nox -s preview
    assert f"In the preview: http://127.0.0.1:8000/posts/{year}/a-title.html\n" in out
    assert "nox -s preview" in out and "uncomment the date line" in out


def test_a_title_without_letters_or_digits_asks_for_a_slug(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--docs", str(site), "?!"]) == 1
    assert "--slug" in capsys.readouterr().err
    assert not (site / "posts" / str(dt.datetime.now(BERLIN).year)).exists()


def test_the_new_post_builds_strictly_as_a_draft_then_as_a_published_post(site: Path, tmp_path: Path) -> None:
    path = create_post(site, "A new post", now=NOW, tags=["alpha"])
    preview = sphinx_build(site, tmp_path / "preview", "-D", "publication_show_drafts=1")
    assert preview.returncode == 0, preview.stderr
    page = soup(tmp_path / "preview/html/posts/2026/a-new-post.html")
    assert page.select_one(".post-draft-banner") is not None
    assert page.select_one("h1").contents[0].strip() == "A new post"

    published = sphinx_build(site, tmp_path / "published")
    assert published.returncode == 0, published.stderr
    assert not (tmp_path / "published/html/posts/2026/a-new-post.html").exists()  # held back

    path.write_text(path.read_text(encoding="utf-8").replace("# date:", "date:"), encoding="utf-8")
    published = sphinx_build(site, tmp_path / "published")
    assert published.returncode == 0, published.stderr
    page = soup(tmp_path / "published/html/posts/2026/a-new-post.html")
    assert page.select_one(".post-draft-banner") is None
    assert page.select_one(".post-date time")["datetime"] == "2026-11-26T20:55:12+01:00"

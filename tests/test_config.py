"""Settings in conf.py: each bad value is named in one run, never a traceback (publication.site.config)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOTS, copy_site, sphinx_build
from publication.site.config import RENAMED, renamed_settings, wrong_type

BAD_SETTINGS = {
    'publication_timezone = "Mars/Olympus"': "publication_timezone = 'Mars/Olympus' is not an IANA time zone",
    'blog_authors = {"ada": "Ada Lovelace"}': "blog_authors: ",
    'blog_default_author = "nobody"': "blog_default_author: nobody",
    'publication_home_posts = "seven"': "publication_home_posts must be int, not 'seven'",
    'publication_sitemap_excludes = "search.html"': "publication_sitemap_excludes must be",
    "publication_organization_authors = None": "publication_organization_authors must be",
    "blog_path = 3": "blog_path: blog_path must be a str",
    'bibtex_bibfiles = ["nope.bib"]': "bibtex_bibfiles: there is no file",
    'giscus = {"repo": "a/b"}': "the setting 'giscus' is now called 'publication_giscus'",
}


def test_every_bad_setting_is_named_in_one_run_without_a_traceback(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    conf = site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n".join(BAD_SETTINGS) + "\n", encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "Extension error" not in result.stderr
    for message in BAD_SETTINGS.values():
        assert message in result.stderr, (message, result.stderr)


@pytest.mark.parametrize(
    ("value", "types", "wrong"),
    [
        ("x", [list, tuple], True),
        (["x"], [list, tuple], False),
        (None, [str, type(None)], False),
        (3, (), False),
    ],
)
def test_a_value_is_checked_against_its_declared_types(value: object, types: object, wrong: bool) -> None:
    assert wrong_type(value, types) is wrong


def test_each_earlier_name_points_at_a_publication_setting() -> None:
    assert all(new.startswith("publication_") for new in RENAMED.values())
    assert renamed_settings({"giscus": {}, "html_title": "x"}) == [
        "conf.py: the setting 'giscus' is now called 'publication_giscus': rename it"
    ]

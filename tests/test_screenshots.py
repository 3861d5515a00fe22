"""nox -s screenshots pictures pages every publication has, read from the built site."""

from __future__ import annotations

from pathlib import Path

from publication.tools.screenshots import pages_of


def test_the_pages_pictured_are_read_from_the_site(blog_site: Path) -> None:
    pages = pages_of(blog_site)
    assert list(pages) == ["index", "post", "archive"]  # test-blog has no showcase page
    assert pages["post"] == "posts/2021/third.html"  # its newest published post
    assert pages["archive"].startswith("blog/tag/")
    assert all((blog_site / page).is_file() for page in pages.values())


def test_a_site_with_a_showcase_pictures_it_too(publication_site: Path) -> None:
    assert pages_of(publication_site)["showcase"] == "showcase.html"

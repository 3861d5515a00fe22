"""publication.site.related_posts finds every post's related posts at once, through the posts that carry each
tag, with exactly the ranking of related_posts (tests/test_series.py checks that ranking itself)."""

from __future__ import annotations

from unittest import mock

from hypothesis import given, settings

from publication.site.posts import PostRecord
from publication.site.related_posts import all_related, related_posts
from test_series import NOW, posts


@settings(max_examples=150, deadline=None)
@given(posts())
def test_every_posts_related_posts_at_once_equal_one_at_a_time(records: list[PostRecord]) -> None:
    with mock.patch("ablog.blog.TOMORROW", NOW):  # what publication.site.ablog_patches sets for a build
        published = [record for record in records if record.published]
        expected = {
            record.docname: tuple(other.docname for other in related_posts(record, published))
            for record in published
        }
        assert all_related(published) == expected

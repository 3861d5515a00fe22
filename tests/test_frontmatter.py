"""Front matter is read with types and line numbers, and every problem names its line."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from publication.site.frontmatter import (
    as_list,
    check,
    parse_datetime,
    read_front_matter,
    timezone_from_config,
)

HALIFAX = ZoneInfo("America/Halifax")


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2020-01-27 23:45:13 -0400", "2020-01-27T23:45:13-04:00"),  # Jekyll's form
        ("2020-01-27 23:45:13 -04:00", "2020-01-27T23:45:13-04:00"),
        ("2020-01-27T23:45:13+05:30", "2020-01-27T23:45:13+05:30"),
        ("2020-01-27 23:45:13", "2020-01-27T23:45:13-04:00"),  # no offset: the blog's time zone
        ("2020-01-27", "2020-01-27T00:00:00-04:00"),
        ("2014-3-3", "2014-03-03T00:00:00-04:00"),  # not zero-padded
    ],
)
def test_dates_keep_or_gain_an_offset(written: str, expected: str) -> None:
    assert parse_datetime(written, HALIFAX).isoformat() == expected


def test_yaml_datetimes_keep_their_offset() -> None:
    front = read_front_matter("---\ndate: 2020-01-27 23:45:13 -04:00\n---\n")
    assert front.values["date"].utcoffset() == dt.timedelta(hours=-4)
    assert check(front, dt.UTC)["date"].isoformat() == "2020-01-27T23:45:13-04:00"


def test_yaml_dates_become_midnight_in_the_blog_time_zone() -> None:
    front = read_front_matter("---\ndate: 2021-06-15\n---\n")
    assert check(front, HALIFAX)["date"] == dt.datetime(2021, 6, 15, tzinfo=HALIFAX)


@pytest.mark.parametrize(
    ("value", "labels"), [("a, b", ["a", "b"]), (["a", "b c"], ["a", "b c"]), ("one", ["one"])]
)
def test_labels_from_text_or_lists(value: object, labels: list[str]) -> None:
    assert as_list(value) == labels


def test_each_problem_names_its_line() -> None:
    text = "---\ntitle: Fine\ntags: {a: 1}\ndate: not a date\ncomments: maybe\ncategory: [x]\n---\n\nBody\n"
    front = read_front_matter(text)
    normal = check(front, dt.UTC)
    assert {(p.line, p.message.split(":")[0].split(" ")[0]) for p in front.problems} == {
        (3, "'tags'"),
        (4, "'date'"),
        (5, "'comments'"),
    }
    assert normal == {"title": "Fine", "category": ["x"]}


def test_invalid_yaml_is_reported_at_its_line() -> None:
    front = read_front_matter("---\ntitle: ok\ntags: [unclosed\n---\n")
    assert len(front.problems) == 1
    assert front.problems[0].message.startswith("front matter is not valid YAML")
    assert front.problems[0].line in (3, 4)


def test_no_front_matter_is_no_problem() -> None:
    front = read_front_matter("# Just a heading\n")
    assert front.values == {} and front.problems == []


def test_unknown_time_zone_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="IANA"):
        timezone_from_config("Mars/Olympus")

"""Front matter is read with types and line numbers, and every problem names its line."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from publication.site.frontmatter import (
    Problem,
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
    assert front.values["date"] == "2020-01-27 23:45:13 -04:00"  # read as written, by parse_datetime
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


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("March 2021", "not a whole date"),  # dateutil completed it from the day of the build
        ("10:00", "not a whole date"),
        ("Monday", "not a whole date"),
        ("2021-03", "not a whole date"),
        ("2021-02-30", "not a moment of the calendar"),
        ("2021-02-29 10:00", "not a moment of the calendar"),
        ("2021-01-01 24:00", "not a moment of the calendar"),
        ("2021-01-01 10:00 +25:00", "outside -14:00 to [+]14:00"),
        ("2021-01-01 10:00 -14:30", "outside -14:00 to [+]14:00"),
        ("2021-01-01 10:00 +05:75", "has 75 minutes"),
        ("0999-12-31", "outside 1000 to 9998"),
        ("9999-12-31 23:00 -12:00", "outside 1000 to 9998"),
    ],
)
def test_partial_and_impossible_dates_are_refused(written: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_datetime(written, HALIFAX)


@pytest.mark.parametrize("written", ["2021-02-30", "2021-01-01 10:00:00 +25:00", "2021-13-01"])
def test_impossible_yaml_dates_are_named_not_raised(written: str) -> None:
    """PyYAML's own timestamps raise ValueError past the loader on these; here each is one problem."""
    front = read_front_matter(f"---\ntitle: T\ndate: {written}\n---\n")
    check(front, dt.UTC)
    assert [(p.line, p.message.split(":")[0]) for p in front.problems] == [(3, "'date'")]


def test_a_tagged_value_that_does_not_fit_its_tag_is_a_problem() -> None:
    front = read_front_matter("---\ndate: !!timestamp 2021-02-30\n---\n")
    assert front.problems and "not valid YAML" in front.problems[0].message


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_control_characters_are_refused_at_their_line(character: str) -> None:
    escaped = character.encode("unicode_escape").decode()
    front = read_front_matter(f'---\ntitle: ok\ntags: [a, "b{escaped}"]\n---\n')
    normal = check(front, dt.UTC)
    assert "tags" not in normal
    assert [(p.line, f"U+{ord(character):04X}" in p.message) for p in front.problems] == [(3, True)]


def test_updated_before_date_is_refused() -> None:
    front = read_front_matter("---\ndate: 2021-05-01\nupdated: 2021-04-01\n---\n")
    normal = check(front, dt.UTC)
    assert "updated" not in normal
    assert [p.line for p in front.problems] == [3]
    assert "before 'date'" in front.problems[0].message


def test_front_matter_read_again_is_a_fresh_copy_and_follows_edits() -> None:
    """Each post's block is parsed once per build (publication.site.frontmatter caches it by its text): what a
    caller adds to one reading never shows in the next, and an edited block is read as edited."""
    text = "---\ntitle: Once\ntags: [a, b]\n---\nBody.\n"
    first = read_front_matter(text)
    first.problems.append(Problem(2, "added by a caller"))
    first.values["tags"].append("c")
    second = read_front_matter(text)
    assert second.problems == [] and second.values == {"title": "Once", "tags": ["a", "b"]}
    assert second.lines == {"title": 2, "tags": 3}
    assert read_front_matter(text.replace("Once", "Twice")).values["title"] == "Twice"

"""Bad input fails the build with one clear line per problem, naming file and line, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import ROOTS, copy_site, sphinx_build


def break_site(tmp_path: Path) -> Path:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    posts = site / "posts"
    (posts / "2021/bad-yaml.md").write_text(
        "---\ntitle: Bad YAML\ndate: 2021-01-01\ntags: [unclosed\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/bad-date.md").write_text(
        "---\ntitle: Bad date\ntags: [x]\ndate: the day after tomorrow\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/bad-types.md").write_text(
        "---\ntitle: Bad types\ndate: 2021-02-02\ncomments: perhaps\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/unknown-key.md").write_text(
        "---\ntitle: Unknown citation\ndate: 2021-03-03\n---\n\nSee {footcite:p}`NoSuchKey2020`.\n\n"
        "```{footbibliography}\n```\n",
        encoding="utf-8",
    )
    (posts / "2021/broken-link.md").write_text(
        "---\ntitle: Broken link\ndate: 2021-04-04\n---\n\nIntro.\n\nA [broken link](../2019/nowhere.md).\n",
        encoding="utf-8",
    )
    (posts / "2021/bad-math.md").write_text(
        "---\ntitle: Bad math\ndate: 2021-05-05\n---\n\nIntro.\n\nInline $\\frobnicate{x}$ here.\n\n"
        "$$\na & b\n$$\n\n:::{margin}\n:::\n",
        encoding="utf-8",
    )
    return site


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    result = sphinx_build(break_site(tmp_path), tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    expected = [
        (r"bad-yaml\.md:4", "front matter is not valid YAML"),
        (r"bad-date\.md:4", "'date': 'the day after tomorrow' is not a date"),
        (r"bad-types\.md:4", "'comments' must be true or false"),
        (r"unknown-key\.md:\d+", 'could not find bibtex key "NoSuchKey2020"'),
        (r"broken-link\.md:8", "nowhere"),
        (r"bad-math\.md:8", "unsupported LaTeX command \\frobnicate"),
        (r"bad-math\.md:10", "'&' outside an alignment environment"),
        (r"bad-math\.md:14", "a margin note needs content"),
    ]
    for location, message in expected:
        lines = [line for line in result.stderr.splitlines() if re.search(location, line)]
        assert any(message in line for line in lines), (location, message, result.stderr)


def test_a_good_site_builds_without_any_warning(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path)
    assert result.returncode == 0
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr

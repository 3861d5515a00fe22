"""A rebuild without -E after adding or editing a post gives the same pages as a clean build."""

from __future__ import annotations

from pathlib import Path

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
    return {
        str(path.relative_to(html)): path.read_bytes()
        for path in html.rglob("*")
        if path.suffix in (".html", ".xml") and "_static" not in path.parts
    }


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

    clean = tmp_path / "clean"
    assert sphinx_build(site, clean).returncode == 0
    built, expected = outputs(incremental / "html"), outputs(clean / "html")
    assert sorted(built) == sorted(expected)
    stale = [name for name in expected if built[name] != expected[name]]
    assert stale == []
    home = (incremental / "html/index.html").read_text(encoding="utf-8")
    assert "Fourth post" in home and "Second post, revised" in home

"""The import command: its summary, a second run that changes nothing, edited posts left alone, bad input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOTS
from publication.tools.jekyll.cli import main

JEKYLL_SITE = ROOTS / "jekyll-site"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_console_script_imports_a_site_and_prints_a_summary(tmp_path: Path) -> None:
    posts = tmp_path / "docs" / "posts"
    script = Path(sys.executable).with_name("publication-import-jekyll")
    result = subprocess.run(
        [str(script), str(JEKYLL_SITE), "--to", str(posts)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Jekyll import into {posts}: 3 posts converted, 3 written, 0 unchanged, "
        "0 kept (edited since imported), 0 skipped; 3 files copied."
    )
    counts = {m[1]: int(m[2]) for m in re.finditer(r"^  (\S.*?) +(\d+)$", result.stdout, re.M)}
    assert counts["post_url links"] == 1
    assert counts["link tags"] == 1
    assert counts["old addresses redirected"] == 3  # the draft had no address
    assert counts["header images"] == 1
    assert sorted(p.relative_to(posts).as_posix() for p in posts.rglob("*.md")) == [
        "2019/first-steps.md",
        "2019/second-thoughts.md",
        "2019/unfinished.md",
    ]


def test_a_second_import_changes_nothing(tmp_path: Path, capsys) -> None:
    posts = tmp_path / "docs" / "posts"
    assert main([str(JEKYLL_SITE), "--to", str(posts)]) == 0
    before = snapshot(tmp_path / "docs")
    capsys.readouterr()
    assert main([str(JEKYLL_SITE), "--to", str(posts)]) == 0
    assert "0 written, 3 unchanged" in capsys.readouterr().out
    assert snapshot(tmp_path / "docs") == before


def test_an_edited_post_is_kept_unless_forced(tmp_path: Path, capsys) -> None:
    posts = tmp_path / "docs" / "posts"
    main([str(JEKYLL_SITE), "--to", str(posts)])
    edited = posts / "2019" / "first-steps.md"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nA sentence the author added.\n", encoding="utf-8"
    )
    capsys.readouterr()
    assert main([str(JEKYLL_SITE), "--to", str(posts)]) == 0
    out = capsys.readouterr().out
    assert "1 kept (edited since imported)" in out
    assert f"Kept, edited since imported (--force replaces them):\n  {edited}" in out
    assert "A sentence the author added." in edited.read_text(encoding="utf-8")
    assert main([str(JEKYLL_SITE), "--to", str(posts), "--force"]) == 0
    assert "A sentence the author added." not in edited.read_text(encoding="utf-8")


def test_bad_posts_are_reported_with_their_line_and_skipped(tmp_path: Path, capsys) -> None:
    site = tmp_path / "jekyll"
    shutil.copytree(JEKYLL_SITE, site)
    (site / "_posts" / "2020-01-01-bad-yaml.md").write_text("---\ntitle: T\ntags: [a, b\n---\nx\n")
    (site / "_posts" / "2020-01-02-latin1.md").write_bytes(b"---\ntitle: T\n---\n\nCaf\xe9\n")
    (site / "_posts" / "no-date.md").write_text("---\ntitle: Timeless\n---\nx\n")
    posts = tmp_path / "docs" / "posts"
    assert main([str(site), "--to", str(posts)]) == 1
    out = capsys.readouterr().out
    assert "3 posts converted, 3 written" in out and "3 skipped" in out
    skipped, balance = out.split("Skipped (3):\n", 1)[1].splitlines()[:3], out.splitlines()[-1]
    assert balance.startswith("Accounting: kept ") and balance.endswith(", not converted 0 (listed)")
    assert skipped == [
        f"  {site}/_posts/2020-01-01-bad-yaml.md:4: front matter is not valid YAML: "
        "expected ',' or ']', but got '<stream end>'",
        f"  {site}/_posts/2020-01-02-latin1.md:5: not UTF-8 text (byte 0xe9); convert it first",
        f"  {site}/_posts/no-date.md:2: the post has no date: "
        "neither a 'date' key nor a YYYY-MM-DD- file name",
    ]
    assert len(list(posts.rglob("*.md"))) == 3


def test_constructs_left_as_they_were_are_listed_with_file_and_line(tmp_path: Path, capsys) -> None:
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "2020-01-01-a.md").write_text("---\ntitle: T\n---\n\nOne\n\n{% unknown_tag %}\n")
    main([str(site), "--to", str(tmp_path / "posts")])
    out = capsys.readouterr().out
    assert "Not converted, kept as text or as it was (1):\n" in out
    assert "  _posts/2020-01-01-a.md:7: Liquid tag '{% unknown_tag %}' kept as text" in out

"""Nothing half-published: drafts stay out, failed or interrupted builds leave the last good site whole,
and the same sources give the same bytes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOTS, clean_environ, copy_site, sphinx_build
from helpers import pages, soup

STRICT = ["-b", "html", "-n", "-W", "--keep-going"]


def publish(source: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    """`nox -s build`'s command, started: python -m publication.tools.publish SOURCE OUTPUT OPTIONS."""
    command = [sys.executable, "-m", "publication.tools.publish", str(source), str(out / "html")]
    command += [*STRICT, "-d", str(out / "doctrees"), *extra]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_environ()
    )


def snapshot(html: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(html)): path.read_bytes() for path in sorted(html.rglob("*")) if path.is_file()
    }


# -- Drafts ---------------------------------------------------------------------------------------------


def test_drafts_and_future_posts_are_not_built_and_the_build_says_so(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path)
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html"
    assert not (html / "posts/2021/draft.html").exists()
    assert not (html / "posts/2021/future.html").exists()
    assert "held back 2 unpublished post(s)" in result.stdout
    assert "posts/2021/draft.md, posts/2021/future.md" in result.stdout
    for page in pages(html):
        assert "From the future" not in page.read_text(encoding="utf-8"), page
    assert "draft" not in (html / "searchindex.js").read_text(encoding="utf-8").lower()


def test_a_preview_shows_drafts_marked_as_drafts(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path, "-D", "publication_show_drafts=1")
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html"
    draft = soup(html / "posts/2021/draft.html")
    assert "This is a draft" in draft.select_one(".post-draft-banner").get_text()
    assert draft.select_one(".post-draft").get_text() == "Draft"
    future = soup(html / "posts/2021/future.html")
    assert future.select_one(".post-draft").get_text().startswith("Scheduled for 1 January 2999")
    # still in no listing, feed or sitemap
    assert "From the future" not in (html / "blog.html").read_text(encoding="utf-8")
    assert "From the future" not in (html / "blog/atom.xml").read_text(encoding="utf-8")
    assert "draft.html" not in (html / "sitemap.xml").read_text(encoding="utf-8")


def test_a_posts_date_is_read_again_only_when_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 1,000 posts, reading every front matter on every build was a tenth of a no-change rebuild."""
    import datetime as dt

    from publication.site import drafts

    post, store = tmp_path / "post.md", tmp_path / "doctrees" / drafts.DATES
    post.write_text("---\ntitle: A post\ndate: 2020-01-27 23:45:13 -04:00\n---\nText.\n")
    first = drafts.PostDates(store, dt.UTC)
    published = first.date(post, "post.md")
    first.save()
    assert published == dt.datetime(2020, 1, 28, 3, 45, 13, tzinfo=dt.UTC)

    with monkeypatch.context() as patched:
        patched.setattr(drafts, "publication_date", lambda *args: pytest.fail("read again unchanged"))
        assert drafts.PostDates(store, dt.UTC).date(post, "post.md") == published

    post.write_text("---\ntitle: A post, back to draft\n---\nText.\n")  # changed: read again
    assert drafts.PostDates(store, dt.UTC).date(post, "post.md") is None

    post.write_text("---\ntitle: A post\ndate: 2020-01-27 23:45:13\n---\nText.\n")
    first = drafts.PostDates(store, dt.UTC)
    first.date(post, "post.md")
    first.save()
    halifax = drafts.timezone_from_config(
        "America/Halifax"
    )  # another publication_timezone: every date read again
    assert drafts.PostDates(store, halifax).date(post, "post.md") == published


# -- Staging ---------------------------------------------------------------------------------------------


def test_a_good_build_is_published(tmp_path: Path) -> None:
    run = publish(ROOTS / "test-blog", tmp_path)
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert (tmp_path / "html/posts/2019/first.html").is_file()
    assert not (tmp_path / "html.new").exists() and not (tmp_path / "html.old").exists()
    # only what readers need: no dotfiles, no sources, nothing that looks like a secret
    published = [path.relative_to(tmp_path / "html") for path in (tmp_path / "html").rglob("*")]
    assert [str(p) for p in published if any(part.startswith(".") for part in p.parts)] == []
    assert not (tmp_path / "html/_sources").exists()
    sources = (".md", ".rst", ".py", ".pickle", ".doctree", ".yaml", ".yml", ".toml", ".cfg", ".env")
    assert [str(p) for p in published if p.suffix in sources] == []
    for path in (tmp_path / "html").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert not re.search(
                r"PRIVATE KEY|\bghp_[A-Za-z0-9]{20}|\bAKIA[0-9A-Z]{16}|password\s*=", text
            ), path


def test_a_failed_build_leaves_the_last_good_site_whole(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    first = publish(site, tmp_path / "out")
    assert first.wait(timeout=120) == 0
    before = snapshot(tmp_path / "out/html")
    post = site / "posts/2019/first.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA [broken link](nowhere.md).\n", encoding="utf-8")
    second = publish(site, tmp_path / "out")
    _, stderr = second.communicate(timeout=120)
    assert second.returncode != 0
    assert "nowhere" in stderr and "was left as it was" in stderr
    assert snapshot(tmp_path / "out/html") == before
    # the next build reports the problem again: it does not build only what changed and pass
    third = publish(site, tmp_path / "out")
    _, stderr = third.communicate(timeout=120)
    assert third.returncode != 0 and "nowhere" in stderr


def test_an_interrupted_build_leaves_the_last_good_site_whole(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    assert publish(site, tmp_path / "out").wait(timeout=120) == 0
    before = snapshot(tmp_path / "out/html")
    # a full rebuild, killed as soon as it starts writing pages
    page = tmp_path / "out/.staging/html/index.html"
    written = page.stat().st_mtime_ns
    run = publish(site, tmp_path / "out", "-E")
    deadline = time.monotonic() + 60
    while not page.exists() or page.stat().st_mtime_ns == written:
        assert run.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=10)
    assert snapshot(tmp_path / "out/html") == before
    # the next build starts the staging folder afresh and publishes a whole site
    again = publish(site, tmp_path / "out")
    assert again.wait(timeout=120) == 0
    assert snapshot(tmp_path / "out/html").keys() == before.keys()


# -- Reproducible ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_two_builds_in_different_folders_at_different_times_are_identical(
    tmp_path: Path, epoch: str | None
) -> None:
    env = {"SOURCE_DATE_EPOCH": epoch} if epoch else {}
    one = copy_site(ROOTS / "test-blog", tmp_path / "one-folder")
    two = copy_site(ROOTS / "test-blog", tmp_path / "another" / "folder")
    assert sphinx_build(one, tmp_path / "out1", env=env).returncode == 0
    time.sleep(1.1)
    assert sphinx_build(two, tmp_path / "out2", env=env).returncode == 0
    first, second = snapshot(tmp_path / "out1/html"), snapshot(tmp_path / "out2/html")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    user = os.environ.get("USER") or os.environ.get("LOGNAME") or ""
    for name, content in first.items():
        text = content.decode("utf-8", errors="replace")
        assert str(tmp_path) not in text and str(ROOTS) not in text, name
        if len(user) > 3:
            assert f"/{user}/" not in text, name

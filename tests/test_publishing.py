"""Nothing half-published: drafts stay out, failed or interrupted builds leave the last good site whole,
and the same sources give the same bytes."""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import DOCS, ROOTS, clean_environ, copy_site, sphinx_build
from helpers import pages, soup
from publication.tools.bench import make_site

STRICT = ["-b", "html", "-n", "-W", "--keep-going"]


def publish_command(source: Path, out: Path, *extra: str) -> list[str]:
    """`nox -s build`'s command: python -m publication.tools.publish SOURCE OUTPUT OPTIONS."""
    command = [sys.executable, "-m", "publication.tools.publish", str(source), str(out / "html")]
    return [*command, *STRICT, "-d", str(out / "doctrees"), *extra]


def publish(source: Path, out: Path, *extra: str, **popen: Any) -> subprocess.Popen[str]:
    """`nox -s build`'s command, started."""
    return subprocess.Popen(
        publish_command(source, out, *extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_environ(),
        **popen,
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
    # still in no listing, feed or sitemap (only the preview's sidebar lists drafts, under "Drafts")
    assert "From the future" not in soup(html / "blog.html").select_one(".blog-archive").get_text()
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


def siblings(out: Path) -> list[str]:
    """What lies beside the published folder: a copy left behind by a publish would show here."""
    return sorted(path.name for path in out.iterdir())


#: Beside the published folder after a build: nothing else.
BESIDE = [".publication.lock", ".staging", "doctrees", "html"]


def test_the_site_folder_is_never_missing_while_a_new_site_takes_its_place(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert publish(site, out).wait(timeout=120) == 0
    html, looks = out / "html", {"checks": 0, "missing": 0}
    done = threading.Event()

    def watch() -> None:  # as a web server would: at any moment, the site or its previous version
        while not done.is_set():
            looks["checks"] += 1
            looks["missing"] += not os.path.isdir(html)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert publish(site, out).wait(timeout=120) == 0
        # the publishing step alone, many times over: many chances to see a gap between two renames
        repeat = "from publication.tools.publish import publish\n"
        repeat += "for _ in range(20): publish(Path(sys.argv[1]), Path(sys.argv[2]))"
        command = [sys.executable, "-c", f"import sys; from pathlib import Path; {repeat}"]
        result = subprocess.run(
            [*command, str(out / ".staging/html"), str(html)], capture_output=True, text=True, timeout=600
        )
        assert result.returncode == 0, result.stderr
    finally:
        done.set()
        watcher.join()
    assert looks["checks"] > 0 and looks["missing"] == 0
    assert siblings(out) == BESIDE


def keep_to_permissions() -> None:
    """In a child process: obey files' permission bits even as root, like any other user.

    Root writes into read-only folders through CAP_DAC_OVERRIDE (and reads through CAP_DAC_READ_SEARCH);
    taken out of the bounding set, the program this process runs next does not get them back.
    """
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            libc.prctl(24, capability, 0, 0, 0)  # PR_CAPBSET_DROP


@pytest.fixture
def unprivileged(tmp_path: Path) -> dict[str, Any]:
    """Popen arguments for a build that a read-only folder refuses; skips where none would."""
    probe = tmp_path / "read-only"
    probe.mkdir()
    probe.chmod(0o555)
    touch = "import pathlib, sys; pathlib.Path(sys.argv[1], 'file').touch()"
    result = subprocess.run(
        [sys.executable, "-c", touch, str(probe)], preexec_fn=keep_to_permissions, capture_output=True
    )
    probe.chmod(0o755)
    shutil.rmtree(probe)
    if result.returncode == 0:
        pytest.skip("read-only folders are not read-only to this user here")
    return {"preexec_fn": keep_to_permissions}


def writable(*trees: Path, mode: int = 0o755) -> None:
    for tree in trees:
        for folder in [tree, *(path for path in tree.rglob("*") if path.is_dir())]:
            folder.chmod(mode)


def test_an_output_folder_it_may_not_write_to_is_one_line_and_the_next_build_recovers(
    tmp_path: Path, unprivileged: dict[str, Any]
) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert publish(site, out).wait(timeout=120) == 0
    before = snapshot(out / "html")
    out.chmod(0o555)
    try:
        run = publish(site, out, **unprivileged)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        out.chmod(0o755)
    assert run.returncode != 0
    assert "Traceback" not in stdout + stderr
    [line] = stderr.strip().splitlines()
    assert (
        line
        == f"error: cannot write into {out}: Permission denied; make {out} writable for you and build again"
    )
    assert snapshot(out / "html") == before
    again = publish(site, out, **unprivileged)
    _, stderr = again.communicate(timeout=120)
    assert again.returncode == 0, stderr
    assert siblings(out) == BESIDE


def test_a_previous_site_it_may_not_delete_is_one_line_and_in_no_builds_way(
    tmp_path: Path, unprivileged: dict[str, Any]
) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert publish(site, out).wait(timeout=120) == 0
    writable(out / "html", mode=0o555)  # e.g. a deploy step made it read-only
    post = site / "posts/2019/first.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    try:
        run = publish(site, out, **unprivileged)
        stdout, stderr = run.communicate(timeout=120)
        assert run.returncode != 0
        assert "Traceback" not in stdout + stderr
        [line] = stderr.strip().splitlines()
        [previous] = [out / name for name in siblings(out) if name not in BESIDE]
        assert line.startswith(f"error: cannot remove the previous site in {previous}: Permission denied;")
        assert "the site is published" in line
        assert "A new paragraph" in (out / "html/posts/2019/first.html").read_text(encoding="utf-8")
        # while it is still there, builds go on, and say it is there
        again = publish(site, out, **unprivileged)
        _, stderr = again.communicate(timeout=120)
        assert again.returncode == 0, stderr
        assert f"warning: cannot remove {previous}" in stderr
    finally:
        writable(*(out / name for name in siblings(out) if name not in BESIDE))
    last = publish(site, out, **unprivileged)
    _, stderr = last.communicate(timeout=120)
    assert last.returncode == 0 and "warning" not in stderr, stderr
    assert siblings(out) == BESIDE


def test_a_second_build_waits_for_the_running_one_and_names_it(tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".publication.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as the running build holds it
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        second = publish(site, out)
        assert second.stderr is not None
        line = second.stderr.readline()
        assert line == f"another build is running (pid {os.getpid()}); waiting for it\n"
        assert second.poll() is None and not (out / "html").exists()
    _, stderr = second.communicate(timeout=120)
    assert second.returncode == 0, stderr
    assert (out / "html/index.html").is_file()


def test_a_build_whose_parent_is_killed_stops_and_publishes_nothing(tmp_path: Path) -> None:
    """`kill -TERM` of nox: nox dies at once and does not pass the signal on to the build it runs."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    out = tmp_path / "out"
    assert publish(site, out).wait(timeout=120) == 0
    before = snapshot(out / "html")
    page = out / ".staging/html/index.html"
    written = page.stat().st_mtime_ns
    nox = [sys.executable, "-c", "import subprocess, sys; subprocess.run(sys.argv[1:])"]
    with (tmp_path / "log").open("w") as log:
        parent = subprocess.Popen(
            [*nox, *publish_command(site, out, "-E")], stdout=log, stderr=log, env=clean_environ()
        )
    deadline = time.monotonic() + 60
    while not page.exists() or page.stat().st_mtime_ns == written:  # the build is writing pages
        assert parent.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    parent.send_signal(signal.SIGTERM)
    parent.wait(timeout=10)
    fcntl = pytest.importorskip("fcntl")
    with (out / ".publication.lock").open() as lock:  # the build holds it while it lives
        deadline = time.monotonic() + 60
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "the build runs on without its parent"
                time.sleep(0.05)
    log = (tmp_path / "log").read_text(encoding="utf-8")
    assert "Stopped by SIGTERM" in log and "Traceback" not in log, log
    assert snapshot(out / "html") == before
    assert (out / ".staging/html/.publication-unfinished").exists()
    again = publish(site, out)
    assert again.wait(timeout=120) == 0
    assert snapshot(out / "html").keys() == before.keys()


@pytest.mark.parametrize("change", ["html_title=Another title", "html_use_index=0", "a post edited"])
def test_a_site_published_after_a_change_equals_a_clean_builds(tmp_path: Path, change: str) -> None:
    """Sphinx keeps .buildinfo.bak after a change of configuration, and every file the old one made."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    assert publish(site, tmp_path / "incremental").wait(timeout=120) == 0
    options = ["-D", change] if "=" in change else []
    if not options:
        post = site / "posts/2020/second.md"
        post.write_text(post.read_text(encoding="utf-8").replace("Second post", "Second post, revised"))
    for out in (tmp_path / "incremental", tmp_path / "clean"):
        run = publish(site, out, *options)
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    built, clean = snapshot(tmp_path / "incremental/html"), snapshot(tmp_path / "clean/html")
    assert sorted(built) == sorted(clean)
    assert [name for name in clean if built[name] != clean[name]] == []


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


def test_ctrl_c_stops_a_parallel_build_and_its_workers_quietly(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's foreground group: the workers of `-j auto` too, which
    printed a traceback each; now they end silently with the build, and nothing is published."""
    site = make_site(DOCS, tmp_path / "site", posts=40)
    out = tmp_path / "out"
    run = publish(site, out, "-j", "2", start_new_session=True)  # its own group, as a terminal's job is
    doctrees = out / "doctrees"
    deadline = time.monotonic() + 120
    while not any(doctrees.rglob("post-*.doctree")):  # workers are reading
        assert run.poll() is None, "the build ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGINT)
    stdout, stderr = run.communicate(timeout=60)
    assert run.returncode != 0
    assert "Stopped by SIGINT" in stdout + stderr
    assert "Traceback" not in stdout + stderr, stderr
    assert not (out / "html").exists()
    deadline = time.monotonic() + 10
    while True:  # every process of the group has ended
        try:
            os.killpg(run.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "a worker outlived the build"
        time.sleep(0.05)


STOPS = (signal.SIGINT, signal.SIGTERM)


def test_a_worker_forked_during_a_build_ends_on_a_stop_signal_without_the_build_s_handler() -> None:
    """The worker inherits the build's handler, which raises where Sphinx's worker code reports, as a
    traceback, whatever it catches; a worker forked outside a build keeps what it inherits."""
    from publication.tools.publish import Signals

    def default_handlers_in_a_fork() -> str:
        """For SIGINT and SIGTERM, whether a process forked now has the default handler: "1" or "0" each."""
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # the child reports through the pipe
            os.write(write, "".join(str(int(signal.getsignal(s) == signal.SIG_DFL)) for s in STOPS).encode())
            os._exit(0)
        os.close(write)
        os.waitpid(child, 0)
        return os.read(read, 16).decode()

    with Signals():
        assert default_handlers_in_a_fork() == "11"
    outside = "".join(str(int(signal.getsignal(s) == signal.SIG_DFL)) for s in STOPS)
    assert default_handlers_in_a_fork() == outside

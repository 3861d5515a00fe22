"""publication.tools.bench and bench_others: the yardsticks, save-to-served measurement and README's table.

The benchmark is the record of speed: nothing here asserts a time, only that what it measures and prints is
what it says (a yardstick that cannot run is named with its reason and has no ratio).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from publication.tools import bench_others as others
from publication.tools.bench import KINDS, markdown_table, synthetic_posts


def posts(count: int = 3) -> list[tuple[str, str]]:
    import random

    return synthetic_posts(count, random.Random(1))


def test_the_stock_minima_blog_is_minima_with_its_feed_and_seo_plugins_only(tmp_path: Path) -> None:
    written = others.jekyll_site(tmp_path / "site", posts(), others.MINIMA_CONFIG, others.MINIMA_FILES)
    config = yaml.safe_load((tmp_path / "site/_config.yml").read_text(encoding="utf-8"))
    assert config["theme"] == "minima"
    assert sorted(config["plugins"]) == ["jekyll-feed", "jekyll-seo-tag"]
    assert "jekyll-archives" not in config and "permalink" not in config  # minima's own addresses
    # minima's own layouts: no footer, archive or post layout of the bench's
    assert sorted(
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.*")
    ) == sorted(["_config.yml", "index.md", *(p.relative_to(tmp_path / "site").as_posix() for p in written)])
    for path in written:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])
        assert (
            front["layout"] == "post" and front["categories"] and front["title"].startswith("Synthetic post")
        )


def test_the_benchmark_s_edit_adds_a_sentence_to_every_generator_s_copy_of_a_post(tmp_path: Path) -> None:
    jekyll = others.jekyll_site(tmp_path / "jekyll", posts(), others.MINIMA_CONFIG, others.MINIMA_FILES)
    hugo = others.hugo_site(tmp_path / "hugo", posts())
    for path in (jekyll[1], hugo[1]):
        before = path.read_text(encoding="utf-8")
        others.edit_post(path, "Saved edit 0 cafe.")
        after = path.read_text(encoding="utf-8")
        assert after.count("Saved edit 0 cafe.") == 1
        assert after.replace("Saved edit 0 cafe.\n\n", "", 1) == before
        headings = [t.content for t in MarkdownIt().parse(after) if t.type == "inline" and t.map]
        assert "Saved edit 0 cafe." in headings  # a paragraph of its own, not glued to the heading


def fake_program(folder: Path, name: str, script: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_a_jekyll_that_cannot_build_is_reported_with_its_reason_and_no_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    fake_program(
        bin_,
        "jekyll",
        "echo 'Configuration file: _config.yml'; "
        "echo '  Dependency Error: Yikes! It looks like you do not have jekyll-seo-tag or one of its "
        "dependencies installed.' >&2; exit 1",
    )
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    assert "minima" in others.available()
    with pytest.raises(others.Unavailable, match=r"Dependency Error: Yikes! .* jekyll-seo-tag"):
        others.minima(tmp_path / "minima", posts())


def test_each_generator_s_no_change_rebuild_is_the_median_of_runs_in_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A yardstick's builds, through a Jekyll that notes each run and takes longer each time."""
    from publication.tools.bench import NO_CHANGE_RUNS

    bin_ = tmp_path / "bin"
    bin_.mkdir()
    runs = tmp_path / "runs"
    # the no-change rebuilds (runs 2, 3, 4) take 0.2, 0.6 and 1.2 s; the full build and the edit no time
    sleeps = "*2) sleep 0.2;; *3) sleep 0.6;; *4) sleep 1.2;;"
    script = f"echo run >> {runs}; case $(wc -l < {runs}) in {sleeps} esac"
    fake_program(bin_, "jekyll", script)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    timed = others.minima(tmp_path / "minima", posts())
    assert runs.read_text().count("run") == 1 + NO_CHANGE_RUNS + 1  # full, no change, one-post edit
    assert 0.6 <= timed["no change"].seconds < 1.2  # the median: run 3


def test_a_failed_no_change_rebuild_is_reported_not_hidden_by_the_median() -> None:
    from publication.tools.bench import NO_CHANGE_RUNS, Run, no_change_runs

    outcomes = iter([Run(1.0, 10, 0, 0), Run(0.5, 10, 0, 2, "error: broken"), Run(2.0, 10, 0, 0)])
    assert NO_CHANGE_RUNS == 3
    assert no_change_runs(lambda: next(outcomes)).errors == "error: broken"


def test_a_missing_program_is_named_with_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert others.available() == {} and others.available_servers() == {}
    assert set(others.missing()) == set(others.NAMES)
    assert all("apt-get install" in reason for reason in others.missing().values())


def static_server(folder: Path, page: str = "/post.md") -> others.Server:
    """A server that serves the post's own file: an edit is served as soon as it is saved."""
    post = folder / "post.md"
    post.write_text("---\ntitle: A post\n---\nText.\n\n## Method\n\nMore text.\n", encoding="utf-8")
    command = [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder)]
    return others.Server("static", lambda port: [*command, str(port)], folder, post, lambda: page)


def test_save_to_served_times_each_edit_until_the_server_serves_its_text(tmp_path: Path) -> None:
    seconds = others.save_to_served(static_server(tmp_path), edits=2, ready=30)
    assert len(seconds) == 2 and all(s >= 0 for s in seconds)
    text = (tmp_path / "post.md").read_text(encoding="utf-8")
    assert text.count("Saved edit") == 2  # each edit is a new sentence the page must show


def test_a_server_that_never_shows_the_edit_is_unavailable_not_timed(tmp_path: Path) -> None:
    (tmp_path / "other.html").write_text("<p>Something else.</p>", encoding="utf-8")
    with pytest.raises(others.Unavailable, match="not served within"):
        others.save_to_served(static_server(tmp_path, "/other.html"), edits=1, ready=30, timeout=0.5)


def test_a_server_that_stops_is_unavailable_with_what_it_printed(tmp_path: Path) -> None:
    server = static_server(tmp_path)
    server.command = lambda port: [sys.executable, "-c", "raise SystemExit('Error: no such site folder')"]
    with pytest.raises(others.Unavailable, match="Error: no such site folder"):
        others.save_to_served(server, edits=1, ready=30)


def test_failure_reason_is_the_line_that_says_why() -> None:
    assert others.failure_reason("Configuration file: x\n  Dependency Error: Yikes!\nbye\n") == (
        "Dependency Error: Yikes!"
    )
    assert others.failure_reason("one\ntwo\n") == "two"
    assert others.failure_reason("") == "it failed without saying why"


def row(seconds: float) -> dict[str, float | int]:
    return {"seconds": seconds, "peak_mib": 100.0, "pages_written": 10, "exit_code": 0}


times = st.floats(min_value=0.01, max_value=500, allow_nan=False)


@st.composite
def summaries(draw: st.DrawFn) -> dict:
    """What measure() returns, with any set of yardsticks and servers that ran or could not."""
    summary: dict = {"posts": draw(st.sampled_from([100, 1000])), "repeat": 1, "page weight": {}}
    summary.update({kind: row(draw(times)) for kind in KINDS})
    unavailable = {}
    for name in others.NAMES:
        if draw(st.booleans()):
            summary.update({f"{name} {kind}": row(draw(times)) for kind in KINDS[:3]})
        else:
            unavailable[name] = f"{name} is not installed"
    summary["unavailable"] = unavailable
    summary["versions"] = {name: "1.0" for name in others.NAMES if name not in unavailable}
    served = {}
    for name in ("preview", "jekyll", "hugo"):
        if draw(st.booleans()):
            seconds = draw(times)
            served[name] = {"seconds": seconds, "each": [seconds]}
        else:
            served[name] = "the server stopped: Error"
    summary["save to served"] = served
    return summary


def table_rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]


@settings(max_examples=30, deadline=None)
@given(st.lists(summaries(), min_size=1, max_size=2))
def test_the_readme_table_has_a_ratio_exactly_where_a_yardstick_ran(results: list[dict]) -> None:
    markdown = markdown_table(results)
    header, rule, *rows = table_rows(markdown)
    assert all(len(cells) == len(header) for cells in (rule, *rows))
    assert len(rows) == sum(len(KINDS) + 1 for _ in results)  # every kind of build, and save to served
    tokens = MarkdownIt().enable("table").parse(markdown)
    assert sum(t.type == "tr_open" for t in tokens) == len(rows) + 1  # a table a Markdown reader renders
    # each yardstick's column, headed by its name and the version that ran
    columns = {
        name: next(i for i, head in enumerate(header) if head.startswith(others.LABELS[name]))
        for name in others.NAMES
    }
    for summary, chunk in zip(results, [rows[i : i + 5] for i in range(0, len(rows), 5)], strict=True):
        for cells in chunk[:3]:  # full, no change, one-post edit
            kind = cells[1]
            ours = summary[kind]["seconds"]
            for name, at in columns.items():
                if name in summary["unavailable"]:
                    assert cells[at] == cells[at + 1] == ""
                    assert f"Not measured: {name}: {summary['unavailable'][name]}." in markdown
                else:
                    theirs = summary[f"{name} {kind}"]["seconds"]
                    times = ours / theirs
                    if cells[at + 1] == "<0.01×":
                        assert times < 0.005
                        continue
                    shown = float(cells[at + 1].removesuffix("×"))
                    # one decimal, two below 0.1: a ratio is never shown as 0.0×
                    assert shown > 0 and abs(shown - times) <= (0.05 if times >= 0.095 else 0.005) + 1e-9
        served = chunk[4]
        assert served[1] == "save to served"
        preview = summary["save to served"]["preview"]
        assert served[2] == (f"{preview['seconds']:.2f} s" if isinstance(preview, dict) else "")
        jekyll = summary["save to served"]["jekyll"]  # jekyll serve --incremental, the stock minima blog
        at = columns["minima"]
        assert (served[at] != "") == isinstance(jekyll, dict)
        assert (served[at + 1] != "") == (isinstance(jekyll, dict) and isinstance(preview, dict))


def test_a_page_cut_short_is_not_served_yet(tmp_path: Path) -> None:
    """A server that drops the connection mid-page (as one may while it rebuilds) is asked again."""
    import socket
    import threading

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()

        def answer_half() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(4096)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n<p>half")

        thread = threading.Thread(target=answer_half)
        thread.start()
        assert others.fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/post.html") is None
        thread.join()


def test_a_page_held_back_until_written_is_timed_when_it_arrives(tmp_path: Path) -> None:
    """The preview holds a request while its build writes the page: the wait counts, not the moment asked."""
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class HeldBack(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(0.3)  # the build writing the page
            body = b"<p>Saved edit 0.</p>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), HeldBack) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/post.html"
            waited = others.wait_for_text(url, "Saved edit 0.", timeout=10)
        finally:
            server.shutdown()
    assert waited is not None and waited >= 0.3

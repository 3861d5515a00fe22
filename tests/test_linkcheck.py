"""`nox -s linkcheck`, offline: the linkcheck builder, with the project's settings, against a local server.

tests/roots/test-linkcheck is a plain Sphinx + MyST site whose conf.py takes every linkcheck_* value from
docs/conf.py. Each test copies it into tmp_path, points its links at a server on 127.0.0.1 and runs
sphinx-build with the arguments of `nox -s linkcheck`, overriding only linkcheck_timeout (to keep it fast).
"""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from conftest import clean_environ
from publication.site.linkcheck import EXIT_OFFLINE, OFFLINE_MARKER

ROOT = Path(__file__).parent.parent
DOCS_CONF = ROOT / "docs" / "conf.py"
LINKCHECK_ROOT = Path(__file__).parent / "roots" / "test-linkcheck"
LINKCHECK_BLOG_ROOT = Path(__file__).parent / "roots" / "test-linkcheck-blog"
PLACEHOLDER = "http://linkcheck.invalid"  # the host page.md links to; .invalid never resolves

PROJECT = {k: v for k, v in runpy.run_path(str(DOCS_CONF)).items() if k.startswith("linkcheck_")}
TIMEOUT = 1  # seconds; replaces the project's linkcheck_timeout, which is meant for the real internet
HANG = 10 * TIMEOUT  # how long /hang keeps a request waiting before it drops it without an answer


# -- The server ----------------------------------------------------------------------------------------


class LinkServer(ThreadingHTTPServer):
    """/ok 200, /moved 301 to /ok, /missing 404, /busy 429 (Retry-After: 1) then 200, /hang no answer."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), LinkHandler)
        self.requests: list[tuple[str, str]] = []  # (method, path), in order of arrival
        self.lock = threading.Lock()
        self.release = threading.Event()  # set on shutdown: waiting /hang requests end at once

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def hits(self, path: str) -> list[str]:
        """The methods of the requests for path."""
        with self.lock:
            return [method for method, p in self.requests if p == path]


class LinkHandler(BaseHTTPRequestHandler):
    server: LinkServer

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        with self.server.lock:
            self.server.requests.append((self.command, self.path))
            seen = sum(1 for _, path in self.server.requests if path == self.path)
        match self.path:
            case "/ok":
                self.reply(200)
            case "/moved":
                self.reply(301, Location="/ok")
            case "/busy" if seen == 1:
                self.reply(429, **{"Retry-After": "1"})
            case "/busy":
                self.reply(200)
            case "/hang":
                self.server.release.wait(HANG)  # longer than the timeout; then drop the connection
            case _:
                self.reply(404)

    def reply(self, code: int, **headers: str) -> None:
        self.send_response(code)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@contextmanager
def link_server() -> Iterator[LinkServer]:
    server = LinkServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join()


# -- The build -----------------------------------------------------------------------------------------


@dataclass
class Linkcheck:
    result: subprocess.CompletedProcess[str]
    server: LinkServer
    page: str  # the text of page.md, as built
    records: dict[str, dict[str, Any]]  # output.json, by path on the server
    report: str  # output.txt

    def line(self, path: str) -> int:
        """The line of page.md that links to path."""
        url = f"{self.server.url}{path}>"
        return next(n for n, text in enumerate(self.page.splitlines(), 1) if url in text)


def linkcheck(
    tmp_path: Path,
    server: LinkServer,
    *extra: str,
    paths: tuple[str, ...] | None = None,
    root: Path = LINKCHECK_ROOT,
    page_name: str = "page.md",
    host: str | None = None,
) -> Linkcheck:
    """Build a copy of the test root with `nox -s linkcheck`'s arguments; paths keeps only those links.

    The links go to the local server, or to host (PLACEHOLDER itself, a name that never resolves, plays
    a machine without a network).
    """
    host = server.url if host is None else host
    source = shutil.copytree(root, tmp_path / "src", dirs_exist_ok=True)  # again: same output
    page = (root / page_name).read_text(encoding="utf-8")
    if paths is not None:
        links = re.compile(rf"^.*<{re.escape(PLACEHOLDER)}(/\w+)>$")
        page = "\n".join(
            text
            for text in page.splitlines()
            if not (m := links.match(text)) or m.group(1) in paths  # keep other lines: same numbers
        )
    page = page.replace(PLACEHOLDER, host)
    (source / page_name).write_text(page, encoding="utf-8")

    out = tmp_path / "linkcheck"
    command = [sys.executable, "-m", "sphinx", "-b", "linkcheck", "-n", "-W", "--keep-going"]
    command += ["-d", str(tmp_path / "doctrees"), str(source), str(out)]
    command += ["-D", f"linkcheck_timeout={TIMEOUT}", *extra]
    environ = clean_environ(PUBLICATION_DOCS_CONF=str(DOCS_CONF), NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    for proxy in ("http_proxy", "https_proxy", "all_proxy"):
        environ.pop(proxy, None)
        environ.pop(proxy.upper(), None)
    result = subprocess.run(command, capture_output=True, text=True, env=environ, check=False, timeout=60)

    output = out / "output.json"
    assert output.exists(), result.stderr
    records = {}
    for text in output.read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        path = record["uri"].removeprefix(host)
        assert path not in records, f"{path} reported twice"
        records[path] = record
    report = (out / "output.txt").read_text(encoding="utf-8")
    return Linkcheck(result, server, page, records, report)


@pytest.fixture(scope="module")
def nox_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Linkcheck]:
    """All five links, checked once with exactly the arguments of `nox -s linkcheck`."""
    with link_server() as server:
        yield linkcheck(tmp_path_factory.mktemp("nox"), server)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    with link_server() as server:
        yield server


# -- The settings --------------------------------------------------------------------------------------


def test_the_test_root_takes_the_project_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {
        "linkcheck_timeout",
        "linkcheck_retries",
        "linkcheck_rate_limit_timeout",
        "linkcheck_report_timeouts_as_broken",
        "linkcheck_anchors",
    } <= PROJECT.keys()
    monkeypatch.setenv("PUBLICATION_DOCS_CONF", str(DOCS_CONF))
    namespace = runpy.run_path(str(LINKCHECK_ROOT / "conf.py"))
    assert {k: v for k, v in namespace.items() if k.startswith("linkcheck_")} == PROJECT
    # the overrides below only make sense if the real timeout is longer and /hang outlasts ours
    assert PROJECT["linkcheck_timeout"] > TIMEOUT
    assert HANG > TIMEOUT * 2


# -- One build, as `nox -s linkcheck` runs it ----------------------------------------------------------


def test_every_link_is_reported_once(nox_run: Linkcheck) -> None:
    assert nox_run.records.keys() == {"/ok", "/moved", "/missing", "/busy", "/hang"}
    for path, record in nox_run.records.items():
        assert record["filename"] == "page.md"
        assert record["lineno"] == nox_run.line(path)


def test_a_page_that_answers_works(nox_run: Linkcheck) -> None:
    assert nox_run.records["/ok"]["status"] == "working"
    assert nox_run.records["/ok"]["code"] == 0


def test_a_permanent_redirect_is_reported_with_its_target(nox_run: Linkcheck) -> None:
    record = nox_run.records["/moved"]
    assert (record["status"], record["code"]) == ("redirected", 301)
    assert record["info"] == f"{nox_run.server.url}/ok"
    assert f"page.md:{nox_run.line('/moved')}: [redirected permanently]" in nox_run.report
    # HEAD follows the redirect: /ok is asked once for its own link and once for /moved
    assert nox_run.server.hits("/moved") == ["HEAD"]
    assert nox_run.server.hits("/ok") == ["HEAD", "HEAD"]


def test_a_missing_page_is_broken_after_every_retry(nox_run: Linkcheck) -> None:
    record = nox_run.records["/missing"]
    assert record["status"] == "broken"
    assert record["info"].startswith("404 Client Error: Not Found")
    # each attempt tries HEAD, then GET; a broken link is tried linkcheck_retries times
    assert nox_run.server.hits("/missing") == ["HEAD", "GET"] * PROJECT["linkcheck_retries"]


def test_a_busy_server_is_asked_again_after_retry_after(nox_run: Linkcheck) -> None:
    assert nox_run.records["/busy"]["status"] == "working"
    assert nox_run.server.hits("/busy") == ["HEAD", "HEAD"]  # 429, then 200 a second later


def test_a_page_that_never_answers_times_out(nox_run: Linkcheck) -> None:
    record = nox_run.records["/hang"]
    as_broken = PROJECT["linkcheck_report_timeouts_as_broken"]
    assert record["status"] == ("broken" if as_broken else "timeout")
    assert "timed out" in record["info"]
    # a timeout reported as broken is retried; a timeout is not. No GET after a HEAD that timed out.
    assert nox_run.server.hits("/hang") == ["HEAD"] * (PROJECT["linkcheck_retries"] if as_broken else 1)


def test_broken_links_fail_the_build_and_name_their_line(nox_run: Linkcheck) -> None:
    assert nox_run.result.returncode == 1, nox_run.result.stderr
    for path in ("/missing", "/hang"):
        line, status = nox_run.line(path), nox_run.records[path]["status"]
        uri = f"{nox_run.server.url}{path}"
        assert f"page.md:{line}: [{status}] {uri}: " in nox_run.report  # output.txt
        # without -q, sphinx-build logs them on stdout with the document's name, not as warnings
        assert re.search(rf"\(\s*page: line\s+{line}\) {status}\s+{re.escape(uri)} - ", nox_run.result.stdout)
    assert "page.md" not in nox_run.result.stderr


# -- Other builds ----------------------------------------------------------------------------------------


def test_quiet_broken_links_are_warnings_at_their_file_and_line(tmp_path: Path, server: LinkServer) -> None:
    run = linkcheck(tmp_path, server, "-q", paths=("/ok", "/missing", "/hang"))
    assert run.result.returncode == 1
    for path in ("/missing", "/hang"):
        uri = f"{server.url}{path}"
        assert re.search(
            rf"page\.md:{run.line(path)}: WARNING: broken link: {re.escape(uri)} \(", run.result.stderr
        ), run.result.stderr
    assert "/ok" not in run.result.stderr


def test_redirects_and_rate_limits_do_not_fail_the_build(tmp_path: Path, server: LinkServer) -> None:
    run = linkcheck(tmp_path, server, paths=("/ok", "/moved", "/busy"))
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    assert {path: record["status"] for path, record in run.records.items()} == {
        "/ok": "working",
        "/moved": "redirected",
        "/busy": "working",
    }


@pytest.mark.parametrize("as_broken", [True, False])
def test_timeouts_are_reported_as_the_setting_says(
    tmp_path: Path, server: LinkServer, as_broken: bool
) -> None:
    flag = f"linkcheck_report_timeouts_as_broken={int(as_broken)}"
    run = linkcheck(tmp_path, server, "-D", flag, paths=("/hang",))
    assert run.records["/hang"]["status"] == ("broken" if as_broken else "timeout")
    assert f"page.md:{run.line('/hang')}: [{'broken' if as_broken else 'timeout'}]" in run.report
    assert run.result.returncode == 1  # a timeout fails the build either way


# -- The cache and the table (publication.site.linkcheck_cache) ----------------------------------------


def test_a_second_run_within_a_day_asks_only_new_and_failed_links(tmp_path: Path, server: LinkServer) -> None:
    paths = ("/ok", "/moved", "/missing")
    first = linkcheck(tmp_path, server, paths=paths)
    asked = {path: len(server.hits(path)) for path in paths}
    second = linkcheck(tmp_path, server, paths=paths)
    assert len(server.hits("/ok")) == asked["/ok"]  # worked an instant ago: not asked again
    assert len(server.hits("/moved")) == asked["/moved"]
    assert len(server.hits("/missing")) == 2 * asked["/missing"]  # failed: asked again
    assert {p: r["status"] for p, r in second.records.items()} == {
        "/ok": "ignored",
        "/moved": "ignored",
        "/missing": "broken",
    }
    assert second.result.returncode == first.result.returncode == 1
    cache = json.loads((tmp_path / "linkcheck/cache.json").read_text(encoding="utf-8"))
    assert {uri.removeprefix(server.url): r["status"] for uri, r in cache.items()} == {
        "/ok": "working",
        "/moved": "redirected",
        "/missing": "broken",
    }


def test_links_checked_more_than_a_day_ago_are_asked_again(tmp_path: Path, server: LinkServer) -> None:
    linkcheck(tmp_path, server, paths=("/ok",))
    cache_file = tmp_path / "linkcheck/cache.json"
    cache = json.loads(cache_file.read_text(encoding="utf-8"))
    for record in cache.values():
        record["checked"] = "2000-01-01T00:00:00+00:00"
    cache_file.write_text(json.dumps(cache), encoding="utf-8")
    run = linkcheck(tmp_path, server, paths=("/ok",))
    assert run.records["/ok"]["status"] == "working"
    assert server.hits("/ok") == ["HEAD", "HEAD"]


def test_the_run_ends_with_a_table_of_broken_and_redirected_links(tmp_path: Path, server: LinkServer) -> None:
    run = linkcheck(tmp_path, server, paths=("/ok", "/moved", "/missing"))
    table = run.result.stdout[run.result.stdout.index("status  ") :].splitlines()
    assert table[0].split() == ["status", "where", "link", "details"]
    rows = [line.split(maxsplit=3) for line in table[1:3]]
    assert [row[:3] for row in rows] == [
        ["broken", f"page.md:{run.line('/missing')}", f"{server.url}/missing"],
        ["redirected", f"page.md:{run.line('/moved')}", f"{server.url}/moved"],
    ]
    assert rows[0][3].startswith("404 Client Error") and rows[1][3] == f"{server.url}/ok"  # where it went
    assert not any(line.split()[2:3] == [f"{server.url}/ok"] for line in table[1:])  # working: not listed
    # the next run skips the redirect but still lists it, from the cache
    again = linkcheck(tmp_path, server, paths=("/ok", "/moved", "/missing"))
    assert f"redirected  page.md:{run.line('/moved')}" in again.result.stdout


# -- Offline, and the site's own pages (publication.site.linkcheck) ------------------------------------

OFFLINE_LINE = re.compile(
    r"^linkcheck: the network is unreachable \(no server answered\): (\d+) external link\(s\) were not "
    r"checked; run it again when online$",
    re.MULTILINE,
)


def test_offline_is_one_line_and_its_own_exit_status(tmp_path: Path, server: LinkServer) -> None:
    """No host resolves: the run says the network is unreachable and how many links wait, and exits 75."""
    run = linkcheck(tmp_path, server, host=PLACEHOLDER)
    assert run.result.returncode == EXIT_OFFLINE == 75, run.result.stdout + run.result.stderr
    assert [int(n) for n in OFFLINE_LINE.findall(run.result.stdout)] == [5]
    assert {record["status"] for record in run.records.values()} == {"broken"}  # as Sphinx reports them
    # each link's own line says what happened in words, not urllib3's exception text; no table of "broken"
    assert "NameResolutionError" not in run.result.stdout
    assert "cannot resolve the host name linkcheck.invalid" in run.result.stdout
    assert "status  where" not in run.result.stdout
    assert server.requests == []
    # nothing learnt about the links: the next run online asks every one
    cache = json.loads((tmp_path / "linkcheck/cache.json").read_text(encoding="utf-8"))
    assert cache == {}
    # what nox -s linkcheck reads to report the run as skipped (offline), not failed (broken)
    assert (tmp_path / "linkcheck" / OFFLINE_MARKER).read_text(encoding="utf-8").strip() == "5"


def test_a_host_that_does_not_resolve_is_broken_when_the_network_is_there(
    tmp_path: Path, server: LinkServer
) -> None:
    """One server answered, so a name that does not resolve is a broken link, and the run exits 1."""
    source = LINKCHECK_ROOT / "page.md"
    page = source.read_text(encoding="utf-8") + "\nA site that is gone: <http://gone.invalid/page>\n"
    root = shutil.copytree(LINKCHECK_ROOT, tmp_path / "root")
    (root / "page.md").write_text(page, encoding="utf-8")
    run = linkcheck(tmp_path, server, root=root, paths=("/ok",))
    assert run.result.returncode == 1, run.result.stdout + run.result.stderr
    assert not (tmp_path / "linkcheck" / OFFLINE_MARKER).exists()
    assert run.records["http://gone.invalid/page"]["status"] == "broken"
    assert run.records["/ok"]["status"] == "working"
    assert not OFFLINE_LINE.search(run.result.stdout)
    assert re.search(r"^broken +page\.md:\d+ +http://gone\.invalid/page ", run.result.stdout, re.MULTILINE)


@pytest.mark.parametrize("blog_baseurl", ["", "https://blog.example.invalid/"])
def test_links_to_the_blogs_own_pages_and_feed_are_never_fetched_or_broken(
    tmp_path: Path, server: LinkServer, blog_baseurl: str
) -> None:
    """{ref} to blog-posts, -archives, -tags, -categories and -feed: internal, not reported at all."""
    run = linkcheck(
        tmp_path,
        server,
        "-D",
        f"blog_baseurl={blog_baseurl}",
        root=LINKCHECK_BLOG_ROOT,
        page_name="index.md",
    )
    assert run.result.returncode == 0, run.result.stdout + run.result.stderr
    assert run.records.keys() == {"/ok"}  # the one external link, and nothing of the blog's
    assert "blog" not in run.report
    assert "No broken or redirected links." in run.result.stdout


def test_offline_no_link_to_the_blogs_own_pages_is_broken(tmp_path: Path, server: LinkServer) -> None:
    run = linkcheck(tmp_path, server, root=LINKCHECK_BLOG_ROOT, page_name="index.md", host=PLACEHOLDER)
    assert run.result.returncode == EXIT_OFFLINE, run.result.stdout + run.result.stderr
    assert [int(n) for n in OFFLINE_LINE.findall(run.result.stdout)] == [1]
    assert list(run.records) == ["/ok"]

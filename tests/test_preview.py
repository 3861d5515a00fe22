"""nox -s preview (publication.tools.preview): one process keeps the build in memory, serves it on 127.0.0.1
and tells open pages to reload; what it serves is what a clean build with drafts writes, after every kind
of change a writer makes."""

from __future__ import annotations

import http.client
import json
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DOCS, PUBLICATION, clean_environ, copy_site, sphinx_build
from publication.tools.preview import SCRIPT, SCRIPT_TAG, with_reload_script

POST = "posts/2020/capabilities-of-deep-learning-models-to-generalize"
#: Only a guard against a preview that hangs: no assertion here is about speed.
PATIENCE = 120


@dataclass
class Preview:
    site: Path
    output: Path
    port: int
    process: subprocess.Popen[str]
    log: list[str]
    docs_conf: Path

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=PATIENCE) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def page(self, path: str) -> BeautifulSoup:
        status, body = self.get(path)
        assert status == 200, (path, status)
        return BeautifulSoup(body, "html.parser")


class Events:
    """A page's event stream, read as a browser's EventSource would."""

    def __init__(self, preview: Preview) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=PATIENCE)
        self.connection.request("GET", "/__preview__/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.events: queue.Queue[tuple[str, dict]] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()
        name, status = self.next()
        assert name == "status"  # what a page is told as it connects
        self.status = status

    def read(self) -> None:
        name, data = "message", ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data += line.removeprefix("data: ")
                elif not line and data:
                    self.events.put((name, json.loads(data)))
                    name, data = "message", ""
        except (OSError, ValueError):
            return

    def next(self) -> tuple[str, dict]:
        return self.events.get(timeout=PATIENCE)

    def close(self) -> None:
        self.connection.close()


def reloaded(preview: Preview, change: Callable[[], None], done: Callable[[], bool] | None = None) -> dict:
    """Make a change, wait for the reload event of the build that shows it and for that build to finish (the
    pages reload once written; the archive pages, search index and sitemap follow); return its last status.

    An editor's save may come as more than one batch of changes, each a build: wait until ``done`` holds.
    """
    events = Events(preview)
    try:
        change()
        reloading = None
        while True:
            try:
                name, status = events.next()
            except queue.Empty:
                raise AssertionError("no build showed the change:\n" + "".join(preview.log[-60:])) from None
            if name == "reload":
                reloading = status["build"]
            if reloading == status["build"] and status["finished"] and (done is None or done()):
                return status
    finally:
        events.close()


def frozen_docs_conf(folder: Path) -> Path:
    """A copy of docs/conf.py with the templates and static files it names, for the test root's conf.py: the
    preview and the clean build it is compared with then read the same ones, whatever changes in docs/."""
    for name in ("_templates", "_static"):
        if (DOCS / name).is_dir():
            shutil.copytree(DOCS / name, folder / name)
    shutil.copy2(DOCS / "conf.py", folder / "conf.py")
    return folder / "conf.py"


def start_preview(site: Path, output: Path, docs_conf: Path) -> Preview:
    command = [sys.executable, "-m", "publication.tools.preview", str(site), str(output / "html")]
    # --no-code-reload: other people's edits of the package must not restart it under the test
    command += ["--doctrees", str(output / "doctrees"), "--port", "0", "--no-code-reload"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_environ(PUBLICATION_DOCS_CONF=str(docs_conf)),
    )
    log: list[str] = []
    ready: queue.Queue[int] = queue.Queue()

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if found := re.search(r"Serving the preview on http://127\.0\.0\.1:(\d+)/", line):
                ready.put(int(found[1]))
        ready.put(0)

    threading.Thread(target=drain, daemon=True).start()
    port = ready.get(timeout=PATIENCE * 2)
    assert port, "".join(log)
    return Preview(site, output / "html", port, process, log, docs_conf)


@pytest.fixture(scope="module")
def preview(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Preview]:
    """One preview of a copy of tests/roots/test-publication for the whole module: the tests below change
    the site one after another, as a writer does, each leaving it buildable."""
    base = tmp_path_factory.mktemp("preview")
    docs_conf = frozen_docs_conf(base / "docs")
    started = start_preview(copy_site(PUBLICATION, base / "site"), base / "out", docs_conf)
    yield started
    started.process.terminate()
    started.process.wait(timeout=PATIENCE)


def assert_serves_a_clean_build(preview: Preview, tmp_path: Path) -> None:
    """Every file of a clean strict build with drafts is served with the same bytes (pages with the reload
    script added, and only that), and the preview's folder holds no file the clean build lacks."""
    clean = sphinx_build(
        preview.site,
        tmp_path / "clean",
        "-D",
        "publication_show_drafts=1",
        env={"PUBLICATION_DOCS_CONF": str(preview.docs_conf)},
    )
    assert clean.returncode == 0, clean.stderr
    built = tmp_path / "clean" / "html"
    files = sorted(
        path.relative_to(built).as_posix()
        for path in built.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    for name in files:
        status, served = preview.get(name)
        assert status == 200, name
        expected = built.joinpath(name).read_bytes()
        if name.endswith(".html"):
            assert served.count(SCRIPT_TAG) == 1, name
            served = served.replace(SCRIPT_TAG, b"")
        assert served == expected, (name, *difference(served, expected))
    own = sorted(
        path.relative_to(preview.output).as_posix()
        for path in preview.output.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    assert own == files


def difference(served: bytes, expected: bytes) -> tuple[bytes, bytes]:
    """Where two files first differ, with some context."""
    at = next((i for i, (a, b) in enumerate(zip(served, expected, strict=False)) if a != b), None)
    at = min(len(served), len(expected)) if at is None else at
    return served[max(0, at - 300) : at + 200], expected[max(0, at - 300) : at + 200]


def files_of(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Each file's bytes and modification time, by its path in ``folder``."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def write(path: Path, text: str) -> Callable[[], None]:
    return lambda: path.write_text(text, encoding="utf-8")


def test_the_preview_serves_what_a_clean_build_with_drafts_writes(preview: Preview, tmp_path: Path) -> None:
    assert_serves_a_clean_build(preview, tmp_path)


def test_it_listens_on_the_loopback_address_only(preview: Preview) -> None:
    """The kernel's table of listening sockets: the preview's port is bound to 127.0.0.1, not to 0.0.0.0 or
    an IPv6 address that other machines could reach."""
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).is_file():
            pytest.skip("needs Linux's /proc/net/tcp")
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, port = local.split(":")
            if state == "0A" and int(port, 16) == preview.port:  # 0A: LISTEN
                listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, little-endian


def test_pages_load_the_reload_script_from_the_preview_itself(preview: Preview) -> None:
    home = preview.page("index.html")
    scripts = [tag["src"] for tag in home.select("script[src]")]
    assert SCRIPT in scripts
    assert all("//" not in src for src in scripts)  # nothing from another site
    status, script = preview.get(SCRIPT.lstrip("/"))
    assert status == 200 and b"EventSource" in script


def test_an_edit_is_served_and_open_pages_reload(preview: Preview) -> None:
    post = preview.site / f"{POST}.md"
    text = post.read_text(encoding="utf-8")
    edited = text.replace("still remains an active research field", "is a field edited in the preview", 1)
    # the description is the post's summary in listings: the pages that show it are written again
    edited = edited.replace(
        "Why do deep networks generalize?", "Why do networks generalize, asks the edit?", 1
    )
    assert edited.count("edit") == text.count("edit") + 2
    before = files_of(preview.output)
    status = reloaded(preview, write(post, edited))
    assert status["problems"] == []
    # only what changed was written: a file with the bytes it had keeps its time (caches, rsync deploys)
    after = files_of(preview.output)
    kept = [name for name, (data, _) in before.items() if name in after and after[name][0] == data]
    assert kept and all(after[name][1] == before[name][1] for name in kept), [
        name for name in kept if after[name][1] != before[name][1]
    ]
    assert before.keys() - kept  # the post's page, for one, was written
    article = preview.page(f"{POST}.html").select_one("article").get_text(" ", strip=True)
    assert "is a field edited in the preview" in " ".join(article.split())
    home = preview.page("index.html").select_one("article").get_text(" ", strip=True)
    assert "Why do networks generalize, asks the edit?" in " ".join(home.split())


NEW_POST = "posts/2021/a-post-begun-in-the-preview"


def new_post(tags: str) -> str:
    return (
        "---\ntitle: A post begun in the preview\ndate: 2021-03-01 10:00:00 +00:00\nauthor: editors\n"
        f"category: Research\ntags: [{tags}]\n---\n\nIts first words, written while the preview ran.\n"
    )


def listed(preview: Preview, page: str) -> bool:
    """Whether ``page`` links to the new post in its content (not only in the sidebar)."""
    soup = preview.page(page)
    content = soup.select_one("article") or soup
    return any(
        a["href"].split("#")[0].endswith(f"{NEW_POST.split('/')[-1]}.html") for a in content.select("a[href]")
    )


def test_a_new_post_gets_its_page_and_joins_the_listings(preview: Preview) -> None:
    path = preview.site / f"{NEW_POST}.md"
    path.parent.mkdir(exist_ok=True)
    status = reloaded(preview, write(path, new_post("begun in the preview")))
    assert status["problems"] == []
    assert "Its first words" in preview.page(f"{NEW_POST}.html").select_one("article").get_text()
    assert listed(preview, "index.html")
    assert listed(preview, "blog/tag/begun-in-the-preview.html")
    assert listed(preview, "blog/2021.html")
    recent = preview.page("about.html").select_one("nav.blog-sidebar").get_text(" ", strip=True)
    assert "A post begun in the preview" in recent


def test_the_search_index_and_sitemap_follow_once_the_build_finishes(preview: Preview) -> None:
    """A save's page is served as soon as it is written; the search index and the sitemap, written after it,
    are brought up to date by the time the build says it has finished."""
    path = preview.site / "posts/2021/a-second-post-begun-in-the-preview.md"
    text = new_post("begun in the preview").replace("A post begun", "A second post begun")
    text = text.replace("Its first words", "Its first words mention quuxaphone")
    events = Events(preview)
    try:
        write(path, text)()
        names = []
        while not names or not names[-1][1]["finished"]:
            name, status = events.next()
            names.append((name, status))
    finally:
        events.close()
    # one reload, as soon as the pages are written; then the same build's status, when it has finished
    assert [name for name, _ in names[-2:]] == ["reload", "status"]
    assert [status["finished"] for _, status in names[-2:]] == [False, True]
    assert names[-1][1]["build"] == names[-2][1]["build"] and names[-1][1]["problems"] == []
    status, index = preview.get("searchindex.js")
    assert status == 200
    found = json.loads(index.decode().removeprefix("Search.setIndex(").removesuffix(")"))
    page = found["docnames"].index("posts/2021/a-second-post-begun-in-the-preview")
    pages = [hits for term, hits in found["terms"].items() if term.startswith("quuxaphon")]
    assert pages and all(page in (hits if isinstance(hits, list) else [hits]) for hits in pages)
    assert page_in_sitemap(preview, "posts/2021/a-second-post-begun-in-the-preview.html")
    reloaded(preview, path.unlink)
    assert not page_in_sitemap(preview, "posts/2021/a-second-post-begun-in-the-preview.html")


def page_in_sitemap(preview: Preview, page: str) -> bool:
    status, sitemap = preview.get("sitemap.xml")
    assert status == 200
    return any(loc.get_text().endswith("/" + page) for loc in BeautifulSoup(sitemap, "xml").select("loc"))


def test_a_tag_change_moves_the_post_between_tag_pages(preview: Preview) -> None:
    path = preview.site / f"{NEW_POST}.md"
    status = reloaded(preview, write(path, new_post("retagged")))
    assert status["problems"] == []
    assert listed(preview, "blog/tag/retagged.html")
    # no post carries the old tag any more: its page is gone, as in a clean build
    assert preview.get("blog/tag/begun-in-the-preview.html")[0] == 404
    tags = preview.page(f"{NEW_POST}.html").select_one("article").get_text(" ", strip=True)
    assert "retagged" in tags


def test_a_bibliography_change_shows_in_the_posts_that_cite_it(preview: Preview) -> None:
    bib = preview.site / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    edited = text.replace("title        = {Flat Minima}", "title        = {Flat Minima, Revisited}", 1)
    assert edited != text

    def references() -> str:
        return preview.page(f"{POST}.html").select_one("article").get_text(" ", strip=True)

    # the bibliography style writes titles in sentence case
    status = reloaded(preview, write(bib, edited), done=lambda: "Flat minima, revisited" in references())
    assert status["problems"] == []


def test_a_broken_post_is_named_with_its_line_and_the_next_save_recovers(preview: Preview) -> None:
    path = preview.site / f"{NEW_POST}.md"
    good = path.read_text(encoding="utf-8")
    broken = good.replace("tags: [retagged]", "tags: [retagged\nthis: is: not: yaml")
    status = reloaded(preview, write(path, broken))
    assert any(
        re.search(rf"{re.escape(NEW_POST)}\.md:\d+: (WARNING|ERROR)", problem)
        for problem in status["problems"]
    ), status
    assert preview.get("index.html")[0] == 200  # still serving
    # a change elsewhere builds again: the post's problem is still reported, as it is still there
    about = preview.site / "about.md"
    status = reloaded(preview, write(about, about.read_text(encoding="utf-8") + "\nOne more line.\n"))
    assert any(NEW_POST in problem for problem in status["problems"]), status
    status = reloaded(preview, write(path, good))
    assert status["problems"] == []
    assert "Its first words" in preview.page(f"{NEW_POST}.html").select_one("article").get_text()


def test_a_deleted_post_is_gone(preview: Preview) -> None:
    path = preview.site / f"{NEW_POST}.md"
    status = reloaded(preview, path.unlink)
    assert status["problems"] == []
    assert preview.get(f"{NEW_POST}.html")[0] == 404
    assert not listed(preview, "index.html")
    assert preview.get("blog/tag/retagged.html")[0] == 404


def test_a_template_and_a_style_sheet_reach_every_page(preview: Preview) -> None:
    """A template put in front of the theme's shows on every page, and leaves every page once removed (the
    process holds the templates it compiled); a style sheet edited is linked from every page by its new
    checksum."""
    pages = ("index.html", "about.html", f"{POST}.html", "blog/2020.html", "blog/tag.html")
    template = preview.docs_conf.parent / "_templates" / "sidebar" / "brand.html"
    template.parent.mkdir(parents=True, exist_ok=True)
    status = reloaded(preview, write(template, '<p class="a-brand-of-its-own">Ours</p>'))
    assert status["problems"] == []
    assert [page for page in pages if not preview.page(page).select(".a-brand-of-its-own")] == []
    status = reloaded(preview, template.unlink)
    assert status["problems"] == []
    assert [page for page in pages if preview.page(page).select(".a-brand-of-its-own")] == []

    def links() -> set[str]:
        return {
            link["href"].split("../")[-1]
            for page in pages
            for link in preview.page(page).select("link[rel=stylesheet]")
            if "publication.css" in link["href"]
        }

    style = preview.docs_conf.parent / "_static" / "publication.css"
    before = links()
    assert len(before) == 1  # one checksum, the same on every page
    status = reloaded(
        preview, write(style, style.read_text(encoding="utf-8") + "\n.edited { color: teal; }\n")
    )
    assert status["problems"] == []
    after = links()
    assert len(after) == 1 and after != before
    assert b".edited" in preview.get(after.pop().split("?")[0])[1]


def test_a_new_page_joins_every_pages_navigation(preview: Preview) -> None:
    """The home page's toctree takes every top-level page: a page begun in the preview shows in the sidebar
    of every page, and leaves it once deleted."""
    pages = ("index.html", "about.html", f"{POST}.html", "blog/2020.html")
    contact = preview.site / "contact.md"

    def navigating() -> list[str]:
        return [
            page
            for page in pages
            if any(
                "Write to the editors" in a.get_text() for a in preview.page(page).select(".sidebar-tree a")
            )
        ]

    status = reloaded(preview, write(contact, "# Write to the editors\n\nBy letter.\n"))
    assert status["problems"] == []
    assert navigating() == list(pages)
    status = reloaded(preview, contact.unlink)
    assert status["problems"] == []
    assert navigating() == []


def test_after_edits_in_one_process_it_serves_a_clean_build(preview: Preview, tmp_path: Path) -> None:
    """The search index, kept in memory between builds, is the one a clean build writes."""
    assert_serves_a_clean_build(preview, tmp_path)


def test_a_change_of_conf_py_restarts_the_preview_on_the_same_port(preview: Preview) -> None:
    """conf.py may load other extensions: the process starts again, and serves at the same address."""

    def serving() -> list[str]:
        return [line for line in preview.log if "Serving the preview on" in line]

    before = len(serving())
    conf = preview.site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8") + "\n# changed in the preview\n", encoding="utf-8")
    give_up = time.monotonic() + PATIENCE * 2  # a guard against a preview that never comes back
    while len(serving()) == before:
        assert preview.process.poll() is None, "".join(preview.log[-40:])
        assert time.monotonic() < give_up, "".join(preview.log[-40:])
        time.sleep(0.1)
    assert f"http://127.0.0.1:{preview.port}/" in serving()[-1]
    assert any("conf.py changed: starting the preview again" in line for line in preview.log)
    assert "Deep Learning Theory" in preview.page("index.html").get_text()


def test_after_every_change_the_preview_still_serves_a_clean_build(preview: Preview, tmp_path: Path) -> None:
    assert_serves_a_clean_build(preview, tmp_path)


@settings(max_examples=50, deadline=None)
@given(
    head=st.binary(max_size=200).filter(lambda b: b"</head>" not in b.lower()),
    tail=st.binary(max_size=200),
)
def test_the_reload_script_is_added_once_before_the_head_ends(head: bytes, tail: bytes) -> None:
    page = head + b"</head>" + tail
    served = with_reload_script(page)
    assert served.replace(SCRIPT_TAG, b"", 1) == page
    assert served.index(SCRIPT_TAG) == len(head)


def test_the_preview_never_writes_into_the_published_folder(tmp_path: Path) -> None:
    site = copy_site(PUBLICATION, tmp_path / "site")
    result = subprocess.run(
        [sys.executable, "-m", "publication.tools.preview", str(site), str(site / "_build" / "html")],
        capture_output=True,
        text=True,
        env=clean_environ(PUBLICATION_DOCS_CONF=str(DOCS / "conf.py")),
        check=False,
        timeout=PATIENCE,
    )
    assert result.returncode == 2
    assert "never writes into the published site's folder" in result.stderr
    assert not (site / "_build").exists()

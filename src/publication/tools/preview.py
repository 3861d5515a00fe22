"""``publication-preview`` (``nox -s preview``): the site with its drafts on http://127.0.0.1:8000, rebuilt in
memory on every save and reloaded in the open browser.

One process holds the Sphinx application and its environment for as long as it runs. A save anywhere in the
site (a post, a page, ``refs.bib``, a template, a static file) starts an incremental build in that process:
Sphinx reads again only the sources that changed (and, through ``publication.site.rebuilds`` and
``publication.site.drafts``, writes again the listings and pages that show them), with no new interpreter,
no imports and no loading of the pickled environment. Then every open page reloads itself, told over
server-sent events by a few lines of script that the server adds to the pages it serves (and only to them:
the files on disk are what ``sphinx-build`` writes, byte for byte).

- The build is strict, as ``nox -s build`` is (``-n -W``): a problem fails it. The preview goes on serving,
  prints the problems in the terminal and shows them in a banner on every open page, and builds again on the
  next save; the files a problem was found in are read again at every build until it is gone.
- A change of ``conf.py`` starts a new Sphinx application in the same process; a change of the package's
  Python code starts the whole process again (the same command, the same port).
- It serves on 127.0.0.1 only, writes into its own folder (``docs/_build/preview``, doctrees beside it), never
  into ``docs/_build/html``, and loads nothing from another site.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import glob
import http.server
import io
import json
import logging
import os
import pickle
import queue
import re
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import ablog.blog
from sphinx.application import ENV_PICKLE_FILENAME, Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.docutils import docutils_namespace, patch_docutils

import publication
from publication.shared.patching import Patch
from publication.site import rebuilds
from publication.site.files import remember_rewritten_files

#: The only address the preview listens on: the machine itself, never the network around it.
HOST = "127.0.0.1"
#: The preview's own paths on the server; no page of a site lives under them.
PREFIX = "/__preview__/"
EVENTS = PREFIX + "events"
SCRIPT = PREFIX + "reload.js"
#: What the server adds to each HTML page it serves (before ``</head>``); the file on disk stays as built.
SCRIPT_TAG = f'<script src="{SCRIPT}" defer></script>'.encode()
#: The package's own folder: a change of its Python code restarts the whole process.
PACKAGE = Path(publication.__file__).parent
#: Seconds between comments on an idle event stream, so that a closed page's stream is noticed and ended.
KEEPALIVE = 15.0

RELOAD_SCRIPT = """\
// Added by the preview (publication.tools.preview) to the pages it serves; never part of the built site.
// Reloads the page when the preview has built the site again, and shows the last build's problems.
(() => {
  "use strict";
  let seen = null;
  const events = new EventSource("/__preview__/events");
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("status", (event) => {
    const status = JSON.parse(event.data);
    if (seen !== null && seen !== status.build) {
      location.reload(); // built again while this page was not listening (the preview restarted)
      return;
    }
    seen = status.build;
    show(status.problems);
  });
  function show(problems) {
    let banner = document.getElementById("publication-preview-problems");
    if (!problems.length) {
      if (banner) banner.remove();
      return;
    }
    if (!banner) {
      banner = document.createElement("div");
      banner.id = "publication-preview-problems";
      banner.setAttribute("role", "alert");
      banner.style.cssText =
        "position:fixed;inset:auto 0 0 0;z-index:1000;max-height:50vh;overflow:auto;margin:0;" +
        "padding:0.75rem 1rem;background:#fff0f0;color:#5c0000;border-top:3px solid #b00020;" +
        "font:0.85rem/1.4 ui-monospace,monospace;";
      document.body.append(banner);
    }
    const heading = document.createElement("strong");
    heading.textContent =
      "The last build failed; this page may be out of date. Fix the problem and save to build again.";
    const list = document.createElement("pre");
    list.style.cssText = "margin:0.5rem 0 0;white-space:pre-wrap;";
    list.textContent = problems.join("\\n");
    banner.replaceChildren(heading, list);
  }
})();
"""


# -- Building -------------------------------------------------------------------------------------------


#: What the preview's patches of Sphinx were written and tested for.
SPHINX = {"package": "sphinx", "versions": ">=8.2,<10", "where": "publication.tools.preview"}

FINISH = Patch(
    owner="sphinx.builders.html:StandaloneHTMLBuilder",
    name="finish",
    retire="when Sphinx emits an event between writing documents and finishing; not proposed upstream yet",
    **SPHINX,
)


def finish_after_telling_the_preview(self: Any) -> None:
    """Tell the preview that the documents' pages are written, then finish as Sphinx does (indices, archive
    pages, images, the search index; then ``build-finished``: feeds, sitemap).

    Applied only by the preview: it serves the pages just written, and tells the open pages to reload, while
    the rest of the build goes on. Sphinx's builder has no event between the two.
    """
    pages_written = getattr(self, "publication_pages_written", None)
    if pages_written is not None:
        pages_written()
    _sphinx_finish(self)
    if pages_written is not None and not getattr(self, "publication_index_unchanged", False):  # on disk now
        setattr(self, rebuilds.KEPT_SEARCH_INDEX, self.indexer)  # for the next build to start from


_sphinx_finish = FINISH.check()

FIND_FILES = Patch(
    owner="sphinx.environment:BuildEnvironment",
    name="find_files",
    retire="when Sphinx can be told which files changed; not proposed upstream yet",
    **SPHINX,
)
_sphinx_find_files = FIND_FILES.check()


def find_files_unless_only_edited(self: Any, config: Any, builder: Any) -> None:
    """Sphinx's search for the site's source files, skipped when the preview knows that the files are the
    ones the last build found, only edited (a save: walking every folder took 0.07 s of it at 1,000 posts).
    A file added, deleted or renamed, or a change that is not a document, is searched for as Sphinx does."""
    if getattr(self, "publication_same_files", False):
        return
    _sphinx_find_files(self, config, builder)


PICKLE = Patch(
    owner="sphinx.builders",
    name="pickle",
    retire="when Sphinx lets an application keep its environment in memory only; not proposed upstream yet",
    **SPHINX,
)
#: The environments the preview keeps in memory: Sphinx does not write them to disk after each build.
IN_MEMORY: weakref.WeakSet[BuildEnvironment] = weakref.WeakSet()


class PickleButKeepInMemory:
    """The ``pickle`` module as Sphinx's builders use it, except that it does not write the environment of an
    application the preview holds: at 1,000 posts that took a third of a second of every save, for a file
    that only a later process reads. The preview writes it once, when it stops (:meth:`Site.stop`); until
    then the file Sphinx opened for it is left empty, so a preview that was killed starts afresh."""

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)

    def dump(self, obj: Any, file: Any, protocol: int | None = None, **kwargs: Any) -> None:
        if isinstance(obj, BuildEnvironment) and obj in IN_MEMORY:
            return
        pickle.dump(obj, file, protocol, **kwargs)


class Problems(io.TextIOBase):
    """Sphinx's warning stream: each line goes to the terminal and is kept for the banner."""

    ANSI = re.compile(r"\x1b\[[0-9;]*m")

    def __init__(self, terminal: Any) -> None:
        self.terminal = terminal
        self.lines: list[str] = []
        self.pending = ""

    def write(self, text: str) -> int:
        self.terminal.write(text)
        self.terminal.flush()
        self.pending += text
        *complete, self.pending = self.pending.split("\n")
        self.lines += [line for line in (self.ANSI.sub("", line).rstrip() for line in complete) if line]
        return len(text)

    def flush(self) -> None:
        self.terminal.flush()

    def take(self) -> list[str]:
        lines, self.lines = self.lines, []
        return lines


@dataclass
class Settings:
    source: Path
    output: Path
    doctrees: Path
    overrides: dict[str, str] = field(default_factory=dict)
    watch: list[Path] = field(default_factory=list)
    #: Whether a change of the package's Python code restarts the process (off where someone else's
    #: editing of the package must not restart it: the tests)
    code_reload: bool = True


#: A warning's location as Sphinx writes it: ``path:line: WARNING: ...`` or ``path: WARNING: ...``.
LOCATION = re.compile(r"^(?P<path>.+?)(?::\d+)*: (?:WARNING|ERROR|CRITICAL|SEVERE)\b")


def match_posts_again(app: Sphinx) -> None:
    """Match ``blog_post_pattern`` against the files there are now, as ablog does once, when the configuration
    is read (ablog's ``config_inited``): a post begun during the preview is a post in the next build."""
    matched = []
    for pattern in app.config.blog_post_pattern:
        for path in glob.glob(os.path.join(app.srcdir, pattern), recursive=True):
            matched.append(Path(path).relative_to(app.srcdir).with_suffix("").as_posix())
    app.config.matched_blog_posts = matched


def only_documents_edited(app: Sphinx, changed: list[Path]) -> bool:
    """Whether the changed files are all documents of the last build, still there: edited, not begun or
    deleted: the posts ``blog_post_pattern`` matches are the same (matching them again globs every post)."""
    env = app.env
    return bool(changed) and all(
        path.is_file() and env.path2doc(str(path)) in env.found_docs for path in changed
    )


def forget_old_doctrees(app: Sphinx, env: Any, docnames: list[str]) -> None:
    """Drop the documents about to be read again from Sphinx's cache of doctrees read from disk.

    Sphinx keeps each doctree it loads for writing, and never drops one when its document is read again: a
    page written in a later build (a sidebar changed) would show its text as it was. One build per
    application never sees it; Sphinx's own test application empties the cache before every build. The
    root document's doctree, whose toctrees every page's navigation is made from, is also kept apart
    (``master_doctree``, computed once per environment): a page added to the navigation never showed.
    """
    cache = getattr(env, "_pickled_doctree_cache", {})
    for docname in docnames:
        cache.pop(docname, None)
    if env.config.root_doc in docnames:
        vars(env).pop("master_doctree", None)  # a functools.cached_property: computed again when asked


class PageAssets:
    """The scripts and style sheets every page loads, as they were before the first build.

    Sphinx adds a file that an ``html-page-context`` handler adds with ``app.add_js_file`` to the page being
    written, and also to the application's registry, which the next build's pages all load; and a handler
    that takes a file off one page (``publication.site.assets.drop_from_page``) takes it off the builder's
    list, which Sphinx puts back before the next page, not after the last. One build per application never
    sees either; the preview puts both lists back before each build.
    """

    def __init__(self, app: Sphinx) -> None:
        builder = app.builder
        self.registered = (list(app.registry.css_files), list(app.registry.js_files))
        self.builder = (list(builder._css_files), list(builder._js_files))  # type: ignore[attr-defined]

    def restore(self, app: Sphinx) -> None:
        builder = app.builder
        app.registry.css_files[:], app.registry.js_files[:] = (list(files) for files in self.registered)
        builder._css_files[:], builder._js_files[:] = (list(files) for files in self.builder)  # type: ignore[attr-defined]


@dataclass
class Outcome:
    """What a build gave: whether it passed, and its problems (one line each, as Sphinx wrote them)."""

    ok: bool
    problems: list[str]
    seconds: float


class Site:
    """The Sphinx application, kept between builds: each :meth:`build` is an incremental build in memory."""

    def __init__(self, settings: Settings, status: Any = sys.stdout, warning: Any = sys.stderr) -> None:
        self.settings = settings
        self.status = status
        self.warnings = Problems(warning)
        self.app: Sphinx | None = None
        self.stack = contextlib.ExitStack()
        #: Source files with a problem in the last build that read them: read again until it is gone.
        self.troubled: set[str] = set()
        #: Problems of files that are not documents (refs.bib, conf.py), kept until that file changes.
        self.other_problems: dict[str, list[str]] = {}
        #: The pages written so far by the build under way, and whom to tell when they all are
        self.pages: list[str] = []
        self.on_pages_written: Callable[[set[Path], list[str]], None] | None = None

    # the application's life

    def start(self) -> None:
        """A new Sphinx application, with the settings ``sphinx-build -b html -n -W`` gives it."""
        self.stop()
        # ablog keeps its configuration and posts on a class, not on the application: a new application
        # would otherwise see the last one's
        ablog.blog.Blog._dict.clear()
        source = str(self.settings.source)
        self.stack.enter_context(patch_docutils(source))
        self.stack.enter_context(docutils_namespace())
        self.app = Sphinx(
            srcdir=source,
            confdir=source,
            outdir=str(self.settings.output),
            doctreedir=str(self.settings.doctrees),
            buildername="html",
            confoverrides={"nitpicky": True, **self.settings.overrides},
            status=self.status,
            warning=self.warnings,
            warningiserror=True,
        )
        self.app.connect("env-get-outdated", self.read_troubled_again)
        self.app.connect("env-before-read-docs", forget_old_doctrees)
        self.app.connect("html-page-context", self.note_page)
        FINISH.apply(finish_after_telling_the_preview)
        FIND_FILES.apply(find_files_unless_only_edited)
        PICKLE.apply(PickleButKeepInMemory())
        IN_MEMORY.add(self.app.env)
        self.app.builder.publication_pages_written = self.pages_written  # type: ignore[attr-defined]
        self.assets = PageAssets(self.app)

    def stop(self, *, keep_environment: bool = True) -> None:
        """End the application; write its environment to disk for the next one, unless it failed."""
        app, self.app = self.app, None
        if app is not None and keep_environment:
            IN_MEMORY.discard(app.env)
            with open(Path(app.doctreedir, ENV_PICKLE_FILENAME), "wb") as file:
                pickle.dump(app.env, file, pickle.HIGHEST_PROTOCOL)
        self.stack.close()
        ablog.blog.Blog._dict.clear()

    def read_troubled_again(self, app: Sphinx, env: Any, added: set, changed: set, removed: set) -> list[str]:
        """The documents whose last reading had a problem: read again, so it is reported until it is gone."""
        return sorted(
            docname
            for path in self.troubled
            if (docname := env.path2doc(path)) is not None and docname in env.found_docs
        )

    def note_page(self, app: Sphinx, pagename: str, *args: Any) -> None:
        self.pages.append(pagename)

    def pages_written(self) -> None:
        """The documents' pages are written (the archive pages, search index, feeds and sitemap are not yet):
        hand their files, and the problems found so far, to whoever asked."""
        app = self.app
        if self.on_pages_written is None or app is None:
            return
        files = {Path(app.builder.get_outfilename(pagename)).resolve() for pagename in self.pages}
        problems = [*self.warnings.lines, *(line for kept in self.other_problems.values() for line in kept)]
        self.on_pages_written(files, list(dict.fromkeys(problems)))

    # builds

    def build(
        self,
        changed: Iterable[Path] = (),
        pages_written: Callable[[set[Path], list[str]], None] | None = None,
    ) -> Outcome:
        """Build what changed since the last build; start the application first if there is none.

        ``pages_written`` is told, once the documents' pages are written and before the rest of the build
        (archive pages, search index, feeds, sitemap), which files those pages are and the problems so far.
        """
        began = time.perf_counter()
        self.pages = []
        self.on_pages_written = pages_written
        changed = list(changed)
        for path in changed:
            self.other_problems.pop(str(path), None)
        self.warnings.take()
        try:
            if self.app is None:
                self.start()
            app = self.app
            assert app is not None
            # Sphinx counts warnings and sets the exit status once per application; the preview builds many
            # times with one application, and each build is judged by its own warnings
            app._warncount = 0
            app.statuscode = 0
            edited_only = only_documents_edited(app, changed)
            if not edited_only:  # a file was added or deleted, or is no document
                match_posts_again(app)
            # ablog fills its registry of posts from the environment once, into a class attribute, and never
            # adds a post begun or drops one deleted since: emptied, it is filled again from the
            # environment, as in a new process
            ablog.blog.Blog._dict.clear()
            self.assets.restore(app)
            remember_rewritten_files(app)  # publication.site.files runs it once, when the builder starts
            app.env.publication_same_files = edited_only  # type: ignore[attr-defined]
            try:
                app.build(force_all=False, filenames=[])
            finally:  # not kept: the environment is written to disk for the next process
                app.env.publication_same_files = False  # type: ignore[attr-defined]
            ok = app.statuscode == 0
        except Exception as error:  # shown to the writer, who fixes the cause and saves
            self.stop(keep_environment=False)  # Sphinx deleted its pickled environment: start afresh
            problem = "".join(traceback.format_exception_only(error)).strip()
            print(traceback.format_exc(), file=self.warnings.terminal)
            return Outcome(False, [*self.warnings.take(), problem], time.perf_counter() - began)
        lines = self.warnings.take()
        self.note_problems(lines)
        everything = lines + [line for kept in self.other_problems.values() for line in kept]
        return Outcome(ok and not everything, list(dict.fromkeys(everything)), time.perf_counter() - began)

    def note_problems(self, lines: list[str]) -> None:
        """Remember which files the problems were found in, to read them again next time."""
        app = self.app
        assert app is not None
        self.troubled = set()
        for line in lines:
            found = LOCATION.match(line)
            if not found:
                continue
            path = found["path"]
            if app.env.path2doc(path) is not None:
                self.troubled.add(path)
            elif Path(path).is_file():
                self.other_problems.setdefault(str(Path(path).resolve()), []).append(line)

    def bibliography_files(self) -> list[Path]:
        """The BibTeX files conf.py names (publication.site.citations puts a stand-in in the place of one it
        cannot read, in the settings the application keeps: the file to watch is the one named)."""
        if self.app is None:
            return []
        config = self.app.config
        named = getattr(config, "_raw_config", {}).get("bibtex_bibfiles") or config.bibtex_bibfiles or []
        return [Path(self.app.srcdir, name).resolve() for name in named]

    def configuration_changed(self, changed: Iterable[Path]) -> bool:
        """Whether conf.py changed: it may load other extensions, or other modules, than the running ones."""
        return Path(self.settings.source, "conf.py").resolve() in {path.resolve() for path in changed}

    def bibliography_changed(self, changed: Iterable[Path]) -> bool:
        """Whether a BibTeX file changed: sphinxcontrib-bibtex parses them, and publication.site.citations
        checks them, once, when the application starts."""
        return bool(set(self.bibliography_files()) & {path.resolve() for path in changed})

    def watched(self) -> list[Path]:
        """The files and folders whose changes the preview builds: the site's sources and configuration,
        its bibliography files, templates and static files, the package and anything else asked for."""
        paths = [self.settings.source, PACKAGE, *self.settings.watch]
        if not self.settings.code_reload:
            paths.remove(PACKAGE)  # its templates and static files are then not watched either
        if self.app is not None:
            config, confdir = self.app.config, Path(self.app.confdir)
            paths += self.bibliography_files()
            paths += [confdir / name for name in (*config.templates_path, *config.html_static_path)]
        resolved = {Path(os.path.normpath(path.resolve())) for path in paths if path.exists()}
        # a path inside another watched folder is watched with it
        return sorted(p for p in resolved if not any(p != q and p.is_relative_to(q) for q in resolved))


# -- Serving --------------------------------------------------------------------------------------------


class Gate:
    """When the server may read a file of the output folder: never while a build may be writing it.

    A build first writes the pages of the documents it read, then finishes (archive pages, search index,
    feeds, sitemap), which takes longer the more posts there are. The pages it wrote are served as soon as
    they are all written; every other file waits for the build's end.
    """

    def __init__(self) -> None:
        self.condition = threading.Condition()
        self.building = False
        #: While a build finishes: the files of the pages it wrote, which no one writes any more.
        self.settled: set[Path] | None = None
        self.readers = 0

    @contextlib.contextmanager
    def reading(self, file: Path | None) -> Iterator[None]:
        """Hold off builds while ``file`` (None: some file) is read; wait until it may be."""
        with self.condition:
            self.condition.wait_for(
                lambda: not self.building or (self.settled is not None and file in self.settled)
            )
            self.readers += 1
        try:
            yield
        finally:
            with self.condition:
                self.readers -= 1
                self.condition.notify_all()

    @contextlib.contextmanager
    def build(self) -> Iterator[None]:
        """A build: it begins once no file is being read."""
        with self.condition:
            self.condition.wait_for(lambda: self.readers == 0 and not self.building)
            self.building, self.settled = True, None
        try:
            yield
        finally:
            with self.condition:
                self.building, self.settled = False, None
                self.condition.notify_all()

    def pages_written(self, files: set[Path]) -> None:
        """The build under way has written these pages, and writes them no more: serve them."""
        with self.condition:
            self.settled = files
            self.condition.notify_all()


class Broadcast:
    """The open pages' event streams, and what each is told when it connects."""

    def __init__(self) -> None:
        self.listeners: set[queue.Queue[tuple[str, str]]] = set()
        self.lock = threading.Lock()
        self.status: dict[str, Any] = {"build": "", "problems": [], "finished": True}

    @contextlib.contextmanager
    def listen(self) -> Iterator[queue.Queue[tuple[str, str]]]:
        inbox: queue.Queue[tuple[str, str]] = queue.Queue()
        with self.lock:
            inbox.put(("status", json.dumps(self.status)))
            self.listeners.add(inbox)
        try:
            yield inbox
        finally:
            with self.lock:
                self.listeners.discard(inbox)

    def built(self, build: str, problems: list[str], *, finished: bool = True, reload: bool = True) -> None:
        """Tell every open page that the site was built again: it reloads, and is told the problems.

        Pages are told to reload as soon as the build has written its documents' pages (``finished`` false);
        when it has finished, they are told the problems found since, as a ``status`` event of the same
        build (the script reloads only for another build).
        """
        with self.lock:
            self.status = {"build": build, "problems": problems, "finished": finished}
            for inbox in self.listeners:
                inbox.put(("reload" if reload else "status", json.dumps(self.status)))


class Handler(http.server.SimpleHTTPRequestHandler):
    """The built site's files, HTML pages with the reload script added, and the preview's event stream."""

    server: PreviewServer

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a reload must show the page as just built
        super().end_headers()

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == EVENTS:
            self.stream_events()
        elif path == SCRIPT:
            self.send_bytes(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        else:
            with self.server.gate.reading(self.local_file(path)):  # never a page half written by a build
                page = self.html_page(path)
                if page is None:
                    super().do_GET()
                    return
            self.send_bytes(with_reload_script(page), "text/html; charset=utf-8")

    def do_HEAD(self) -> None:
        with self.server.gate.reading(self.local_file(urlsplit(self.path).path)):
            super().do_HEAD()

    def local_file(self, path: str) -> Path:
        """The file the address ``path`` is served from (a folder's ``index.html`` if it ends in a slash)."""
        local = Path(self.translate_path(path))
        if unquote(path).endswith("/"):
            local = local / "index.html"
        return local.resolve()

    def html_page(self, path: str) -> bytes | None:
        """The bytes of the HTML page at ``path``; None for anything else (a folder without a slash too)."""
        local = self.local_file(path)
        if local.suffix != ".html" or not local.is_file():
            return None
        return local.read_bytes()

    def send_bytes(self, data: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        with self.server.broadcast.listen() as inbox:
            try:
                while not self.server.closing.is_set():
                    try:
                        event, data = inbox.get(timeout=KEEPALIVE)
                        self.wfile.write(f"event: {event}\ndata: {data}\n\n".encode())
                    except queue.Empty:
                        self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                return

    def log_message(self, format: str, *args: Any) -> None:
        """Only requests that failed; a page's every style sheet and image would bury the build's output."""
        if len(args) >= 2 and str(args[1]).startswith(("4", "5")) and str(args[1]) != "404":
            super().log_message(format, *args)


def with_reload_script(page: bytes) -> bytes:
    """The page with the reload script's tag before ``</head>`` (at the end if it has none)."""
    at = page.lower().find(b"</head>")
    if at < 0:
        return page + SCRIPT_TAG
    return page[:at] + SCRIPT_TAG + page[at:]


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True  # an open event stream does not keep the process alive

    def __init__(self, port: int, directory: Path, broadcast: Broadcast, gate: Gate) -> None:
        self.broadcast = broadcast
        self.gate = gate
        self.closing = threading.Event()
        super().__init__((HOST, port), partial(Handler, directory=str(directory)))


# -- Watching -------------------------------------------------------------------------------------------


class Collector:
    """Python's cycle collector kept off the writer's path: the objects a build leaves are frozen after it,
    and the collection runs when the preview has been idle for a while.

    The application and its environment are millions of objects; a full collection walks all of them (0.6 s
    at 1,000 posts), and one came every few saves, in the middle of a build the writer was waiting for.
    Frozen objects are not walked. What the builds since the last tidying left as garbage (the old doctree of
    a post read again, the old listing rows) is collected once no file changed for ``IDLE`` seconds.
    """

    #: Seconds without a change after which the garbage of the builds since the last tidying is collected.
    IDLE = 5.0

    def __init__(self) -> None:
        self.untidy = False

    def built(self) -> None:
        gc.freeze()
        self.untidy = True

    def tidy(self) -> None:
        if self.untidy:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self.untidy = False


def changes(site: Site, stop: threading.Event) -> Iterator[set[Path]]:
    """The sets of files changed together (a save, a checkout), as they happen; an empty set after
    ``Collector.IDLE`` seconds without one."""
    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.WARNING)  # its "1 change detected" after every save

    ignored = [str(site.settings.output.resolve()), str(site.settings.doctrees.resolve())]
    ignored += [str(Path(site.app.srcdir, "_build"))] if site.app is not None else []
    while not stop.is_set():
        watched = site.watched()
        single_files = {path for path in watched if path.is_file()}
        for batch in watchfiles.watch(
            *watched,
            watch_filter=watchfiles.DefaultFilter(ignore_paths=ignored),
            step=20,  # ms without a further change before a batch is handed over
            stop_event=stop,
            rust_timeout=int(Collector.IDLE * 1000),
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            paths = {Path(path) for _, path in batch}
            yield paths
            # an editor that saves by renaming a new file over the old one ends the watch of that file
            if paths & single_files:
                break


def restart_process(port: int) -> None:
    """Run the preview again in a new process image, on the same port: code it imported changed under it
    (the package, or conf.py, which may load other extensions than the running ones)."""
    arguments, given = [], iter(sys.argv[1:])
    for argument in given:  # every --port given before, then the one in use (0 became a real one)
        if argument == "--port":
            next(given, None)
        elif not argument.startswith("--port="):
            arguments.append(argument)
    arguments += ["--port", str(port)]
    os.execv(sys.executable, [sys.executable, "-m", "publication.tools.preview", *arguments])


def report(outcome: Outcome, stream: Any = sys.stdout) -> None:
    if outcome.ok:
        print(f"preview: built in {outcome.seconds:.2f} s", file=stream, flush=True)
    else:
        print(
            f"preview: the build failed ({len(outcome.problems)} problem(s), shown on the open pages); "
            "serving the pages as they are until the next save",
            file=stream,
            flush=True,
        )


def serve(settings: Settings, port: int, *, stop: threading.Event | None = None) -> None:
    stop = stop or threading.Event()
    site = Site(settings)
    gate = Gate()
    broadcast = Broadcast()
    builds = 0
    collector = Collector()

    def build(changed: Iterable[Path] = ()) -> None:
        nonlocal builds
        builds += 1
        name = f"{os.getpid()}-{builds}"
        told: list[str] | None = None

        def pages_written(files: set[Path], problems: list[str]) -> None:
            # the writer sees the page saved now; the search index, listings and sitemap follow
            nonlocal told
            gate.pages_written(files)
            broadcast.built(name, problems, finished=False)
            told = problems

        with gate.build():
            outcome = site.build(changed, pages_written)
        collector.built()
        report(outcome)
        broadcast.built(name, outcome.problems, reload=told is None)

    settings.output.mkdir(parents=True, exist_ok=True)
    build()
    try:
        server = PreviewServer(port, settings.output, broadcast, gate)
    except OSError as error:
        raise SystemExit(f"publication-preview: cannot serve on {HOST}:{port}: {error.strerror}") from None
    host, port = server.server_address[:2]
    print(f"Serving the preview on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    try:
        for changed in changes(site, stop):
            if not changed:
                collector.tidy()
                continue
            code = [path for path in changed if path.suffix == ".py" and path.is_relative_to(PACKAGE)]
            if (code and settings.code_reload) or site.configuration_changed(changed):
                cause = code[0] if code else Path(settings.source, "conf.py")
                print(f"{cause} changed: starting the preview again", flush=True)
                server.closing.set()
                server.server_close()
                site.stop()  # its environment written for the new process, which builds from it
                restart_process(port)
            if site.bibliography_changed(changed):
                with gate.build():
                    site.stop()  # the next build starts a new application, which reads the file
            build(changed)
    except KeyboardInterrupt:
        pass
    finally:
        server.closing.set()
        server.shutdown()
        server.server_close()
        site.stop()  # its environment written: the next preview starts from it


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="publication-preview",
        description="Serve the site with its drafts on 127.0.0.1, rebuilt in memory on every save.",
    )
    parser.add_argument("source", nargs="?", type=Path, default=Path("docs"), help="the site (docs)")
    parser.add_argument(
        "output", nargs="?", type=Path, help="where to build (default: SOURCE/_build/preview)"
    )
    parser.add_argument("--doctrees", type=Path, help="default: SOURCE/_build/doctrees-preview")
    parser.add_argument(
        "--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free one)"
    )
    parser.add_argument(
        "--watch", type=Path, action="append", default=[], help="a further file or folder to watch"
    )
    parser.add_argument(
        "--no-code-reload",
        dest="code_reload",
        action="store_false",
        help="do not restart when the publication package's Python code changes",
    )
    parser.add_argument(
        "-D",
        dest="define",
        action="append",
        default=[],
        metavar="setting=value",
        help="override a setting of conf.py, as sphinx-build -D does",
    )
    args = parser.parse_args(argv)
    source = args.source.resolve()
    if not (source / "conf.py").is_file():
        parser.error(f"{args.source} has no conf.py")
    output = (args.output or source / "_build" / "preview").resolve()
    if output.name == "html" and output.parent.name == "_build":
        parser.error("the preview builds drafts: it never writes into the published site's folder")
    overrides = {"publication_show_drafts": "1"}  # drafts and future posts, marked as such
    for definition in args.define:
        name, equals, value = definition.partition("=")
        if not equals:
            parser.error(f"-D {definition}: write it as setting=value")
        overrides[name] = value
    settings = Settings(
        source=source,
        output=output,
        doctrees=(args.doctrees or source / "_build" / "doctrees-preview").resolve(),
        overrides=overrides,
        watch=[path.resolve() for path in args.watch],
        code_reload=args.code_reload,
    )
    serve(settings, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())

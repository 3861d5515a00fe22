"""`-j` builds: ablog made safe for parallel reading; a parallel build gives the serial build's bytes."""

from __future__ import annotations

import datetime as dt
import json
import re
import runpy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DOCS, sphinx_build
from properties import source_posts
from publication.site import parallel
from publication.tools.bench import make_site
from test_sphinx_speedups import write_site


def snapshot(html: Path) -> dict[str, bytes]:
    return {str(p.relative_to(html)): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}


#: Sphinx's progress line for each chunk a worker read: ``first .. last`` documents, or one document alone.
READ = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (.+)$", re.MULTILINE)


def test_a_parallel_build_is_strict_clean_and_identical_to_a_serial_one(tmp_path: Path) -> None:
    source = make_site(DOCS, tmp_path / "site", posts=12)
    parallel = sphinx_build(source, tmp_path / "parallel", "-j", "2")
    assert parallel.returncode == 0, parallel.stderr
    assert "WARNING" not in parallel.stderr  # ablog no longer warns that it is not parallel safe
    # two chunks a worker (Sphinx's own chunking makes two of these ~20 documents, 15 of 1,000)
    chunks = READ.findall(parallel.stdout)
    assert len(chunks) == 4 and all(" .. " in chunk for chunk in chunks), parallel.stdout
    serial = sphinx_build(source, tmp_path / "serial")
    assert serial.returncode == 0, serial.stderr
    one, two = snapshot(tmp_path / "parallel/html"), snapshot(tmp_path / "serial/html")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert len([name for name in one if re.fullmatch(r"posts/\d+/post-[^/]*\.html", name)]) == 12  # synthetic

    # a post edited: the parallel build's next build equals a clean serial build of the edited sources
    post = sorted((source / "posts").rglob("post-*.md"))[5]
    post.write_text(post.read_text(encoding="utf-8").replace("## Method", "One more line.\n\n## Method", 1))
    again = sphinx_build(source, tmp_path / "parallel", "-j", "2")
    assert again.returncode == 0, again.stderr
    assert READ.findall(again.stdout) == [post.relative_to(source).with_suffix("").as_posix()]
    clean = sphinx_build(source, tmp_path / "clean")
    assert clean.returncode == 0, clean.stderr
    one, two = snapshot(tmp_path / "parallel/html"), snapshot(tmp_path / "clean/html")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    page = tmp_path / "parallel/html" / post.relative_to(source).with_suffix(".html")
    assert "One more line." in page.read_text(encoding="utf-8")


@given(items=st.lists(st.text(max_size=3), max_size=60), chunks=st.integers(min_value=1, max_value=20))
def test_documents_are_cut_into_even_runs_in_order(items: list[str], chunks: int) -> None:
    runs = parallel.even_chunks(items, chunks)
    assert [item for run in runs for item in run] == items
    assert all(runs) and len(runs) == min(chunks, len(items))
    assert max(map(len, runs), default=0) - min(map(len, runs), default=0) <= 1


def test_only_a_fifth_or_more_of_the_documents_are_read_in_parallel(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Forking and pickling the whole environment back costs more than reading a few documents."""
    read_in_parallel: list[int] = []
    sphinx_s = parallel._sphinx_read_parallel

    def noted(builder, docnames, nproc):  # type: ignore[no-untyped-def]
        read_in_parallel.append(len(docnames))
        return sphinx_s(builder, docnames, nproc)

    monkeypatch.setattr(parallel, "_sphinx_read_parallel", noted)
    site = write_site(tmp_path / "site", pages=19)  # 20 documents with the index
    make_app("html", srcdir=site, parallel=2).build()
    assert read_in_parallel == [20]
    for edited, expected in ((3, [20]), (4, [20, 4])):  # 3 of 20 in the main process, 4 of 20 in workers
        for number in range(edited):
            page = site / f"pages/page-{number}.md"
            page.write_text(f"# Page {number}\n\nEdited {edited}.\n", encoding="utf-8")
        app = make_app("html", srcdir=site, parallel=2)
        app.build()
        assert app.statuscode == 0
        assert read_in_parallel == expected
        assert f"Edited {edited}." in (Path(app.outdir) / "pages/page-0.html").read_text(encoding="utf-8")


def test_the_benchmark_builds_and_reports_every_kind_of_build(tmp_path: Path) -> None:
    """The benchmark is the record of speed; here only that it runs and reports, never how fast."""
    from publication.tools.bench import main

    result = tmp_path / "bench.json"
    assert main(["--posts", "6", "--docs", str(DOCS), "--json", str(result), "--no-serve"]) == 0
    [summary] = json.loads(result.read_text(encoding="utf-8"))
    assert summary["posts"] == 6
    for kind in ("full", "no change", "one-post edit", "new post"):
        assert summary[kind]["exit_code"] == 0, kind
        assert summary[kind]["peak_mib"] > 0
    assert summary["full"]["pages_written"] > summary["no change"]["pages_written"]
    assert summary["no change"]["pages_written"] == 0
    weights = summary["page weight"]
    now = dt.datetime.now(dt.UTC)
    own = {
        post.page for post in source_posts(DOCS, runpy.run_path(str(DOCS / "conf.py"))) if post.published(now)
    }
    assert {page for page in weights if "/post-" not in page} == {"index.html", *own}  # the site's own posts
    assert any("/post-" in page for page in weights) and all(size > 1000 for size in weights.values())


def test_the_environment_holds_no_copies_of_whole_posts(tmp_path: Path) -> None:
    """ablog's full-text copies, and excerpts that pointed at their whole document, made it 5x bigger."""
    import pickle

    from conftest import ROOTS

    assert sphinx_build(ROOTS / "test-blog", tmp_path).returncode == 0
    env = pickle.loads((tmp_path / ".doctrees/environment.pickle").read_bytes())
    for infos in env.ablog_posts.values():
        for info in infos:
            assert info["doctree"] is None
            assert info["excerpt"] and all(node.document is None for node in info["excerpt"])
            assert len(pickle.dumps(info)) < 10_000  # a listing's worth, not a post's


def test_pybtex_plugins_are_looked_up_once_per_build(tmp_path: Path, monkeypatch) -> None:
    """pybtex asked importlib.metadata for its style on every citation: a third of a build's time."""
    import importlib.metadata

    import pybtex.plugin

    from publication.site.citations import _installed_entry_points, cache_pybtex_plugin_lookups

    calls = []
    real = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: calls.append(kw) or real(**kw))
    _installed_entry_points.cache_clear()
    cache_pybtex_plugin_lookups()
    for _ in range(50):
        pybtex.plugin.find_plugin("pybtex.style.formatting", "unsrt")
    assert len(calls) == 1


def test_an_entry_is_formatted_once_however_often_it_is_cited() -> None:
    """sphinxcontrib-bibtex formats an entry for every citation of it, in every post."""
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    import publication.site.citations as citations

    entry = parse_string("@article{k, author={A B}, title={T}, journal={J}, year={2000}}", "bibtex").entries[
        "k"
    ]
    calls = []
    original = citations._format_entry
    citations._format_entry = lambda *a, **k: calls.append(a) or original(*a, **k)
    try:
        style = find_plugin("pybtex.style.formatting", "unsrt")
        results = [citations.format_entry_once(style(), "", entry) for _ in range(20)]
    finally:
        citations._format_entry = original
    assert len(calls) == 1 and all(result is results[0] for result in results)
    assert results[0].text.render_as("text") == "A B. T. J, 2000."


LATEX_NAMES = st.lists(
    st.sampled_from(
        ['G\\"odel', "{\\'E}mile", "van der Waals", "{ABC}", "\\emph{x}", "Ng", "--", "{\\ss}", " ", "$x$"]
    ),
    min_size=1,
    max_size=4,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(latex=LATEX_NAMES)
def test_latex_text_is_decoded_once_and_equals_pybtex_s_own(latex: str) -> None:
    """{footcite} labels name their authors, and pybtex decoded each name's LaTeX for every citation."""
    from pybtex.richtext import Text

    import publication.site.citations as citations

    citations.FROM_LATEX.apply(classmethod(citations.remembered_from_latex))
    original = citations._text_from_latex(latex)
    before = citations.text_from_latex.cache_info()
    first, second = Text.from_latex(latex), Text.from_latex(latex)
    assert first == second == original
    assert first.render_as("text") == original.render_as("text")
    assert first.render_as("html") == original.render_as("html")
    assert citations.text_from_latex.cache_info().hits >= before.hits + 1  # the second was not decoded


def test_myst_computes_default_settings_once_not_for_every_post(monkeypatch) -> None:
    """MyST made, and threw away, a document with freshly computed settings for every post."""
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser
    from myst_parser.mdit_to_docutils import base

    from publication.site import myst_patches

    calls = []
    monkeypatch.setattr(
        myst_patches,
        "get_default_settings",
        lambda *parsers: calls.append(parsers) or get_default_settings(*parsers),
    )
    myst_patches._default_settings.cache_clear()
    monkeypatch.setattr(base, "make_document", myst_patches.make_document)  # what the extension's setup does
    documents = [base.make_document(f"post-{n}.md") for n in range(20)]
    assert len(calls) == 1
    assert len({id(document.settings) for document in documents}) == 20  # each document its own settings
    for document in documents[:2]:
        settings, fresh = dict(vars(document.settings)), dict(vars(get_default_settings(Parser)))
        assert settings.pop("record_dependencies").list == fresh.pop("record_dependencies").list == []
        assert settings == fresh
    assert documents[0].settings.record_dependencies is not documents[1].settings.record_dependencies
    assert documents[3]["source"] == "post-3.md"


def test_pages_are_written_by_as_many_workers_as_j_asks_for(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sphinx kept a core for its main process: with -j 2 one worker wrote every page, the bottleneck."""
    from sphinx.builders import Builder

    workers: list[int] = []
    sphinx_s = Builder._write_parallel

    def noted(builder, docnames, nproc):  # type: ignore[no-untyped-def]
        workers.append(nproc)
        return sphinx_s(builder, docnames, nproc)

    monkeypatch.setattr(Builder, "_write_parallel", noted)
    app = make_app("html", srcdir=write_site(tmp_path / "site", pages=9), parallel=2)
    app.build()
    assert app.statuscode == 0
    assert workers == [2]
    for number in range(9):
        page = Path(app.outdir) / f"pages/page-{number}.html"
        assert f"Page {number}" in page.read_text(encoding="utf-8")


def test_myst_finds_a_renderer_class_s_render_methods_once_with_the_same_rules(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every post's renderer looked through some 400 attributes of its class: 2 s of 1,000 posts."""
    import inspect

    from markdown_it import MarkdownIt
    from myst_nb.docutils_ import DocutilsNbRenderer
    from myst_nb.sphinx_ import SphinxNbRenderer
    from myst_parser.mdit_to_docutils import base
    from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer

    from publication.site.myst_patches import InspectRememberingMethods

    looked_through: list[type] = []
    getmembers = inspect.getmembers

    def counted(obj, predicate=None):  # type: ignore[no-untyped-def]
        looked_through.append(type(obj))
        return getmembers(obj, predicate)

    make_app("html", srcdir=write_site(tmp_path / "site", pages=1))
    assert isinstance(base.inspect, InspectRememberingMethods)  # the extension's setup put it there

    classes = [base.DocutilsRenderer, SphinxRenderer, SphinxNbRenderer, DocutilsNbRenderer]
    monkeypatch.setattr(base, "inspect", inspect)
    own = {cls: list(cls(MarkdownIt()).rules) for cls in classes}  # MyST's, with the inspect module
    monkeypatch.setattr(inspect, "getmembers", counted)
    monkeypatch.setattr(base, "inspect", InspectRememberingMethods())  # what the extension's setup does
    for _ in range(3):
        for cls in classes:
            renderer = cls(MarkdownIt())
            assert list(renderer.rules) == own[cls]  # the same rules, in the same order
            assert all(method.__self__ is renderer for method in renderer.rules.values())
            assert renderer.rules["render_paragraph"] == renderer.render_paragraph
    renderers_looked_through = [cls for cls in looked_through if cls in classes]
    assert sorted(renderers_looked_through, key=str) == sorted(classes, key=str)  # once each
    assert "render_paragraph" in own[SphinxNbRenderer] and "render_children" not in own[SphinxNbRenderer]


GENERATED_PAGES = """
import os

def pages(app):
    for number in range(app.config.generated_pages):
        context = {"title": f"Generated {number}", "body": f"<p>Page {number}.</p>"}
        yield f"generated/{number}", context, "page.html"

def note_writer(app, pagename, templatename, context, doctree):
    if pagename.startswith("generated/"):
        context["body"] += f"<p>written by {os.getpid()}</p>"

def setup(app):
    app.add_config_value("generated_pages", 0, "html")
    app.connect("html-collect-pages", pages)
    app.connect("html-page-context", note_writer)
"""


@pytest.mark.parametrize(("pages", "in_workers"), [(60, True), (12, False)])
def test_the_pages_extensions_add_are_written_by_workers_when_many(
    make_app, tmp_path: Path, pages: int, in_workers: bool
) -> None:
    """ablog's archive pages: 589 of them for 1,000 posts, 5 s in the main process alone."""
    import os

    site = write_site(tmp_path / "site", pages=7)
    (site / "generated_pages_ext.py").write_text(GENERATED_PAGES, encoding="utf-8")
    (site / "conf.py").write_text(
        "import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\n"
        f'extensions = ["publication", "myst_parser", "generated_pages_ext"]\ngenerated_pages = {pages}\n',
        encoding="utf-8",
    )
    app = make_app("html", srcdir=site, parallel=2)
    app.build()
    assert app.statuscode == 0
    writers = set()
    for number in range(pages):
        text = (Path(app.outdir) / f"generated/{number}.html").read_text(encoding="utf-8")
        assert f"<p>Page {number}.</p>" in text
        writers.update(re.findall(r"written by (\d+)", text))
    if in_workers:
        assert str(os.getpid()) not in writers and len(writers) >= 2
    else:
        assert writers == {str(os.getpid())}  # a fork would cost more than the pages


#: Appended to a copy of the site's conf.py: notes which processes parse feed entries and write feeds, and
#: lowers the numbers of pages and feeds worth a worker to what 12 posts reach (the real thresholds are for
#: real sites).
NOTE_FEED_PARSERS = """
import os as _os
from publication.site import feeds as _feeds

_feeds.PAGES_WORTH_A_WORKER = 2
_parse, _notes = _feeds.entry_content, _os.environ["FEED_PARSERS"]
with open(_notes, "a", encoding="utf-8") as _note:
    _note.write(f"main {_os.getpid()}\\n")

def _noted(page_html, page_url):
    with open(_notes, "a", encoding="utf-8") as note:
        note.write(f"parser {_os.getpid()}\\n")
    return _parse(page_html, page_url)

_feeds.entry_content = _noted
_feeds.FEEDS_WORTH_A_WORKER = 2
_write = _feeds.write_feed

def _noted_writer(app, feed, entries):
    with open(_notes, "a", encoding="utf-8") as note:
        note.write(f"writer {_os.getpid()}\\n")
    return _write(app, feed, entries)

_feeds.write_feed = _noted_writer
"""


def test_feeds_parsed_and_written_in_workers_equal_a_serial_build_s(tmp_path: Path) -> None:
    """Feeds parsed every post's page in the main process after all pages were written (2.6 s of 1,000),
    then wrote every feed there (1.4 s)."""
    source = make_site(DOCS, tmp_path / "site", posts=12)
    with (source / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(NOTE_FEED_PARSERS)
    built = {}
    for jobs in ("2", "1"):
        notes = tmp_path / f"parsers-{jobs}.txt"
        done = sphinx_build(source, tmp_path / f"build-{jobs}", "-j", jobs, env={"FEED_PARSERS": str(notes)})
        assert done.returncode == 0, done.stderr
        html = tmp_path / f"build-{jobs}/html"
        built[jobs] = {
            str(p.relative_to(html)): p.read_bytes() for p in html.rglob("*") if p.suffix in {".xml", ".json"}
        }
        [main] = [
            line.split()[1]
            for line in notes.read_text(encoding="utf-8").splitlines()
            if line.startswith("main")
        ]
        noted = [line.split() for line in notes.read_text(encoding="utf-8").splitlines()]
        for kind in ("parser", "writer"):
            processes = {process for what, process in noted if what == kind}
            if jobs == "2":
                assert main not in processes and len(processes) >= 2, kind
            else:
                assert processes == {main}, kind
    assert any(name.endswith("atom.xml") for name in built["2"])
    assert built["2"] == built["1"]

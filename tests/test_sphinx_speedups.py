"""Sphinx's per-page work done once per build (publication.site.sphinx_speedups), with the same pages."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
import sphinx.builders.html

from conftest import sphinx_build
from helpers import soup
from publication.site import sphinx_speedups
from test_rebuilds import outputs


def write_site(folder: Path, pages: int) -> Path:
    folder.mkdir(parents=True)
    (folder / "conf.py").write_text(
        'extensions = ["publication", "myst_parser"]\nhtml_theme = "furo"\nexclude_patterns = ["_build"]\n',
        encoding="utf-8",
    )
    (folder / "index.md").write_text("# Home\n\n```{toctree}\n:glob:\n\npages/*\n```\n", encoding="utf-8")
    (folder / "pages").mkdir()
    for number in range(pages):
        (folder / f"pages/page-{number}.md").write_text(f"# Page {number}\n\nText.\n", encoding="utf-8")
    return folder


def test_each_asset_s_checksum_is_found_once_a_build_with_sphinx_s_pages(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = sphinx_speedups._sphinx_file_checksum

    def counted(outdir: Path, name: str) -> str:
        calls.append(str(name))
        return original(outdir, name)

    monkeypatch.setattr(sphinx_speedups, "_sphinx_file_checksum", counted)
    app = make_app("html", srcdir=write_site(tmp_path / "once", pages=6))
    app.build()
    assert app.statuscode == 0
    assert calls and len(calls) == len(set(calls))  # once per file, not once per page
    versioned = soup(Path(app.outdir, "pages/page-0.html")).select('link[href*="?v="], script[src*="?v="]')
    assert len(versioned) >= 2
    first_build = outputs(Path(app.outdir))

    # a second build of the same application (the preview's, after a save) looks again
    calls.clear()
    app.build(force_all=True)
    assert calls and len(calls) == len(set(calls))

    # Sphinx's own, for every link of every page: the same bytes
    sphinx_s = make_app("html", srcdir=write_site(tmp_path / "sphinx", pages=6))
    monkeypatch.setattr(sphinx.builders.html, "_file_checksum", original)
    sphinx_s.build()
    one, two = first_build, outputs(Path(sphinx_s.outdir))
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_debug_records_are_made_only_when_shown(make_app, tmp_path: Path) -> None:
    """Sphinx made a record of every event it emitted, with its arguments' repr, for handlers to drop."""
    import logging

    site = write_site(tmp_path / "site", pages=2)
    (site / "pages/page-1.md").write_text("# Page 1\n\n{doc}`missing`\n", encoding="utf-8")
    app = make_app("html", srcdir=site)
    sphinx_logger = logging.getLogger("sphinx")
    assert not sphinx_logger.isEnabledFor(logging.DEBUG)
    assert not sphinx_logger.isEnabledFor(15)  # -v's VERBOSE
    app.build()
    assert "unknown document" in app._warning.getvalue()  # warnings come through
    assert "build succeeded" in app._status.getvalue()  # and information

    # sphinx-build's -v and -vv show what they showed before: VERBOSE records (the locale folders
    # looked for), then DEBUG records (every event emitted)
    for flags, verbose, debug in (([], False, False), (["-v"], True, False), (["-vv"], True, True)):
        done = sphinx_build(site, tmp_path / f"out{len(flags)}", "-E", *flags)
        assert ("locale_dir" in done.stdout) is verbose, flags
        assert ("[app] emitting event: 'html-page-context'" in done.stdout) is debug, flags
        assert "reading sources" in done.stdout and "unknown document" in done.stderr


def test_a_style_sheet_edited_between_builds_of_one_application_gets_its_new_checksum(
    make_app, tmp_path: Path
) -> None:
    """The preview builds again in the same process: Sphinx remembered each file's checksum for the
    process's life, so the pages kept linking the first version's ?v= after the file was edited."""
    import shutil

    def site_css_link(outdir: Path) -> str:
        [link] = soup(outdir / "pages/page-0.html").select('link[href*="site.css"]')
        return str(link["href"])

    site = write_site(tmp_path / "site", pages=2)
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('html_static_path = ["_static"]\nhtml_css_files = ["site.css"]\n')
    (site / "_static").mkdir()
    (site / "_static/site.css").write_text("body { color: black; }\n", encoding="utf-8")
    app = make_app("html", srcdir=site)
    app.build()
    first = site_css_link(Path(app.outdir))
    assert "?v=" in first

    (site / "_static/site.css").write_text("body { color: navy; }\n", encoding="utf-8")
    app.build(force_all=True)  # the same application, as the preview's next build
    again = site_css_link(Path(app.outdir))

    clean = make_app(
        "html", srcdir=shutil.copytree(site, tmp_path / "clean", ignore=shutil.ignore_patterns("_build"))
    )
    clean.build()
    assert again == site_css_link(Path(clean.outdir)) != first


WRITTEN_HERE = '{% extends "!page.html" %}{% block footer %}Written here.{{ super() }}{% endblock %}'


def test_templates_are_compiled_once_and_again_when_edited(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A second application (the next sphinx-build) compiles no template; one edited is compiled again and
    its change shows; the pages are the ones a build without the cache writes."""
    site = write_site(tmp_path / "site", pages=3)
    (site / "_templates").mkdir()
    (site / "_templates/page.html").write_text(WRITTEN_HERE, encoding="utf-8")
    with (site / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('templates_path = ["_templates"]\n')
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: object) -> object:
        compiled.append(name)
        return original(self, source, name, *args)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    first = make_app("html", srcdir=site)
    first.build()
    assert "page.html" in compiled and "genindex.html" in compiled
    assert any(Path(first.doctreedir, sphinx_speedups.TEMPLATE_CACHE).iterdir())

    compiled.clear()
    again = make_app("html", srcdir=site)
    again.build(force_all=True)
    assert [name for name in compiled if name] == []  # files; Sphinx's static _t files are strings
    assert "Written here." in Path(again.outdir, "pages/page-0.html").read_text(encoding="utf-8")
    cached = outputs(Path(again.outdir))

    (site / "_templates/page.html").write_text(
        '{% extends "!page.html" %}{% block footer %}Edited.{{ super() }}{% endblock %}', encoding="utf-8"
    )
    compiled.clear()
    edited = make_app("html", srcdir=site)
    edited.build(force_all=True)
    assert [name for name in compiled if name] == ["page.html"]  # the edited one only
    assert "Edited." in Path(edited.outdir, "pages/page-0.html").read_text(encoding="utf-8")

    (site / "_templates/page.html").write_text(WRITTEN_HERE, encoding="utf-8")
    fresh = make_app("html", srcdir=site, builddir=tmp_path / "fresh")  # no compiled template kept there
    fresh.build()
    one, two = cached, outputs(Path(fresh.outdir))
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


def test_the_search_index_takes_each_word_once_and_equals_sphinx_s(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repeated words and words shared between pages: the index is Sphinx's own, key for key and in order."""
    import random

    from sphinx.search import IndexBuilder

    rng = random.Random(7)
    vocabulary = ["learning", "learned", "learns", "network", "networks", "depth", "the", "and", "kernel"]

    def words_site(folder: Path) -> Path:
        site = write_site(folder, pages=5)
        for number in range(5):
            body = " ".join(rng.choice(vocabulary) for _ in range(200))
            title = " ".join(rng.choice(vocabulary) for _ in range(3))
            page = f"# {title}\n\n{body}\n\n## {title}\n"
            (site / f"pages/page-{number}.md").write_text(page, encoding="utf-8")
        return site

    stemmed: list[str] = []
    fed: list[list[str]] = []
    original_feed = IndexBuilder.feed

    def watched_feed(self: IndexBuilder, docname: str, filename: str, title: str, doctree: object) -> None:
        stem = self.lang.stem

        def counted(word: str) -> str:
            stemmed.append(word)
            return stem(word)

        if not hasattr(stem, "cache_info"):  # Sphinx's own stemmer: count what the feed asks of it
            self.lang.stem = counted
        fed.append(self._word_collector(doctree).words)
        original_feed(self, docname, filename, title, doctree)

    rng.seed(7)
    ours = make_app("html", srcdir=words_site(tmp_path / "ours"))
    monkeypatch.setattr(IndexBuilder, "feed", watched_feed)
    ours.build()
    monkeypatch.undo()
    assert ours.statuscode == 0
    assert fed and all(len(words) == len(set(words)) for words in fed)  # each word of a page once
    assert len(stemmed) == len(set(stemmed))  # each word stemmed once in the whole build
    ours_index = Path(ours.outdir, "searchindex.js").read_text(encoding="utf-8")

    rng.seed(7)
    sphinx_s = make_app("html", srcdir=words_site(tmp_path / "sphinx"))
    monkeypatch.setattr(IndexBuilder, "_word_collector", sphinx_speedups._sphinx_word_collector)
    sphinx_s.build()
    assert ours_index == Path(sphinx_s.outdir, "searchindex.js").read_text(encoding="utf-8")
    assert "learn" in ours_index and "kernel" in ours_index

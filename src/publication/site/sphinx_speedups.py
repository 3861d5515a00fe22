"""Work Sphinx repeats for every page, done once per build.

- **Asset checksums.** Each page links its style sheets and scripts with ``?v=<checksum>`` so browsers fetch
  a changed file again. Sphinx remembers each file's checksum, but first resolves the file's path on disk
  (``Path.resolve``: a system call per path component) for every link of every page: 11,000 resolutions,
  1.5 s of a 1,000-post build. The checksum of a file is now looked up once per build; the next build
  (the preview's, after a save) looks again. Sphinx's own memory of checksums lasts as long as the process:
  in the preview, a style sheet edited after the first build kept its old ``?v=``, so browsers could keep
  the old file and the pages differed from a clean build's. It is emptied at each build too.
- **Debug records no one reads.** Sphinx sets its logger to accept every level and leaves the choice to its
  handlers, which show debug messages only with ``-vv``: so each ``logger.debug`` call made a whole log
  record (its caller found by walking the stack) and handed it to each handler, to be dropped. Sphinx debug-
  logs every event it emits, with the ``repr`` of its arguments (a page's whole context for each page):
  24,000 records, 3.6 s of a 1,000-post build under cProfile. The logger now accepts only what one of its
  handlers shows (:func:`log_only_what_is_shown`); ``-v`` and ``-vv`` show what they did.
- **Templates compiled once.** Sphinx compiles each Jinja template it uses in every process of every
  build: 17 templates, 0.3 s, the whole of the page writing in a build that writes one page or none. The
  compiled code is kept in the doctree folder (:data:`TEMPLATE_CACHE`, Jinja's own bytecode cache, keyed by
  each template's text), so a template is compiled again only after it changed.
- **Each word of a page indexed once.** Sphinx's search index takes every word of a page in turn: it
  stems it, filters it and adds the page to the set of pages with that stem, so a word's every appearance
  after the first changed nothing and cost as much. A page's words are now handed over once each, in order
  of first appearance (:func:`distinct_words`; the index is the same, key for key and in the same order),
  and each word is stemmed once per build, not once per page. 1,000 posts: 1.9 s -> 1.2 s of the main
  process's share of writing.
"""

from __future__ import annotations

import functools
import logging
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.search import IndexBuilder, WordStore
from sphinx.util.logging import NAMESPACE

from publication.shared.patching import Patch

SPHINX = {"package": "sphinx", "versions": ">=8.2,<10", "where": "publication.site.sphinx_speedups"}
FILE_CHECKSUM = Patch(
    owner="sphinx.builders.html",
    name="_file_checksum",
    retire="when Sphinx resolves each asset's path once; not reported upstream yet",
    **SPHINX,
)
_sphinx_file_checksum = FILE_CHECKSUM.check()
FILE_CHECKSUM_MEMORY = Patch(
    owner="sphinx.builders.html._assets",
    name="_file_checksum_inner",
    retire="when Sphinx remembers checksums per build, not per process; not reported upstream yet",
    **SPHINX,
)
_sphinx_checksum_memory = FILE_CHECKSUM_MEMORY.check()
_checksums: dict[tuple[str, str], str] = {}
WORD_COLLECTOR = Patch(
    owner="sphinx.search:IndexBuilder",
    name="_word_collector",
    retire="when IndexBuilder.feed indexes each distinct word of a page once; not reported upstream yet",
    **SPHINX,
)
_sphinx_word_collector = WORD_COLLECTOR.check()


def file_checksum_once(outdir: Path, filename: str | os.PathLike[str]) -> str:
    """Sphinx's ``_file_checksum``, remembered for the build; what it raises is raised every time."""
    key = (os.fspath(outdir), os.fspath(filename))
    checksum = _checksums.get(key)
    if checksum is None:
        checksum = _checksums[key] = _sphinx_file_checksum(outdir, filename)
    return checksum


def distinct_words(indexer: IndexBuilder, doctree: Any) -> WordStore:
    """Sphinx's words of a page, each once, in order of first appearance.

    ``IndexBuilder.feed`` adds the page to one set per (stemmed) word, so a repeated word adds nothing. It
    looks up its stemmer after calling this: the stemmer it finds keeps what it stemmed, for every page.
    """
    store = _sphinx_word_collector(indexer, doctree)
    store.words = list(dict.fromkeys(store.words))
    store.title_words = list(dict.fromkeys(store.title_words))
    language = indexer.lang
    if not hasattr(language.stem, "cache_info"):  # a word's stem depends on the word alone
        language.stem = functools.cache(language.stem)
    return store


def forget_checksums(app: Sphinx, *args: Any) -> None:
    _checksums.clear()
    _sphinx_checksum_memory.cache_clear()


def log_only_what_is_shown(app: Sphinx) -> None:
    """Raise Sphinx's logger's level to the lowest its handlers show (set up for this application)."""
    logger = logging.getLogger(NAMESPACE)
    shown = min((handler.level for handler in logger.handlers), default=logging.NOTSET)
    if shown > logging.NOTSET:  # NOTSET would defer to the root logger: WARNING
        logger.setLevel(shown)


#: Where the compiled templates are kept: in the doctree folder, not published (`nox -s clean` empties it).
TEMPLATE_CACHE = "jinja-bytecode"


def keep_compiled_templates(app: Sphinx) -> None:
    """Give the builder's Jinja environment a bytecode cache, unless something else gave it one."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if isinstance(environment, Environment) and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / TEMPLATE_CACHE
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    log_only_what_is_shown(app)
    FILE_CHECKSUM.apply(file_checksum_once)
    WORD_COLLECTOR.apply(distinct_words)
    app.connect("builder-inited", forget_checksums)
    app.connect("builder-inited", keep_compiled_templates)
    app.connect("env-before-read-docs", forget_checksums)  # each build of a long-lived application
    return {"parallel_read_safe": True, "parallel_write_safe": True}

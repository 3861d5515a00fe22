"""``sphinx-build -j``: the second core made worth having (``nox -s build`` runs ``-j auto``).

Measured on a 1,000-post blog, 2 cores: a full build took 77 s serially and about as long with Sphinx's
``-j 2`` (reading 39 s, then 33 s); with the changes below it takes 43-50 s (reading 19-21 s), the same pages
byte for byte (tests/test_parallel.py).

- **Reading in few chunks.** Sphinx hands the documents to its workers in chunks of about
  ``sqrt(10 n / cores)`` (15 chunks for 1,000 posts), and each worker sends back a pickle of its whole
  environment: everything the main process had merged before forking it, not only its chunk. The pickles
  grew with every chunk, and the main process, unpickling them, was the bottleneck. Each worker now reads
  one of ``CHUNKS_PER_PROCESS`` x cores equal chunks. The documents are read in one process when they are
  few beside the environment (an edit of a post or two: forking and pickling a 1,000-post environment costs
  1 s, reading a post 40 ms): ``PARALLEL_SHARE`` says how few.
- **A writer per core.** While its workers write pages, Sphinx's main process resolves each page's
  references and feeds the search index, and Sphinx keeps a core for it: ``-j 2`` wrote every page in one
  worker, which was the bottleneck (24 s to write 1,000 posts). The main process's share is smaller than a
  worker's, so it now shares the cores with as many workers as ``-j`` says: 17 s.
- **Archive pages written by workers.** The pages extensions add (ablog's archives, this site's numbered
  listings and series pages, the 404 page: 589 pages for 1,000 posts) were written by the main process
  alone, after the posts, for 5 s; now by the workers, for 2.5-3 s. The extensions' generators still run in
  the main process (publication.site.rebuilds keeps its fingerprints there); a worker only renders pages.
- **Forks that leave the collector alone** (publication.site.garbage_collection): each worker's collector
  walked, and so copied, the whole environment it inherited.

Each patch says when it can go (``retire``).
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator, Sequence, Set
from typing import Any, TypeVar

import sphinx.builders
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util.parallel import ParallelTasks

from publication.shared.patching import Patch

T = TypeVar("T")
R = TypeVar("R")

#: Chunks per worker when reading: fewer pickles of the environment, yet a worker that finishes early
#: still finds work (a few long posts do not leave one core idle).
CHUNKS_PER_PROCESS = 2
#: Write the pages extensions add (archives, listings, the 404 page) in workers only when there are at least
#: this many: a worker's fork costs about as much as writing ten of them.
FEWEST_PAGES_FOR_WORKERS = 40
#: Read in parallel only when at least 1/PARALLEL_SHARE of the documents changed: below that, pickling the
#: environment back from each worker costs more than the second core saves.
PARALLEL_SHARE = 5

SPHINX = {"package": "sphinx", "versions": ">=8.2,<10", "where": "publication.site.parallel"}
#: Why the read is patched, and the chunking with it.
WHOLE_ENVIRONMENT = "when Sphinx's parallel read returns only each chunk's data; not proposed upstream yet"
READ_PARALLEL = Patch(
    owner="sphinx.builders:Builder", name="_read_parallel", retire=WHOLE_ENVIRONMENT, **SPHINX
)
MAKE_CHUNKS = Patch(owner="sphinx.builders", name="make_chunks", retire=WHOLE_ENVIRONMENT, **SPHINX)
WRITE_DOCUMENTS = Patch(
    owner="sphinx.builders:Builder",
    name="write_documents",
    retire="when Sphinx counts its main process's share of writing as less than a worker's; not proposed",
    **SPHINX,
)
GEN_PAGES = Patch(
    owner="sphinx.builders.html:StandaloneHTMLBuilder",
    name="gen_pages_from_extensions",
    retire="when Sphinx writes the pages extensions add in parallel; not proposed yet",
    **SPHINX,
)
_sphinx_read_parallel = READ_PARALLEL.check()
_sphinx_make_chunks = MAKE_CHUNKS.check()
_sphinx_write_documents = WRITE_DOCUMENTS.check()
_sphinx_gen_pages = GEN_PAGES.check()


def even_chunks(items: Sequence[T], chunks: int) -> list[Sequence[T]]:
    """``items`` in order, cut into at most ``chunks`` runs whose lengths differ by one at most."""
    count = max(1, min(chunks, len(items)))
    size, extra = divmod(len(items), count)
    bounds = [0]
    for index in range(count):
        bounds.append(bounds[-1] + size + (index < extra))
    return [items[start:end] for start, end in itertools.pairwise(bounds) if end > start]


@contextlib.contextmanager
def chunked_evenly(per_process: int) -> Iterator[None]:
    """Sphinx's builders cut work into ``per_process`` chunks a worker, for the duration."""
    sphinx.builders.make_chunks = lambda items, nproc, maxbatch=10: even_chunks(items, nproc * per_process)
    try:
        yield
    finally:
        sphinx.builders.make_chunks = _sphinx_make_chunks


def read_parallel(builder: Builder, docnames: list[str], nproc: int) -> None:
    """Sphinx's parallel read in few chunks, or its serial read for a few documents of many."""
    if len(docnames) * PARALLEL_SHARE < len(builder.env.found_docs):
        builder._read_serial(docnames)
        return
    with chunked_evenly(CHUNKS_PER_PROCESS):
        _sphinx_read_parallel(builder, docnames, nproc)


def write_documents(builder: Builder, docnames: Set[str]) -> None:
    """Sphinx's, with as many writing workers as ``-j`` asks for, not one fewer."""
    if builder.parallel_ok:
        builder._write_parallel(sorted(docnames), nproc=builder._app.parallel)
    else:
        _sphinx_write_documents(builder, docnames)


def gen_pages_from_extensions(builder: StandaloneHTMLBuilder) -> None:
    """Sphinx's, with the pages written by workers (the extensions' generators still run here)."""
    if not builder.parallel_ok:
        _sphinx_gen_pages(builder)
        return
    pages = [page for pagelist in builder.events.emit("html-collect-pages") for page in pagelist]
    map_in_workers(builder._app, lambda page: builder.handle_page(*page), pages, FEWEST_PAGES_FOR_WORKERS)


def map_in_workers(app: Sphinx, function: Callable[[T], R], items: Sequence[T], fewest: int) -> list[R]:
    """``function`` of each item, in order: in workers when the build is parallel and there are at least
    ``fewest`` items, else here. The workers are forked, so ``function`` need not pickle; its results must."""
    if not app.builder.parallel_ok or len(items) < fewest:
        return [function(item) for item in items]
    results: dict[int, list[R]] = {}
    tasks = ParallelTasks(app.parallel)
    for index, chunk in enumerate(even_chunks(items, app.parallel * CHUNKS_PER_PROCESS)):
        tasks.add_task(
            lambda chunk: [function(item) for item in chunk],
            chunk,
            lambda chunk, result, index=index: results.__setitem__(index, result),
        )
    tasks.join()
    return [result for index in sorted(results) for result in results[index]]


def setup(app: Sphinx) -> dict[str, Any]:
    READ_PARALLEL.apply(read_parallel)
    WRITE_DOCUMENTS.apply(write_documents)
    GEN_PAGES.apply(gen_pages_from_extensions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

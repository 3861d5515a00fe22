"""Writing output files so that a rebuild which changes nothing writes nothing."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def walk(top: str | os.PathLike[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk, each folder named by its path from ``top`` as a prefix for its files' names: "" for ``top``,
    "a/b/" below it (with "/" on every system). Names removed from the subfolders are not walked."""
    for folder, subfolders, files in os.walk(top):
        relative = os.path.relpath(folder, top).replace(os.sep, "/")
        yield ("" if relative == "." else f"{relative}/"), subfolders, files


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds exactly it; return whether it was written.

    Readers' caches, feed readers (``If-Modified-Since``) and rsync-style deploys all go by a file's
    modification time: an unchanged feed or sitemap keeps its old one.
    """
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


#: Files Sphinx (and sphinx-notfound-page) write again on every build, changed or not.
ALWAYS_REWRITTEN = (
    ".buildinfo",
    "objects.inv",
    "searchindex.js",
    "genindex.html",
    "search.html",
    "404.html",
    "_static/**/*.css",  # publication.site.minify rewrites them too
    "_static/**/*.js",
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def remember_rewritten_files(app: Any) -> None:
    """Before a build: the content and time of each file Sphinx is about to write again regardless."""
    outdir = Path(app.outdir)
    app.publication_rewritten = {
        path: (path.stat().st_mtime_ns, _digest(path))
        for pattern in ALWAYS_REWRITTEN
        for path in outdir.glob(pattern)
        if path.is_file()
    }


def keep_times_of_unchanged_files(app: Any, exception: Exception | None) -> None:
    """After a build: a file written again with the same bytes gets its old modification time back.

    So a rebuild that changes nothing leaves the whole output as it was, to the byte and to the
    timestamp: a deploy that syncs by time uploads nothing, caches keep their copies.
    """
    for path, (moment, digest) in getattr(app, "publication_rewritten", {}).items():
        if path.is_file() and path.stat().st_mtime_ns != moment and _digest(path) == digest:
            os.utime(path, ns=(path.stat().st_atime_ns, moment))


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", remember_rewritten_files)
    app.connect("build-finished", keep_times_of_unchanged_files, priority=990)  # after every writer
    return {"parallel_read_safe": True, "parallel_write_safe": True}

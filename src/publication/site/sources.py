"""Check each post's file before Sphinx reads it, so a bad file is named, not crashed on or skipped.

Sphinx stops with a traceback ("Encoding error!") on a file that is not UTF-8, and leaves an empty file out
without a word; a post without a title is reported only as "isn't included in any toctree". Here each of
these is a warning at the file (and line) with what to do, and all of them are reported in one run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from publication.site.frontmatter import (
    CONTROL_CHARACTERS,
    FRONT_MATTER_BLOCK,
    cell_text,
    front_matter_cell,
    is_notebook,
    read_front_matter,
    read_notebook_front_matter,
)

logger = logging.getLogger(__name__)


def _warn(docname: str, line: int | None, message: str) -> None:
    logger.warning(message, location=(docname, line), type="publication", subtype="source")


def decode_problem(data: bytes) -> tuple[int, str] | None:
    """Where a file stops being UTF-8: (line, message), or None if it is UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        byte = data[error.start : error.start + 1].hex()
        return line, f"the file is not UTF-8 (byte 0x{byte} on this line): save it as UTF-8"
    return None


def control_character_problems(text: str) -> list[tuple[int, str]]:
    """Each line that holds a control character, which no page, feed (XML) or ``.bib`` can carry."""
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):  # splitlines() would break at \x0b
        if found := CONTROL_CHARACTERS.search(line):
            problems.append(
                (number, f"the line holds the control character U+{ord(found.group()):04X}: delete it")
            )
    return problems


def post_problems(text: str) -> list[tuple[int, str]]:
    """What makes a post unpublishable although its file reads: no text, no title."""
    if not text.strip():
        return [(1, "the post is empty: write its front matter and text, or delete the file")]
    match = FRONT_MATTER_BLOCK.match(text)
    body = text[match.end() :] if match else text
    problems = []
    if not body.strip():
        problems.append((text.count("\n", 0, match.end()) + 1 if match else 1, "the post has no text"))
    has_title = "title" in read_front_matter(text).values
    if not has_title and not any(line.startswith("# ") for line in body.splitlines()):
        problems.append(
            (1, "the post has no title: add 'title:' to its front matter or start it with '# Title'")
        )
    return problems


def notebook_problems(text: str) -> list[tuple[int, str]]:
    """What makes a notebook unpublishable: JSON that does not read, no cell with text, no title."""
    front = read_notebook_front_matter(text)
    if any(problem.message.startswith("the notebook is not valid JSON") for problem in front.problems):
        return [(problem.line, problem.message) for problem in front.problems]
    notebook = json.loads(text)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells", []), list):
        return [(1, "the file is not a Jupyter notebook: save it from Jupyter, or as JSON with 'cells'")]
    cells = [cell for cell in notebook.get("cells", []) if isinstance(cell, dict)]
    front_cell = front_matter_cell(notebook)
    body = [cell for cell in cells if cell is not front_cell and cell_text(cell).strip()]
    problems = []
    if not body:
        problems.append((1, "the notebook has no cell with text: write the post in its cells"))
    headed = any(
        cell.get("cell_type") == "markdown" and cell_text(cell).lstrip().startswith("# ") for cell in body[:1]
    )
    if "title" not in front.values and not headed:
        problems.append(
            (
                1,
                "the notebook has no title: add 'title:' to the front matter in its first raw cell (or its"
                " metadata), or start its first Markdown cell with '# Title'",
            )
        )
    return problems


def check_sources(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Warn about each bad post file; leave out the ones Sphinx cannot read at all."""
    posts = set(app.config.matched_blog_posts)
    for docname in list(docnames):
        path = Path(env.doc2path(docname))
        try:
            data = path.read_bytes()
        except OSError:
            continue  # Sphinx reports it
        problem = decode_problem(data)
        if problem is not None:
            _warn(docname, *problem)
            # Sphinx would stop the whole build on it; it is neither read nor written
            docnames.remove(docname)
            env.found_docs.discard(docname)
            continue
        text = data.decode("utf-8")
        if controls := control_character_problems(text):
            for line, message in controls:
                _warn(docname, line, message)
            # no page, feed or .bib could carry it; like a file that is not UTF-8, it is not read
            docnames.remove(docname)
            env.found_docs.discard(docname)
            continue
        if is_notebook(path):
            problems = notebook_problems(text)
            if problems and problems[0][1].startswith(
                ("the notebook is not valid JSON", "the file is not a")
            ):
                for line, message in problems:
                    _warn(docname, line, message)
                # MyST-NB would stop the whole build with a traceback on it
                docnames.remove(docname)
                env.found_docs.discard(docname)
                continue
            if docname in posts:
                for line, message in problems:
                    _warn(docname, line, message)
        elif docname in posts:
            for line, message in post_problems(text):
                _warn(docname, line, message)


def check_slugs(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Two posts with the same file name (slug), in different years, are reported."""
    by_slug: dict[str, list[str]] = defaultdict(list)
    for docname in sorted(app.config.matched_blog_posts):
        by_slug[PurePosixPath(docname).name].append(docname)
    for slug, owners in by_slug.items():
        for docname in owners[1:]:
            if docname in docnames:
                _warn(
                    docname,
                    1,
                    f"another post, {owners[0]}, has the same slug {slug!r}: give each post a file name "
                    "of its own, so links, redirects from old addresses and citations tell them apart",
                )


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.ablog_patches")
    app.connect("env-before-read-docs", check_sources)
    app.connect("env-before-read-docs", check_slugs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

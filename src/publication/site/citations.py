"""Author–year citations that link to a post's own bibliography.

Per-post bibliographies come from ``{footcite}`` and ``{footbibliography}`` (``{cite}`` with a
``{bibliography}`` per post warns on keys cited twice and is quadratic in the number of posts). But
sphinxcontrib-bibtex's footnote citations can only read as numbers: its ``author_year`` style asserts on
footnote references. This style, ``foot_author_year``, writes "(Hochreiter and Schmidhuber, 1997)" and
"Zhang et al. (2017)", the author–year part being a link to the entry in the post's bibliography.
"""

from __future__ import annotations

import functools
import importlib.metadata
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pybtex.database
import pybtex.plugin
import pybtex_docutils
from docutils import nodes
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import _format_list, join, node
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import (
    BaseReferenceStyle,
    BracketStyle,
    GroupReferenceStyle,
    PersonStyle,
)
from sphinxcontrib.bibtex.style.template import BaseReferenceText, FootReferenceInfo, year

from publication.shared.patching import Patch
from publication.site.files import write_if_changed

STYLE_NAME = "foot_author_year"

logger = logging.getLogger(__name__)


class FootLinkText(BaseReferenceText[FootReferenceInfo]):
    """Rich text rendered as a link to the footnote that holds the cited entry."""

    def render(self, backend: Any) -> list[nodes.Node]:
        assert isinstance(backend, pybtex_docutils.Backend)
        info = self.info[0]
        document = info.document
        link = nodes.reference("", "", *super().render(backend), refname=info.refname, classes=["footcite"])
        document.note_refname(link)  # docutils resolves the name to the footnote's id
        document.set_id(link)
        # the entry links back to each place it is cited, as footnotes do
        footnote = document.ids.get(document.nameids.get(info.refname, ""))
        if footnote is not None:
            footnote["backrefs"].append(link["ids"][0])
        return [link]


@node
def foot_link(children: list[Any], data: dict[str, Any]) -> FootLinkText:
    """Pybtex template node: its children, linked to the cited entry's footnote."""
    return FootLinkText(data["reference_info"], *_format_list(children, data))


#: Each cited entry's author label, by the style that made it and the entry (kept with the entry itself: ids
#: are reused once objects are gone); emptied when a builder starts, as the entries are read again then.
_labels: dict[tuple[Any, ...], tuple[Any, Any]] = {}


@node
def remembered(children: list[Any], data: dict[str, Any], style: tuple[Any, ...]) -> Any:
    """Pybtex template node: its one child's text for the cited entry, made once per entry and ``style``.

    An author label ("Hochreiter and Schmidhuber") depends only on the entry and the style; pybtex made it
    again for every ``{footcite}``, formatting every name (2 s of a 1,000-post build). Rich text is never
    changed in place, so one label serves every citation."""
    entry = data["entry"]
    key = (style, id(entry))
    cached = _labels.get(key)
    if cached is not None and cached[0] is entry:
        return cached[1]
    [child] = children
    label = child.format_data(data)
    _labels[key] = (entry, label)
    return label


def forget_labels(app: Sphinx) -> None:
    _labels.clear()


def author_label(person: PersonStyle, full: bool) -> Any:
    """The cited entry's authors (else editors, else title), as ``person`` writes them, once per entry."""
    return remembered(style=(full, repr(person)))[person.author_or_editor_or_title(full=full)]


def _parentheses() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class FootAuthorYearParenthetical(BaseReferenceStyle):
    """``{footcite:p}``: (Author, Year; Author, Year)."""

    bracket: BracketStyle = field(default_factory=_parentheses)
    person: PersonStyle = field(default_factory=PersonStyle)

    def role_names(self) -> Iterable[str]:
        return ["p", "ps"]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=True, capfirst=False)

    def inner(self, role_name: str) -> Any:
        return foot_link[join(sep=", ")[author_label(self.person, full="s" in role_name), year]]


@dataclass
class FootAuthorYearTextual(BaseReferenceStyle):
    """``{footcite:t}``: Author (Year)."""

    bracket: BracketStyle = field(default_factory=_parentheses)
    person: PersonStyle = field(default_factory=PersonStyle)

    def role_names(self) -> Iterable[str]:
        return [f"{capfirst}t{full}" for capfirst in ("", "c") for full in ("", "s")]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name: str) -> Any:
        return join(sep=" ")[
            author_label(self.person, full="s" in role_name),
            join[self.bracket.left, foot_link[year], self.bracket.right],
        ]


@dataclass
class FootAuthorYearReferenceStyle(GroupReferenceStyle):
    """Author–year references to footnote bibliographies, for ``bibtex_foot_reference_style``."""

    person: PersonStyle = field(default_factory=PersonStyle)

    def __post_init__(self) -> None:
        self.styles.extend(
            [FootAuthorYearParenthetical(person=self.person), FootAuthorYearTextual(person=self.person)]
        )
        super().__post_init__()


def check_bibliography_files(app: Sphinx, config: Config) -> None:
    """Name the file and line of a broken ``refs.bib``, and build on without it.

    sphinxcontrib-bibtex parses the files when the builder starts and, on a syntax error, stops the build with
    an "Extension error" and a traceback that names neither the file nor what to do. Here the error is a
    warning at its file and line, the broken file is replaced by an empty one, and the build goes on to
    report every citation that the missing entries leave unresolved: every problem in one run.
    """
    files = []
    checked = CheckedBibliographies(Path(app.doctreedir) / CHECKED_BIBLIOGRAPHIES)
    # sphinxcontrib-bibtex stops a site without the setting; a blog that cites nothing needs no refs.bib
    for name in config.bibtex_bibfiles or []:
        path = Path(app.srcdir, name).resolve()
        problem = None if checked.unchanged(path) else bibliography_problem(path)
        if problem is None:
            checked.passed(path)
            files.append(name)
            continue
        line, message = problem
        # a "file:line" text: at config-inited there is no environment to resolve a (docname, line) location
        # (a location without a line would be read as a document name; the message names the file then)
        location = f"{path}:{line}" if line else None
        logger.warning(message, location=location, type="publication", subtype="bibtex")
        stand_in = Path(app.doctreedir) / "publication-unreadable.bib"
        stand_in.parent.mkdir(parents=True, exist_ok=True)
        stand_in.write_text("", encoding="utf-8")
        files.append(str(stand_in))
    config.bibtex_bibfiles = files
    checked.save()


#: Where the BibTeX files found readable are remembered with their size and time (in the doctree folder).
CHECKED_BIBLIOGRAPHIES = "publication-bibliographies-checked.json"


class CheckedBibliographies:
    """The BibTeX files that parsed, with their time and size then: one unchanged is not parsed again
    (0.2 s of every build for a few hundred entries; sphinxcontrib-bibtex keeps its own parse likewise)."""

    def __init__(self, store: Path) -> None:
        self.store = store
        try:
            self.previous = json.loads(store.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.previous = {}
        self.current: dict[str, list[int]] = {}

    @staticmethod
    def _state(path: Path) -> list[int] | None:
        try:
            stat = path.stat()
        except OSError:
            return None
        return [stat.st_mtime_ns, stat.st_size]

    def unchanged(self, path: Path) -> bool:
        state = self._state(path)
        return state is not None and self.previous.get(str(path)) == state

    def passed(self, path: Path) -> None:
        state = self._state(path)
        if state is not None:
            self.current[str(path)] = state

    def save(self) -> None:
        write_if_changed(self.store, json.dumps(self.current, sort_keys=True).encode())


def bibliography_problem(path: Path) -> tuple[int | None, str] | None:
    """(line, message) for a BibTeX file that cannot be read, or None."""
    if not path.is_file():
        return None, f"bibtex_bibfiles: there is no file {path}"
    try:
        pybtex.database.parse_file(str(path), bib_format="bibtex")
    except PybtexSyntaxError as error:
        return error.lineno, (
            f"{error}: check the entry that ends here (a missing closing brace, comma or quote); "
            "its entries are left out of this build"
        )
    except (PybtexError, UnicodeDecodeError) as error:
        return None, f"cannot read this BibTeX file: {error}"
    return None


@functools.cache
def _installed_entry_points(group: str, name: str) -> tuple[Any, ...]:
    return tuple(importlib.metadata.entry_points(group=group, name=name))


PYBTEX = {"package": "pybtex", "versions": ">=0.24,<0.27", "where": "publication.site.citations"}
PLUGIN_LOOKUP = Patch(
    owner="pybtex.plugin",
    name="entry_points",
    retire="when pybtex caches its plugin lookups; not reported upstream yet",
    **PYBTEX,
)
FORMAT_ENTRY = Patch(
    owner="pybtex.style.formatting:BaseStyle",
    name="format_entry",
    retire="when sphinxcontrib-bibtex formats each entry once per style; not reported upstream yet",
    **PYBTEX,
)


FROM_LATEX = Patch(
    owner="pybtex.richtext:Text",
    name="from_latex",
    retire="when pybtex remembers the rich text of each LaTeX string; not reported upstream yet",
    **PYBTEX,
)


def cache_pybtex_plugin_lookups() -> None:
    """Look up each pybtex plugin among the installed packages once, not once per citation.

    sphinxcontrib-bibtex finds its formatting style for every ``{footcite}``, and pybtex's ``find_plugin``
    asks ``importlib.metadata`` for the entry points each time, which scans every installed package: a third
    of a 100-post build's time. Installed entry points do not change while Sphinx runs; plugins registered
    at run time (``register_plugin``, as above) are still looked up first, by pybtex itself.
    """
    PLUGIN_LOOKUP.apply(lambda group, name: _installed_entry_points(group, name))


_format_entry = FORMAT_ENTRY.check()
_formatted: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def format_entry_once(self: BaseStyle, label: str, entry: Any, bib_data: Any = None) -> Any:
    """pybtex's ``format_entry``, remembered: sphinxcontrib-bibtex formats an entry anew for every
    ``{footcite}`` of it, in every post (LaTeX decoding of every field included), though the result depends
    only on the entry and the style's settings."""
    key = (
        type(self),
        type(self.name_style),
        type(self.label_style),
        self.abbreviate_names,
        self.min_crossrefs,
        label,
        id(entry),
        id(bib_data),
    )
    cached = _formatted.get(key)
    if cached is not None and cached[0] is entry:  # the very entry (ids are reused once objects are gone)
        return cached[1]
    formatted = _format_entry(self, label, entry, bib_data=bib_data)
    _formatted[key] = (entry, formatted)
    return formatted


_text_from_latex = FROM_LATEX.check()


@functools.lru_cache(maxsize=8192)
def text_from_latex(latex: str) -> Any:
    """pybtex's ``Text.from_latex``, remembered: each ``{footcite}`` label names its authors, and pybtex
    decodes every name's LaTeX again each time (latexcodec: 5 s of a 1,000-post build under cProfile). Rich
    text is never changed in place (its methods return new text), so one result serves every caller."""
    return _text_from_latex(latex)


def remembered_from_latex(cls: type, latex: Any) -> Any:
    try:
        return text_from_latex(latex)
    except TypeError:  # not hashable: not a string, so not ours to remember
        return _text_from_latex(latex)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinxcontrib.bibtex")  # what this module configures and patches
    cache_pybtex_plugin_lookups()
    FORMAT_ENTRY.apply(format_entry_once)
    FROM_LATEX.apply(classmethod(remembered_from_latex))
    # before sphinxcontrib-bibtex reads the files (builder-inited)
    app.connect("config-inited", check_bibliography_files)
    app.connect("builder-inited", forget_labels)
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, FootAuthorYearReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Citations and notes of academic Jekyll themes, to sphinxcontrib-bibtex and MyST: distill's ``<d-cite>``,
``<d-footnote>``, ``<d-contents>``, ``<d-byline>``; the post's ``bibliography:`` file merged into the site's
``refs.bib``; third-party ``<script>`` embeds dropped.

Each citation becomes ``{footcite:p}`` and the post ends with its ``{footbibliography}``, the publication's
way to cite (per-post bibliographies, no duplicate-citation warnings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup
from pybtex.database import BibliographyData, BibliographyDataError, Entry, parse_file
from pybtex.plugin import find_plugin
from pybtex.scanner import PybtexError
from pybtex.style.template import FieldIsMissing

from .myst import Page

_D_CITE = re.compile(r"<d-cite\b(?P<attrs>[^>]*)>(?:\s*</d-cite>)?", re.I)
_D_FOOTNOTE = re.compile(r"<d-footnote\b[^>]*>(?P<text>.*?)</d-footnote>", re.I | re.S)
_D_DROPPED = re.compile(
    r"<(?P<tag>d-contents|d-byline|d-title|d-appendix)\b[^>]*>.*?</(?P=tag)>", re.I | re.S
)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.I | re.S)
_ABBREVIATION = re.compile(r"^\*\[(?P<term>[^\]\n]+)\]:[ \t]*(?P<meaning>.*)$", re.M)
#: Where themes keep a post's bibliography: al-folio's distill layout, jekyll-scholar's default source.
BIB_FOLDERS = ("assets/bibliography", "_bibliography", "bibliography", "")


@dataclass
class Bibliography:
    """The site's BibTeX file, which imported posts' bibliographies are merged into."""

    path: Path
    entries: BibliographyData = field(default_factory=BibliographyData)
    loaded: bool = False

    def load(self) -> None:
        if not self.loaded and self.path.is_file():
            self.entries = parse_file(str(self.path), "bibtex")
        self.loaded = True

    def merge(self, source: Path, page: Page) -> dict[str, str]:
        """Add the entries of ``source``; a key the site already uses for another work gets a suffix.
        Returns the keys renamed (old -> new), each reported."""
        self.load()
        try:
            incoming = parse_file(str(source), "bibtex")
        except (PybtexError, BibliographyDataError, OSError) as error:
            page.keep(
                "bibliography:", f"bibliography {source.name} not read ({error}); citations kept as text"
            )
            return {}
        renamed: dict[str, str] = {}
        for key, entry in incoming.entries.items():
            existing = self.entries.entries.get(key)
            if existing is not None and _same(existing, entry):
                continue
            new = key
            suffix = 2
            while new in self.entries.entries:
                if _same(self.entries.entries[new], entry):
                    break
                new = f"{key}-{suffix}"
                suffix += 1
            if new != key:
                renamed[key] = new
                page.keep(
                    "bibliography:",
                    f"BibTeX key {key!r} is another work in {self.path.name}: cited as {new!r}",
                )
            if new not in self.entries.entries:
                _formattable(new, entry, page)
                self.entries.add_entry(new, entry)
                page.report.count("BibTeX entries merged")
        return renamed

    def write(self) -> None:
        if self.loaded:
            text = self.entries.to_string("bibtex")
            if not self.path.is_file() or self.path.read_text(encoding="utf-8") != text:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(text, encoding="utf-8")

    def has(self, key: str) -> bool:
        self.load()
        return key in self.entries.entries


def _same(one: Entry, other: Entry) -> bool:
    def text(entry: Entry) -> str:
        return BibliographyData({"key": entry}).to_string("bibtex")

    return text(one) == text(other)


def _formattable(key: str, entry: Entry, page: Page) -> None:
    """An entry the bibliography style can format: one that lacks a field its type requires (an
    @inproceedings without booktitle) stops Sphinx with a traceback, so it is cited as @misc, reported."""
    style = find_plugin("pybtex.style.formatting", "unsrt")()
    try:
        list(style.format_entries([entry]))
    except FieldIsMissing as error:
        page.keep("bibliography:", f"BibTeX entry {key!r} ({entry.type}): {error}; cited as @misc")
        entry.type = entry.original_type = "misc"
    except PybtexError as error:
        page.keep("bibliography:", f"BibTeX entry {key!r}: {error}")


def site_bibliography(srcdir: Path) -> Path:
    """The BibTeX file the site cites from: refs.bib beside the source folder (as docs/conf.py has it),
    or in it."""
    beside = srcdir.parent / "refs.bib"
    return beside if beside.is_file() else srcdir / "refs.bib"


def authors_of(data: dict, page: Page) -> list[str]:
    """distill's and al-folio's ``authors:`` list: names for the byline; affiliations and pages, which
    the byline cannot show, reported as a ``blog_authors`` suggestion."""
    names = []
    for author in data.get("authors") or []:
        if isinstance(author, str):
            names.append(author)
            continue
        if not isinstance(author, dict) or not author.get("name"):
            continue
        name = str(author["name"])
        names.append(name)
        affiliations = author.get("affiliations") or author.get("affiliation")
        if isinstance(affiliations, dict):
            affiliations = affiliations.get("name")
        url = author.get("url")
        if affiliations or url:
            page.keep(
                "authors:",
                f"author {name!r}: affiliation {affiliations!r} not shown; for conf.py's blog_authors: "
                f"{name.lower().replace(' ', '-')!r}: ({name!r}, {url!r})",
            )
    return names


def bibliography_file(page: Page, name: str) -> Path | None:
    """The post's ``bibliography:`` file in the Jekyll site."""
    root = page.assets.site_root
    if root is None or not name:
        return None
    for folder in BIB_FOLDERS:
        candidate = root / folder / name
        if candidate.is_file():
            return candidate
    return None


def scholar_file(page: Page, name: str | None = None) -> Path | None:
    """A jekyll-scholar bibliography of the Jekyll site: ``name`` (a ``--file`` argument) or the one
    ``_config.yml`` names (``scholar: {source: ./_bibliography, bibliography: references.bib}``, the
    plugin's defaults), in the scholar source folder; None when the site does not use jekyll-scholar."""
    root = page.assets.site_root
    config = page.config.get("scholar")
    plugins = [*_names(page.config.get("plugins")), *_names(page.config.get("gems"))]
    if root is None or (not isinstance(config, dict) and "jekyll-scholar" not in plugins):
        return None
    config = config if isinstance(config, dict) else {}
    folder = root / str(config.get("source") or "./_bibliography")
    wanted = name or str(config.get("bibliography") or "references.bib")
    for candidate in (folder / wanted, folder / f"{wanted}.bib"):
        if candidate.is_file() and candidate.resolve().is_relative_to(root.resolve()):
            return candidate
    return None


def _names(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list) else []


class Scholarship:
    """Citations and notes of one post."""

    def __init__(self, page: Page, bibliography: Bibliography | None) -> None:
        self.page = page
        self.bibliography = bibliography
        self.renamed: dict[str, str] = {}
        self.merged: set[Path] = set()  # bibliography files of the Jekyll site merged for this post
        self.cited = False
        self.notes: list[str] = []
        name = page.data.get("bibliography")
        if isinstance(name, str) and bibliography is not None:
            source = bibliography_file(page, name)
            if source is None:
                page.keep("bibliography:", f"bibliography file {name!r} not found in the Jekyll site")
            else:
                self.merge(source)

    def merge(self, source: Path) -> None:
        """Merge a bibliography file of the Jekyll site into the site's, once per post."""
        if self.bibliography is None or source in self.merged:
            return
        self.merged.add(source)
        self.renamed.update(self.bibliography.merge(source, self.page))

    def scholar(self, tag: str, file: str | None = None) -> None:
        """What a jekyll-scholar tag cites from: the site's ``scholar:`` bibliography (or ``--file``)."""
        source = scholar_file(self.page, file)
        if source is not None:
            self.merge(source)
        elif file:
            self.page.keep(tag, f"bibliography file {file!r} of {tag!r} not found in the Jekyll site")

    def cite(self, keys: list[str], source: str) -> str:
        """``{footcite:p}`` for the keys found in the bibliography; the rest stay visible, reported."""
        keys = [self.renamed.get(key, key) for key in keys if key]
        known = [key for key in keys if self.bibliography is not None and self.bibliography.has(key)]
        missing = [key for key in keys if key not in known]
        if missing:
            self.page.keep(source, f"citation of {', '.join(missing)}: no such BibTeX entry; kept as text")
        parts = []
        if known:
            self.cited = True
            self.page.report.count("citations", len(known))
            parts.append(f"{{footcite:p}}`{','.join(known)}`")
        if missing:
            parts.append("[" + "; ".join(missing) + "]")
        return " ".join(parts)

    def distill(self, text: str) -> str:
        """distill's elements in the prose (code is held already)."""

        def cite(match: re.Match[str]) -> str:
            tag = BeautifulSoup(match.group(0), "html.parser").find("d-cite")
            keys = [key.strip() for key in str(tag.get("key", "") if tag else "").split(",")]
            return self.cite(keys, match.group(0))

        def footnote(match: re.Match[str]) -> str:
            self.page.report.count("distill footnotes")
            return self.footnote(match.group("text"))

        def dropped(match: re.Match[str]) -> str:
            tag = match.group("tag").lower()
            self.page.report.count(f"<{tag}> dropped (the page has its own)")
            words = BeautifulSoup(match.group(0), "html.parser").get_text(" ").split()
            if words:
                self.page.drop(
                    match.group(0), f"<{tag}> dropped, the page has its own: {' '.join(words)[:60]!r}"
                )
            return ""

        def script(match: re.Match[str]) -> str:
            src = re.search(r"""src=["']([^"']+)""", match.group(0))
            gist = re.match(r"(https://gist\.github\.com/[^?#]+?)\.js", src.group(1)) if src else None
            if gist:  # what the embed showed, as a link
                self.page.report.count("embeds (as links)")
                return f"[View the gist on GitHub]({gist.group(1)})"
            what = f"script {src.group(1)!r}" if src else "inline script"
            self.page.drop(match.group(0), f"{what} dropped: no page loads or runs another site's code")
            return ""

        text = _D_CITE.sub(cite, text)
        text = _D_FOOTNOTE.sub(footnote, text)
        text = _D_DROPPED.sub(dropped, text)
        return _SCRIPT.sub(script, text)

    def footnote(self, text: str) -> str:
        self.notes.append(" ".join(text.split()))
        return f"[^note-{len(self.notes)}]"

    def abbreviations(self, text: str) -> str:
        """kramdown's ``*[CSS]: Cascading Style Sheets``: each term's uses become ``{abbr}`` roles."""
        found = {m.group("term"): m.group("meaning").strip() for m in _ABBREVIATION.finditer(text)}
        if not found:
            return text
        text = _ABBREVIATION.sub("", text)
        for term, meaning in found.items():
            pattern = re.compile(rf"(?<![\w`{{]){re.escape(term)}(?![\w`}}])")
            role = f"{{abbr}}`{term} ({meaning.replace('`', '')})`" if meaning else term
            text, count = pattern.subn(lambda _m, r=role: r, text)
            self.page.report.count("abbreviations", count)
        return text

    def bibliography_here(self) -> str:
        """Where jekyll-scholar's ``{% bibliography %}`` stood: the post's references go there."""
        return f"\n\n{_BIBLIOGRAPHY_HERE}\n\n"

    def end(self, body: str) -> str:
        """The post's body with its notes at the end and, when anything was cited, its references where
        ``{% bibliography %}`` stood (under the author's heading, else under a "References" heading of
        their own), or at the end."""
        references = "```{footbibliography}\n```"
        at = body.find(_BIBLIOGRAPHY_HERE)
        if self.cited and at >= 0:
            lines = body[:at].rstrip().rsplit("\n", 1)
            under_heading = bool(re.match(r"#{1,6}[ \t]", lines[-1]))
            here = references if under_heading else f"## References\n\n{references}"
            body = body[:at] + here + body[at + len(_BIBLIOGRAPHY_HERE) :]
        body = body.replace(_BIBLIOGRAPHY_HERE, "")
        parts = [f"[^note-{index}]: {note}" for index, note in enumerate(self.notes, 1)]
        if self.cited and at < 0:
            parts.append(f"## References\n\n{references}")
        return (body + "\n\n" + "\n\n".join(parts)).strip("\n")


#: Stands where ``{% bibliography %}`` was until the post is converted (a character of Unicode's private use
#: area, which no Markdown syntax reads and no post holds).
_BIBLIOGRAPHY_HERE = "\ue004"

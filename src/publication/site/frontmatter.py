"""Read, check and normalise the YAML front matter of blog posts.

MyST hands front matter to Sphinx as text (lists become JSON strings, line numbers are lost) and ablog then
parses that text again. This module reads the front matter itself, with types and line numbers, reports
every problem as a warning at ``file:line``, and rewrites the fields ablog reads into the plain forms it
understands: comma-separated lists, and ISO 8601 dates that always carry a UTC offset.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from publication.site.identifiers import normalise_doi, people_of
from publication.site.posts import RECORD_KEY, Label, PostRecord, resolve_authors

logger = logging.getLogger(__name__)

#: Keys whose value may be one string, a comma-separated string, or a YAML list of strings.
LIST_KEYS = ("tags", "category", "author", "location", "language", "redirect")
#: Keys that must hold text.
TEXT_KEYS = ("title", "description", "image", "image_alt", "series")
#: Keys that must be true or false.
BOOL_KEYS = ("comments", "blogpost")
#: Keys that must hold a whole number.
INT_KEYS = ("series_order",)
#: Keys this project reads that ablog would misread (its ``image`` is the number of an image to excerpt).
ABLOG_CONFLICTS = ("image",)
#: Keys that hold a date and time.
DATE_KEYS = ("date", "updated")

#: libyaml's safe loader when PyYAML has it (ten times faster: every post's front matter is read on every
#: build, to tell drafts apart), else the pure-Python one; both read the same YAML the same way.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FrontMatterLoader(YAML_LOADER):  # type: ignore[misc, valid-type]
    """YAML as written, with dates left as text: PyYAML's own timestamps raise ValueError on a day that
    does not exist (2021-02-30) or an offset past a day (+25:00), and lose the line it was on; dates are
    read here by :func:`parse_datetime`, which names what is wrong."""


FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in YAML_LOADER.yaml_implicit_resolvers.items()
}

FRONT_MATTER_BLOCK = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)


@dataclass
class Problem:
    """One thing wrong with a post's front matter, at a 1-based line of its file."""

    line: int
    message: str


@dataclass
class FrontMatter:
    """The typed front matter of one post, with the line each key was written on."""

    values: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def read_front_matter(text: str) -> FrontMatter:
    """Parse the YAML block at the top of a Markdown file, keeping each key's line number."""
    match = FRONT_MATTER_BLOCK.match(text)
    if not match:
        return FrontMatter()
    # a copy: callers add problems of their own to what they were given
    return copy.deepcopy(_read_block(match.group(1)))


@functools.lru_cache(maxsize=4096)
def _read_block(block: str) -> FrontMatter:
    """The front matter in one YAML block, parsed once: a clean build reads each post's front matter three
    times (drafts, this module's transform, publication.site.sources), 0.3 s at 1,000 posts. Keyed by the
    block's text, so an edited post is parsed again whatever its file's time says."""
    found = FrontMatter()
    try:
        root = yaml.compose(block, Loader=FrontMatterLoader)
        data = yaml.load(block, Loader=FrontMatterLoader)
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # an explicit tag such as !!timestamp or !!binary whose text does not fit it
        found.problems.append(Problem(2, f"front matter is not valid YAML: {error}"))
        return found
    except yaml.YAMLError as error:
        # the construct that was left open (context) says more than where parsing gave up (problem)
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1  # +1 for the opening '---', +1 to count from 1
        reason = getattr(error, "problem", None) or str(error)
        found.problems.append(Problem(line, f"front matter is not valid YAML: {reason}"))
        return found
    if data is None:
        return found
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        found.problems.append(Problem(2, "front matter must be a mapping of 'key: value' lines"))
        return found
    for key_node, _value_node in root.value:
        found.lines[str(key_node.value)] = key_node.start_mark.line + 2
    found.values = {str(key): value for key, value in data.items()}
    return found


#: Notebook metadata that belongs to Jupyter and MyST-NB (the kernel, widget state, MyST-NB's own settings),
#: not to the post: everything else in a notebook's metadata is its front matter.
NOTEBOOK_KEYS = ("kernelspec", "language_info", "widgets", "source_map", "mystnb", "jupytext")


def is_notebook(path: str | Path) -> bool:
    return str(path).endswith(".ipynb")


def cell_text(cell: dict[str, Any]) -> str:
    """A notebook cell's source as one string (nbformat stores it as a string or a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def front_matter_cell(notebook: dict[str, Any]) -> dict[str, Any] | None:
    """The notebook's first cell when it is a raw cell holding a ``---`` YAML block (Quarto's and Jupytext's
    place for front matter), else None."""
    cells = notebook.get("cells")
    if not isinstance(cells, list) or not cells or not isinstance(cells[0], dict):
        return None
    first = cells[0]
    if first.get("cell_type") == "raw" and FRONT_MATTER_BLOCK.match(cell_text(first).strip() + "\n"):
        return first
    return None


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


#: Where each cell of a notebook starts in its JSON text: ``"cell_type":`` written as a key (inside a
#: string it would be escaped as ``\"cell_type\":``).
CELL_START = re.compile(r'"cell_type"\s*:')


def cell_lines(text: str) -> list[int]:
    """The line of the JSON file on which each cell of a notebook begins."""
    return [line_of(text, match.start()) for match in CELL_START.finditer(text)]


def read_notebook_front_matter(text: str) -> FrontMatter:
    """The front matter of an ``.ipynb`` post: its notebook metadata (but Jupyter's own keys), and a first
    raw cell's ``---`` YAML block, which wins; each key at its line of the JSON file."""
    found = FrontMatter()
    try:
        notebook = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", 1)
        found.problems.append(
            Problem(line, f"the notebook is not valid JSON: {getattr(error, 'msg', error)}")
        )
        return found
    if not isinstance(notebook, dict):
        found.problems.append(Problem(1, "the file is not a Jupyter notebook (no cells, no metadata)"))
        return found
    metadata = notebook.get("metadata")
    if isinstance(metadata, dict):
        # nbformat writes the notebook's metadata after its cells, one key a line
        start = text.rfind('"metadata"')
        for key, value in metadata.items():
            if key in NOTEBOOK_KEYS:
                continue
            found.values[str(key)] = value
            at = text.find(json.dumps(str(key)), max(start, 0))
            found.lines[str(key)] = line_of(text, at) if at >= 0 else 1
    cell = front_matter_cell(notebook)
    if cell is None:
        return found
    source_key = re.compile(r'"source"\s*:\s*(\[)?').search(text, text.find('"cells"'))
    first = line_of(text, source_key.start()) if source_key else 1
    one_line_each = bool(source_key and source_key.group(1) and isinstance(cell.get("source"), list))

    def file_line(line: int) -> int:  # a line of the YAML block (1 is its '---') to a line of the file
        return first + line if one_line_each else first

    in_cell = read_front_matter(cell_text(cell).strip() + "\n")
    found.values.update(in_cell.values)
    found.lines.update({key: file_line(line) for key, line in in_cell.lines.items()})
    found.problems += [Problem(file_line(problem.line), problem.message) for problem in in_cell.problems]
    return found


def read_post_front_matter(path: str | Path, text: str) -> FrontMatter:
    """A post's front matter, from a Markdown file's YAML block or from a notebook."""
    return read_notebook_front_matter(text) if is_notebook(path) else read_front_matter(text)


def as_list(value: Any) -> list[str] | None:
    """Return a list of labels from a string ('a, b') or a YAML list, or None if it is neither."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return [str(item).strip() for item in value if str(item).strip()]
    return None


#: The dates a post may carry: a whole day, optionally a time, optionally a UTC offset. Jekyll's
#: ``2020-01-27 23:45:13 -0400`` is one of them; a partial date ("March 2021", "10:00", "Monday") is not,
#: because completing it would take the missing parts from the day of the build.
DATE_TEXT = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:(?:T|\s+)(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?)?"
    r"(?:\s*(?P<zone>Z|UTC|GMT|(?P<sign>[+-])(?P<offset_hours>\d{2}):?(?P<offset_minutes>\d{2})?))?"
)
#: The widest UTC offsets in use (Kiribati, +14:00; Baker Island, -12:00): anything past them is a typo.
LARGEST_OFFSET = dt.timedelta(hours=14)
EARLIEST_YEAR, LATEST_YEAR = 1000, 9998
DATE_FORMS = "write it as YYYY-MM-DD, optionally with a time HH:MM[:SS] and an offset such as +02:00"


def _offset(match: re.Match[str]) -> dt.tzinfo | None:
    if not match["zone"]:
        return None
    if not match["sign"]:
        return dt.UTC
    hours, minutes = int(match["offset_hours"]), int(match["offset_minutes"] or 0)
    if minutes >= 60:
        raise ValueError(f"the offset {match['zone']} has {minutes} minutes")
    offset = dt.timedelta(hours=hours, minutes=minutes) * (-1 if match["sign"] == "-" else 1)
    if abs(offset) > LARGEST_OFFSET:
        raise ValueError(f"the offset {match['zone']} is outside -14:00 to +14:00")
    return dt.timezone(offset)


def parse_datetime(value: Any, default_timezone: dt.tzinfo) -> dt.datetime:
    """Return an aware datetime from a date, a datetime or a date written as text.

    A date or time written without an offset is read in ``default_timezone``; one written with an offset
    keeps it, so the instant the author wrote is the instant readers and feeds see. Anything that is not a
    whole date, is not a day of the calendar, or has an offset past +-14:00 raises ValueError saying so.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and (match := DATE_TEXT.fullmatch(value.strip())):
        zone = _offset(match)
        fraction = (match["fraction"] or "0")[:6].ljust(6, "0")
        try:
            moment = dt.datetime(
                int(match["year"]),
                int(match["month"]),
                int(match["day"]),
                int(match["hour"] or 0),
                int(match["minute"] or 0),
                int(match["second"] or 0),
                int(fraction),
                tzinfo=zone,
            )
        except ValueError as error:
            raise ValueError(f"{value.strip()!r} is not a moment of the calendar ({error})") from None
    else:
        raise ValueError(f"{value!r} is not a whole date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_timezone)
    elif abs(moment.utcoffset() or dt.timedelta()) > LARGEST_OFFSET:
        raise ValueError(f"the offset of {value!r} is outside -14:00 to +14:00")
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        # feeds, Highwire and sitemaps write four-digit years, and UTC must not run off the calendar
        raise ValueError(f"the year {moment.year} is outside {EARLIEST_YEAR} to {LATEST_YEAR}")
    return moment


#: Characters no page, feed or ``.bib`` can carry: the C0 and C1 controls but tab and line breaks (XML 1.0
#: refuses them; browsers and feed readers show them as boxes or stop reading), and U+FFFE, U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_character(value: Any) -> str | None:
    """The first control character in a front-matter value (text, or text in lists and mappings)."""
    if isinstance(value, str):
        found = CONTROL_CHARACTERS.search(value)
        return found.group() if found else None
    if isinstance(value, list):
        return next((c for item in value if (c := control_character(item))), None)
    if isinstance(value, dict):
        return next((c for item in [*value, *value.values()] if (c := control_character(item))), None)
    return None


def check(front: FrontMatter, default_timezone: dt.tzinfo) -> dict[str, Any]:
    """Validate the known keys; return normalised values and add a Problem for each bad one."""
    normal: dict[str, Any] = {}
    for key, value in front.values.items():
        line = front.lines.get(key, 2)
        if (character := control_character(value)) is not None:
            front.problems.append(
                Problem(line, f"'{key}' holds the control character U+{ord(character):04X}: delete it")
            )
        elif key in LIST_KEYS:
            labels = as_list(value)
            if labels is None:
                front.problems.append(Problem(line, f"'{key}' must be text or a list of text, not {value!r}"))
            else:
                normal[key] = labels
        elif key in DATE_KEYS:
            try:
                normal[key] = parse_datetime(value, default_timezone)
            except ValueError as error:
                front.problems.append(Problem(line, f"'{key}': {error}; {DATE_FORMS}"))
        elif key in TEXT_KEYS:
            if not isinstance(value, str) or not value.strip():
                front.problems.append(Problem(line, f"'{key}' must be non-empty text, not {value!r}"))
            else:
                normal[key] = value.strip()
        elif key in BOOL_KEYS:
            if not isinstance(value, bool):
                front.problems.append(Problem(line, f"'{key}' must be true or false, not {value!r}"))
            else:
                normal[key] = value
        elif key == "doi":
            try:
                normal[key] = normalise_doi(value)
            except ValueError as error:
                front.problems.append(Problem(line, f"'doi': {error}"))
        elif key in INT_KEYS:
            if isinstance(value, bool) or not isinstance(value, int):
                front.problems.append(Problem(line, f"'{key}' must be a whole number, not {value!r}"))
            else:
                normal[key] = value
    if "series_order" in normal and "series" not in front.values:
        front.problems.append(
            Problem(front.lines["series_order"], "'series_order' needs a 'series' for the post to be part of")
        )
        del normal["series_order"]
    if "date" in normal and "updated" in normal and normal["updated"] < normal["date"]:
        front.problems.append(
            Problem(
                front.lines["updated"],
                f"'updated' ({normal['updated'].isoformat()}) is before 'date' "
                f"({normal['date'].isoformat()}): a post is updated after it is published",
            )
        )
        del normal["updated"]
    return normal


def timezone_from_config(name: str) -> dt.tzinfo:
    """Return the time zone named by ``publication_timezone`` (an IANA name such as 'America/Halifax')."""
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"publication_timezone = {name!r} is not an IANA time zone name") from error


def _field_name(element: nodes.Element) -> str:
    return element[0].astext() if isinstance(element, nodes.field) else element.tagname


def _set_field_text(field_node: nodes.Element, text: str) -> None:
    body = field_node.next_node(nodes.field_body) if isinstance(field_node, nodes.field) else None
    if body is not None:
        body.children = []
        body += nodes.paragraph(text, text)
    else:  # a docinfo element such as nodes.date or nodes.author
        field_node.children = [nodes.Text(text)]


#: The longest label or old address, in bytes, that makes a file name (most file systems allow 255, and the
#: tag's feeds and ".html" need the rest).
LONGEST_NAME = 200


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def label_problem(name: str, noun: str, known: dict[str, Any]) -> str | None:
    """Why a tag, category or author cannot have an archive page, or None if it can."""
    if name in known:
        return None  # a blog_authors key: its page is named after the key
    slug = Label.of(name).slug
    if not slug:
        return f"the {noun} {name!r} has no letter or digit to make the address of its page from: add a word"
    if len(slug.encode()) > LONGEST_NAME:
        return f"the {noun} {shorten(name)!r} is too long to name its page: keep it to {LONGEST_NAME} letters"
    return None


class NormaliseFrontMatter(SphinxTransform):
    """Check a post's front matter and rewrite it into the forms ablog reads.

    Runs just before ablog's ``CheckFrontMatter`` (priority 800), after docutils has turned the front
    matter field list into a ``docinfo`` node.
    """

    default_priority = 790

    def apply(self) -> None:
        docname = self.env.docname
        path = Path(self.env.doc2path(docname))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return  # Sphinx itself reports unreadable files (publication.site.sources names them)
        front = read_post_front_matter(path, text)
        matched = docname in self.config.matched_blog_posts
        # ablog also takes any page whose front matter has a `blogpost` key, whatever its value
        if not matched and front.values.get("blogpost") is not True:
            if "blogpost" in front.values:
                self.drop_docinfo_fields({"blogpost"})
            return
        normal = check(front, timezone_from_config(self.config.publication_timezone))
        if "image" in normal:
            normal["image"] = normal["image"].lstrip("/")
            if not (Path(self.env.srcdir) / normal["image"]).is_file():
                front.problems.append(
                    Problem(
                        front.lines["image"], f"'image': no file {normal['image']!r} in {self.env.srcdir}"
                    )
                )
                del normal["image"]
        if "series" in normal and (problem := label_problem(normal["series"], "series", {})):
            front.problems.append(Problem(front.lines["series"], problem))
            del normal["series"]
            normal.pop("series_order", None)
        for key, noun in (("tags", "tag"), ("category", "category"), ("author", "author")):
            for name in list(normal.get(key, [])):
                if problem := label_problem(name, noun, self.config.blog_authors if key == "author" else {}):
                    front.problems.append(Problem(front.lines[key], problem))
                    normal[key].remove(name)
        for old in list(normal.get("redirect", [])):
            if any(len(part.encode()) > LONGEST_NAME for part in old.split("/")):
                front.problems.append(
                    Problem(
                        front.lines["redirect"], f"'redirect': {shorten(old)!r} is too long for a file name"
                    )
                )
                normal["redirect"].remove(old)
        for problem in front.problems:
            logger.warning(
                problem.message, location=(docname, problem.line), type="publication", subtype="post"
            )
        if "title" in normal:
            self.keep_title_as_written(normal["title"])
        elif "title" in front.values:  # refused: the page still needs a title every output can carry
            self.keep_title_as_written(
                CONTROL_CHARACTERS.sub("", str(front.values["title"])).strip() or docname
            )
        self.env.metadata[docname][RECORD_KEY] = self.record(docname, front, normal)
        # what was refused above must not reach ablog, which would read it its own way (or crash on it)
        refused = {
            key for key in (*DATE_KEYS, *LIST_KEYS, *TEXT_KEYS, *BOOL_KEYS, *INT_KEYS) if key in front.values
        }
        empty = {key for key in LIST_KEYS if key in normal and not normal[key]}  # ablog reads "" as [""]
        self.drop_docinfo_fields((refused - set(normal)) | empty | set(ABLOG_CONFLICTS))
        for element in self.docinfo_fields():
            key = _field_name(element)
            if key in DATE_KEYS:
                # in UTC for ablog, which cannot read a local mean time offset (+00:53:28, Berlin before
                # 1893); it takes the record's own date right after (ablog_patches.take_dates_from_records)
                _set_field_text(element, normal[key].astimezone(dt.UTC).isoformat())
            elif key in LIST_KEYS:
                _set_field_text(element, ", ".join(normal[key]))

    def record(self, docname: str, front: FrontMatter, normal: dict[str, Any]) -> PostRecord:
        """The post's record, from its checked front matter."""
        heading = next(iter(self.document.findall(nodes.title)), None)
        date = normal.get("date")
        default = self.config.blog_default_author or []  # ablog takes a key or a list of keys
        authors = normal.get("author") or ([default] if isinstance(default, str) else list(default))
        return PostRecord(
            docname=docname,
            source=Path(self.env.doc2path(docname)).relative_to(self.env.srcdir).as_posix(),
            lines=dict(front.lines),
            # a post without a title is reported (publication.site.sources); its outputs still need one
            title=normal.get("title") or (heading.astext() if heading is not None else "") or docname,
            description=normal.get("description"),
            date=date,
            updated=normal.get("updated"),
            authors=resolve_authors(authors, self.config.blog_authors, people_of(self.config)),
            categories=tuple(Label.of(name) for name in normal.get("category", [])),
            tags=tuple(Label.of(name) for name in normal.get("tags", [])),
            image=normal.get("image"),
            image_alt=normal.get("image_alt", ""),
            comments=normal.get("comments", False),
            redirects=tuple(normal.get("redirect", [])),
            series=Label.of(normal["series"]) if "series" in normal else None,
            series_order=normal.get("series_order"),
            doi=normal.get("doi"),
        )

    def docinfo_fields(self) -> list[nodes.Element]:
        docinfo = next(iter(self.document.findall(nodes.docinfo)), None)
        return list(docinfo.children) if docinfo is not None else []

    def drop_docinfo_fields(self, keys: set[str]) -> None:
        for element in self.docinfo_fields():
            if _field_name(element) in keys:
                element.parent.remove(element)

    def keep_title_as_written(self, title: str) -> None:
        """Show the front matter's title as the text it is.

        MyST turns it into a Markdown heading (``# {title}``), so ``<angle>`` would become an HTML tag and
        vanish, and ``*`` or ``_`` emphasis; a Jekyll title is plain text, and so is this one.
        """
        heading = next(iter(self.document.findall(nodes.title)), None)
        if heading is not None:
            heading.children = []
            heading += nodes.Text(title)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_timezone", "UTC", "env", types=[str])
    app.setup_extension("publication.site.posts")
    app.add_transform(NormaliseFrontMatter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

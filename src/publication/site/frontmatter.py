"""Read, check and normalise the YAML front matter of blog posts.

MyST hands front matter to Sphinx as text (lists become JSON strings, line numbers are lost) and ablog then
parses that text again. This module reads the front matter itself, with types and line numbers, reports
every problem as a warning at ``file:line``, and rewrites the fields ablog reads into the plain forms it
understands: comma-separated lists, and ISO 8601 dates that always carry a UTC offset.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from dateutil.parser import ParserError
from dateutil.parser import parse as parse_date_text
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Keys whose value may be one string, a comma-separated string, or a YAML list of strings.
LIST_KEYS = ("tags", "category", "author", "location", "language")
#: Keys that must hold text.
TEXT_KEYS = ("title", "description", "image", "image_alt")
#: Keys that must be true or false.
BOOL_KEYS = ("comments",)
#: Keys this project reads that ablog would misread (its ``image`` is the number of an image to excerpt).
ABLOG_CONFLICTS = ("image",)
#: Keys that hold a date and time.
DATE_KEYS = ("date", "updated")

#: libyaml's safe loader when PyYAML has it (ten times faster: every post's front matter is read on every
#: build, to tell drafts apart), else the pure-Python one; both read the same YAML the same way.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

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
    found = FrontMatter()
    match = FRONT_MATTER_BLOCK.match(text)
    if not match:
        return found
    block = match.group(1)
    try:
        root = yaml.compose(block, Loader=YAML_LOADER)
        data = yaml.load(block, Loader=YAML_LOADER)
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


def as_list(value: Any) -> list[str] | None:
    """Return a list of labels from a string ('a, b') or a YAML list, or None if it is neither."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return [str(item).strip() for item in value if str(item).strip()]
    return None


def parse_datetime(value: Any, default_timezone: dt.tzinfo) -> dt.datetime:
    """Return an aware datetime from a YAML date, datetime or date string.

    A date or time written without an offset is read in ``default_timezone``; one written with an offset
    keeps it, so the instant the author wrote is the instant readers and feeds see.
    """
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    elif isinstance(value, str) and value.strip():
        try:
            moment = parse_date_text(value.strip())
        except (ParserError, OverflowError, ValueError) as error:
            raise ValueError(f"{value!r} is not a date") from error
    else:
        raise ValueError(f"{value!r} is not a date")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_timezone)
    return moment


def check(front: FrontMatter, default_timezone: dt.tzinfo) -> dict[str, Any]:
    """Validate the known keys; return normalised values and add a Problem for each bad one."""
    normal: dict[str, Any] = {}
    for key, value in front.values.items():
        line = front.lines.get(key, 2)
        if key in LIST_KEYS:
            labels = as_list(value)
            if labels is None:
                front.problems.append(Problem(line, f"'{key}' must be text or a list of text, not {value!r}"))
            else:
                normal[key] = labels
        elif key in DATE_KEYS:
            try:
                normal[key] = parse_datetime(value, default_timezone)
            except ValueError as error:
                front.problems.append(
                    Problem(line, f"'{key}': {error}; write it as YYYY-MM-DD HH:MM:SS +HH:MM")
                )
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
    return normal


def timezone_from_config(name: str) -> dt.tzinfo:
    """Return the time zone named by ``publication_timezone`` (an IANA name such as 'America/Halifax')."""
    if name.upper() == "UTC":
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"publication_timezone = {name!r} is not an IANA time zone name") from error


def _set_field_text(field_node: nodes.Element, text: str) -> None:
    body = field_node.next_node(nodes.field_body) if isinstance(field_node, nodes.field) else None
    if body is not None:
        body.children = []
        body += nodes.paragraph(text, text)
    else:  # a docinfo element such as nodes.date or nodes.author
        field_node.children = [nodes.Text(text)]


class NormaliseFrontMatter(SphinxTransform):
    """Check a post's front matter and rewrite it into the forms ablog reads.

    Runs just before ablog's ``CheckFrontMatter`` (priority 800), after docutils has turned the front
    matter field list into a ``docinfo`` node.
    """

    default_priority = 790

    def apply(self) -> None:
        docname = self.env.docname
        if docname not in self.config.matched_blog_posts:
            return
        path = Path(self.env.doc2path(docname))
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return  # Sphinx itself reports unreadable files
        front = read_front_matter(text)
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
        for problem in front.problems:
            logger.warning(
                problem.message, location=(docname, problem.line), type="publication", subtype="post"
            )
        self.env.metadata[docname]["publication"] = normal
        if "title" in normal:
            self.keep_title_as_written(normal["title"])
        docinfo = next(iter(self.document.findall(nodes.docinfo)), None)
        if docinfo is None:
            return
        for element in list(docinfo.children):
            key = element[0].astext() if isinstance(element, nodes.field) else element.tagname
            if key in DATE_KEYS and key not in normal and key in front.values:
                docinfo.remove(element)  # a bad date was reported above; ablog must not crash on it
            elif key in DATE_KEYS and key in normal:
                _set_field_text(element, normal[key].isoformat())
            elif key in LIST_KEYS and key in normal:
                _set_field_text(element, ", ".join(normal[key]))
            elif key in ABLOG_CONFLICTS:
                docinfo.remove(element)  # kept in env.metadata; ablog would misread it

    def keep_title_as_written(self, title: str) -> None:
        """Show the front matter's title as the text it is.

        MyST turns it into a Markdown heading (``# {title}``), so ``<angle>`` would become an HTML tag and
        vanish, and ``*`` or ``_`` emphasis; a Jekyll title is plain text, and so is this one.
        """
        heading = next(iter(self.document.findall(nodes.title)), None)
        if heading is not None:
            heading.children = []
            heading += nodes.Text(title)


def metadata_of(env: Any, docname: str) -> dict[str, Any]:
    """The checked front matter of a post (empty for other pages)."""
    return env.metadata.get(docname, {}).get("publication", {})


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_timezone", "UTC", "env", types=[str])
    app.add_transform(NormaliseFrontMatter)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""kramdown's extensions to Markdown, to MyST: attribute lists, the table of contents marker, header ids,
setext headings, math, and the ``<!--more-->`` excerpt marker.

https://kramdown.gettalong.org/syntax.html
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .blocks import Math, label_name, unescape_markdown
from .inline import math_spans
from .myst import Page, admonition, admonition_kind

_BLOCK_IAL = re.compile(r"^ {0,3}\{:\s*(?P<body>[^}]*?)\s*:?\}\s*$")
_SPAN_IAL = re.compile(r"(?<=[)`*_\]>\ue001])\{:\s*(?P<body>[^}\n]*?)\s*:?\}")
_TOC = re.compile(
    r"^ {0,3}(?:[-*+]|1\.)\s+(?:toc|TOC|Table of Contents)\s*\n {0,3}\{:\s*\.?toc\s*\}[ \t]*$", re.M
)
_HEADING = re.compile(r"^(?P<hashes>#{1,6})[ \t]+(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_HEADER_ID = re.compile(r"\s*\{#(?P<id>[\w:.-]+)\}\s*$")
_SETEXT = re.compile(r"^(?P<text>[^\n]*\S[^\n]*)\n(?P<rule>=+|-+)[ \t]*$", re.M)
_MORE = re.compile(r"^\s*<!--\s*more\s*-->\s*$", re.M | re.I)
#: Presentation-only classes of images and spans: alignment keeps its meaning, the rest is styling.
_ALIGN = {"align-left": "align-left", "align-right": "align-right", "align-center": "align-center"}
_CENTRED = {"mx-auto", "d-block", "center", "centered"}


def classes_of(body: str) -> list[str]:
    """The classes of an attribute list body: '.a.b', '.a .b', 'class="a b"'."""
    found = re.findall(r"\.([\w-]+)", re.sub(r"\"[^\"]*\"|'[^']*'", "", body))
    quoted = re.search(r"class=[\"']([^\"']*)[\"']", body)
    return found + (quoted.group(1).split() if quoted else [])


class Kramdown:
    """Convert kramdown's extensions in one post."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def toc(self, text: str) -> str:
        def contents(_match: re.Match[str]) -> str:
            self.page.report.count("tables of contents")
            return "```{contents}\n:local:\n```"

        return _TOC.sub(contents, text)

    def block_ials(self, text: str) -> str:
        """Block attribute lists: callout classes make admonitions; other classes are reported."""
        lines = text.split("\n")
        out: list[str] = []
        index = 0
        while index < len(lines):
            match = _BLOCK_IAL.match(lines[index])
            if not match or match.group("body").strip().lower() in ("toc", ".toc"):
                out.append(lines[index])
                index += 1
                continue
            classes = classes_of(match.group("body"))
            kind = admonition_kind(classes)
            applies_to_previous = bool(out) and out[-1].strip() != ""
            if kind and applies_to_previous:
                start = len(out)
                while start > 0 and out[start - 1].strip():
                    start -= 1
                block = out[start:]
                del out[start:]
                out.append(self.callout(kind, block))
                index += 1
                continue
            if kind:
                end = index + 1
                while end < len(lines) and lines[end].strip():
                    end += 1
                out.append(self.callout(kind, lines[index + 1 : end]))
                index = end
                continue
            if classes or match.group("body").strip():
                self.page.keep(
                    lines[index], f"attribute list {lines[index].strip()!r} dropped (styling only)"
                )
            index += 1
        return "\n".join(out)

    def callout(self, kind: str, block: list[str]) -> str:
        self.page.report.count("attribute lists to admonitions")
        if block and all(line.startswith(">") for line in block):
            block = [re.sub(r"^> ?", "", line) for line in block]
        body = "\n".join(block).strip()
        title = None
        heading = re.match(r"#{1,6}\s+(.+?)\s*(?:\n|$)", body)
        if heading:
            title, body = heading.group(1), body[heading.end() :].strip()
        return admonition(kind, body, title)

    def span_ials(self, text: str) -> str:
        """Span attribute lists: image alignment is kept (as MyST attributes); the rest is styling."""

        def replace(match: re.Match[str]) -> str:
            classes = classes_of(match.group("body"))
            aligned = [_ALIGN[c] for c in classes if c in _ALIGN]
            if not aligned and _CENTRED & set(classes):
                aligned = ["align-center"]
            self.page.report.count("span attribute lists")
            return "{." + aligned[0] + "}" if aligned and text[match.start() - 1] == ")" else ""

        return _SPAN_IAL.sub(replace, text)

    def headings(self, text: str, has_title: bool) -> str:
        """ATX headings only, ids as MyST targets, levels without gaps under the post's title."""
        text = _SETEXT.sub(self._setext, text)
        lines = text.split("\n")
        stack: list[tuple[int, int]] = []  # (level written, level given)
        top = 2 if has_title else 1
        for index, line in enumerate(lines):
            match = _HEADING.match(line)
            if not match:
                continue
            level = len(match.group("hashes"))
            heading = match.group("text")
            label = ""
            found_id = _HEADER_ID.search(heading)
            if found_id:
                heading = heading[: found_id.start()]
                label = f"({found_id.group('id')})=\n"
                self.page.report.count("header ids")
            while stack and stack[-1][0] >= level:
                stack.pop()
            given = stack[-1][1] + 1 if stack else top
            stack.append((level, given))
            if given != level:
                self.page.report.count("heading levels adjusted")
            lines[index] = f"{label}{'#' * given} {heading}"
        return "\n".join(lines)

    def _setext(self, match: re.Match[str]) -> str:
        text = match.group("text")
        if re.match(r"^\s*([-*+>|]|\d+\.|\ue000|<|```|~~~)", text) or text.startswith("    "):
            return match.group(0)
        self.page.report.count("setext headings")
        return ("# " if match.group("rule")[0] == "=" else "## ") + text.strip()

    def more(self, text: str) -> tuple[str, int | None]:
        """Remove the excerpt marker; return the number of paragraphs before it (ablog's ``excerpt``)."""
        match = _MORE.search(text)
        if not match:
            return text, None
        self.page.report.count("excerpt markers")
        before = text[: match.start()]
        paragraphs = [
            block
            for block in re.split(r"\n\s*\n", before)
            if block.strip() and not re.match(r"\s*(#|```|:::|\(|<!--|<div|\|)", block)
        ]
        return text[: match.start()] + text[match.end() :], max(1, len(paragraphs))


_DISPLAY_BRACKETS = re.compile(r"^(?P<indent>[ \t>]*)\\\\\[(?P<math>.*?)\\\\\][ \t]*$", re.S | re.M)
_EQREF = re.compile(r"\\(?:eq)?ref\{(?P<label>[^}]+)\}")


def convert_math(text: str, page: Page, math: Math, hold: Callable[[str], str]) -> str:
    """kramdown's math left in the prose once display blocks are held: ``$$`` inline, ``\\( \\)``, ``\\[ \\]``
    (whose Markdown escapes kramdown removes before MathJax reads them), and equation references."""

    def line_of(match: re.Match[str]) -> int | None:
        return page.line(match.group(0)) if page.source else None

    def brackets(match: re.Match[str]) -> str:
        latex = unescape_markdown(match.group("math"))
        return match.group("indent") + hold(math.block(latex, line_of(match)))

    text = _DISPLAY_BRACKETS.sub(brackets, text)
    # inline math where markdown-it's inline parser reads it, so never in a link's address, an HTML tag or
    # an image's alt text; replaced from the end, so earlier offsets stay true
    spans = math_spans(text)
    held = []
    for span in spans:  # in reading order: a formula written twice is reported at each place
        latex = span.latex if span.markup == "$$" else unescape_markdown(span.latex)
        line = page.line(text[span.start : span.end]) if page.source else None
        held.append(hold(math.inline(latex, line)))
    for span, replacement in reversed(list(zip(spans, held, strict=True))):
        text = text[: span.start] + replacement + text[span.end :]

    def reference(match: re.Match[str]) -> str:
        if match.group("label") not in math.labels:
            return match.group(0)
        page.report.count("equation references")
        return f"{{eq}}`{label_name(match.group('label'))}`"

    return _EQREF.sub(reference, text)

"""kramdown's inline math found by markdown-it's inline parser, with where each formula stands in the text.

A regular expression over the raw text also finds ``$$x$$`` in a link's address, an HTML attribute or an
image's alt text; the inline parser reads them as what they are (a link destination, an HTML tag, an image
label), so only math of the prose is math. Each span is given with its offsets in the text, from the parent
block's source map and the rule's own position, so the converter replaces exactly that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_DOLLARS = re.compile(r"\$\$(?P<math>(?:[^$\n]|\n(?![ \t]*\n))+?)\$\$")
_PARENS = re.compile(r"\\\\\((?P<math>(?:[^\n]|\n(?![ \t]*\n))+?)\\\\\)")
#: HTML elements whose text MathJax leaves alone (its skipHtmlTags): math there is not math on Jekyll's page.
_NOT_MATH = re.compile(r"<(?P<close>/?)(?P<tag>code|pre|kbd|samp|textarea)\b", re.I)


@dataclass(frozen=True)
class MathSpan:
    """One inline formula: its offsets in the text, its TeX as written, and its delimiter."""

    start: int
    end: int
    latex: str
    markup: str  # "$$" or "\\\\("


def _math_rule(state: StateInline, silent: bool) -> bool:
    r"""kramdown's inline math: ``$$x$$`` in a line of prose, and ``\\( x \\)`` (its Markdown escape of
    MathJax's ``\( x \)``)."""
    if state.src.startswith("$$", state.pos):
        if state.pos > 0 and state.src[state.pos - 1] in "\\$":
            return False
        pattern, markup = _DOLLARS, "$$"
    elif state.src.startswith("\\\\(", state.pos):
        pattern, markup = _PARENS, "\\\\("
    else:
        return False
    match = pattern.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("kramdown_math", "math", 0)
        token.content = match.group("math")
        token.markup = markup
        token.meta = {"at": (state.pos, match.end()), "raw": match.group(0)}
    state.pos = match.end()
    return True


_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_PARSER.inline.ruler.before("escape", "kramdown_math", _math_rule)


def math_spans(text: str) -> list[MathSpan]:
    """The inline formulas of ``text``'s prose (not in code, link addresses, HTML tags or image labels)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    spans: list[MathSpan] = []
    block_map: list[int] | None = None
    for token in _PARSER.parse(text):
        if token.map:
            block_map = token.map
        if token.type != "inline" or not token.children or block_map is None:
            continue
        offsets = _line_offsets(token.content, lines[block_map[0] : block_map[1]])
        skipped = 0  # inside <code>, <pre> ...: MathJax leaves the text alone
        for child in token.children:
            if child.type == "html_inline":
                tag = _NOT_MATH.match(child.content)
                if tag:
                    skipped = max(0, skipped + (-1 if tag.group("close") else 1))
            if child.type != "kramdown_math" or skipped:
                continue
            start, end = (
                _absolute(at, token.content, offsets, starts, block_map[0]) for at in child.meta["at"]
            )
            # only where the text there is the formula as parsed (a quote marker inside it: left as it was)
            if start is not None and end is not None and text[start:end] == child.meta["raw"]:
                spans.append(MathSpan(start, end, child.content, child.markup))
    return spans


def _line_offsets(content: str, source_lines: list[str]) -> list[int | None]:
    """Where each line of an inline token's content starts in its block's source lines (a paragraph's
    content is its lines less their indentation and quote markers), or None where it cannot be told."""
    found: list[int | None] = []
    for index, line in enumerate(content.split("\n")):
        source = source_lines[index] if index < len(source_lines) else ""
        stripped = line.rstrip()
        at = len(source.rstrip()) - len(stripped)
        if at >= 0 and source[at : at + len(stripped)] == stripped:
            found.append(at)
        elif stripped and source.count(stripped) == 1:  # a table cell: one of several on the line
            found.append(source.find(stripped))
        else:
            found.append(None)
    return found


def _absolute(at: int, content: str, offsets: list[int | None], starts: list[int], first: int) -> int | None:
    line = content.count("\n", 0, at)
    column = at - (content.rfind("\n", 0, at) + 1)
    offset = offsets[line] if line < len(offsets) else None
    return None if offset is None else starts[first + line] + offset + column

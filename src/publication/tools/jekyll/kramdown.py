"""kramdown's extensions to Markdown, to MyST: attribute lists, the table of contents marker, header ids,
setext headings, math, and the ``<!--more-->`` excerpt marker.

https://kramdown.gettalong.org/syntax.html
"""

from __future__ import annotations

import re

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


_DISPLAY_DOLLARS = re.compile(r"^(?P<indent>[ \t]*)\$\$[ \t]*\n(?P<math>.*?)\n[ \t]*\$\$[ \t]*$", re.S | re.M)
_LONE_DOLLARS = re.compile(r"^(?P<indent>[ \t]*)\$\$(?P<math>[^\n$]+?)\$\$[ \t]*$", re.M)
_INLINE_DOLLARS = re.compile(r"\$\$(?P<math>[^\n$]+?)\$\$")
_INLINE_PARENS = re.compile(r"\\\\\((?P<math>.+?)\\\\\)")
_DISPLAY_BRACKETS = re.compile(r"^[ \t]*\\\\\[(?P<math>.*?)\\\\\][ \t]*$", re.S | re.M)
_ENVIRONMENT = re.compile(
    r"^[ \t]*\\begin\{(?P<env>equation\*?|align\*?|gather\*?|multline\*?)\}"
    r"(?P<math>.*?)\\end\{(?P=env)\}[ \t]*$",
    re.S | re.M,
)
_LABEL = re.compile(r"\\label\{(?P<label>[^}]+)\}")
_EQREF = re.compile(r"\\(?:eq)?ref\{(?P<label>[^}]+)\}")


def label_name(label: str) -> str:
    return re.sub(r"[^\w-]+", "-", label).strip("-")


def convert_math(text: str, page: Page) -> str:
    """kramdown math (``$$`` inline and display, ``\\\\( \\\\)``, equation environments) to MyST."""
    labels: set[str] = set()

    def block(math: str, indent: str = "") -> str:
        page.report.count("display math")
        found = _LABEL.search(math)
        options = ""
        if found:
            name = label_name(found.group("label"))
            labels.add(found.group("label"))
            options = f":label: {name}\n"
            math = _LABEL.sub("", math)
        body = "\n".join(line.strip() for line in math.strip().split("\n") if line.strip())
        return "\n".join(indent + line for line in f"```{{math}}\n{options}{body}\n```".split("\n"))

    def environment(match: re.Match[str]) -> str:
        env = match.group("env")
        inner = match.group("math")
        if env.startswith("equation"):
            return block(inner)
        # keep multi-line environments whole; Sphinx's math directive wraps them in their own
        page.report.count("display math")
        found = _LABEL.search(inner)
        options = ""
        if found:
            labels.add(found.group("label"))
            options = f":label: {label_name(found.group('label'))}\n"
            inner = _LABEL.sub("", inner)
        return f"```{{math}}\n{options}\\begin{{{env}}}{inner}\\end{{{env}}}\n```"

    def inline(match: re.Match[str]) -> str:
        page.report.count("inline math")
        math = match.group("math").strip()
        return f"{{math}}`{math}`" if "`" not in math else f"{{math}}``{math}``"

    text = _ENVIRONMENT.sub(environment, text)
    text = _DISPLAY_DOLLARS.sub(lambda m: block(m.group("math"), m.group("indent")), text)
    text = _LONE_DOLLARS.sub(lambda m: block(m.group("math"), m.group("indent")), text)
    text = _DISPLAY_BRACKETS.sub(lambda m: block(m.group("math")), text)
    text = _INLINE_DOLLARS.sub(inline, text)
    text = _INLINE_PARENS.sub(inline, text)

    def reference(match: re.Match[str]) -> str:
        if match.group("label") not in labels:
            return match.group(0)
        page.report.count("equation references")
        return f"{{eq}}`{label_name(match.group('label'))}`"

    return _EQREF.sub(reference, text)

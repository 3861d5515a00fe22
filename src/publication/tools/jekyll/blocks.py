"""The code and math blocks of a post, found by markdown-it-py (the parser MyST runs on) and converted whole.

Each block becomes one MyST block held behind a placeholder, so no later step (HTML, attribute lists, links,
inline math) can split it or read its content as prose: a ``$$`` around ``\\begin{equation}`` is one math
block, never a fence inside a fence.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from ...site.mathml import UnsupportedMath, to_mathml
from .code import code_block, fence_for
from .myst import Page

#: kramdown's Markdown as MyST reads it: '$$' display blocks, amsmath environments, footnotes, deflists.
PARSER = (
    MarkdownIt("commonmark")
    .enable("table")
    .use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    .use(amsmath_plugin)
    .use(footnote_plugin)
    .use(deflist_plugin)
)

#: Chirpy's label of a code block, an attribute list on the line after its fence: {: file="_config.yml" }.
_FILE_LABEL = re.compile(
    r"""^[ \t>]*\{:[^}\n]*?\bfile\s*=\s*(?P<q>["']?)(?P<file>[^"'}\s]+(?:[^"'}\n]*?))(?P=q)[^}\n]*\}\s*$"""
)
_LABEL = re.compile(r"\\label\{(?P<label>[^}]+)\}")
_EQUATION = re.compile(r"^\\begin\{(?P<env>equation\*?|displaymath)\}(?P<math>.*)\\end\{(?P=env)\}$", re.S)
#: Markdown's backslash escapes (CommonMark: any ASCII punctuation), which kramdown removes in math.
_MARKDOWN_ESCAPE = re.compile(r"\\([!\"#$%&'()*+,\-./:;<=>?@\[\]^_`{|}~\\])")
#: Rewrites of LaTeX that MathJax took and latex2mathml does not, to LaTeX with the same rendering.
_MATHML_REWRITES = [
    (re.compile(r"\\(?:notag|nonumber)\b\s*"), ""),  # Sphinx numbers the block, not its lines
    (re.compile(r"\\(arg|argmin|argmax)(?![A-Za-z])"), r"\\operatorname{\1}"),
    (re.compile(r"\\begin\{aligned\}"), r"\\begin{array}{rl}"),
    (re.compile(r"\\end\{aligned\}"), r"\\end{array}"),
    (re.compile(r"\\begin\{alignedat\}\{\d+\}"), r"\\begin{array}{rlrlrl}"),
    (re.compile(r"\\end\{alignedat\}"), r"\\end{array}"),
]


def label_name(label: str) -> str:
    return re.sub(r"[^\w-]+", "-", label).strip("-")


def for_mathml(latex: str) -> str:
    """``latex`` with the commands MathML rendering lacks replaced by equivalents it has."""
    for pattern, replacement in _MATHML_REWRITES:
        latex = pattern.sub(replacement, latex)
    return latex


def unescape_markdown(text: str) -> str:
    """What kramdown hands to MathJax from ``\\\\( a\\_1 \\\\)``: Markdown's escapes removed."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


class Math:
    """Math of one post: each formula made MathML-ready, checked, and reported where it will not render."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.labels: set[str] = set()

    def check(self, latex: str, display: bool, line: int | None) -> None:
        try:
            to_mathml(latex, display=display)
        except UnsupportedMath as error:
            at = self.page.at
            self.page.at = line if line is not None else at
            self.page.keep(latex, f"math the MathML renderer cannot take, the build will warn: {error}")
            self.page.at = at

    def block(self, latex: str, line: int | None = None) -> str:
        """A ``{math}`` block for display math, whatever wrapped it: ``$$``, ``\\[``, an environment."""
        self.page.report.count("display math")
        latex = latex.strip()
        equation = _EQUATION.match(latex)
        if equation:  # Sphinx's math block is an equation already
            latex = equation.group("math").strip()
        labels = _LABEL.findall(latex)
        latex = _LABEL.sub("", latex)
        options = ""
        if labels:
            self.labels.add(labels[0])
            options = f":label: {label_name(labels[0])}\n"
            for extra in labels[1:]:
                self.page.keep(extra, f"equation label {extra!r} dropped: a math block takes one label")
        latex = for_mathml("\n".join(line.strip() for line in latex.split("\n") if line.strip()))
        self.check(latex, True, line)
        fence = fence_for(latex)
        return f"{fence}{{math}}\n{options}{latex}\n{fence}"

    def inline(self, latex: str, line: int | None = None) -> str:
        self.page.report.count("inline math")
        latex = for_mathml(" ".join(latex.split()))
        self.check(latex, False, line)
        fence = "`" * (max((len(run) for run in re.findall("`+", latex)), default=0) + 1)
        pad = " " if latex.startswith("`") or latex.endswith("`") else ""
        return f"{{math}}{fence}{pad}{latex}{pad}{fence}"


#: CommonMark's HTML blocks that end only at a closing mark (its types 2 to 5), most specific first.
_CLOSING_MARKS = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"), ("<!", ">"))


def escape_unclosed_html_blocks(text: str) -> str:
    """Escape the '<' of a line opening an HTML block that nothing closes.

    kramdown reads such a line ('<?', '<!--' with no end) as text; CommonMark, and so MyST, make the rest of
    the post raw HTML, its code and math blocks included.
    """
    lines = text.split("\n")
    while True:
        for token in PARSER.parse("\n".join(lines)):
            if token.type != "html_block" or not token.map:
                continue
            line = lines[token.map[0]]
            stripped = line.lstrip(" ")
            opener, mark = next(((o, m) for o, m in _CLOSING_MARKS if stripped.startswith(o)), ("", ""))
            if (
                opener
                and len(line) - len(stripped) <= 3
                and mark not in token.content.lstrip(" ")[len(opener) :]
            ):
                lines[token.map[0]] = line[: len(line) - len(stripped)] + "\\" + stripped
                break  # read again: what followed the escaped line may be blocks of its own
        else:
            return "\n".join(lines)


def hold_blocks(
    text: str, page: Page, math: Math, hold: Callable[[str], str], first_line: int | None = None
) -> str:
    """Replace every code and math block of ``text`` by a held MyST block, on one line where it stood."""
    lines = text.split("\n")
    replaced: dict[int, tuple[int, str]] = {}  # first line -> (line after the block, placeholder line)
    for token in PARSER.parse(text):
        if not token.map or token.type not in ("fence", "math_block", "math_block_label", "amsmath"):
            continue
        begin, end = token.map
        if token.type == "amsmath":  # mdit-py-plugins 0.7 maps it one line short: count its own lines
            end = max(end, begin + token.content.strip("\n").count("\n") + 1)
        if any(start <= begin < stop for start, (stop, _) in replaced.items()):
            continue
        prefix = _prefix(lines[begin], token)
        at = first_line + begin if first_line is not None else None
        end = min(end, len(lines))
        label = _FILE_LABEL.match(lines[end]) if token.type == "fence" and end < len(lines) else None
        if label:
            page.report.count("code file labels to captions")
            end += 1
        block = _convert(token, page, math, at, label.group("file").strip() if label else "")
        if block is None:
            continue
        # every line after the first carries the prefix ('> ' in a quote, the indent in a list) again
        body = "\n".join(prefix + line if line else prefix.rstrip() for line in block.split("\n"))
        replaced[begin] = (end, prefix + hold(body.removeprefix(prefix)))
    out: list[str] = []
    index = 0
    while index < len(lines):
        if index in replaced:
            end, placeholder = replaced[index]
            out.append(placeholder)
            index = end
            continue
        out.append(lines[index])
        index += 1
    return "\n".join(out)


def _prefix(line: str, token: Token) -> str:
    """What stands before the block on its first line: indentation, '>' of a quote, a list marker's room."""
    marker = {"fence": token.markup[:1] or "`", "amsmath": "\\"}.get(token.type, "$")
    position = line.find(marker)
    prefix = line[:position] if position >= 0 else ""
    return re.sub(r"[^\s>]", " ", prefix)


def _convert(token: Token, page: Page, math: Math, line: int | None, caption: str = "") -> str | None:
    if token.type == "fence":
        info = token.info.strip()
        if info.startswith("{"):  # a MyST directive written in the post already
            fence = token.markup
            return f"{fence}{token.info}\n{token.content}{fence}"
        language = info.split()[0] if info else ""
        block, note = code_block(language, token.content, caption=caption)
        if note:
            at = page.at
            page.at = line
            page.keep(token.markup + info, note)
            page.at = at
        page.report.count("code blocks")
        return block
    if token.type == "math_block_label":  # '$$ x $$ (name)': MyST's own label syntax
        return math.block(f"{token.content}\\label{{{token.info}}}", line)
    return math.block(token.content, line)

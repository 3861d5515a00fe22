"""The importer's accounting: what of each Jekyll post reached its MyST page, converted or not, and what not.

Both sides are read as trees, as their own parsers read them. The source: Liquid first, as Jekyll renders it
(tags lexed as Liquid's own tokenizer does, each replaced by a stand-in for what the theme's plugin prints),
then kramdown's Markdown through markdown-it-py with mdit-py-plugins (footnotes, ``$$`` math, amsmath,
definition lists, tables) and two small rules for what only kramdown has (``\\( \\)`` math, abbreviations).
The output: MyST's own markdown-it configuration (``myst_parser.parsers.mdit.create_md_parser``), with
directives and roles read as a reader meets them (a ``{figure}`` is an image, ``{footcite}`` a citation,
``{margin}`` a note, ``{code-block}`` code). Each side is rendered to HTML and parsed with html5lib, as a
browser would, and one walker makes an :class:`Inventory` of both: prose words, code words, and the
images, links, notes (footnotes, side and margin notes), citations, equations, scripts and embeds,
abbreviations and Liquid tags of the page.

A construct of the source that is not in the output must be named in the converter's report
(:class:`~publication.tools.jekyll.report.PostReport`) at a line of its block. A finding made with
``keep`` promises the construct's text is still there, so it excuses a citation left as text but never
missing words; only ``drop`` excuses words. Whatever is missing and not excused is a *silent loss*.
"""

from __future__ import annotations

import difflib
import html
import os
import re
import shlex
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import html5lib
import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .notebooks import as_markdown, find_embed
from .report import Finding, PostReport

#: MyST extensions of the site (docs/conf.py's myst_enable_extensions) that change how a post is parsed.
MYST_EXTENSIONS = ("colon_fence", "deflist", "attrs_block", "attrs_inline", "dollarmath", "amsmath")

_WORD = re.compile(r"\w+")
# Liquid's own tokenizer is this alternation (Liquid::Tokenizer): tags and outputs, nothing nested
_LIQUID = re.compile(r"\{%-?(?P<tag>.*?)-?%\}|\{\{-?(?P<output>.*?)-?\}\}", re.S)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# kramdown's attribute lists, extensions and header ids ({: .notice}, {::comment}, {#local-urls})
_KRAMDOWN_IAL = re.compile(r"\{::?[^}\n]*\}|\{:/[^}\n]*\}|\{#[\w:.-]+\}")
_KRAMDOWN_TOC = re.compile(r"\{:\s*\.?toc\s*\}\s*$")
_PARAMETER = re.compile(r"""\b(?P<key>\w+)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>\S+))""")
#: Arguments of an {% include %} that themes print as text (fastpages' alerts, galleries' captions).
_INCLUDE_TEXT = ("text", "caption", "title", "content", "description", "quote", "summary")


@dataclass(frozen=True)
class Item:
    """One construct of a page: what it is, how it is identified, the form it takes there, and its lines."""

    kind: str
    key: str  # what identifies it on both sides (a file name, a citation key, a note's words ...)
    value: str  # as written (a URL, the TeX, the tag)
    form: str  # "markdown", "html", "liquid" or "myst"
    lines: tuple[int, int] = (0, 0)


@dataclass
class Block:
    """The words of one block of prose (a paragraph, a heading, a list item ...) and its lines."""

    lines: tuple[int, int]
    words: list[str] = field(default_factory=list)


@dataclass
class Inventory:
    """What a reader finds on a page: prose and code words, and its constructs."""

    blocks: list[Block] = field(default_factory=list)
    code: Counter[str] = field(default_factory=Counter)
    code_blocks: list[Block] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True)
class Loss:
    """A construct (or words) of the source not found in the converted post."""

    path: Path
    line: int
    kind: str
    what: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.kind} {self.what}: {self.why}"


@dataclass
class Accounting:
    """One post's balance: constructs kept as they were, converted, and not in the output."""

    path: Path
    kept: int = 0
    converted: int = 0
    reported: list[Finding] = field(default_factory=list)  # not carried over, and named by the converter
    silent: list[Loss] = field(default_factory=list)  # not carried over, and not named (or named as kept)

    @property
    def not_converted(self) -> int:
        return len(self.reported) + len(self.silent)


def words_of(text: str) -> list[str]:
    """Words as a reader compares them: Unicode-normalised, case-folded, punctuation aside."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# -- The source: Liquid as Jekyll renders it -------------------------------------------------------------

#: Tags whose output a theme's plugin prints as prose (tufte-jekyll, al-folio), by argument positions.
_PROSE_TAGS = {"newthought": (0,), "epigraph": (0, 1, 2)}
_NOTE_TAGS = {"sidenote": 1, "marginnote": 1}
#: Tags that print a figure: where the image and caption are among the arguments (a margin figure's first
#: argument is its id).
_FIGURE_TAGS = {"fullwidth": (0, 1), "maincolumn": (0, 1), "marginfigure": (1, 2)}
_CITE_TAGS = {"cite", "citep", "citet", "reference", "cite_details"}
_CONTROL_TAGS = {
    "if", "elsif", "else", "endif", "unless", "endunless", "for", "endfor", "case", "when", "endcase",
    "assign", "capture", "endcapture", "increment", "decrement", "break", "continue", "cycle", "tablerow",
    "endtablerow", "bibliography", "endraw", "endcomment", "enddetails", "endhighlight", "seo", "toc",
}  # fmt: skip
_LINK_TAGS = {"post_url", "link"}


def _arguments(markup: str) -> list[str]:
    try:
        return shlex.split(markup)
    except ValueError:
        return markup.split()


def _padded(replacement: str, original: str) -> str:
    """A stand-in that keeps the source's line count, so that block lines stay the source's."""
    return replacement + "\n" * max(0, original.count("\n") - replacement.count("\n"))


def render_liquid(body: str) -> str:
    """The post's body as Jekyll hands it to kramdown: each Liquid tag replaced by a stand-in of its output.

    Stand-ins are HTML elements the walker knows (``x-cite``, ``x-note``, ``x-liquid``); tags that print
    nothing a reader sees (control flow, ``{% comment %}``) print nothing.
    """
    out: list[str] = []
    position = 0
    matches = list(_LIQUID.finditer(body))
    index = 0
    while index < len(matches):
        match = matches[index]
        out.append(body[position : match.start()])
        position = match.end()
        index += 1
        if match.group("output") is not None:
            out.append(_padded(_output_stand_in(match.group("output")), match.group(0)))
            continue
        markup = match.group("tag").strip()
        name, rest = _tag_name(markup)
        if name in ("raw", "comment", "highlight"):
            closing = f"end{name}"
            end = index
            while end < len(matches) and _tag_name(matches[end].group("tag") or "")[0] != closing:
                end += 1
            inner_end = matches[end].start() if end < len(matches) else len(body)
            inner = body[position:inner_end]
            whole = body[match.start() : matches[end].end() if end < len(matches) else len(body)]
            if name == "raw":
                out.append(_padded(inner, whole))
            elif name == "comment":
                out.append(_padded("", whole))
            else:
                code = f"<pre><code>{html.escape(inner)}</code></pre>"
                out.append(_padded(code, whole))
            position = matches[end].end() if end < len(matches) else len(body)
            index = end + 1
            continue
        out.append(_padded(_tag_stand_in(name, rest, markup), match.group(0)))
    out.append(body[position:])
    return "".join(out)


def _tag_name(markup: str) -> tuple[str, str]:
    """A tag's name and the rest of its markup (Liquid separates them by any whitespace, newlines too)."""
    parts = markup.strip().split(None, 1)
    return (parts[0], parts[1] if len(parts) > 1 else "") if parts else ("", "")


def _output_stand_in(expression: str) -> str:
    """``{{ "/a.png" | relative_url }}`` prints its string; ``{{ site.baseurl }}`` and the like, nothing."""
    literal = re.match(r"""\s*(["'])(?P<text>.*?)\1""", expression)
    return literal.group("text") if literal else ""


def _tag_stand_in(name: str, rest: str, markup: str) -> str:
    args = _arguments(rest)
    escape = html.escape
    if name in _PROSE_TAGS:
        return " ".join(escape(args[i]) for i in _PROSE_TAGS[name] if i < len(args))
    if name in _NOTE_TAGS:
        text = args[_NOTE_TAGS[name]] if len(args) > _NOTE_TAGS[name] else ""
        return f"<x-note>{escape(text)}</x-note>"
    if name in _FIGURE_TAGS and len(args) > _FIGURE_TAGS[name][0]:
        image, caption_at = _FIGURE_TAGS[name]
        caption = escape(args[caption_at]) if len(args) > caption_at else ""
        return f'<img src="{escape(args[image])}" alt="{caption}"> {caption}'
    if name in _CITE_TAGS:
        keys = [arg for arg in args if not arg.startswith("-")]
        if "--file" in args:  # jekyll-scholar: {% cite key --file name %}
            keys = keys[:-1]
        return f'<x-cite data-keys="{escape(",".join(keys))}"></x-cite>'
    if name in _LINK_TAGS:
        return f"liquid:{escape(rest.strip())}"
    if name in ("details",):
        return f"\n\n{escape(rest.strip())}\n\n"
    if name in _CONTROL_TAGS or name.startswith("end"):
        return ""
    if name == "tab" and len(args) > 1:  # jekyll-tabs: the tab's name is its label
        return escape(args[1])
    if name == "tabs":
        return ""
    if name in ("include", "include_cached", "include_relative"):
        # what an include prints lives in the theme; only its image and its text arguments are the post's
        parameters = {
            match.group("key"): next(
                value for value in match.group("double", "single", "bare") if value is not None
            )
            for match in _PARAMETER.finditer(rest)
        }
        image = f'<img src="{escape(parameters["path"])}" alt="">' if "path" in parameters else ""
        text = " ".join(escape(parameters[key]) for key in _INCLUDE_TEXT if key in parameters)
        return f"{image} {text}".strip()
    return f'<x-liquid data-markup="{escape(markup)}"></x-liquid>'


# -- The source: kramdown as markdown-it reads it --------------------------------------------------------


def _kramdown_math(state: StateInline, silent: bool) -> bool:
    r"""kramdown passes ``\\( … \\)`` and ``\\[ … \\]`` on to MathJax as ``\( … \)``: inline math."""
    for opening, closing in (("\\\\(", "\\\\)"), ("\\\\[", "\\\\]")):
        if state.src.startswith(opening, state.pos):
            end = state.src.find(closing, state.pos + len(opening))
            if end < 0:
                return False
            if not silent:
                token = state.push("math_inline", "math", 0)
                # kramdown reads backslash escapes in this text before MathJax sees it: \| is |
                token.content = _ESCAPED.sub(r"\1", state.src[state.pos + len(opening) : end])
                token.markup = opening
            state.pos = end + len(closing)
            return True
    return False


_EQUATION_REFERENCE = re.compile(r"\\(?:eq)?ref\{(?P<label>[^{}\n]+)\}")


def _equation_reference(state: StateInline, silent: bool) -> bool:
    r"""MathJax shows ``\eqref{eq:x}`` and ``\ref{eq:x}`` in the prose as the equation's number: a
    reference, not the words ``eqref eq x``."""
    match = _EQUATION_REFERENCE.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        token = state.push("equation_reference", "", 0)
        token.content = match.group("label")
        token.markup = match.group(0)
    state.pos = match.end()
    return True


def _render_equation_reference(
    self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any
) -> str:
    token = tokens[idx]
    return f'<x-eqref data-label="{html.escape(token.content)}">{html.escape(token.markup)}</x-eqref>'


def _kramdown_abbreviation(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """kramdown's abbreviation definitions, ``*[HTML]: Hyper Text Markup Language``, one a line."""
    line = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    match = re.match(r"\*\[(?P<key>[^\]]+)\]:(?P<text>.*)$", line)
    if not match or state.sCount[start] - state.blkIndent >= 4:
        return False
    if silent:
        return True
    token = state.push("kramdown_abbreviation", "", 0)
    token.meta = {"key": match.group("key").strip(), "text": match.group("text").strip()}
    token.map = [start, start + 1]
    state.line = start + 1
    return True


def _drop_kramdown_toc(state: Any) -> None:
    """``* TOC`` followed by ``{:toc}`` is where kramdown puts a table of contents: navigation, not prose."""
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type in ("bullet_list_open", "ordered_list_open"):
            level, end = token.level, index + 1
            while not (
                tokens[end].type == token.type.replace("_open", "_close") and tokens[end].level == level
            ):
                end += 1
            inlines = [t for t in tokens[index:end] if t.type == "inline"]
            if inlines and _KRAMDOWN_TOC.search(inlines[-1].content):
                del tokens[index : end + 1]
                continue
        index += 1


def _render_abbreviation(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    meta = tokens[idx].meta
    return f'<x-abbr data-key="{html.escape(meta["key"])}">{html.escape(meta["text"])}</x-abbr>'


class _LineMarkers(RendererHTML):
    """Renders as markdown-it does, with a marker before each block giving its lines in the source file."""

    first_line = 1

    def render(self, tokens: Any, options: Any, env: Any) -> str:
        pieces: list[str] = []
        for index, token in enumerate(tokens):
            if token.map and token.nesting >= 0 and token.type not in _NO_MARKER:
                start, end = token.map
                first = self.first_line + start
                pieces.append(
                    f'<x-line data-lines="{first},{max(first, self.first_line + end - 1)}"></x-line>'
                )
            if token.type == "inline":
                pieces.append(self.renderInline(token.children or [], options, env))
            elif token.type in self.rules:
                pieces.append(self.rules[token.type](tokens, index, options, env))
            else:
                pieces.append(self.renderToken(tokens, index, options, env))
        return "".join(pieces)


_NO_MARKER = {"tr_open", "th_open", "td_open", "thead_open", "tbody_open", "inline", "dt_open", "dd_open"}


def _math(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    return f"<x-math>{html.escape(tokens[idx].content)}</x-math>"


def _nothing(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    return ""


def _note_open(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    return "<x-note>"


def _note_close(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    return "</x-note>"


def _common_rules(md: MarkdownIt) -> None:
    for name in ("math_inline", "math_inline_double", "math_block", "math_block_label", "amsmath"):
        md.add_render_rule(name, _math)
    for name in ("footnote_ref", "footnote_block_open", "footnote_block_close", "footnote_anchor"):
        md.add_render_rule(name, _nothing)
    for name in ("footnote_open", "footnote_reference_open"):
        md.add_render_rule(name, _note_open)
    for name in ("footnote_close", "footnote_reference_close"):
        md.add_render_rule(name, _note_close)


@cache
def kramdown_parser() -> MarkdownIt:
    """markdown-it configured to read what kramdown reads (as Jekyll's default Markdown)."""
    md = (
        MarkdownIt("commonmark", {"html": True}, renderer_cls=_LineMarkers)
        .enable(["table", "strikethrough"])
        .use(footnote_plugin, move_to_end=False)
        .use(dollarmath_plugin, double_inline=True, allow_digits=False)
        .use(amsmath_plugin)
        .use(deflist_plugin)
    )
    md.inline.ruler.before("escape", "kramdown_math", _kramdown_math)
    md.inline.ruler.before("escape", "equation_reference", _equation_reference)
    md.add_render_rule("equation_reference", _render_equation_reference)
    md.block.ruler.before("paragraph", "kramdown_abbreviation", _kramdown_abbreviation)
    md.add_render_rule("kramdown_abbreviation", _render_abbreviation)
    md.core.ruler.push("kramdown_toc", _drop_kramdown_toc)
    _common_rules(md)
    return md


def source_inventory(body: str, first_line: int = 1, *, liquid: bool = True) -> Inventory:
    """What a reader of the Jekyll site finds in a post's body (starting at ``first_line`` of its file)."""
    md = kramdown_parser()
    text = render_liquid(body) if liquid else body
    renderer = md.renderer
    assert isinstance(renderer, _LineMarkers)
    renderer.first_line = first_line
    try:
        rendered = md.render(text)
    finally:
        renderer.first_line = 1
    return inventory_of(rendered, source=True)


# -- The output: MyST as myst_parser reads it ------------------------------------------------------------

_CODE_DIRECTIVES = {"code-block", "code", "sourcecode", "code-cell", "literalinclude", "highlight"}
_NOTE_DIRECTIVES = {"margin", "sidebar", "aside", "marginnote", "sidenote"}
_NOTHING_DIRECTIVES = {
    "footbibliography",
    "bibliography",
    "contents",
    "toctree",
    "postlist",
    "tableofcontents",
}
_CITE_ROLES = re.compile(r"^(foot)?cite(:.*)?$")


def _directive(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    info = token.info.strip()
    if not info.startswith("{"):
        if token.type == "colon_fence":
            return f"<div>{_render_myst(token.content)}</div>"
        return RendererHTML.fence(self, tokens, idx, options, env)
    name, _, argument = info[1:].partition("}")
    argument = argument.strip()
    options_, body = _directive_options(token.content)
    escape = html.escape
    if name in _CODE_DIRECTIVES:
        return f"<pre><code>{escape(body)}</code></pre>"
    if name == "math":
        return f"<x-math>{escape(body)}</x-math>"
    if name in ("figure", "image"):
        image = f'<img src="{escape(argument)}" alt="{escape(str(options_.get("alt", "")))}">'
        return f"<figure>{image}{_render_myst(body) if name == 'figure' else ''}</figure>"
    if name == "raw":
        return body if argument.lower() == "html" else ""
    if name in _NOTHING_DIRECTIVES:
        return ""
    if name in _NOTE_DIRECTIVES:
        return f"<x-note>{_render_myst(body)}</x-note>"
    title = f"<p>{escape(argument)}</p>" if argument else ""
    return f"<div>{title}{_render_myst(body)}</div>"


def _directive_options(content: str) -> tuple[dict[str, Any], str]:
    """A directive's options (``:alt: …`` lines or a ``---`` YAML block) and the rest of its body."""
    lines = content.split("\n")
    options: dict[str, Any] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            try:
                loaded = yaml.safe_load("\n".join(lines[1:end]))
            except yaml.YAMLError:
                loaded = None
            options = loaded if isinstance(loaded, dict) else {}
            return options, "\n".join(lines[end + 1 :])
    index = 0
    while index < len(lines):
        option = re.match(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$", lines[index])
        if not option:
            break
        options[option.group("key")] = option.group("value")
        index += 1
    return options, "\n".join(lines[index:])


def _role(self: RendererHTML, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    name, content = token.meta.get("name", ""), token.content
    escape = html.escape
    if _CITE_ROLES.match(name):
        return f'<x-cite data-keys="{escape(content)}"></x-cite>'
    if name == "math":
        return f"<x-math>{escape(content)}</x-math>"
    if name == "eq":
        return f'<x-eqref data-label="{escape(content)}"></x-eqref>'
    if name == "abbr":
        abbreviation = re.match(r"^(?P<key>.*?)\s*\((?P<text>.*)\)\s*$", content, re.S)
        if abbreviation:
            key, text = abbreviation.group("key"), abbreviation.group("text")
            return f'{escape(key)}<x-abbr data-key="{escape(key)}">{escape(text)}</x-abbr>'
    if name in ("doc", "ref", "any", "download", "numref", "term"):
        target = re.match(r"^(?P<text>.*?)\s*<(?P<target>[^<>]*)>\s*$", content, re.S)
        if target:
            return f'<a href="{escape(target.group("target"))}">{escape(target.group("text"))}</a>'
        return f'<a href="{escape(content)}">{escape(content)}</a>'
    return escape(content)


@cache
def myst_parser_for_output() -> MarkdownIt:
    """MyST's own markdown-it, configured with the site's extensions."""
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    md.options["html"] = True
    _common_rules(md)
    for name in ("fence", "colon_fence"):
        md.add_render_rule(name, _directive)
    md.add_render_rule("myst_role", _role)
    for name in ("myst_target", "myst_line_comment", "myst_block_break", "front_matter"):
        md.add_render_rule(name, _nothing)
    return md


def _render_myst(text: str) -> str:
    return myst_parser_for_output().render(text)


def output_inventory(text: str) -> Inventory:
    """What a reader of the imported page finds: its title and body, as MyST reads them."""
    md = myst_parser_for_output()
    tokens = md.parse(text)
    title = ""
    if tokens and tokens[0].type == "front_matter":
        try:
            data = yaml.safe_load(tokens[0].content)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and data.get("title"):
            title = f"<h1>{html.escape(str(data['title']))}</h1>"
    return inventory_of(title + md.renderer.render(tokens, md.options, {}), source=False)


# -- One walker for both -------------------------------------------------------------------------------

_SKIPPED = {"style", "template", "head", "title", "d-contents", "d-byline", "d-front-matter", "d-appendix"}
_CODE = {"pre", "code", "kbd", "samp"}
_PARAGRAPHS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "dt",
    "dd",
    "td",
    "th",
    "blockquote",
    "figcaption",
}
_EMBEDS = {"script", "iframe", "embed", "object"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def inventory_of(markup: str, *, source: bool) -> Inventory:
    """Walk HTML as a browser parses it. Only the source's distill elements (``<d-cite>``, ``<d-footnote>``,
    ``<d-math>``) are citations, notes and math: on an imported page, raw ones are empty custom elements."""
    tree = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    walker = _Walker(source)
    walker.walk(tree)
    walker.close_block()
    return walker.inventory


class _Walker:
    def __init__(self, source: bool) -> None:
        self.source = source
        self.inventory = Inventory()
        self.lines = (0, 0)
        self.block: Block | None = None
        self.code_block: Block | None = None

    def close_block(self) -> None:
        for block, target in (
            (self.block, self.inventory.blocks),
            (self.code_block, self.inventory.code_blocks),
        ):
            if block is not None and block.words:
                target.append(block)
        self.block = self.code_block = None

    def add(self, kind: str, key: str, value: str, form: str) -> None:
        self.inventory.items.append(Item(kind, key, value, form, self.lines))

    def text(self, text: str | None, code: bool) -> None:
        if not text:
            return
        if code:
            words = words_of(text)
            self.inventory.code.update(words)
            if self.code_block is None:
                self.code_block = Block(self.lines)
            self.code_block.words += words
            return
        if self.source:
            text = _KRAMDOWN_IAL.sub(" ", text)  # kramdown attribute lists style a block, nobody reads them
        words = words_of(text)
        if words:
            if self.block is None:
                self.block = Block(self.lines)
            self.block.words += words

    def walk(self, element: Any, code: bool = False) -> None:
        tag = _local(element.tag)
        if tag == "x-line":
            lines = re.fullmatch(r"(\d+),(\d+)", element.get("data-lines") or "")
            if lines:  # a post's own <x-line> (it is only HTML) marks nothing
                self.close_block()
                self.lines = (int(lines.group(1)), int(lines.group(2)))
            return
        if not isinstance(element.tag, str) or tag in _SKIPPED:  # comments, processing instructions
            return
        form = "html" if self.source else "myst"
        descend = True  # the text of an element is read unless it is a construct's own
        if tag == "img":
            src = element.get("src") or ""
            self.add("image", _file_key(src), src, form)
        elif tag == "a" and element.get("href") is not None:
            href = element.get("href") or ""
            text = " ".join(words_of("".join(element.itertext())))
            self.add("link", text or _url_key(href), href, form)
        elif tag == "x-math" or (self.source and tag == "d-math"):
            tex = "".join(element.itertext())
            self.add("equation", _tex_key(tex), tex, form)
            descend = False
        elif tag == "x-cite" or (self.source and tag == "d-cite"):
            keys = element.get("data-keys") if tag == "x-cite" else element.get("key")
            for key in filter(None, (key.strip() for key in (keys or "").split(","))):
                self.add("citation", key, key, "liquid" if tag == "x-cite" and self.source else form)
        elif tag == "x-note" or (self.source and tag == "d-footnote"):
            words = " ".join(words_of("".join(element.itertext())))
            self.add("note", words, words, form)
        elif tag in _EMBEDS:  # what runs or loads from elsewhere; nothing a reader reads
            url = element.get("src") or element.get("data") or ""
            self.add("script", _url_key(url) if url else " ".join(words_of(element.text or "")), url, form)
            descend = False
        elif tag == "x-eqref":
            # what the reference's words say, in the output's words too: a reference kept as written
            label = _label_key(element.get("data-label") or "")
            self.add("equation reference", label, element.text or "", form)
            descend = False
        elif tag == "x-abbr":
            self.add("abbreviation", element.get("data-key") or "", element.text or "", form)
        elif tag == "abbr" and element.get("title"):
            self.add("abbreviation", "".join(element.itertext()).strip(), element.get("title") or "", form)
        elif tag == "x-liquid":
            markup = element.get("data-markup") or ""
            self.add("liquid tag", " ".join(words_of(markup)), markup, "liquid")
        if descend and self.source and element.get("markdown") in ("1", "block", "span"):
            self._walk_markdown(element)
            return
        if descend:
            # the output's blocks of prose, as the source's markers make the source's
            apart = not self.source and tag in _PARAGRAPHS
            if apart:
                self.close_block()
            inner_code = code or tag in _CODE
            self.text(element.text, inner_code)
            for child in element:
                self.walk(child, inner_code)
                self.text(child.tail, inner_code)
            if apart:
                self.close_block()

    def _walk_markdown(self, element: Any) -> None:
        """kramdown reads the inside of an HTML element marked ``markdown="1"`` as Markdown."""
        inner = (element.text or "") + "".join(
            ElementTree.tostring(child, encoding="unicode", method="html") for child in element
        )
        md = kramdown_parser()
        renderer = md.renderer
        assert isinstance(renderer, _LineMarkers)
        renderer.first_line, first_line = self.lines[0], renderer.first_line
        try:
            rendered = md.render(inner)
        finally:
            renderer.first_line = first_line
        body = html5lib.parse(rendered, treebuilder="etree", namespaceHTMLElements=False)
        self.walk(body)


def _file_key(src: str) -> str:
    """An image by its file name, as an importer may rename it (spaces, case, escapes)."""
    name = unquote(urlsplit(src).path.rsplit("/", 1)[-1])
    return re.sub(r"[^0-9a-z.]", "", name.casefold())


def _label_key(label: str) -> str:
    """An equation's label as MyST can name it (``eq:cs`` is written ``eq-cs``)."""
    return re.sub(r"[^\w-]+", "-", label).strip("-").casefold()


def _url_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/").casefold()


# what numbers, labels or frames an equation: an importer may change the environment (aligned to array)
_TEX_WRAPPERS = re.compile(
    r"\\(label|tag)\{[^}]*\}|\\(notag|nonumber|displaystyle)\b|\\begin\{\w+\*?\}(\{[^}]*\})?|\\end\{\w+\*?\}"
)


def _tex_key(tex: str) -> str:
    r"""TeX compared as written, less what only numbers or frames it; ``\operatorname{arg}`` is ``\arg``."""
    tex = _TEX_WRAPPERS.sub("", tex)
    tex = re.sub(r"\\operatorname\*?\{(\w+)\}", r"\\\1", tex)
    return re.sub(r"[\s{}]", "", tex)


# -- The balance ---------------------------------------------------------------------------------------


#: Characters (of TeX without spaces and braces) an equation needs before it is looked for inside another.
_MERGED_AT_LEAST = 6
#: Kinds of which one construct of the output may stand for several of the source's.
_SHARED = {"citation", "equation", "note"}


def _matches(item: Item, other: Item) -> bool:
    if item.kind != other.kind and not (item.kind == "script" and other.kind == "link"):
        return False
    if item.kind == "script" and other.kind == "link":  # an embed replaced by a link to what it showed
        return bool(item.value) and _url_key(other.value) == item.key.removesuffix(".js")
    if item.kind == "citation":
        return other.key == item.key or other.key.startswith(item.key)
    if item.kind == "equation":  # a short one (x) is too common to be found inside another
        return item.key == other.key or (len(item.key) >= _MERGED_AT_LEAST and item.key in other.key)
    if item.kind == "note":
        return f" {item.key} " in f" {other.key} "
    if item.kind == "link":
        return item.key == other.key or _url_key(item.value) == _url_key(other.value)
    return item.key == other.key


def _found_in_words(item: Item, output: Inventory) -> bool:
    """A Liquid tag or an equation reference kept as text (its words, in order, somewhere on the page), or
    a tag made a link or embed of the address it names."""
    urls = {_url_key(arg) for arg in _arguments(item.value) if arg.startswith(("http://", "https://"))}
    if any(other.kind in ("link", "script") and _url_key(other.value) in urls for other in output.items):
        return True
    wanted = f" {item.key if item.kind == 'liquid tag' else ' '.join(words_of(item.value))} "
    every = " " + " ".join(word for block in output.blocks + output.code_blocks for word in block.words) + " "
    return wanted in every


def _excused(lines: tuple[int, int], findings: list[Finding], *, words: bool) -> Finding | None:
    first, last = lines
    for finding in findings:
        if first <= finding.line <= last and (finding.dropped or not words):
            return finding
    return None


def account(
    path: Path,
    body: str,
    first_line: int,
    output: str,
    report: PostReport,
    *,
    liquid: bool = True,
    target: Path | None = None,
) -> Accounting:
    """Check one converted post against its source: every word, image, link, note, citation, equation,
    script and Liquid tag of the source is in the output, or named in the converter's report. With the
    converted post's ``target`` path, an image of the output must also lead to a file (or another site)."""
    if target is not None and target.suffix == ".ipynb":  # a notebook post: its cells, as a reader sees them
        output = as_markdown(output)
    embed = find_embed(body)
    if embed is not None:  # an embedded notebook is the notebook's cells, or a reported link to it
        body = body[: embed.start] + "\n" * embed.source.count("\n") + body[embed.end :]
    before = source_inventory(body, first_line, liquid=liquid)
    after = output_inventory(output)
    result = Accounting(path)
    findings = report.unconverted
    reported: dict[Finding, None] = {}

    def lost(kind: str, lines: tuple[int, int], what: str, why: str, *, words: bool = False) -> None:
        finding = _excused(lines, findings, words=words)
        if finding is not None:
            reported[finding] = None
        else:
            result.silent.append(Loss(path, lines[0], kind, what, why))

    remaining = list(after.items)
    for item in before.items:
        if item.kind == "liquid tag" or (
            item.kind == "equation reference" and not any(_matches(item, other) for other in after.items)
        ):
            if _found_in_words(item, after):
                result.kept += 1
            else:
                lost(item.kind, item.lines, repr(item.value), "not in the converted post", words=True)
            continue
        # one for one where the same construct is there; else a citation key cited again, or an equation or
        # note merged into a longer one, may stand for several of the source's
        match = next(
            (other for other in remaining if other.kind == item.kind and other.key == item.key), None
        )
        match = match or next((other for other in remaining if _matches(item, other)), None)
        if match is not None:
            remaining.remove(match)
        elif item.kind in _SHARED:
            match = next((other for other in after.items if _matches(item, other)), None)
        if match is None:
            lost(item.kind, item.lines, repr(item.value or item.key), "not in the converted post")
            continue
        if item.kind == "image" and target is not None and not _reachable(match.value, target):
            why = f"in the converted post as {match.value!r}, a file that is not there"
            lost(item.kind, item.lines, repr(item.value), why)
            continue
        if match.form == item.form and match.value == item.value:
            result.kept += 1
        else:
            result.converted += 1

    code = Counter(after.code)
    for block, missing, in_code in _unmatched_prose(before, after):
        if not missing and not in_code:
            result.kept += 1
            continue
        if missing:
            lost("words", block.lines, _quoted(missing), "not in the converted post", words=True)
        if in_code:
            lost("words", block.lines, _quoted(in_code), "only inside code in the converted post", words=True)
    for block in before.code_blocks:
        missing = [word for word in block.words if not _take(code, word)]
        if missing:
            lost("code", block.lines, _quoted(missing), "not in the converted post's code", words=True)
        else:
            result.kept += 1
    result.reported = list(reported)
    return result


def _unmatched_prose(before: Inventory, after: Inventory) -> Iterator[tuple[Block, list[str], list[str]]]:
    """Each block of the source's prose with its words missing from the output's prose, and those of them
    found only in the output's code. The two word sequences are aligned first (so a common word is matched
    where it stands), then what the alignment leaves is matched in any order (notes moved to the end).
    Blocks found whole in the output (most of them) are set aside first: aligning is quadratic."""
    whole: dict[tuple[str, ...], list[int]] = {}
    for index, block in enumerate(after.blocks):
        whole.setdefault(tuple(block.words), []).append(index)
    found: set[int] = set()
    used: set[int] = set()
    for index, block in enumerate(before.blocks):
        candidates = whole.get(tuple(block.words))
        if candidates:
            used.add(candidates.pop(0))
            found.add(index)
    source = [
        (index, word)
        for index, block in enumerate(before.blocks)
        if index not in found
        for word in block.words
    ]
    output = [word for index, block in enumerate(after.blocks) if index not in used for word in block.words]
    matcher = difflib.SequenceMatcher(None, [word for _, word in source], output, autojunk=False)
    unmatched: list[int] = []
    spare: Counter[str] = Counter()
    for operation, first, last, other_first, other_last in matcher.get_opcodes():
        if operation != "equal":
            unmatched += range(first, last)
            spare.update(output[other_first:other_last])
    code = Counter(after.code)
    missing: dict[int, list[str]] = {}
    in_code: dict[int, list[str]] = {}
    for position in unmatched:
        index, word = source[position]
        if not _take(spare, word):
            (in_code if _take(code, word) else missing).setdefault(index, []).append(word)
    for index, block in enumerate(before.blocks):
        yield block, missing.get(index, []), in_code.get(index, [])


def _reachable(src: str, target: Path) -> bool:
    """An image address of the post at ``target`` that a browser can load: another site's, or a file that
    exists relative to the post (a site-absolute /path is not: the site may be served under a prefix)."""
    parts = urlsplit(src)
    if parts.scheme in ("http", "https", "data") or (parts.netloc and not parts.scheme):
        return True
    if parts.scheme or not parts.path or parts.path.startswith("/"):
        return False
    # lexically: the post's own folder may not exist yet when it is checked
    return Path(os.path.normpath(target.parent / unquote(parts.path))).is_file()


def _take(counter: Counter[str], word: str) -> bool:
    if counter[word] > 0:
        counter[word] -= 1
        return True
    return False


def _quoted(words: list[str], most: int = 8) -> str:
    shown = " ".join(words[:most])
    return f"'{shown}'" + (f" and {len(words) - most} more words" if len(words) > most else "")


def summary_lines(accountings: list[Accounting]) -> Iterator[str]:
    """The accounting's part of the importer's summary: losses nobody reported, then the balance."""
    silent = [loss for accounting in accountings for loss in accounting.silent]
    if silent:
        yield f"Not in the converted posts and not reported above ({len(silent)}):"
        yield from (f"  {loss}" for loss in silent)
    kept = sum(a.kept for a in accountings)
    converted = sum(a.converted for a in accountings)
    missing = sum(a.not_converted for a in accountings)
    yield f"Accounting: kept {kept}, converted {converted}, not converted {missing} (listed)"

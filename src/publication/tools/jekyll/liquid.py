"""Render the Liquid a Jekyll post uses into MyST, before any Markdown is read (as Jekyll does).

Tags with a MyST equivalent are converted (``highlight``, ``raw``, ``post_url``, ``link``, the common
theme ``include``\\ s, ``gist``, ``twitter``, ``tabs``); outputs of the site's settings are resolved
(``site.baseurl``, ``site.url``, ``relative_url``). Anything else stays in the post as literal text,
visible to the reader, and is reported with its line.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .blocks import PARSER
from .code import code_block
from .myst import Page, admonition
from .scholarship import Scholarship
from .urls import old_url

_TOKEN = re.compile(
    r"\{%-?\s*(?P<tag>(?:\"[^\"\n]*\"|'[^'\n]*'|[^%]|%(?!\}))*?)\s*-?%\}"
    r"|\{\{-?\s*(?P<out>(?:\"[^\"\n]*\"|'[^'\n]*'|[^}]|\}(?!\}))*?)\s*-?\}\}",
    re.S,
)
_PARAM = re.compile(r"""([\w-]+)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s]+)""")
#: Includes that themes use for callouts, and the admonition each becomes.
ALERT_INCLUDES = {
    "alert": "warning",
    "warning": "warning",
    "danger": "danger",
    "important": "important",
    "note": "note",
    "info": "note",
    "notice": "note",
    "tip": "tip",
    "callout": "note",
}
VIDEO_URLS = {
    "youtube": "https://www.youtube.com/watch?v={id}",
    "vimeo": "https://vimeo.com/{id}",
    "google-drive": "https://drive.google.com/file/d/{id}/view",
    "bilibili": "https://www.bilibili.com/video/{id}",
}


def params(text: str) -> dict[str, str]:
    """An include's key="value" parameters."""
    found = {}
    for key, value in _PARAM.findall(text):
        if value[:1] in "\"'":
            value = value[1:-1]
        found[key] = value
    return found


def unquote(text: str) -> str | None:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return None


class Liquid:
    """Render one post's Liquid; ``page`` collects what was converted and what was kept."""

    def __init__(
        self, page: Page, hold: Callable[[str], str] | None = None, scholarship: Scholarship | None = None
    ) -> None:
        self.page = page
        self.variables: dict[str, str] = {}
        self.hold = hold  # how to keep rendered code out of reach of the Markdown converters
        self.scholarship = scholarship
        self.margins: list[str] = []  # margin notes, placed before the paragraph they stood in

    @property
    def report(self):
        return self.page.report

    def render(self, text: str, first_line: int | None = None, *, in_code: bool = False) -> str:
        """Render ``text``; with ``first_line`` (the body's line in the file), findings get exact lines.

        ``in_code``: the whole text is code (a ``{% highlight %}`` body), where kept tags stay verbatim.
        """
        tokens = tokenize(text)
        code = [(0, len(text))] if in_code else code_spans(text)
        out: list[str] = []
        position = 0
        index = 0
        while index < len(tokens):
            token = tokens[index]
            index += 1
            out.append(text[position : token.start])
            position = token.end
            if first_line is not None:
                self.page.at = first_line + text.count("\n", 0, token.start)
            literal = any(start <= token.start < end for start, end in code)
            if token.output is not None:
                out.append(self.output(token, text, literal))
                continue
            name, rest = token.name, token.markup
            block = getattr(self, f"block_{name}", None)
            if block is not None:
                closing = closing_index(tokens, index - 1)
                if closing is None:
                    self.page.keep(token.source, f"'{{% {name} %}}' is never closed: kept as text")
                    out.append(self.kept(token.source, literal))
                    continue
                inner = text[position : tokens[closing].start]
                position = tokens[closing].end
                index = closing + 1
                indent = _indent_before(text, token.start)
                result = block(rest, inner, token.source, indent)
                if name == "raw" and not literal:
                    result = self.raw_in_prose(result)
                if name == "highlight":
                    result = self.held(result)
                out.append(result)
                continue
            tag = getattr(self, f"tag_{name}", None)
            result = tag(rest, token.source) if tag else None
            if result is None:
                self.page.keep(token.source, f"Liquid tag {token.source!r} kept as text")
                result = self.kept(token.source, literal)
            out.append(result)
        out.append(text[position:])
        if first_line is not None:
            self.page.at = None
            return _hoist_margins("".join(out), self.margins)
        return "".join(out)

    def raw_in_prose(self, text: str) -> str:
        """A raw block's Liquid outside code: shown as text that no MyST syntax reads."""
        code = code_spans(text)
        return _TOKEN.sub(
            lambda m: (
                m.group(0) if any(s <= m.start() < e for s, e in code) else self.kept(m.group(0), False)
            ),
            text,
        )

    def held(self, text: str) -> str:
        """Text no later step may read as Markdown (code, raw Liquid), behind a placeholder if one is set."""
        return self.hold(text) if self.hold else text

    def kept(self, source: str, literal: bool) -> str:
        """A tag kept as text: verbatim in code; in prose, held so that no MyST syntax reads it (a line that
        is only '{% ... %}' is a block attribute to MyST and would vanish). As text, escaped in a
        ``<span>``; where Sphinx's smart quotes would change it (quotes, '--', '...'), as inline code,
        which they leave as the author typed it."""
        if literal:
            return source
        flat = " ".join(source.split())
        if re.search(r"[\"']|--|\.\.\.", flat):
            fence = "`" * (max((len(run) for run in re.findall("`+", flat)), default=0) + 1)
            pad = " " if flat.startswith("`") or flat.endswith("`") else ""
            return self.held(f"{fence}{pad}{flat}{pad}{fence}")
        return self.held(f'<span class="jekyll-liquid">{html.escape(flat, quote=False)}</span>')

    # -- block tags -------------------------------------------------------------------------------------
    def block_raw(self, _rest: str, inner: str, _tag: str, _indent: str) -> str:
        self.report.count("raw blocks kept literal")
        return inner

    def block_comment(self, _rest: str, inner: str, tag: str, _indent: str) -> str:
        # Jekyll never publishes a comment: it is dropped, and named in the report so nothing goes unseen
        self.report.count("Liquid comments dropped")
        words = " ".join(inner.split())
        self.page.drop(tag, f"Liquid comment dropped ({len(words.split())} words: {words[:60]!r})")
        return ""

    def block_capture(self, rest: str, inner: str, _tag: str, _indent: str) -> str:
        self.variables[rest.split()[0] if rest else ""] = self.render(inner)
        self.report.count("captures")
        return ""

    def block_highlight(self, rest: str, inner: str, tag: str, indent: str) -> str:
        words = rest.split()
        language = words[0] if words else ""
        linenos = "linenos" in words
        marked = re.search(r"""(?:mark_lines|hl_lines)=["']([\d\s,-]+)["']""", rest)
        emphasize = ",".join(marked.group(1).split()) if marked else ""
        code = self.render(inner, in_code=True).strip("\n")
        code = "\n".join(line.removeprefix(indent) for line in code.split("\n"))
        block, note = code_block(language, code, linenos=linenos, emphasize=emphasize, indent=indent)
        if note:
            self.page.keep(tag, note)
        self.report.count("highlight blocks")
        return block.removeprefix(indent)

    def block_tabs(self, _rest: str, inner: str, _tag: str, _indent: str) -> str:
        # jekyll-tabs: each tab becomes a labelled part of the text, in order
        self.report.count("tab groups")
        rendered = self.render(inner)
        return rendered

    def block_tab(self, rest: str, inner: str, _tag: str, _indent: str) -> str:
        label = rest.split()[-1] if rest.split() else "Tab"
        self.report.count("tabs")
        return f"**{label}**\n\n{self.render(inner).strip()}\n"

    # -- simple tags ------------------------------------------------------------------------------------
    def tag_post_url(self, rest: str, tag: str) -> str | None:
        name = rest.strip().strip("\"'")
        target = self.page.posts_by_name.get(PurePosixPath(name).name)
        if target is None:
            dated = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})-(.+)$", PurePosixPath(name).name)
            if dated is None:
                self.page.keep(tag, f"{tag!r}: no imported post named {name!r}; kept as text")
                return self.kept(tag, False)
            # a post not imported: its address on the old site, which the links step resolves or reports
            year, month, day, slug = dated.groups()
            date = dt.date(int(year), int(month), int(day))
            return old_url(self.page.config.get("permalink"), date, slug, [], slug)
        self.report.count("post_url links")
        return self.page.relative(target)

    def tag_link(self, rest: str, tag: str) -> str | None:
        path = PurePosixPath(rest.strip().strip("\"'"))
        target = self.page.posts_by_name.get(path.stem)
        if target is not None:
            self.report.count("link tags")
            return self.page.relative(target)
        copied = self.page.assets.link_from(self.page.target, "/" + path.as_posix())
        if copied:
            self.report.count("link tags")
            return copied
        self.page.keep(
            tag, f"{tag!r}: {path} is neither an imported post nor a file of the site; kept as text"
        )
        return tag

    def tag_include(self, rest: str, tag: str) -> str | None:
        name, _, arguments = rest.partition(" ")
        stem = PurePosixPath(name).name.split(".")[0].lower()
        values = params(arguments)
        if stem in ("figure", "image", "img"):
            src = values.get("path") or values.get("image_path") or values.get("url") or values.get("src")
            if not src:
                return None
            self.report.count("figure includes")
            return self.page.image(
                self.output_value(src) or src,
                values.get("alt", ""),
                caption=values.get("caption", ""),
                title=values.get("title", ""),
                snippet=tag,
            )
        if stem in ALERT_INCLUDES:
            text = values.get("text") or values.get("content") or values.get("message")
            if text is None:
                return None
            self.report.count("callout includes")
            return "\n" + admonition(ALERT_INCLUDES[stem], text) + "\n"
        if stem == "video" or stem in VIDEO_URLS:
            video_id = values.get("id")
            provider = values.get("provider", stem if stem in VIDEO_URLS else "youtube")
            if not video_id or provider not in VIDEO_URLS:
                return None
            return self.video(VIDEO_URLS[provider].format(id=video_id), provider)
        if stem == "gallery":
            return self.gallery(values, tag)
        return None

    def video(self, url: str, provider: str) -> str:
        # a link, not an embedded player: no page of the publication loads anything from another site
        self.report.count("videos (as links)")
        return "\n" + admonition("note", f"[Watch the video on {provider.title()}]({url})", "Video") + "\n"

    def gallery(self, values: dict[str, str], tag: str) -> str | None:
        images = self.page.data.get(values.get("id", "gallery"))
        if not isinstance(images, list):
            return None
        parts = []
        for item in images:
            if not isinstance(item, dict) or not (item.get("image_path") or item.get("url")):
                continue
            src = str(item.get("image_path") or item.get("url"))
            link = str(item["url"]) if item.get("url") and item.get("image_path") else ""
            if link and not re.match(r"https?://", link):
                link = ""  # a larger copy on the old site: the thumbnail stands for it
            parts.append(
                self.page.image(src, str(item.get("alt", "")), title=str(item.get("title", "")), snippet=tag)
            )
        self.report.count("galleries")
        caption = values.get("caption", "")
        return "\n" + "\n".join(parts) + ("\n\n" + caption if caption else "") + "\n"

    def tag_gist(self, rest: str, _tag: str) -> str:
        words = rest.split()
        self.report.count("gists (as links)")
        gist = words[0].strip("\"'")
        name = f" ({words[1]})" if len(words) > 1 else ""
        return f"[View the gist {gist}{name} on GitHub](https://gist.github.com/{gist})"

    def tag_twitter(self, rest: str, _tag: str) -> str | None:
        url = rest.split()[0].strip("\"'") if rest.split() else ""
        if not url.startswith("http"):
            return None
        self.report.count("tweets (as links)")
        return f"> [View the post on Twitter/X]({url})"

    def tag_youtube(self, rest: str, _tag: str) -> str | None:
        video_id = rest.split()[0].strip("\"'") if rest.split() else ""
        return self.video(VIDEO_URLS["youtube"].format(id=video_id), "youtube") if video_id else None

    # -- jekyll-scholar ------------------------------------------------------------------------------------
    def tag_cite(self, rest: str, tag: str) -> str | None:
        if self.scholarship is None:
            return None
        words = _arguments(rest)
        keys, file, option = [], None, None
        for word in words:
            if option is not None:
                file = word if option in ("-f", "--file") else file
                option = None
            elif word.startswith("-"):
                takes_value = ("-l", "--locator", "-f", "--file", "-p", "--prefix", "-s", "--suffix")
                option = word if word in takes_value else None
            else:
                keys.append(word)
        if not keys:
            return None
        self.scholarship.scholar(tag, file)
        return self.scholarship.cite(keys, tag)

    def tag_reference(self, rest: str, tag: str) -> str | None:
        return self.tag_cite(rest, tag)

    def tag_bibliography(self, rest: str, tag: str) -> str | None:
        if self.scholarship is None:
            return None
        self.report.count("bibliographies (as the post's references)")
        if "--cited" not in rest:
            self.page.keep(tag, f"{tag!r} listed every entry of the file; the post lists the works it cites")
        return self.scholarship.bibliography_here()

    # -- tufte-jekyll ---------------------------------------------------------------------------------------
    def tag_sidenote(self, rest: str, _tag: str) -> str | None:
        # the site's margin notes, as tufte-jekyll sets a sidenote in the margin beside its line (its
        # superscript number only pairs the two; a margin note sits before its paragraph instead)
        words = _arguments(rest)
        if len(words) < 2:
            return None
        self.report.count("sidenotes (as margin notes)")
        return self.margin(words[1])

    def tag_marginnote(self, rest: str, _tag: str) -> str | None:
        words = _arguments(rest)
        if len(words) < 2:
            return None
        self.report.count("margin notes")
        return self.margin(words[1])

    def margin(self, content: str) -> str:
        self.margins.append(content)
        return f"\ue002{len(self.margins) - 1}\ue003"

    def tag_marginfigure(self, rest: str, tag: str) -> str | None:
        words = _arguments(rest)
        if len(words) < 2:
            return None
        self.report.count("margin figures")
        image = self.page.image(words[1], "", caption=words[2] if len(words) > 2 else "", snippet=tag)
        return self.margin(image)

    def tag_epigraph(self, rest: str, _tag: str) -> str | None:
        words = _arguments(rest)
        if not words:
            return None
        self.report.count("epigraphs")
        attribution = ", ".join(
            part for part in (words[1:2] + [f"*{w}*" for w in words[2:3]]) if part.strip()
        )
        body = words[0] + (f"\n\n-- {attribution}" if attribution else "")
        return f"\n:::{{epigraph}}\n{body}\n:::\n"

    def tag_newthought(self, rest: str, _tag: str) -> str | None:
        words = _arguments(rest)
        if not words:
            return None
        self.report.count("new thoughts")
        return f"[{words[0]}]{{.newthought}}"

    def tag_fullwidth(self, rest: str, tag: str) -> str | None:
        return self._figure(rest, tag, wide=True)

    def tag_maincolumn(self, rest: str, tag: str) -> str | None:
        return self._figure(rest, tag, wide=False)

    def _figure(self, rest: str, tag: str, wide: bool) -> str | None:
        words = _arguments(rest)
        if not words:
            return None
        self.report.count("wide figures" if wide else "figures")
        caption = words[1] if len(words) > 1 else ""
        figure = self.page.image(words[0], "", caption=caption, snippet=tag)
        if wide and figure.startswith(":::{figure}"):
            figure = figure.replace("\n", "\n:figclass: fullwidth\n:figwidth: 100%\n", 1)
        return "\n" + figure + "\n"

    # -- outputs ----------------------------------------------------------------------------------------
    def output(self, token: Token, text: str, literal: bool = False) -> str:
        following = text[token.end : token.end + 2]
        value = self.output_value(token.output or "", following)
        if value is None:
            self.page.keep(token.source, f"Liquid output {token.source!r} kept as text")
            return self.kept(token.source, literal)
        self.report.count("Liquid outputs")
        return value

    def output_value(self, expression: str, following: str = "/") -> str | None:
        """The value of a Liquid output, or None when it depends on something only Jekyll knows."""
        if "{{" in expression:
            return self.render(expression)
        parts = [part.strip() for part in _split_filters(expression)]
        base, filters = parts[0], parts[1:]
        literal = unquote(base)
        value: Any
        if literal is not None:
            value = literal
        elif base == "site.baseurl":
            value = ""  # site paths are resolved against the Jekyll site folder later
        elif base == "site.url":
            value = "" if following.startswith(("/", "{{")) else self.page.config.get("url")
        elif base.startswith("site."):
            value = self.page.config.get(base[5:])
        elif base.startswith("page."):
            value = self.page.data.get(base[5:])
        elif base in self.variables:
            value = self.variables[base]
        else:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            return None
        value = str(value)
        for item in filters:
            name = item.split(":", 1)[0].strip()
            if name in ("relative_url", "absolute_url", "markdownify", "strip", "escape", "xml_escape"):
                value = value.strip() if name == "strip" else value
                continue
            if name in ("prepend", "append"):
                argument = unquote(item.split(":", 1)[1]) if ":" in item else None
                if argument is None:
                    return None
                value = argument + value if name == "prepend" else value + argument
                continue
            return None
        return value


def _split_filters(expression: str) -> list[str]:
    try:
        lexer = shlex.shlex(expression, posix=False, punctuation_chars="|")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        return expression.split("|")
    parts, current = [], []
    for token in tokens:
        if token == "|":
            parts.append(" ".join(current))
            current = []
        else:
            current.append(token)
    parts.append(" ".join(current))
    return parts


def _indent_before(text: str, index: int) -> str:
    line_start = text.rfind("\n", 0, index) + 1
    prefix = text[line_start:index]
    return prefix if not prefix.strip() else ""


@dataclass(frozen=True)
class Token:
    """One Liquid tag ('{% name markup %}') or output ('{{ expression }}') and where it stands."""

    start: int
    end: int
    source: str
    name: str = ""
    markup: str = ""
    output: str | None = None


def tokenize(text: str) -> list[Token]:
    """The Liquid tags and outputs of ``text``, in order; a quoted '%}' or '}}' does not end one."""
    found = []
    for match in _TOKEN.finditer(text):
        if match.group("out") is not None:
            found.append(Token(match.start(), match.end(), match.group(0), output=match.group("out").strip()))
            continue
        name, _, markup = match.group("tag").strip().partition(" ")
        head = name.split("\n", 1)
        if len(head) > 1:  # '{% link\n  path %}': the name ends at any white space
            name, markup = head[0], head[1] + " " + markup
        found.append(Token(match.start(), match.end(), match.group(0), name.strip(), markup.strip()))
    return found


def closing_index(tokens: list[Token], opening: int) -> int | None:
    """The index of the 'end' tag that closes the block opened by ``tokens[opening]`` (nesting counted);
    inside raw and comment blocks, nothing but their own end tag counts."""
    name = tokens[opening].name
    depth = 0
    for index in range(opening + 1, len(tokens)):
        token = tokens[index]
        if token.output is not None:
            continue
        if token.name == name and name not in ("raw", "comment"):
            depth += 1
        elif token.name == "end" + name:
            if depth == 0:
                return index
            depth -= 1
    return None


_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (Markdown, before Liquid runs) has code: fenced and indented blocks, inline code, and
    math blocks (``$$``, amsmath environments), where TeX's braces can read as a Liquid output ``{{ }}``
    and a kept tag must stay verbatim, not become markup inside the formula."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    spans = []
    for token in PARSER.parse(text):
        if token.type in ("fence", "code_block", "math_block", "math_block_label", "amsmath") and token.map:
            begin, end = token.map
            if token.type == "amsmath":  # mdit-py-plugins 0.7 maps it one line short (as blocks.py counts)
                end = max(end, begin + token.content.strip("\n").count("\n") + 1)
            spans.append((starts[begin], starts[min(end, len(starts) - 1)]))
    for match in _INLINE_CODE.finditer(text):
        if "\n\n" not in match.group(0) and not any(s <= match.start() < e for s, e in spans):
            spans.append((match.start(), match.end()))
    return spans


def _arguments(markup: str) -> list[str]:
    """A tag's quoted or bare arguments: "{% epigraph 'It is' 'Someone' %}" -> ['It is', 'Someone']."""
    try:
        return shlex.split(markup)
    except ValueError:
        return markup.split()


def _hoist_margins(text: str, margins: list[str]) -> str:
    """Each margin note before the paragraph it was written in (publication.site.margin_notes)."""
    for index, content in enumerate(margins):
        marker = f"\ue002{index}\ue003"
        at = text.find(marker)
        if at < 0:
            continue
        text = text[:at] + text[at + len(marker) :]
        start = text.rfind("\n\n", 0, at)
        start = 0 if start < 0 else start + 2
        fence = ":::" + ":" * max((len(run) - 2 for run in re.findall(r"^:{3,}", content, re.M)), default=0)
        text = f"{text[:start]}{fence}{{margin}}\n{content}\n{fence}\n\n{text[start:]}"
    return text

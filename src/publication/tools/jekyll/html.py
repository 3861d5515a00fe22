"""HTML in a Jekyll post's Markdown, to MyST: headings, paragraphs, images and figures with captions,
quotes, callout and layout ``<div>``\\ s, ``markdown="1"`` blocks, embeds.

Other HTML (tables, definition lists, buttons) is kept as it is: MyST passes it through and the page shows
what Jekyll showed.
"""

from __future__ import annotations

import html
import re
import textwrap

from bs4 import BeautifulSoup, NavigableString, Tag

from .assets import is_external
from .myst import Page, admonition, admonition_kind

_BLOCK_START = re.compile(
    r"^ {0,3}<(?P<tag>p|h[1-6]|div|figure|blockquote|img|a|span|details|script|iframe|center)\b", re.I
)
#: Classes of <div>s that only lay their content out (Bootstrap's grid, TeXt's cells, distill's l-page ...).
_LAYOUT = re.compile(r"^(l-.*|row|col(-.*)?|grid.*|cell.*|container.*|m[tbxy]?-.*|p[tbxy]?-.*|d-.*|text-.*)$")
_IMAGE_ONLY = {"a", "img", "span", "br"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]])")
_RAW_IMAGE = re.compile(r"""(?P<lead><img\b[^>]*?\bsrc=(?P<quote>["']))(?P<src>[^"'>]+)(?P=quote)""", re.I)


def _extent(lines: list[str], start: int, tag: str) -> int | None:
    """The index of the line that closes the element opened on ``lines[start]``, or None."""
    if tag in ("img", "a", "span"):
        end = start
        # to the blank line, but not over the closing tag of an element it stands in
        while (
            end + 1 < len(lines) and lines[end + 1].strip() and not lines[end + 1].lstrip().startswith("</")
        ):
            end += 1
        return end
    depth = 0
    opener = re.compile(rf"<{tag}\b", re.I)
    closer = re.compile(rf"</{tag}\s*>", re.I)
    for index in range(start, len(lines)):
        depth += len(opener.findall(lines[index])) - len(closer.findall(lines[index]))
        if depth <= 0:
            return index
    return None


class Html:
    """Convert the HTML blocks of one post."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def convert(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            match = _BLOCK_START.match(line)
            previous = lines[index - 1].strip() if index else ""
            # an HTML block starts after a blank line, or right after another element closes
            previous_blank = not previous or previous.endswith(">")
            if match and previous_blank:
                tag = match.group("tag").lower()
                end = _extent(lines, index, tag)
                if end is not None:
                    source = "\n".join(lines[index : end + 1])
                    converted = self.element(tag, source)
                    if converted is not None:
                        out.extend(["", converted, ""])
                        index = end + 1
                        continue
            out.append(line)
            index += 1
        return self.raw_images(re.sub(r"\n{3,}", "\n\n", "\n".join(out)))

    def raw_images(self, text: str) -> str:
        """Images in HTML kept as it is: their files copied, their ``src`` pointed at the copies."""

        def source(match: re.Match[str]) -> str:
            src = html.unescape(match.group("src"))
            if is_external(src) or src.startswith(("data:", "../", "_static/")) or "_static/imported/" in src:
                return match.group(0)
            self.page.report.count("images in HTML")
            copied = self.page.assets.link_from(self.page.target, src)
            if copied is None:
                old = self.page.assets.old_address(src)
                self.page.keep(
                    src, f"image {src!r} is not in the Jekyll site folder: kept linking to {old!r}"
                )
                copied = old
            return f"{match.group('lead')}{html.escape(copied)}{match.group('quote')}"

        return _RAW_IMAGE.sub(source, text)

    def element(self, tag: str, source: str) -> str | None:
        """MyST for one HTML block, or None to keep it as it is."""
        # html5lib reads the block as a browser does (unclosed <p>, stray end tags, implied elements)
        soup = BeautifulSoup(source, "html5lib").body
        if soup is None:
            return None
        top = [node for node in soup.contents if not (isinstance(node, NavigableString) and not node.strip())]
        if tag in ("img", "a", "span"):
            if not top or not all(isinstance(node, Tag) and node.name in _IMAGE_ONLY for node in top):
                return None
            if not soup.find("img"):
                return None
            return self.images(top, source)
        if len(top) != 1 or not isinstance(top[0], Tag):
            return None
        element = top[0]
        trailing = (
            source[source.lower().rfind(f"</{tag}") :].split(">", 1)[-1].strip() if "</" in source else ""
        )
        if trailing:
            return None
        handler = getattr(self, "element_" + ("h" if re.fullmatch(r"h[1-6]", tag) else tag), None)
        return handler(element, source) if handler else None

    # -- elements ---------------------------------------------------------------------------------------
    def element_h(self, element: Tag, _source: str) -> str:
        self.page.report.count("HTML headings")
        level = int(element.name[1])
        label = f"({element['id']})=\n" if element.get("id") else ""
        return f"{label}{'#' * level} {self.inline(element).strip()}"

    def element_p(self, element: Tag, source: str) -> str:
        self.page.report.count("HTML paragraphs")
        return self.inline(element).strip()

    def element_blockquote(self, element: Tag, _source: str) -> str:
        self.page.report.count("HTML quotes")
        paragraphs = element.find_all("p", recursive=False)
        parts = [self.inline(p).strip() for p in paragraphs] if paragraphs else [self.inline(element).strip()]
        return "\n>\n".join("> " + part.replace("\n", "\n> ") for part in parts)

    def element_figure(self, element: Tag, source: str) -> str | None:
        image = element.find("img")
        if image is None:
            return None
        caption = element.find("figcaption")
        align = next((c[6:] for c in element.get("class", []) if c.startswith("align-")), "")
        return self.page.image(
            image.get("src", ""),
            image.get("alt", ""),
            caption=self.inline(caption).strip() if caption else "",
            align=align if align in ("left", "right", "center") else "",
            snippet=source.strip().split("\n")[0],
        )

    def element_center(self, element: Tag, source: str) -> str | None:
        return self.element_div(element, source)

    def element_div(self, element: Tag, source: str) -> str | None:
        classes = element.get("class", [])
        kind = admonition_kind(classes)
        markdown = element.get("markdown") in ("1", "block", "span")
        layout = bool(classes) and all(_LAYOUT.match(name) for name in classes)
        if "caption" in classes:
            self.page.report.count("captions")
            return "*" + " ".join(self.inline(element).split()) + "*"
        if not (kind or markdown or layout or element.name == "center"):
            return None
        inner = self.convert(_inner_source(source))
        if kind:
            self.page.report.count("callout blocks to admonitions")
            title, body = _leading_heading(inner)
            return admonition(kind, body, title)
        self.page.report.count('markdown="1" blocks' if markdown else "layout blocks unwrapped")
        return inner.strip()

    def element_details(self, element: Tag, source: str) -> str | None:
        summary = element.find("summary")
        if summary is None:
            return None
        self.page.report.count("details blocks")
        inner = _inner_source(source)
        inner = inner.replace(str(summary), "", 1)
        inner = re.sub(r"<summary>.*?</summary>", "", inner, count=1, flags=re.S)
        body = self.convert(inner).strip()
        return f"<details>\n<summary>{summary.decode_contents()}</summary>\n\n{body}\n\n</details>"

    def element_script(self, element: Tag, source: str) -> str | None:
        src = element.get("src", "")
        if not src or not is_external(src):
            return None
        # an embed runs another site's script in the reader's browser: link to what it showed instead
        self.page.report.count("embeds (as links)")
        gist = re.match(r"(https://gist\.github\.com/[^?#]+?)\.js", src)
        if gist:
            return f"[View the gist on GitHub]({gist.group(1)})"
        self.page.keep(source, f"script {src!r} replaced by a link to it")
        return f"[{src}]({src})"

    def element_iframe(self, element: Tag, source: str) -> str | None:
        src = element.get("src", "")
        if not src:
            return None
        self.page.report.count("embeds (as links)")
        src = "https:" + src if src.startswith("//") else src
        title = element.get("title") or src
        return f"[{title}]({src})"

    def images(self, nodes: list[Tag], source: str) -> str:
        """Images, possibly linked, possibly followed by a caption <span>: a figure or images."""
        parts = []
        caption = ""
        for node in nodes:
            if node.name == "span" and "caption" in node.get("class", []):
                caption = self.inline(node).strip()
            elif node.name in ("img", "a"):
                image = node if node.name == "img" else node.find("img")
                if image is None:
                    parts.append(str(node))
                    continue
                link = node.get("href", "") if node.name == "a" else ""
                parts.append([image, link if link and link != "#" else ""])
            else:
                parts.append(str(node))
        out = []
        for index, part in enumerate(parts):
            if isinstance(part, str):
                out.append(part)
                continue
            image, link = part
            last = index == len(parts) - 1 or all(isinstance(p, str) for p in parts[index + 1 :])
            out.append(
                self.page.image(
                    image.get("src", ""),
                    image.get("alt", ""),
                    title=image.get("title", ""),
                    link=link,
                    caption=caption if last else "",
                    snippet=str(image.get("src", "")) or source,
                )
            )
        return "\n\n".join(out)

    # -- inline ------------------------------------------------------------------------------------------
    def inline(self, element: Tag | None) -> str:
        """The content of an element as MyST inline text; inline HTML without a Markdown form stays HTML."""
        if element is None:
            return ""
        out = []
        for node in element.children:
            if isinstance(node, NavigableString):
                if node.__class__.__name__ == "Comment":
                    continue
                out.append(_MD_SPECIAL.sub(r"\\\1", str(node)))
            elif node.name in ("em", "i"):
                out.append(f"*{self.inline(node).strip()}*")
            elif node.name in ("strong", "b"):
                out.append(f"**{self.inline(node).strip()}**")
            elif node.name == "code":
                code = node.get_text()
                out.append(f"``{code}``" if "`" in code else f"`{code}`")
            elif node.name == "a" and node.get("href") and not node.find("img"):
                out.append(f"[{self.inline(node).strip()}]({_angle(node['href'])})")
            elif node.name == "img":
                out.append(self.page.image(node.get("src", ""), node.get("alt", ""), snippet=str(node)))
            elif node.name == "p":
                out.append("\n\n" + self.inline(node).strip() + "\n\n")
            else:
                out.append(str(node))
        return "".join(out)


def _angle(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()]", url) else url


def _inner_source(source: str) -> str:
    """The source between an element's opening tag and its closing tag, dedented."""
    start = source.find(">") + 1
    end = source.lower().rfind("</")
    inner = source[start:end].strip("\n")
    inner = textwrap.dedent(inner)
    lines = inner.split("\n")
    if lines and lines[0].startswith(" "):
        lines[0] = lines[0].lstrip()
    return "\n".join(lines)


def _leading_heading(text: str) -> tuple[str | None, str]:
    """A heading that opens a callout is its title (MyST allows no headings inside an admonition)."""
    stripped = text.strip()
    match = re.match(r"#{1,6}\s+(.+?)\s*#*\s*(?:\n|$)", stripped)
    if match:
        return match.group(1), stripped[match.end() :]
    return None, stripped

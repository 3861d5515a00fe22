"""Small builders of MyST text: images, figures, admonitions, links, shared by the converters."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .assets import Assets, is_external
from .report import PostReport, line_of

#: Admonition kinds docutils knows, for classes that themes give their callouts.
ADMONITION_CLASSES = {
    "note": "note",
    "info": "note",
    "primary": "note",
    "message": "note",
    "secondary": "note",
    "tip": "tip",
    "success": "tip",
    "hint": "hint",
    "important": "important",
    "warning": "warning",
    "caution": "caution",
    "danger": "danger",
    "error": "error",
    "attention": "attention",
}
#: How themes prefix those kinds: notice--info (Minimal Mistakes), prompt-tip (Chirpy), block-tip
#: (al-folio), box-note (Beautiful Jekyll), alert-info (Bootstrap), plain 'success' (TeXt).
_CALLOUT = re.compile(r"^(?:notice|prompt|block|box|alert|callout|admonition|message)(?:-{1,2}(\w+))?$")


def admonition_kind(classes: list[str]) -> str | None:
    """The admonition a list of CSS classes stands for, or None if none of them is a callout."""
    for name in classes:
        match = _CALLOUT.match(name)
        if match:
            return ADMONITION_CLASSES.get(match.group(1) or "note", "note")
        if name in ADMONITION_CLASSES and name not in ("primary", "secondary", "info", "message"):
            return ADMONITION_CLASSES[name]
        if name in ("info", "message"):
            return "note"
    return None


def admonition(kind: str, body: str, title: str | None = None) -> str:
    """A colon-fenced admonition; a long enough fence for any admonition nested inside."""
    longest = max((len(run) for run in re.findall(r"^:{3,}", body, re.M)), default=2)
    fence = ":" * max(3, longest + 1)
    head = f"{fence}{{admonition}} {title}\n:class: {kind}\n" if title else f"{fence}{{{kind}}}\n"
    return f"{head}{body.strip()}\n{fence}"


def escape_alt(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


@dataclass
class Page:
    """What the converters need to know about the post being converted."""

    report: PostReport
    source: str  # the whole source file, to find constructs' lines
    target: Path  # the MyST file being written
    assets: Assets
    data: dict[str, Any]  # the Jekyll front matter
    config: dict[str, Any]  # the Jekyll _config.yml
    posts_by_name: dict[str, Path] = field(default_factory=dict)  # '2014-3-3-Hello-World' -> target
    posts_by_url: dict[str, Path] = field(default_factory=dict)  # old URL -> target
    first_line: int = 1
    old_url: str = ""  # the post's address on the old site, against which relative links are read
    at: int | None = None  # the line being converted, when the converter knows it exactly
    reported: dict[str, int] = field(default_factory=dict)  # where each snippet was last reported
    restore: Callable[[str], str] | None = None  # puts held code back into a snippet

    def line(self, snippet: str, again: bool = False) -> int:
        """The source line of ``snippet``; ``again``: the next place after the one found last time, for a
        construct written more than once (or its opening, when Liquid wrote the rest)."""
        if self.at is not None:
            return self.at
        if self.restore is not None:  # code held behind placeholders is in the source as it was written
            snippet = self.restore(snippet)
        if again and snippet:
            after = self.reported.get(snippet, -1) + 1
            opening = re.split(r"[(\"'{]", snippet, maxsplit=1)[0]
            found = self.source.find(snippet, after)
            if found < 0 and len(opening) >= 3:
                found = self.source.find(opening, after)
            if found >= 0:
                self.reported[snippet] = found
                return self.source.count("\n", 0, found) + 1
        return line_of(self.source, snippet, self.first_line)

    def keep(self, snippet: str, message: str) -> None:
        self.report.keep(self.line(snippet, again=True), message)

    def drop(self, snippet: str, message: str) -> None:
        """Report a construct left out on purpose (a comment, a script): none of its words are in the post."""
        self.report.drop(self.line(snippet, again=True), message)

    def relative(self, target: Path) -> str:
        return Path(os.path.relpath(target, self.target.parent)).as_posix()

    def post_link(self, url: str) -> str | None:
        """The MyST path to the imported post that had ``url`` on the old site, or None."""
        bare = url.split("#", 1)
        path = bare[0]
        for candidate in (path, path.rstrip("/") + "/", path + ".html", path.removesuffix(".html")):
            if candidate in self.posts_by_url:
                return self.relative(self.posts_by_url[candidate]) + ("#" + bare[1] if len(bare) > 1 else "")
        return None

    def image(
        self,
        src: str,
        alt: str = "",
        *,
        title: str = "",
        caption: str = "",
        align: str = "",
        link: str = "",
        snippet: str = "",
    ) -> str:
        """An image (or a figure, when it has a caption) as MyST, its file copied into the site.

        An image whose file is not in the Jekyll site folder stays an HTML ``<img>`` with its old address
        (absolute when the old site's address is known): Sphinx would fail on a missing file.
        """
        self.report.count("images")
        if is_external(src) or src.startswith("data:"):
            path = src
        else:
            path = self.assets.link_from(self.target, src) or ""
            if not path:
                old = self.assets.old_address(src)
                self.keep(
                    snippet or src, f"image {src!r} is not in the Jekyll site folder: kept linking to {old!r}"
                )
                if not is_external(old):
                    # neither a copy nor an address: raw HTML, which Sphinx does not check (a Markdown
                    # image of a missing file fails the build); on a line of its own so it swallows nothing
                    tag = f'<img src="{html.escape(old)}" alt="{html.escape(alt)}">'
                    if caption:
                        return f"<figure>{tag}<figcaption>{html.escape(caption)}</figcaption></figure>"
                    return tag
                path = old
        if caption or (align and not link):
            options = [f":alt: {alt}"] if alt else []
            if align:
                options.append(f":align: {align}")
            if link:
                options.append(f":target: {link}")
            directive = "figure" if caption else "image"
            if caption:
                self.report.count("figures with captions")
            body = "\n".join(options) + ("\n\n" + caption if caption else "")
            return f":::{{{directive}}} {path}\n{body}\n:::"
        title_part = f' "{title}"' if title else ""
        markdown = f"![{escape_alt(alt)}]({_angle(path)}{title_part})"
        if link:
            markdown = f"[{markdown}]({_angle(link)})"
        return markdown


def _angle(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()]", url) else url

"""Links and images written in Markdown: site paths become links to the imported posts or to copies of the
files, or (for pages that were not imported) links to the old site."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .assets import is_external
from .myst import Page

#: kramdown takes a destination with spaces ('/img/my figure.png'), and link text over several lines.
_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*)\]\((?P<url><[^>\n]*>|[^\s)]+(?: [^\s)\"]+)*)(?:\s+\"(?P<title>[^\"\n]*)\")?\)"
)
_LINK = re.compile(
    r"(?<![!\]])\[(?P<text>(?:[^\]\n]|\n(?![ \t]*\n))*)\]"
    r"\((?P<url><[^>\n]*>|[^\s)]+)(?:\s+\"[^\"\n]*\")?\)"
)
_DEFINITION = re.compile(
    r"^(?P<lead> {0,3}\[(?P<id>[^\]\n^][^\]\n]*)\]:[ \t]*)(?P<url><[^>\n]*>|\S+)(?P<rest>.*)$", re.M
)


def _is_site_path(url: str) -> bool:
    return bool(url) and not (
        is_external(url) or url.startswith(("#", "mailto:", "data:", "{%", "{{", "`")) or _is_ours(url)
    )


def _is_ours(url: str) -> bool:
    """A link the importer already wrote: to an imported post or to a copied file."""
    path = url.split("#", 1)[0]
    return path.endswith(".md") or "_static/imported/" in path


class Links:
    def __init__(self, page: Page) -> None:
        self.page = page

    def target(self, url: str, snippet: str) -> str | None:
        """Where a site path leads in the new site, or None if nowhere (reported)."""
        if not url.startswith("/"):  # relative to the post's old address, as the browser read it
            url = urljoin(self.page.old_url or "/", url)
        post = self.page.post_link(url)
        if post:
            self.page.report.count("links to imported posts")
            return post
        copied = self.page.assets.link_from(self.page.target, url)
        if copied:
            self.page.report.count("links to files")
            return copied
        old = self.page.assets.old_address(url)
        if old != url:
            self.page.report.count("links to the old site")
            return old
        self.page.keep(
            snippet,
            f"link to {url!r}: not an imported post or a file of the site, and the old site's address is "
            "unknown (--site-url): kept as plain text",
        )
        return None

    def _unlinked(self, key: str, unresolved: dict[str, str]):
        """A use of a reference definition that leads nowhere: its text, reported at the use's own line."""

        def replace(match: re.Match[str]) -> str:
            self.page.keep(
                match.group(0), f"link to {unresolved[key]!r} (reference [{key}]): kept as plain text"
            )
            return match.group(1)

        return replace

    def convert(self, text: str) -> str:
        def image(match: re.Match[str]) -> str:
            url = match.group("url").strip("<>")
            if not _is_site_path(url):
                if is_external(url):
                    self.page.report.count("images")
                return match.group(0)
            title = match.group("title") or ""
            return self.page.image(url, match.group("alt"), title=title, snippet=match.group(0))

        def link(match: re.Match[str]) -> str:
            url = match.group("url").strip("<>")
            if url == "#":
                self.page.report.count("placeholder links (#) as text")
                self.page.keep(
                    match.group(0), f"placeholder link to '#' ({match.group('text')!r}): kept as its text"
                )
                return match.group("text")
            if not _is_site_path(url):
                return match.group(0)
            target = self.target(
                url, f"[{match.group('text')}]"
            )  # the text: a Liquid URL is not in the source
            if target is None:
                return match.group("text")
            return f"[{match.group('text')}]({_angle(target)})"

        unresolved: dict[str, str] = {}

        def definition(match: re.Match[str]) -> str:
            url = match.group("url").strip("<>")
            if not _is_site_path(url):
                return match.group(0)
            target = self.target(url, url)
            if target is None:
                unresolved[match.group("id").lower()] = url
                return ""
            return f"{match.group('lead')}{target}{match.group('rest')}"

        text = _IMAGE.sub(image, text)
        text = _LINK.sub(link, text)
        text = _DEFINITION.sub(definition, text)
        for key in unresolved:
            # uses ('[text][key]', '[key][]', '[key]') of a definition leading nowhere (reported): their text
            text = re.sub(
                r"\[([^\]\n]+)\]\[" + re.escape(key) + r"\]",
                self._unlinked(key, unresolved),
                text,
                flags=re.I,
            )
            text = re.sub(
                r"\[(" + re.escape(key) + r")\](?:\[\])?(?![(:])",
                self._unlinked(key, unresolved),
                text,
                flags=re.I,
            )
        return text


def _angle(url: str) -> str:
    return f"<{url}>" if re.search(r"[\s()<>]", url) else url

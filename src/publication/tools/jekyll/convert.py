"""Convert one Jekyll post into one MyST post: front matter, Liquid, HTML, kramdown, links, headings."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from . import frontmatter as fm
from .assets import Assets
from .blocks import Math, escape_unclosed_html_blocks, hold_blocks
from .html import Html
from .kramdown import Kramdown, convert_math
from .links import Links
from .liquid import Liquid
from .myst import Page
from .notebooks import find_embed, notebook_file, notebook_post, unreadable
from .report import PostReport
from .scholarship import Bibliography, Scholarship, authors_of, site_bibliography
from .urls import old_url, redirect_page, slugify, url_list

#: The line of the imported file that records a digest of what the importer wrote.
#: In a notebook post the line is inside the front-matter cell's JSON: ``    "  sha256: …\\n",``.
DIGEST = re.compile(r'^(?P<lead>[ \t]*"?)  sha256: (?P<digest>[0-9a-f]{64})(?=$|\\n")', re.M)
_DIGEST_LINE = re.compile(r'^(?P<lead>[ \t]*"?)  sha256: ?[0-9a-f]*(?=$|\\n")', re.M)
_INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


@dataclass
class Entry:
    """A post found in the Jekyll site, read and dated, before its body is converted."""

    source: Path
    label: str  # how the summary names it (relative to the Jekyll site when known)
    text: str
    post: fm.JekyllPost
    target: Path
    urls: list[str] = field(default_factory=list)  # its old addresses, first the one Jekyll gave it
    categories: list[str] = field(default_factory=list)

    @property
    def draft(self) -> bool:
        return self.post.data.get("published") is False


def plan(source: Path, label: str, text: str, config: dict[str, Any], posts_dir: Path) -> Entry:
    """Read a post's front matter and work out where it goes and where it was; raise FrontMatterError."""
    post = fm.read_post(text, source.stem, config)
    data = post.data
    categories = fm.words(data.get("category")) if "category" in data else []
    categories += fm.words(data.get("categories"))
    if isinstance(data.get("category"), str) and "categories" not in data:
        categories = [data["category"].strip()]
    year = post.date.year if post.date else 1970
    target = posts_dir / str(year) / f"{slugify(post.slug)}.md"
    permalink = data.get("permalink") if isinstance(data.get("permalink"), str) else config.get("permalink")
    title = post.title or fm.titleize(post.slug)
    urls = [old_url(permalink, post.date, post.slug, categories, title)]
    urls += [url for url in url_list(data.get("redirect_from")) if url not in urls]
    return Entry(source, label, text, post, target, urls, categories)


def digest_of(text: str) -> str:
    """The digest of an imported file, computed with its own digest line blanked."""
    blanked = _DIGEST_LINE.sub(lambda m: f"{m.group('lead')}  sha256:", text, count=1)
    return hashlib.sha256(blanked.encode("utf-8")).hexdigest()


def recorded_digest(text: str) -> str | None:
    match = DIGEST.search(text)
    return match.group("digest") if match else None


class Protected:
    """Code kept out of reach of the Markdown converters, behind placeholders, and put back at the end."""

    def __init__(self) -> None:
        self.pieces: list[str] = []

    def hold(self, text: str) -> str:
        self.pieces.append(text)
        return f"\ue000{len(self.pieces) - 1}\ue001"

    def restore(self, text: str) -> str:
        for _ in range(3):  # code held inside other held code
            text = re.sub(r"\ue000(\d+)\ue001", lambda m: self.pieces[int(m.group(1))], text)
        return text


def _hold_inline(line: str, held: Protected) -> str:
    return _INLINE_CODE.sub(lambda m: held.hold(m.group(0)), line)


def scalar(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, width=10**6).removesuffix("\n...\n").strip()


def flow_list(values: list[str]) -> str:
    return "[" + ", ".join(scalar(value) for value in values) + "]"


def first_heading(body: str) -> tuple[str | None, str]:
    """A '# Title' that opens the body is the post's title when the front matter has none."""
    match = re.match(r"\s*#[ \t]+(?P<title>[^\n]+?)[ \t]*#*[ \t]*(?:\n|$)", body)
    if not match:
        return None, body
    return match.group("title"), body[match.end() :]


def _same_words(heading: str | None, title: str) -> bool:
    return (
        heading is not None
        and re.sub(r"\W+", " ", heading).strip().lower() == re.sub(r"\W+", " ", title).strip().lower()
    )


def convert(
    entry: Entry, assets: Assets, config: dict[str, Any], index: dict[str, dict[str, Path]]
) -> tuple[str, PostReport]:
    """The MyST text of one post, and what converting it found."""
    post = entry.post
    data = post.data
    report = PostReport(Path(entry.label))
    page = Page(
        report=report,
        source=entry.text,
        target=entry.target,
        assets=assets,
        data=data,
        config=config,
        posts_by_name=index["names"],
        posts_by_url=index["urls"],
        first_line=post.body_line,
        old_url=entry.urls[0] if entry.urls else "",
    )
    body = post.body
    title = post.title
    if title is None:
        title, body = first_heading(body)
        if title is not None:
            report.count("titles from the first heading")
    elif _same_words(first_heading(body)[0], title):
        # the theme showed the title; a body that repeats it as '# Title' would nest every section one deeper
        body = first_heading(body)[1]
        report.count("headings repeating the title dropped")
    if title is None:
        title = fm.titleize(post.slug)
        report.count("titles from the file name")
    held = Protected()
    page.restore = held.restore
    math = Math(page)
    bibliography = Bibliography(site_bibliography(assets.srcdir))
    scholarship = Scholarship(page, bibliography)
    body, notebook = embed_notebook(body, entry, page, held)
    if data.get("render_with_liquid") is not False:
        body = Liquid(page, held.hold, scholarship).render(body, post.body_line)
    # code and math blocks are found by the Markdown parser and held whole: nothing below can split them
    body = hold_blocks(escape_unclosed_html_blocks(body), page, math, held.hold, post.body_line)
    body = "\n".join(_hold_inline(line, held) for line in body.split("\n"))
    body = scholarship.abbreviations(scholarship.distill(body))
    body = Html(page).convert(body)
    markdown = Kramdown(page)
    body = markdown.toc(body)
    body = markdown.block_ials(body)
    body = markdown.span_ials(body)
    body = convert_math(body, page, math, held.hold)
    body = Links(page).convert(body)
    body = markdown.headings(body, has_title=True)
    body, excerpt = markdown.more(body)
    for leftover in re.finditer(r"\{:[^}\n]*\}", body):
        page.keep(leftover.group(0), f"attribute list {leftover.group(0)!r} kept as text")
    body = scholarship.end(body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip("\n")  # blank lines of prose; code keeps its own
    body = held.restore(body)
    if not assets.dry_run:
        bibliography.write()
    front = front_matter(entry, page, title, excerpt, index)
    if notebook is not None:
        before, _, after = body.partition(NOTEBOOK_MARK)
        text = notebook_post(front, before, notebook, after)
    else:
        text = f"---\n{front}---\n\n{body}\n"
    digest = digest_of(text)
    return _DIGEST_LINE.sub(lambda m: f"{m.group('lead')}  sha256: {digest}", text, count=1), report


#: Where the notebook's cells go in a post that embeds one, until the body is split around it.
NOTEBOOK_MARK = "\ue002notebook\ue003"


def embed_notebook(body: str, entry: Entry, page: Page, held: Protected) -> tuple[str, Path | None]:
    """The body with its embedded notebook (and al-folio's scaffolding around it) taken out: replaced by a
    mark where the notebook's cells go when the post becomes a notebook post (``entry.target`` is an
    ``.ipynb``), else by a link to the notebook's old address. Lines are kept, for the report's file:line."""
    embed = find_embed(body)
    if embed is None:
        return body, None
    padding = "\n" * embed.source.count("\n")
    notebook = notebook_file(page.assets.site_root, embed.path)
    if notebook is not None and entry.target.suffix == ".ipynb":
        page.report.count("Jupyter notebooks embedded: the post is a notebook post")
        return body[: embed.start] + held.hold(NOTEBOOK_MARK) + padding + body[embed.end :], notebook
    address = page.assets.old_address(embed.path)
    name = PurePosixPath(embed.path).name
    if notebook is None:
        problem = "is not in the Jekyll site"
    else:
        reason = unreadable(notebook)
        problem = f"cannot be read ({reason})" if reason else "is not imported as a notebook post"
    page.keep(embed.source, f"notebook {embed.path} {problem}: linked at {address}")
    link = f'<a href="{html.escape(address)}">{html.escape(name)}</a>'
    replacement = held.hold(f"Jupyter notebook: {link}")
    return body[: embed.start] + replacement + padding + body[embed.end :], None


#: Keys read here; every other key is kept under 'jekyll:'.
_READ = {
    "title",
    "date",
    "tags",
    "tag",
    "category",
    "categories",
    "author",
    "authors",
    "description",
    "comments",
    "bibliography",
}


def front_matter(
    entry: Entry, page: Page, title: str, excerpt: int | None, index: dict[str, dict[str, Path]]
) -> str:
    post, data = entry.post, entry.post.data
    lines = [f"title: {scalar(title)}"]
    kept = {key: value for key, value in data.items() if key not in _READ}
    if entry.draft:
        page.report.count("drafts (published: false)")
        kept["date"] = data.get("date", fm.format_date(post.date) if post.date else None)
    elif post.date is not None:
        lines.append(f"date: {fm.format_date(post.date)}")
    authors = data.get("author")
    if isinstance(authors, dict) and authors.get("name"):
        authors = authors["name"]
    author_list = (
        [str(a) for a in authors] if isinstance(authors, list) else ([str(authors)] if authors else [])
    )
    author_list = author_list or authors_of(data, page)
    if author_list:
        lines.append(f"author: {flow_list(author_list)}")
    if entry.categories:
        lines.append(f"category: {flow_list(entry.categories)}")
    tags = fm.words(data.get("tags")) + fm.words(data.get("tag"))
    if tags:
        lines.append(f"tags: {flow_list(list(dict.fromkeys(tags)))}")
    for key in ("description", "excerpt", "subtitle"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            lines.append(f"description: {scalar(' '.join(value.split()))}")
            if key != "description":
                page.report.count(f"'{key}' as the description")
            break
    for key in fm.IMAGE_KEYS:
        value = fm.dig(data, key)
        if isinstance(value, str) and value.strip():
            assets_path = page.assets.site_path(value.strip()) if not value.startswith("http") else None
            if assets_path:
                page.report.count("header images")
                alt = next(
                    (fm.dig(data, k) for k in fm.IMAGE_ALT_KEYS if isinstance(fm.dig(data, k), str)), None
                )
                lines.append(f"image: {scalar(assets_path)}")
                lines.append(f"image_alt: {scalar(alt or title)}")
            else:
                page.keep(
                    f"{key.split('.')[-1]}:",
                    f"header image {value!r} is not in the Jekyll site folder; kept under 'jekyll:'",
                )
            break
    if isinstance(data.get("comments"), bool):
        lines.append(f"comments: {scalar(data['comments'])}")
    # a draft had no address on the old site (Jekyll does not publish it), and ablog writes it no redirect
    urls = [] if entry.draft else entry.urls
    redirects = [name for name in (redirect_page(url) for url in urls) if name]
    redirects = [name for name in dict.fromkeys(redirects) if name not in index["pages"]]
    if redirects:
        page.report.count("old addresses redirected", len(redirects))
        lines.append(f"redirect: {scalar(', '.join(redirects))}")
    if excerpt:
        lines.append(f"excerpt: {excerpt}")
    if kept:
        block = yaml.safe_dump({"jekyll": _plain(kept)}, allow_unicode=True, sort_keys=False, width=100)
        lines.append("# Jekyll front matter with no equivalent here, kept as it was")
        lines.extend(block.rstrip("\n").split("\n"))
    lines += ["jekyll_import:", f"  source: {scalar(entry.label)}", "  sha256: "]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """YAML-safe copies of front-matter values (dates stay dates)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | str | int | float | bool) or value is None:
        return value
    return str(value)

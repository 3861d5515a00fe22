"""What search engines read: ``sitemap.xml`` of the published pages, and ``robots.txt`` pointing at it.

The sitemap lists every page in the output folder when the build ends, in address order, each post with its
last change (``updated``, else its date) as ``lastmod``. sphinx-sitemap lists only the pages written by the
current build, so an incremental build (one edited post) would publish a sitemap of a handful of pages; and
it lists them in the order they finish writing, which differs between parallel builds. Pages are left out
by ``publication_sitemap_excludes`` (shell patterns, as sphinx-sitemap's), and drafts shown by a preview
always are.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin
from xml.sax.saxutils import escape

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from publication.site.ablog_patches import blog_of
from publication.site.files import walk, write_if_changed
from publication.site.posts import post_record

SITEMAP = "sitemap.xml"
NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
#: Output folders that hold no pages.
NOT_PAGES = ("_static", "_images", "_sources", "_downloads")


def published_pages(app: Sphinx) -> list[str]:
    """The pages of the output folder, as file names relative to it, that belong in the sitemap."""
    outdir = Path(app.builder.outdir)
    blog = blog_of(app)
    uri = app.builder.get_target_uri
    drafts = {uri(post.docname) for post in blog.drafts}
    # ablog's redirect pages (a post's old addresses) are not pages of their own
    redirects = {uri(old) for post in [*blog.posts, *blog.drafts] for old in post.redirect or []}
    excludes = app.config.publication_sitemap_excludes
    pages = []
    # files.walk (os.walk), not Path.rglob: a path object per file took most of this at 1,000 posts (the
    # preview runs it after every save); the folders that hold no pages are not walked
    for prefix, subfolders, files in walk(outdir):
        if not prefix:
            subfolders[:] = [name for name in subfolders if name not in NOT_PAGES]
        for file in files:
            if not file.endswith(".html"):
                continue
            name = prefix + file
            # Sphinx's addresses are the file names percent-encoded ("my post" is my%20post.html)
            address = quote(name)
            if address in drafts or address in redirects:
                continue
            if any(fnmatch.fnmatch(name, pattern) for pattern in excludes):
                continue
            pages.append(name)
    return sorted(pages)


def sitemap_xml(app: Sphinx, pages: list[str]) -> bytes:
    modified = {}
    for post in blog_of(app).posts:
        record = post_record(app.env, post.docname)
        moment = record.last_modified if record and record.last_modified else post.date
        modified[app.builder.get_target_uri(post.docname)] = moment.isoformat()
    return urlset(app.config.html_baseurl, pages, modified)


def urlset(base_url: str, pages: list[str], modified: dict[str, str]) -> bytes:
    """The sitemap of ``pages`` (file names relative to the output folder) with their ``lastmod`` by address.

    Written as text, indented as ElementTree indents: its tree and serialisation of a 1,000-post blog's
    1,600 pages took a tenth of a second of every build, one that changed nothing included.
    """
    # each address is relative to the base, as Sphinx's own links write it (spaces, "#" and non-ASCII
    # percent-encoded): the base is resolved once, not joined with each address
    base = urljoin(base_url, ".")
    head = f"<?xml version='1.0' encoding='utf-8'?>\n<urlset xmlns=\"{NAMESPACE}\""
    if not pages:
        return f"{head} />\n".encode()
    lines = [f"{head}>"]
    for page in pages:
        address = quote(page)
        lines.append(f"  <url>\n    <loc>{escape(base + address)}</loc>")
        if address in modified:
            lines.append(f"    <lastmod>{escape(modified[address])}</lastmod>")
        lines.append("  </url>")
    lines.append("</urlset>\n")
    return "\n".join(lines).encode("utf-8")


def robots_txt(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def write_sitemap_and_robots(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    if not app.config.html_baseurl:
        return  # publication.site.feeds already warns: nothing absolute can be written
    outdir = Path(app.builder.outdir)
    write_if_changed(outdir / SITEMAP, sitemap_xml(app, published_pages(app)))
    robots = robots_txt(urljoin(app.config.html_baseurl, SITEMAP))
    write_if_changed(outdir / "robots.txt", robots.encode("utf-8"))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_sitemap_excludes", [], "", types=[list, tuple])
    # after the other build-finished writers, and after stale pages are removed (publication.site.rebuilds)
    app.connect("build-finished", write_sitemap_and_robots, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

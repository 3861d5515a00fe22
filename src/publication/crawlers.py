"""What search engines read: ``robots.txt`` pointing at the sitemap, and a sitemap without drafts.

sphinx-sitemap writes ``sitemap.xml`` from every page Sphinx writes; a draft post is written too (so its
author can preview it) but is not published, so it is excluded here once the posts are known.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from publication.ablog_patches import blog_of


def exclude_drafts(app: Sphinx, env: Any) -> list[str]:
    """Keep draft and future posts out of the sitemap (their names are known only after reading)."""
    if isinstance(app.builder, StandaloneHTMLBuilder) and hasattr(app.config, "sitemap_excludes"):
        blog = blog_of(app)
        drafts = [app.builder.get_target_uri(post.docname) for post in blog.drafts]
        app.config.sitemap_excludes = [*app.config.sitemap_excludes, *drafts]
    return []


def robots_txt(sitemap_url: str) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n"


def write_robots_txt(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    if not app.config.html_baseurl or not hasattr(app.config, "sitemap_filename"):
        return
    sitemap = urljoin(app.config.html_baseurl, app.config.sitemap_filename)
    (Path(app.builder.outdir) / "robots.txt").write_text(robots_txt(sitemap), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("sphinx_sitemap")
    app.connect("env-updated", exclude_drafts)
    app.connect("build-finished", write_robots_txt)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

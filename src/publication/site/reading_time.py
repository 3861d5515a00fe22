"""How long a post takes to read, for its byline and the post listings.

Counts the words a reader reads: the prose, lists, tables, captions and quotes of the post (a notebook's HTML
outputs, such as tables, too), not its code, math, source comments, footnotes or bibliography. The count is
taken once, when the post is read, and kept in the environment, so listings on other pages can show it
without re-reading the post.
"""

from __future__ import annotations

import math
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

#: Words a minute of an adult reading non-fiction on a screen (Brysbaert 2019, doi:10.1016/j.jml.2019.104047).
WORDS_PER_MINUTE = 238

#: Nodes whose text is not read as prose.
SKIPPED = (
    nodes.literal_block,
    nodes.math_block,
    nodes.math,
    nodes.comment,
    nodes.footnote,
    nodes.citation,
    nodes.raw,
    nodes.docinfo,
    nodes.system_message,
)


#: A tag of HTML, dropped to count the words of a notebook's HTML output (a table, as a table in Markdown).
TAG = re.compile(r"<[^>]*>")


def words_of(node: nodes.Node) -> int:
    """The number of words of prose in a document or node."""
    if isinstance(node, nodes.raw) and "text_html" in node.get("classes", []):  # MyST-NB's HTML output
        return len(TAG.sub(" ", node.astext()).split())
    if isinstance(node, SKIPPED):
        return 0
    if isinstance(node, nodes.Text):
        return len(node.split())
    return sum(words_of(child) for child in node.children)


def minutes_for(words: int) -> int:
    """Whole minutes to read this many words; at least one."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def count_words(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if docname in app.config.matched_blog_posts:
        app.env.metadata[docname]["publication_words"] = words_of(doctree)


def words_in(env: Any, docname: str) -> int:
    """The words counted in a post when it was read (0 for other pages)."""
    return env.metadata.get(docname, {}).get("publication_words", 0)


def reading_time(env: Any, docname: str) -> str:
    """'6 min read', or '' for a page that is not a post."""
    words = words_in(env, docname)
    return f"{minutes_for(words)} min read" if words else ""


def add_to_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Listings show each post's reading time: ``reading_time(post)`` in templates."""
    context["reading_time"] = lambda post: reading_time(app.env, post.docname)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", count_words)
    app.connect("html-page-context", add_to_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

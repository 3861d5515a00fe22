"""Numbered figures, tables, code listings and equations in posts.

Sphinx numbers them only in documents reached through a toctree from the root document; blog posts are
reached through ablog instead, so ``{numref}`` and numbered ``{eq}`` references in a post would fail
("no number is assigned"). Each post is numbered on its own, from 1, as an article is: the numbers are
taken when the post is read and handed to Sphinx each time it assigns numbers to the toctree's documents.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment import BuildEnvironment

KEY = "publication_fignumbers"


def figure_type(env: BuildEnvironment, node: nodes.Element) -> str | None:
    """The kind of number a node takes ('figure', 'table', 'code-block', 'displaymath'), as Sphinx says."""
    for domain in env.domains.sorted():
        figtype = domain.get_enumerable_node_type(node)
        if isinstance(domain, StandardDomain) and not domain.get_numfig_title(node):
            continue  # Sphinx numbers only captioned figures, tables and listings
        if figtype:
            return figtype
    return None


def numbers_of(env: BuildEnvironment, doctree: nodes.document) -> dict[str, dict[str, tuple[int, ...]]]:
    """Each numbered node's number, by kind and id, in document order, from 1."""
    numbers: dict[str, dict[str, tuple[int, ...]]] = {}
    # only the classes a domain numbers (Sphinx matches the exact class; sections are the standard
    # domain's own case), not every element of the post
    enumerable = {nodes.section, *(cls for domain in env.domains.sorted() for cls in domain.enumerable_nodes)}
    for node in doctree.findall(lambda node: node.__class__ in enumerable):
        figtype = figure_type(env, node)
        if figtype and node["ids"]:
            kind = numbers.setdefault(figtype, {})
            kind[node["ids"][0]] = (len(kind) + 1,)
    return numbers


def number_post(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if app.config.numfig and docname in app.config.matched_blog_posts:
        app.env.metadata[docname][KEY] = numbers_of(app.env, doctree)


def hand_numbers_to_sphinx(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After Sphinx has numbered the toctree's documents, add the posts' own numbers."""
    for docname, metadata in env.metadata.items():
        numbers = metadata.get(KEY)
        if numbers and docname not in env.toc_fignumbers:
            env.toc_fignumbers[docname] = numbers
    return []  # a post's numbers change only when the post is read again, and so rewritten


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("doctree-read", number_post)
    # after Sphinx's TocTreeCollector, which replaces env.toc_fignumbers on this event
    app.connect("env-get-updated", hand_numbers_to_sphinx, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

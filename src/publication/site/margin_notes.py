"""Margin notes: ``{margin}`` asides beside the text on wide screens, inline boxes on phones.

Written in a post as

    :::{margin}
    A remark that would interrupt the argument.
    :::

the note is placed beside the paragraph that follows it (publication.css floats it into the space the text's
measure leaves free), and between paragraphs where the screen is too narrow. The name and behaviour follow
sphinx-book-theme's ``margin`` directive, so posts move between the two themes unchanged.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


class MarginNote(SphinxDirective):
    """A note set in the margin; its content is ordinary Markdown."""

    has_content = True
    optional_arguments = 1  # a title
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        note = nodes.sidebar(classes=["margin-note"])
        self.set_source_info(note)
        if self.arguments:
            note += nodes.title(self.arguments[0], self.arguments[0])
        if not self.content:
            raise self.error("a margin note needs content")
        self.state.nested_parse(self.content, self.content_offset, note)
        return [note]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("margin", MarginNote)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""README.md renders as written: on a code host every section is a section and every example a code block.

It is parsed with markdown-it-py (the parser under MyST, CommonMark as GitHub renders it, with tables).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from conftest import ROOT

README = ROOT / "README.md"


def tokens() -> list[Token]:
    return MarkdownIt("commonmark").enable("table").parse(README.read_text(encoding="utf-8"))


def fences() -> list[Token]:
    return [token for token in tokens() if token.type == "fence"]


def section_titles() -> list[str]:
    found = tokens()
    return [
        found[i + 1].content
        for i, token in enumerate(found)
        if token.type == "heading_open" and token.tag == "h2"
    ]


def test_every_code_block_names_its_language() -> None:
    """A block without one is, in this README, a stray closing fence that opened a block by mistake."""
    assert [(fence.map, fence.content[:60]) for fence in fences() if not fence.info.strip()] == []


def test_a_fence_inside_an_example_is_nested_inside_a_longer_one() -> None:
    """An example that shows a fence is fenced with more backticks (or tildes), so it ends where it should."""
    for fence in fences():
        marker = re.escape(fence.markup[0])
        inner = re.compile(rf"^ {{0,3}}{marker}{{{len(fence.markup)},}}", re.MULTILINE)
        assert not inner.search(fence.content), (fence.map, fence.content[:200])


def test_every_section_is_a_heading_not_code() -> None:
    """The sections an author looks for are headings (a runaway code block would have swallowed them)."""
    assert {
        "Quick start",
        "Writing a post",
        "Citing and sharing",
        "Configuration",
        "nox sessions",
        "Deploying on Read the Docs",
        "Licence",
    } <= set(section_titles())
    # the example of a post has its own headings, and they stay inside its code block
    assert "A section" not in section_titles() and "References" not in section_titles()

"""Author–year citations that link to a post's own bibliography.

Per-post bibliographies come from ``{footcite}`` and ``{footbibliography}`` (``{cite}`` with a
``{bibliography}`` per post warns on keys cited twice and is quadratic in the number of posts). But
sphinxcontrib-bibtex's footnote citations can only read as numbers: its ``author_year`` style asserts on
footnote references. This style, ``foot_author_year``, writes "(Hochreiter and Schmidhuber, 1997)" and
"Zhang et al. (2017)", the author–year part being a link to the entry in the post's bibliography.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pybtex_docutils
from docutils import nodes
from pybtex.style.template import _format_list, join, node
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import (
    BaseReferenceStyle,
    BracketStyle,
    GroupReferenceStyle,
    PersonStyle,
)
from sphinxcontrib.bibtex.style.template import BaseReferenceText, FootReferenceInfo, year

STYLE_NAME = "foot_author_year"


class FootLinkText(BaseReferenceText[FootReferenceInfo]):
    """Rich text rendered as a link to the footnote that holds the cited entry."""

    def render(self, backend: Any) -> list[nodes.Node]:
        assert isinstance(backend, pybtex_docutils.Backend)
        info = self.info[0]
        document = info.document
        link = nodes.reference("", "", *super().render(backend), refname=info.refname, classes=["footcite"])
        document.note_refname(link)  # docutils resolves the name to the footnote's id
        document.set_id(link)
        # the entry links back to each place it is cited, as footnotes do
        footnote = document.ids.get(document.nameids.get(info.refname, ""))
        if footnote is not None:
            footnote["backrefs"].append(link["ids"][0])
        return [link]


@node
def foot_link(children: list[Any], data: dict[str, Any]) -> FootLinkText:
    """Pybtex template node: its children, linked to the cited entry's footnote."""
    return FootLinkText(data["reference_info"], *_format_list(children, data))


def _parentheses() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclass
class FootAuthorYearParenthetical(BaseReferenceStyle):
    """``{footcite:p}``: (Author, Year; Author, Year)."""

    bracket: BracketStyle = field(default_factory=_parentheses)
    person: PersonStyle = field(default_factory=PersonStyle)

    def role_names(self) -> Iterable[str]:
        return ["p", "ps"]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=True, capfirst=False)

    def inner(self, role_name: str) -> Any:
        return foot_link[join(sep=", ")[self.person.author_or_editor_or_title(full="s" in role_name), year]]


@dataclass
class FootAuthorYearTextual(BaseReferenceStyle):
    """``{footcite:t}``: Author (Year)."""

    bracket: BracketStyle = field(default_factory=_parentheses)
    person: PersonStyle = field(default_factory=PersonStyle)

    def role_names(self) -> Iterable[str]:
        return [f"{capfirst}t{full}" for capfirst in ("", "c") for full in ("", "s")]

    def outer(self, role_name: str, children: list[Any]) -> Any:
        return self.bracket.outer(children, brackets=False, capfirst="c" in role_name)

    def inner(self, role_name: str) -> Any:
        return join(sep=" ")[
            self.person.author_or_editor_or_title(full="s" in role_name),
            join[self.bracket.left, foot_link[year], self.bracket.right],
        ]


@dataclass
class FootAuthorYearReferenceStyle(GroupReferenceStyle):
    """Author–year references to footnote bibliographies, for ``bibtex_foot_reference_style``."""

    person: PersonStyle = field(default_factory=PersonStyle)

    def __post_init__(self) -> None:
        self.styles.extend(
            [FootAuthorYearParenthetical(person=self.person), FootAuthorYearTextual(person=self.person)]
        )
        super().__post_init__()


def setup(app: Sphinx) -> dict[str, Any]:
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, FootAuthorYearReferenceStyle)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""MyST-Parser, patched where it repeats work for every post.

``DocutilsRenderer.setup_render`` reads ``options.get("document", make_document())``: Python evaluates the
default before looking, so for every post MyST makes a docutils document, with default settings computed
afresh by docutils' option parser (0.5 ms), and throws it away, as Sphinx hands it the real one: 0.5 s of
a full build at 1,000 posts. ``make_document`` here computes the default settings once per
parser class and gives each document its own shallow copy, as Sphinx's ``new_document`` does, with its own
list of dependencies. The only
documents it makes in a Sphinx build are that discarded one and, for reStructuredText inside Markdown, a
document whose settings MyST replaces with the post's own.

MyST reads every post's front matter twice (for its own settings, then for the docinfo fields) with
``yaml.safe_load``, PyYAML's pure-Python loader: 3 ms a post, 6 s of a full build at 1,000 posts. PyYAML's
libyaml loader (``CSafeLoader``) builds the same Python values with the same constructors, ten times
faster; :data:`SAFE_LOAD` makes ``yaml.safe_load`` use it where PyYAML was built with libyaml (the wheels
are). publication.site.frontmatter reads posts with it already.

MyST makes a renderer for every post, and each renderer looks through its own class's attributes
(``inspect.getmembers``, some 400 of them, each fetched and tested) for its ``render_*`` methods: 2 ms a post,
2 s of a full build at 1,000 posts under cProfile. :data:`RENDERER_INSPECT` gives MyST's renderer module an
``inspect`` whose ``getmembers(renderer, inspect.ismethod)`` looks through a renderer class once, and
afterwards returns the same names, in the same order, bound to each new renderer.
"""

from __future__ import annotations

import functools
import inspect
from copy import copy
from typing import Any

import yaml
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser as RSTParser
from docutils.utils import DependencyList, new_document
from sphinx.application import Sphinx

from publication.shared.patching import Patch

MAKE_DOCUMENT = Patch(
    owner="myst_parser.mdit_to_docutils.base",
    name="make_document",
    package="myst-parser",
    versions=">=4.0,<6",
    where="publication.site.myst_patches",
    retire="when MyST's setup_render stops making a document it discards; not reported upstream yet",
)


SAFE_LOAD = Patch(
    owner="yaml",
    name="safe_load",
    package="PyYAML",
    versions=">=6.0,<7",
    where="publication.site.myst_patches",
    retire="when MyST-Parser loads front matter with libyaml (yaml.CSafeLoader); not reported upstream",
)


RENDERER_INSPECT = Patch(
    owner="myst_parser.mdit_to_docutils.base",
    name="inspect",
    package="myst-parser",
    versions=">=4.0,<6",
    where="publication.site.myst_patches",
    retire="when MyST finds a renderer class's render methods once per class; not reported upstream yet",
)
RENDERER_INSPECT.check()


class InspectRememberingMethods:
    """The ``inspect`` module, except that an object's methods are looked up once per class."""

    def __init__(self) -> None:
        self.method_names: dict[type, tuple[str, ...]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(inspect, name)

    def getmembers(self, obj: Any, predicate: Any = None) -> list[tuple[str, Any]]:
        if predicate is not inspect.ismethod:
            return inspect.getmembers(obj, predicate)
        names = self.method_names.get(type(obj))
        if names is None:
            members = inspect.getmembers(obj, predicate)
            self.method_names[type(obj)] = tuple(name for name, _ in members)
            return members
        return [(name, getattr(obj, name)) for name in names]


def safe_load_with_libyaml(stream: Any) -> Any:
    """``yaml.safe_load``, parsed by libyaml: the same values, the same YAMLError subclasses on bad input."""
    return yaml.load(stream, Loader=yaml.CSafeLoader)


@functools.cache
def _default_settings(parser_cls: type) -> Any:
    return get_default_settings(parser_cls)


def make_document(source_path: str = "notset", parser_cls: type = RSTParser) -> nodes.document:
    """A new docutils document with the parser class's default settings (MyST's, computed once)."""
    settings = copy(_default_settings(parser_cls))
    settings.record_dependencies = DependencyList()  # the one setting a document adds to
    return new_document(source_path, settings=settings)


def setup(app: Sphinx) -> dict[str, Any]:
    MAKE_DOCUMENT.apply(make_document)
    RENDERER_INSPECT.apply(InspectRememberingMethods())
    if getattr(yaml, "__with_libyaml__", False):
        SAFE_LOAD.apply(safe_load_with_libyaml)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

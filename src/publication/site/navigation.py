"""The site's navigation tree (furo's sidebar) made once per folder for the pages outside it.

furo puts the whole table of contents in every page's sidebar: Sphinx resolves the root document's
toctree for that page (copying every section heading of the pages it lists) and renders it, about 3 ms a
page (10 % of a full build at 1,000 posts under cProfile). For a page that no toctree lists (every post and
every listing page of a blog), the result depends only on the page's folder: its links are relative to the
folder, and no entry is marked as the current page or one of its ancestors. Such pages share one rendering
per folder and set of arguments; pages a toctree lists (the home page, About) are rendered for themselves.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


class SharedNavigation:
    """One build's renderings of the toctree, by folder and arguments; emptied when a build starts."""

    def __init__(self) -> None:
        self.renderings: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}
        self.listed: set[str] | None = None  # the documents some toctree lists, with the root document

    def forget(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        self.renderings.clear()
        self.listed = None

    def listed_documents(self, app: Sphinx) -> set[str]:
        if self.listed is None:
            env = app.env
            self.listed = {app.config.root_doc, *env.toctree_includes}
            for included in env.toctree_includes.values():
                self.listed.update(included)
        return self.listed

    def share(self, app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
        render: Callable[..., str] | None = context.get("toctree")
        if render is None or pagename in self.listed_documents(app):
            return
        folder = posixpath.dirname(pagename)

        def shared(**kwargs: Any) -> str:
            key = (folder, tuple(sorted(kwargs.items())))
            if key not in self.renderings:
                self.renderings[key] = render(**kwargs)
            return self.renderings[key]

        context["toctree"] = shared


def setup(app: Sphinx) -> dict[str, Any]:
    navigation = SharedNavigation()
    app.connect("env-before-read-docs", navigation.forget)
    # first, while the page's toctree is still Sphinx's own: others replace it for some pages (the 404
    # page's has absolute links, sphinx-notfound-page at 400) and must not be given the shared one
    app.connect("html-page-context", navigation.share, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Sphinx's search helpers load on the search page, and elsewhere only when there are words to highlight.

Sphinx puts three scripts on every page (3.7 KiB gzipped, an eighth of a post's 30 KiB budget):
``documentation_options.js``, ``doctools.js`` and ``sphinx_highlight.js``. Outside the search page they do
two things on this site: "/" puts the cursor in the search box, and after a search the page opened from
the results highlights the words searched for (the search page leaves them in ``localStorage``, older
links carry ``?highlight=``). Every other page gets instead a small script of the site's own
(``static/publication-search.js``) that handles "/" itself and loads Sphinx's three, in order, only when
there are words to highlight. The search page keeps them as they are: its search needs them.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from publication.site.assets import add_static_path, add_to_page, drop_from_page

#: What Sphinx adds to every page for its search, by file name.
SPHINX_SCRIPTS = ("documentation_options.js", "doctools.js", "sphinx_highlight.js")
SCRIPT = "publication-search.js"


def load_on_demand(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if templatename == "search.html" or "script_files" not in context:
        return
    drop_from_page(context, "script_files", SPHINX_SCRIPTS)
    add_to_page(app, SCRIPT)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", load_on_demand, priority=900)  # after every extension's own files
    return {"parallel_read_safe": True, "parallel_write_safe": True}

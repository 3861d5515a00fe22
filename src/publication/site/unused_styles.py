"""Each page loads only the style sheets it uses.

furo adds two style sheets to every page that this site's pages mostly do not use:

- ``styles/furo-extensions.css`` (1.2 KiB gzipped) styles other extensions' markup: sphinx-copybutton,
  sphinx-design, sphinx-inline-tabs, Read the Docs' old version menu and ad placement. This site uses
  none of them (its copy button is its own; its sidebar has no version menu or ad), so no page loads it.
  A site that turns one on lists the file in ``publication_keep_styles``.
- ``pygments.css`` (1.3 KiB gzipped) colours highlighted code: only pages that show some load it.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from publication.site.assets import drop_from_page

FURO_EXTENSIONS = "styles/furo-extensions.css"
PYGMENTS = "pygments.css"
#: How Sphinx's HTML marks a highlighted block or inline snippet.
HIGHLIGHTED = ('class="highlight', 'class="code highlight')


def unused(app: Sphinx, context: dict) -> set[str]:
    names = {FURO_EXTENSIONS}
    if not any(mark in context.get("body", "") for mark in HIGHLIGHTED):
        names.add(PYGMENTS)
    return names - set(app.config.publication_keep_styles)


def drop_unused(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    drop_from_page(context, "css_files", unused(app, context))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_keep_styles", [], "html", types=[list, tuple])
    app.connect("html-page-context", drop_unused, priority=900)  # after every extension's own files
    return {"parallel_read_safe": True, "parallel_write_safe": True}

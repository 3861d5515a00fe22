"""Modules every build imported and no build uses, imported when first used instead.

- **soupsieve**, BeautifulSoup's CSS selectors, compiles its selector grammar when it is imported: 0.1 s of
  every build's start (the preview's, Read the Docs', each test's), about a twentieth of a build that
  changes nothing. BeautifulSoup imports it whenever it is installed, but furo and this package find
  elements by name, never by selector; only the site checks (``nox -s check``) select. It is imported the
  first time a selector is used (:data:`SOUPSIEVE`).

MyST-NB's notebook runners are deferred the same way, by the notebooks concern (``EXECUTION_CLIENTS``).
And this package imports latex2mathml with the first formula it converts (publication.site.mathml), not at
the start: 0.06 s that a build writing no page with math, the most common rebuild, does not spend.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

from publication.shared.patching import DeferredImport

#: What BeautifulSoup (bs4.css) calls on soupsieve; anything else asked of it (``SoupSieve``, which bs4
#: checks instances against) imports it at once.
SOUPSIEVE = DeferredImport(
    module="soupsieve",
    names=("compile", "select", "select_one", "iselect", "closest", "match", "filter", "escape"),
    package="soupsieve",
    versions=">=2,<5",
    where="publication.site.startup",
    retire="when BeautifulSoup imports soupsieve when a selector is first used; not reported upstream yet",
)


def setup(app: Sphinx) -> dict[str, Any]:
    SOUPSIEVE.install()  # before the concerns that import BeautifulSoup (furo's too) are loaded
    return {"parallel_read_safe": True, "parallel_write_safe": True}

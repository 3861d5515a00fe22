"""The 404 page works wherever the site is served, not only at the address it was built for.

A host serves ``404.html`` for any missing address, at any depth, so sphinx-notfound-page writes its links,
styles and scripts as paths from the server's root: ``notfound_urls_prefix``, which ``docs/conf.py`` takes
from the site's address (``/en/latest/`` on Read the Docs). Served anywhere else (at the root of GitHub
Pages or of ``python3 -m http.server``, or opened from disk) every one of those paths misses, and the page
is unstyled with dead links. A few lines of script on the 404 page alone fix that: when the address asked
for is not under the prefix, every path under the prefix is moved to the site's real root (the folder of
``404.html`` when it is opened by its own name, else the server's root). Without JavaScript the page
works at the address it was built for, as before.
"""

from __future__ import annotations

import json
from typing import Any

from sphinx.application import Sphinx

#: Runs on the 404 page only. PREFIX is the build's notfound_urls_prefix, as a JSON string.
SCRIPT = """<script>(function () {
  var prefix = PREFIX, path = location.pathname, root;
  if (path.indexOf(prefix) === 0) return;  /* served where it was built for: nothing to do */
  root = /\\/404\\.html$/.test(path) ? path.replace(/404\\.html$/, "") : "/";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[href], [src]").forEach(function (element) {
      ["href", "src"].forEach(function (name) {
        var value = element.getAttribute(name);
        if (value && value.indexOf(prefix) === 0) {
          element.setAttribute(name, root + value.slice(prefix.length));
        }
      });
    });
  });
})();</script>"""


def script_for(prefix: str) -> str:
    # "<" escaped so no prefix can end the script element early
    return SCRIPT.replace("PREFIX", json.dumps(prefix).replace("<", "\\u003c"))


def rebase_anywhere(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    prefix = getattr(app.config, "notfound_urls_prefix", None)
    if pagename != getattr(app.config, "notfound_pagename", "404") or not prefix or prefix == "/":
        return  # at "/" every path is already from the server's root
    context["metatags"] = script_for(prefix) + context.get("metatags", "")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", rebase_anywhere)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

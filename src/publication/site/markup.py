"""Valid, accessible markup where furo and docutils write otherwise (found by ``nox -s check``).

- docutils' HTML5 writer puts a viewport `<meta>` into every page's `metatags`, and furo's `base.html`
  writes its own before them: pages had two, which browsers resolve each their own way.
- furo wraps each table and display formula in a container `div` and copies the element's ids onto it
  (``update_all_atts``), so the wrapper and the element had the same id: invalid HTML, and a link to the
  table or equation could land on either.
- A code block wider than the column scrolls sideways, and a keyboard can scroll only what it can focus:
  each code block's `<pre>` takes focus (axe-core's scrollable-region-focusable).
- `page.html` offers an apple-touch-icon only where a static folder holds one (`touch_icon`): elsewhere
  the link would be broken on every page.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: What docutils' HTML5 writer adds to `metatags` (docutils.writers.html5_polyglot.HTMLTranslator).
DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport" content="width=device-width, initial-scale=1" />\n?')
CODE_BLOCK = '<div class="highlight"><pre>'
FOCUSABLE_CODE_BLOCK = '<div class="highlight"><pre tabindex="0">'


class UnduplicateWrapperIds(SphinxPostTransform):
    """Take the ids off furo's table and math wrappers: the table or formula inside keeps them."""

    formats = ("html",)
    default_priority = 501  # right after furo's WrapTableAndMathInAContainerTransform (500)

    def run(self, **kwargs: Any) -> None:
        for wrapper in self.document.findall(nodes.container):
            classes = wrapper.get("classes", [])
            if "table-wrapper" in classes or "math-wrapper" in classes:
                inner = wrapper.children[-1] if wrapper.children else None
                if isinstance(inner, nodes.Element) and set(wrapper["ids"]) <= set(inner["ids"]):
                    wrapper["ids"] = []


def page_markup(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    static = app.config.html_static_path
    context["touch_icon"] = any((Path(app.confdir, f) / "apple-touch-icon.png").is_file() for f in static)
    if "metatags" in context:
        context["metatags"] = DOCUTILS_VIEWPORT.sub("", context["metatags"])
    if "body" in context:
        context["body"] = context["body"].replace(CODE_BLOCK, FOCUSABLE_CODE_BLOCK)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_post_transform(UnduplicateWrapperIds)
    app.connect("html-page-context", page_markup)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Math as MathML, written at build time: no script, nothing loaded from another site.

Sphinx's default renderer loads MathJax from a CDN on every page with math. This renderer converts each
formula's LaTeX to MathML with latex2mathml when the page is written; browsers show MathML natively
(MathML Core: Chrome and Edge 109+, Firefox, Safari), and feed readers get real math, not TeX source.
Display math gets Sphinx's equation numbers and permalinks, so ``{eq}`` references work as before.

latex2mathml covers common LaTeX (fractions, sums, Greek, \\mathbb, \\mathcal, matrices, cases, align*,
split) but not everything; what it cannot convert it leaves as a control sequence, which this module reports
as a warning at the formula's file and line instead of publishing it.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number
from sphinx.writers.html5 import HTML5Translator

logger = logging.getLogger(__name__)

#: latex2mathml leaves commands it does not know as text: <mi>\foo</mi>.
_UNCONVERTED = re.compile(r"<m[io]>(\\[A-Za-z]+)</m[io]>")
#: ... and an alignment '&' outside an environment as a bare '&', which is not even valid HTML.
_BARE_AMPERSAND = re.compile(r"<m[io]>&</m[io]>")


class UnsupportedMath(ValueError):
    """LaTeX that latex2mathml cannot turn into MathML."""


@functools.lru_cache(maxsize=4096)
def to_mathml(latex: str, *, display: bool) -> str:
    """MathML for a formula; raises UnsupportedMath naming what could not be converted.

    Converted once per formula and process: the same symbols ($x$, $\\theta$, a loss written in every post of
    a series) come back across posts, and latex2mathml takes about 1 ms each."""
    from latex2mathml.converter import convert  # here, not at the top: see publication.site.startup

    source = latex.strip()
    if display and "\\\\" in source and "\\begin" not in source:
        source = f"\\begin{{split}}{source}\\end{{split}}"  # several lines, aligned at '&', as in Sphinx
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many types for malformed input
        raise UnsupportedMath(f"cannot read this LaTeX ({error.__class__.__name__}: {error})") from error
    unknown = sorted(set(_UNCONVERTED.findall(mathml)))
    if unknown:
        raise UnsupportedMath(f"unsupported LaTeX command {', '.join(unknown)}; rewrite it or drop it")
    if _BARE_AMPERSAND.search(mathml):
        raise UnsupportedMath("'&' outside an alignment environment; use align* or split")
    return mathml


def _render(translator: HTML5Translator, node: nodes.Element, *, display: bool) -> str | None:
    try:
        return to_mathml(node.astext(), display=display)
    except UnsupportedMath as error:
        logger.warning(f"math: {error}: {node.astext()!r}", location=node, type="publication", subtype="math")
        return None


def visit_math(translator: HTML5Translator, node: nodes.math) -> None:
    mathml = _render(translator, node, display=False)
    if mathml is None:
        translator.body.append(f'<code class="math-error">{translator.encode(node.astext())}</code>')
    else:
        translator.body.append(f'<span class="math">{mathml}</span>')
    raise nodes.SkipNode


def visit_math_block(translator: HTML5Translator, node: nodes.math_block) -> None:
    mathml = _render(translator, node, display=True)
    # a formula wider than the column scrolls sideways, and a keyboard scrolls only what it can focus
    translator.body.append(translator.starttag(node, "div", CLASS="math", tabindex="0"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    if mathml is None:
        translator.body.append(f'<pre class="math-error">{translator.encode(node.astext())}</pre>')
    else:
        translator.body.append(mathml)
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""publication.site.mathml: formulas converted once per build process, problems reported every time."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publication.site.mathml import UnsupportedMath, to_mathml


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["x", "\\theta", "\\frac{a}{b}", "\\sum_{i=1}^{n} x_i", "e^{i\\pi}"]), st.booleans())
def test_a_formula_converted_again_is_the_same_mathml(latex: str, display: bool) -> None:
    first = to_mathml(latex, display=display)
    assert to_mathml(latex, display=display) == first == to_mathml.__wrapped__(latex, display=display)
    assert first.startswith("<math") and (('display="block"' in first) == display)


def test_an_unsupported_formula_is_refused_every_time_it_is_written() -> None:
    """Each place a bad formula is written gets its own warning: the cache keeps results, not refusals."""
    for _ in range(2):
        with pytest.raises(UnsupportedMath, match="unsupported LaTeX command"):
            to_mathml("\\unknowncommand{x}", display=False)

"""Checks of a built site, as the Nu HTML Checker, a link checker, feed readers and axe-core see it.

``python -m publication.tools.sitecheck docs/_build/html`` (what ``nox -s check`` runs) runs every check on
the built site, prints for each what it looked at and its worst problems, and exits non-zero if any failed.
One module per check: `html_validity`, `links`, `images`, `feeds`, `accessibility`, `origins`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from pathlib import Path

from publication.tools.sitecheck import accessibility, feeds, html_validity, images, links, origins
from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import base_url_of

__all__ = ["CHECKS", "Problem", "Report", "run"]


def _checks(base_url: str | None, axe_pages: list[str] | None) -> dict[str, Callable[[Path], Report]]:
    return {
        "html": html_validity.check,
        "links": lambda html: links.check(html, base_url),
        "images": images.check,
        "feeds": lambda html: feeds.check(html, base_url),
        "accessibility": lambda html: accessibility.check(html, axe_pages),
        "origins": origins.check,
    }


CHECKS = list(_checks(None, None))


def run(
    html: Path,
    only: Iterable[str] = (),
    base_url: str | None = None,
    axe_pages: list[str] | None = None,
) -> list[Report]:
    """Run the named checks (all by default) on a built site; a check that crashes fails, the rest run."""
    html = html.resolve()  # vnu reports absolute file URLs; links resolve against absolute page paths
    base_url = base_url or base_url_of(html)
    checks = _checks(base_url, axe_pages)
    reports = []
    for name in list(only) or CHECKS:
        try:
            reports.append(checks[name](html))
        except Exception as error:  # one broken check must not hide what the others find
            report = Report(name)
            report.problems.append(
                Problem(".", f"the check itself failed: {error!r}", traceback.format_exc(limit=3).strip())
            )
            reports.append(report)
    return reports

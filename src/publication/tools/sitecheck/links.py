"""Every internal link and fragment resolves: each `href` and `src` that stays in the site leads to a
file of the site, and each `#fragment` on an HTML page to an element with that id."""

from __future__ import annotations

from pathlib import Path

from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import ids_of, local_target, pages, relative, soup

#: Attributes that point at another file or place, by element.
LINKING = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "iframe": "src"}
#: `<link>` relations that name a place to connect to, not a file to fetch.
HINTS = {"preconnect", "dns-prefetch"}
#: Fragments a browser understands without an element of that id (HTML: "scroll to the top").
TOP = {"", "top"}


def references(page: Path) -> list[str]:
    """The URLs on a page that a reader or a browser follows: links, stylesheets, scripts, images."""
    found = []
    html = soup(page)
    for name, attribute in LINKING.items():
        for element in html.find_all(name, attrs={attribute: True}):
            if name == "link" and set(element.get("rel") or []) & HINTS:
                continue
            found.append(element[attribute])
    for element in html.find_all(["img", "source"], srcset=True):
        found += [candidate.split()[0] for candidate in element["srcset"].split(",") if candidate.strip()]
    return found


def check(html: Path, base_url: str | None = None) -> Report:
    report = Report("links")
    checked = 0
    all_pages = pages(html)
    for page in all_pages:
        name = relative(html, page)
        for href in references(page):
            target = local_target(html, page, href, base_url)
            if target is None:
                continue
            checked += 1
            path, fragment = target
            if not path.is_file():
                report.problems.append(
                    Problem(
                        name,
                        f"{href} leads to {relative(html, path)}, which the site does not have",
                        "correct the link, or add the missing page or file",
                    )
                )
            elif path.suffix == ".html" and fragment not in TOP and fragment not in ids_of(path):
                report.problems.append(
                    Problem(
                        name,
                        f"{href}: {relative(html, path)} has no element with id {fragment!r}",
                        "point the link at an existing heading or label, or give the target that id",
                    )
                )
    report.counts = {"pages": len(all_pages), "internal links": checked}
    return report

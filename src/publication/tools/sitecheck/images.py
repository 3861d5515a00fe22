"""Every image has a text alternative: `alt` says what the image shows, and is empty only where the image
is decorative (marked so, or inside a link or button whose own text already names it)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import Tag

from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import pages, relative, soup

#: An alt that is a file name is what docutils writes when the author gave none: it says nothing.
FILE_NAME = re.compile(r"\.(png|jpe?g|gif|svg|webp|avif|ico)$", re.IGNORECASE)


def marked_decorative(image: Tag) -> bool:
    return image.get("role") in {"presentation", "none"} or image.get("aria-hidden") == "true"


def named_by_its_control(image: Tag) -> bool:
    """The image sits in a link or button whose text (without the image) already says where it leads."""
    control = image.find_parent(["a", "button"])
    return control is not None and bool(control.get_text(strip=True) or control.get("aria-label"))


def problem_with(image: Tag) -> tuple[str, str] | None:
    src = image.get("src", "")
    alt = image.get("alt")
    if alt is None:
        return f"image {src} has no alt attribute", "give it alt text saying what it shows (image_alt, :alt:)"
    if not alt.strip():
        if marked_decorative(image) or named_by_its_control(image):
            return None
        return (
            f"image {src} has an empty alt but is not decorative",
            "say what it shows in alt, or mark it decorative with role=presentation",
        )
    if FILE_NAME.search(alt.strip()):
        return f"image {src} has a file name for alt text ({alt!r})", "say what the image shows instead"
    return None


def check(html: Path) -> Report:
    report = Report("images")
    images = 0
    all_pages = pages(html)
    for page in all_pages:
        for image in soup(page).find_all(["img", "input"]):
            if image.name == "input" and image.get("type") != "image":
                continue
            images += 1
            found = problem_with(image)
            if found:
                report.problems.append(Problem(relative(html, page), *found))
    report.counts = {"pages": len(all_pages), "images": images}
    return report

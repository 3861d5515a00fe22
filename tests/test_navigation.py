"""furo's navigation tree is rendered once per folder for pages no toctree lists, with the same bytes."""

from __future__ import annotations

from pathlib import Path

from helpers import soup
from test_rebuilds import outputs

PAGES = {
    "conf.py": (
        'extensions = ["publication", "myst_parser", "notfound.extension"]\nhtml_theme = "furo"\n'
        'exclude_patterns = ["_build"]\nmyst_heading_anchors = 2\n'
        # the 404 page's sidebar links are absolute: sphinx-notfound-page renders its own toctree
        'notfound_urls_prefix = "/en/latest/"\n'
    ),
    "index.md": "# Home\n\n```{toctree}\n:hidden:\n\nabout\nguide/intro\n```\n\nWelcome.\n",
    "about.md": "# About\n\n## Who\n\nUs.\n\n## Why\n\nBecause.\n",
    "guide/intro.md": "# Introduction\n\n```{toctree}\n:hidden:\n\ndeeper/step\n```\n\n## Start\n\nHere.\n",
    "guide/deeper/step.md": "# A step\n\n## Detail\n\nMore.\n",
    "guide/unlisted.md": "---\norphan: true\n---\n\n# Unlisted guide page\n\nA page beside listed ones.\n",
    "posts/2020/first.md": "---\norphan: true\n---\n\n# First post\n\nText.\n",
    "posts/2020/second.md": "---\norphan: true\n---\n\n# Second post\n\nText.\n",
    "posts/2021/third.md": "---\norphan: true\n---\n\n# Third post\n\nText.\n",
    "loose.md": "---\norphan: true\n---\n\n# A loose page\n\nAt the top.\n",
}


def write_site(folder: Path) -> Path:
    for name, text in PAGES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def without_sharing(app) -> None:  # type: ignore[no-untyped-def]
    for listener in list(app.events.listeners["html-page-context"]):
        if getattr(listener.handler, "__qualname__", "") == "SharedNavigation.share":
            app.disconnect(listener.id)
            return
    raise AssertionError("publication.site.navigation's handler is not connected")


def navigation(page: Path) -> list[tuple[str, str, list[str]]]:
    """(text, href, classes) of each link in the page's sidebar navigation tree."""
    tree = soup(page).select_one(".sidebar-tree")
    assert tree is not None, page
    return [(a.get_text(strip=True), a["href"], list(a.parent.get("class", []))) for a in tree.select("a")]


def test_shared_navigation_gives_every_page_the_bytes_sphinx_renders_for_it(make_app, tmp_path: Path) -> None:
    shared = make_app("html", srcdir=write_site(tmp_path / "shared"))
    shared.build()
    alone = make_app("html", srcdir=write_site(tmp_path / "alone"))
    without_sharing(alone)
    alone.build()
    assert shared.statuscode == alone.statuscode == 0
    one, two = outputs(Path(shared.outdir)), outputs(Path(alone.outdir))
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []

    html = Path(shared.outdir)
    # the test means something: unlisted pages in different folders link the same pages by different paths,
    # and a listed page marks itself current, which no unlisted page does
    assert ("About", "../../about.html", ["toctree-l1"]) in navigation(html / "posts/2020/first.html")
    assert ("About", "about.html", ["toctree-l1"]) in navigation(html / "loose.html")
    assert ("About", "#", ["toctree-l1", "current", "current-page"]) in navigation(html / "about.html")
    assert ("A step", "deeper/step.html", ["toctree-l2"]) in navigation(html / "guide/unlisted.html")
    assert ("About", "/en/latest/about.html", ["toctree-l1"]) in navigation(html / "404.html")

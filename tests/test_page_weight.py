"""Light pages: each page loads only the files it uses, minified; the weight is measured, not asserted.

The budget (a post under 30 KiB gzipped with everything it loads) is the benchmark's to record
(``nox -s bench``, ``python -m publication.tools.page_weight``); these tests hold what makes pages light.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import rcssmin
import rjsmin

from conftest import DOCS, ROOTS, sphinx_build
from helpers import pages, soup
from publication.site.assets import STATIC
from publication.tools import page_weight

ARTICLE = "posts/2020/capabilities-of-deep-learning-models-to-generalize.html"
SPHINX_SEARCH_HELPERS = ("documentation_options.js", "doctools.js", "sphinx_highlight.js")


def loaded(site: Path, page: Path) -> set[str]:
    """The site files a page loads (style sheets and scripts), by path under the site."""
    return {
        path.relative_to(site.resolve()).as_posix()
        for _, path in page_weight.files_loaded(site.resolve(), page)[1:]
    }


def test_the_weight_of_a_page_is_its_html_and_every_file_it_loads_gzipped(tmp_path: Path) -> None:
    (tmp_path / "deep/_static").mkdir(parents=True)
    files = {
        "deep/page.html": (
            '<html><head><link rel="stylesheet" href="_static/site.css?v=1">'
            '<link rel="alternate" href="feed.xml"><link rel="stylesheet" href="https://cdn.example/x.css">'
            '</head><body><script src="_static/site.js"></script><script>inline()</script>'
            '<img src="_static/big.png"></body></html>'
        ),
        "deep/_static/site.css": "@font-face { src: url('fonts/a.woff2') } body { color: red }",
        "deep/_static/fonts/a.woff2": "F" * 3000,
        "deep/_static/site.js": "console.log('a script');\n" * 40,
        "deep/_static/big.png": "P" * 100_000,
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    weight = page_weight.weigh(tmp_path, "deep/page.html")
    counted = [
        "deep/page.html",
        "deep/_static/site.css",
        "deep/_static/fonts/a.woff2",
        "deep/_static/site.js",
    ]
    assert (
        list(weight["files"]) == counted
    )  # not the feed, the other site's file, the inline script, the image
    assert weight["files"]["deep/_static/site.js"] == len(
        gzip.compress(files["deep/_static/site.js"].encode(), 9)
    )
    assert weight["total"] == sum(weight["files"].values())
    assert "deep/page.html:" in page_weight.table(tmp_path, ["deep/page.html"])
    # the 404 page's files are addressed from the server's root, to work at any depth
    (tmp_path / "deep/404.html").write_text('<link rel="stylesheet" href="/en/latest/deep/_static/site.css">')
    assert list(page_weight.weigh(tmp_path, "deep/404.html")["files"])[1:] == counted[1:3]
    (tmp_path / "deep/404.html").write_text('<link rel="stylesheet" href="/en/latest/_static/gone.css">')
    with pytest.raises(FileNotFoundError, match=r"gone\.css is not a file of the site"):
        page_weight.weigh(tmp_path, "deep/404.html")


def test_sphinx_search_helpers_load_on_the_search_page_and_on_demand_elsewhere(
    publication_site: Path,
) -> None:
    for page in pages(publication_site):
        files = {name.rsplit("/", 1)[-1] for name in loaded(publication_site, page)}
        if page.name == "search.html":
            assert set(SPHINX_SEARCH_HELPERS) <= files and "searchtools.js" in files
        else:
            assert not files & set(SPHINX_SEARCH_HELPERS), page
            assert "publication-search.js" in files, page  # "/" and highlighting after a search
    # what the on-demand loader names is there to load
    script = (publication_site / "_static/publication-search.js").read_text()
    for name in SPHINX_SEARCH_HELPERS:
        assert f'"{name}"' in script and (publication_site / "_static" / name).is_file()


def test_the_copy_button_loads_only_where_there_is_code_to_copy(publication_site: Path) -> None:
    for page in pages(publication_site):
        files = loaded(publication_site, page)
        has_code = soup(page).select_one("article div.highlight pre") is not None
        expected = {"_static/publication-copy.js", "_static/publication-copy.css"} if has_code else set()
        assert files & {"_static/publication-copy.js", "_static/publication-copy.css"} == expected, page
        assert not any("clipboard" in name or "copybutton" in name for name in files), page
    assert soup(publication_site / ARTICLE).select_one(
        "#cite-this-post div.highlight pre"
    )  # the BibTeX to copy
    assert not list(publication_site.glob("_static/*clipboard*"))


def test_pages_load_no_style_sheet_they_do_not_use(publication_site: Path) -> None:
    """furo's styles for other extensions on no page; Pygments' colours only where there is code."""
    for page in pages(publication_site):
        files = loaded(publication_site, page)
        assert "_static/styles/furo-extensions.css" not in files, page
        highlighted = soup(page).select_one(".highlight") is not None
        assert ("_static/pygments.css" in files) == highlighted, page
        assert "_static/styles/furo.css" in files and "_static/publication.css" in files, page


def test_a_site_can_keep_a_style_sheet_it_needs(tmp_path: Path) -> None:
    result = sphinx_build(
        ROOTS / "test-blog", tmp_path, "-D", "publication_keep_styles=styles/furo-extensions.css"
    )
    assert result.returncode == 0, result.stderr
    assert "_static/styles/furo-extensions.css" in loaded(tmp_path / "html", tmp_path / "html/index.html")


def test_the_sites_own_scripts_and_styles_are_served_minified(publication_site: Path) -> None:
    sources = {path.name: path for path in STATIC.iterdir() if path.suffix in (".js", ".css")}
    sources["publication.css"] = DOCS / "_static/publication.css"  # the site's own, which the root ships
    assert {"publication-copy.js", "publication-popovers.js", "publication-search.js"} <= sources.keys()
    for name, source in sources.items():
        text = source.read_text(encoding="utf-8")
        minified = rjsmin.jsmin(text) if name.endswith(".js") else rcssmin.cssmin(text)
        served = (publication_site / "_static" / name).read_text(encoding="utf-8")
        assert served == minified.strip() + "\n", name
        assert "/*" not in served and len(served) < len(text), name
    pygments = (publication_site / "_static/pygments.css").read_text(encoding="utf-8")
    assert "/*" not in pygments and '[data-theme="dark"]' in pygments.replace("=dark]", '="dark"]')

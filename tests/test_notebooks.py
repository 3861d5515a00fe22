"""Notebook posts (publication.site.notebooks) as readers, feed readers and search see them: an .ipynb with
its front matter in a raw cell, one with it in the notebook's metadata, and a MyST Markdown notebook."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import nbformat
import pytest
from bs4 import BeautifulSoup, Tag
from docutils import nodes
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

from conftest import ROOTS, clean_environ, copy_site, sphinx_build
from helpers import soup
from publication.site.frontmatter import read_notebook_front_matter
from publication.site.notebooks import sanitise_html_output
from publication.site.reading_time import words_of
from test_rebuilds import assert_same_as_clean_build, outputs

ROOT = ROOTS / "test-notebooks"
BASE = "https://notebooks.example.org/"
RAW_CELL_POST = "posts/2024/sharp-minima"


@pytest.fixture(scope="module")
def notebook_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("notebooks")
    result = sphinx_build(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "html"


def article(site: Path, docname: str) -> Tag:
    return soup(site / f"{docname}.html").find("article")


def test_stored_outputs_are_shown_images_as_published_files(notebook_site: Path) -> None:
    post = article(notebook_site, RAW_CELL_POST)
    images = post.select(".cell_output img")
    assert sorted(Path(img["src"]).suffix for img in images) == [".png", ".svg"]
    page = notebook_site / f"{RAW_CELL_POST}.html"
    for img in images:
        assert (page.parent / img["src"]).resolve().is_file(), img["src"]
        assert img["alt"] and "_images" not in img["alt"], "a text alternative, not the file's path"
    table = post.select_one(".cell_output table.sharpness")
    assert [td.get_text() for td in table.find_all("td")] == ["flat", "0.25", "sharp", "41.0"]
    assert "hessian trace computed: 41.25" in post.select_one(".cell_output .stream").get_text()
    math = post.select_one(".cell_output math")
    assert math is not None and "λ" in math.get_text(), "a LaTeX output becomes MathML"


def test_outputs_run_nothing_and_load_nothing_from_another_site(notebook_site: Path) -> None:
    page = soup(notebook_site / f"{RAW_CELL_POST}.html")
    assert page.find("article").find("script") is None
    for element in page.find_all(["script", "link", "img"]):
        address = element.get("src") or element.get("href") or ""
        if element.name == "link" and element.get("rel") not in (["stylesheet"], ["preload"]):
            continue
        assert not urlsplit(address).netloc, f"{element.name} loads {address}"


def style_sheets(page: Path) -> list[str]:
    return [Path(urlsplit(link["href"]).path).name for link in soup(page).find_all("link", rel="stylesheet")]


def test_notebook_styles_only_where_a_notebook_is_shown(notebook_site: Path) -> None:
    post = style_sheets(notebook_site / f"{RAW_CELL_POST}.html")
    assert "publication-notebook.css" in post
    assert not [name for name in post if name.startswith("mystnb.")], "MyST-NB's follows the system's scheme"
    assert "publication-notebook.css" not in style_sheets(notebook_site / "about.html")


def test_the_front_matter_cell_is_the_front_matter_not_text(notebook_site: Path) -> None:
    post = article(notebook_site, RAW_CELL_POST)
    assert post.find("h1").get_text().rstrip("¶") == "Sharp minima, computed"
    assert "title:" not in post.get_text() and "---" not in post.get_text()
    byline = post.select_one(".post-byline")
    assert byline.find("time")["datetime"] == "2024-03-01T10:00:00+00:00"
    assert [a.get_text() for a in byline.select(".post-tag")] == ["notebooks", "minima"]
    assert "Research" in byline.select_one(".post-category").get_text()


def test_front_matter_in_the_notebook_metadata(notebook_site: Path) -> None:
    post = article(notebook_site, "posts/2023/from-metadata")
    assert post.find("h1").get_text().rstrip("¶") == "Front matter in the metadata"
    assert post.select_one(".post-byline time")["datetime"].startswith("2023-05-01")
    assert "kernelspec" not in post.get_text()


def test_myst_markdown_notebook_is_a_post(notebook_site: Path) -> None:
    post = article(notebook_site, "posts/2024/text-notebook")
    assert post.find("h1").get_text().rstrip("¶") == "A notebook in MyST Markdown"
    assert post.select_one(".post-byline time")["datetime"] == "2024-04-02T09:00:00+00:00"
    assert "sum(range(10))" in post.select_one(".cell_input").get_text()
    assert post.select_one(".cell_output") is None, "not run: execution is off unless asked for"


def test_notebook_posts_are_listed_with_their_first_paragraph(notebook_site: Path) -> None:
    listing = soup(notebook_site / "blog.html")
    titles = [a.get_text() for a in listing.select("article .post-list-title a, article h2 a, article h3 a")]
    for title in ("Sharp minima, computed", "Front matter in the metadata", "A notebook in MyST Markdown"):
        assert title in titles, titles
    text = " ".join(listing.find("article").get_text(" ").split())
    assert "Curvature decides how far a minimum moves under noise" in text


def test_a_notebook_without_an_image_shows_its_first_figure_on_its_card(notebook_site: Path) -> None:
    cards = {
        card.select_one(".post-card-title").get_text(): card
        for card in soup(notebook_site / "index.html").select("li.post-card")
    }
    figure = cards["Sharp minima, computed"].find("img")
    assert figure is not None and figure["src"].startswith("_images/") and figure["src"].endswith(".svg")
    assert (notebook_site / figure["src"]).is_file()
    assert cards["Front matter in the metadata"].find("img") is None, "no image output, no picture"


def test_feeds_carry_outputs_with_absolute_image_urls(notebook_site: Path) -> None:
    feed = feedparser.parse((notebook_site / "blog/atom.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.link == f"{BASE}{RAW_CELL_POST}.html")
    content = soup_of(entry.content[0].value)
    sources = [img["src"] for img in content.find_all("img")]
    assert len(sources) == 2
    for source in sources:
        assert source.startswith(f"{BASE}_images/"), source
        assert (notebook_site / source.removeprefix(BASE)).is_file()
    assert content.find("table") is not None and content.find("script") is None


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_search_finds_words_of_outputs(notebook_site: Path) -> None:
    index = (notebook_site / "searchindex.js").read_text(encoding="utf-8")
    terms = json.loads(re.search(r"Search\.setIndex\((.*)\)", index, re.DOTALL).group(1))["terms"]
    assert "hessian" in terms  # a printed output
    assert "eigenvalu" in terms and "flat" in terms  # a table's cells, as words of their own


def test_reading_time_counts_html_output_words() -> None:
    raw = nodes.raw("", "<table><tr><td>flat minima</td><td>sharp</td></tr></table>", format="html")
    raw["classes"] += ["output", "text_html"]
    assert words_of(raw) == 3
    assert words_of(nodes.raw("", "<p>not an output</p>", format="html")) == 0


@pytest.mark.parametrize(
    ("html", "gone", "kept"),
    [
        ('<p>x</p><script src="https://cdn.example.com/w.js"></script>', "<script", "<p>x</p>"),
        ('<div onclick="alert(1)">table</div>', "onclick", "table"),
        ('<img src="https://tracker.example.com/p.gif"><b>bold</b>', "tracker", "<b>bold</b>"),
        ('<iframe src="https://example.com"></iframe><i>i</i>', "iframe", "<i>i</i>"),
        ("<style>@import url(https://example.com/x.css)</style><u>u</u>", "@import", "<u>u</u>"),
        ('<td style="background: url(https://t.example.com/p.png)">cell</td>', "t.example.com", "cell"),
        ('<img srcset="a.png 1x, https://t.example.com/b.png 2x"><i>i</i>', "t.example.com", "<i>i</i>"),
        ('<svg><image xlink:href="https://t.example.com/p.png"/></svg><b>b</b>', "t.example.com", "<b>b</b>"),
    ],
)
def test_html_outputs_lose_what_runs_or_fetches(html: str, gone: str, kept: str) -> None:
    cleaned, removed = sanitise_html_output(html)
    assert gone not in cleaned and kept in cleaned and removed


def test_html_outputs_keep_local_images_and_links() -> None:
    html = '<a href="https://example.org/">a link</a><img src="data:image/png;base64,AAAA" alt="x">'
    assert sanitise_html_output(html) == (html, [])
    styled = '<style>td { color: red }</style><td style="background: url(data:image/png;base64,AA)">x</td>'
    assert sanitise_html_output(styled) == (styled, [])


KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def write_notebook(path: Path, front: str | None, metadata: dict | None = None) -> str:
    notebook = new_notebook(metadata=KERNELSPEC)
    notebook.metadata.update(metadata or {})
    if front is not None:
        notebook.cells.append(new_raw_cell(front))
    notebook.cells += [new_markdown_cell("Some text."), new_code_cell("1 + 1")]
    nbformat.write(notebook, path)
    return path.read_text(encoding="utf-8")


KEYS = st.sampled_from(["title", "tags", "category", "description", "series", "colour", "x_y"])
VALUES = st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "Zs"]), min_size=1, max_size=12)


@settings(max_examples=25, deadline=None)
@given(
    entries=st.dictionaries(KEYS, VALUES, min_size=1, max_size=5),
    in_metadata=st.booleans(),
)
def test_each_front_matter_key_is_found_at_its_line_of_the_notebook(
    tmp_path_factory: pytest.TempPathFactory, entries: dict[str, str], in_metadata: bool
) -> None:
    path = tmp_path_factory.mktemp("nb") / "post.ipynb"
    if in_metadata:
        text = write_notebook(path, None, entries)
    else:
        block = "\n".join(f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entries.items())
        text = write_notebook(path, f"---\n{block}\n---")
    front = read_notebook_front_matter(text)
    assert not front.problems
    lines = text.splitlines()
    for key, value in entries.items():
        assert front.values[key] == value
        assert key in lines[front.lines[key] - 1], (key, front.lines[key])


def test_a_bad_date_in_the_front_matter_cell_fails_naming_file_and_line(tmp_path: Path) -> None:
    site = copy_site(ROOT, tmp_path / "site")
    notebook = site / f"{RAW_CELL_POST}.ipynb"
    text = notebook.read_text(encoding="utf-8").replace(
        "date: 2024-03-01 10:00:00 +00:00", "date: March 2024"
    )
    notebook.write_text(text, encoding="utf-8")
    line = next(n for n, content in enumerate(text.splitlines(), 1) if "date: March 2024" in content)
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert f"sharp-minima.ipynb:{line}: WARNING: 'date': 'March 2024' is not a whole date" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_notebook_that_is_not_json_is_named_at_its_line(tmp_path: Path) -> None:
    site = copy_site(ROOT, tmp_path / "site")
    (site / "posts/2024/broken.ipynb").write_text('{\n "cells": [\n  {,\n ]\n}\n', encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert "broken.ipynb:3: WARNING: the notebook is not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr


KERNEL = importlib.util.find_spec("ipykernel") is not None


@pytest.mark.skipif(not KERNEL, reason="executing notebooks needs a kernel: pip install ipykernel")
def test_execution_is_opt_in_cached_and_a_raising_cell_fails_naming_it(tmp_path: Path) -> None:
    site = copy_site(ROOT, tmp_path / "site")
    for other in (site / "posts").glob("*/*"):
        other.unlink()
    post = site / "posts/2024/runs.ipynb"
    notebook = new_notebook(metadata=KERNELSPEC)
    notebook.cells = [
        new_raw_cell("---\ntitle: Runs\ndate: 2024-01-01\n---"),
        new_markdown_cell("Computed when the site is built."),
        new_code_cell("print(6 * 7)"),
    ]
    nbformat.write(notebook, post)
    out = tmp_path / "out"
    executed = sphinx_build(site, out, "-D", "publication_execute_notebooks=1")
    assert executed.returncode == 0, executed.stderr
    assert "42" in article(out / "html", "posts/2024/runs").select_one(".cell_output").get_text()
    assert (out / ".doctrees/jupyter_cache").is_dir()
    again = sphinx_build(site, out, "-E", "-D", "publication_execute_notebooks=1", "-v")
    assert again.returncode == 0 and "Using cached notebook" in again.stdout + again.stderr

    notebook.cells.append(new_code_cell("undefined_name + 1"))
    nbformat.write(notebook, post)
    line = [n for n, c in enumerate(post.read_text().splitlines(), 1) if '"cell_type"' in c][3]
    failed = sphinx_build(site, out, "-D", "publication_execute_notebooks=1")
    assert failed.returncode != 0
    assert f"runs.ipynb:{line}: WARNING: cell 4 raised NameError" in failed.stderr, failed.stderr
    assert "Traceback (most recent call last)" not in failed.stderr


def test_editing_and_adding_notebooks_then_rebuilding_matches_a_clean_build(tmp_path: Path) -> None:
    site = copy_site(ROOT, tmp_path / "src")
    incremental = tmp_path / "incremental"
    assert sphinx_build(site, incremental).returncode == 0
    notebook = site / f"{RAW_CELL_POST}.ipynb"
    notebook.write_text(
        notebook.read_text(encoding="utf-8")
        .replace("41.25", "43.5")
        .replace('stroke=\\"black', 'stroke=\\"red'),
        encoding="utf-8",
    )
    write_notebook(site / "posts/2024/added.ipynb", "---\ntitle: Added later\ndate: 2024-06-01\n---")
    result = sphinx_build(site, incremental)  # no -E: Sphinx reads only what changed
    assert result.returncode == 0, result.stderr
    assert_same_as_clean_build(site, incremental, tmp_path / "clean")
    page = article(incremental / "html", RAW_CELL_POST)
    assert "43.5" in page.get_text()
    svg = next(img["src"] for img in page.select(".cell_output img") if img["src"].endswith(".svg"))
    assert 'stroke="red"' in (incremental / "html" / RAW_CELL_POST).parent.joinpath(svg).read_text()


def test_a_parallel_build_of_notebooks_gives_the_serial_bytes(tmp_path: Path) -> None:
    site = copy_site(ROOT, tmp_path / "src")
    for number in range(4):  # more than five documents, or Sphinx reads them in one process anyway
        text = (site / f"{RAW_CELL_POST}.ipynb").read_text(encoding="utf-8")
        copy = text.replace("Sharp minima, computed", f"Copy {number}").replace("41.25", f"{number}.5")
        (site / f"posts/2024/copy-{number}.ipynb").write_text(copy, encoding="utf-8")
    parallel = sphinx_build(site, tmp_path / "parallel", "-j", "2")
    assert parallel.returncode == 0, parallel.stderr
    assert "WARNING" not in parallel.stderr
    assert sphinx_build(site, tmp_path / "serial").returncode == 0
    one, two = outputs(tmp_path / "parallel/html"), outputs(tmp_path / "serial/html")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []


#: Modules only running a notebook needs; the ones MyST-NB's execution clients import.
EXECUTION_MODULES = ("jupyter_cache", "nbclient", "sqlalchemy", "jupyter_client", "zmq")


def test_a_build_that_runs_no_notebook_imports_nothing_that_runs_them(tmp_path: Path) -> None:
    """Execution is off by default, so MyST-NB's clients are not imported (0.7 s of each build's start);
    test_execution_is_opt_in_... shows that they are, and run, when it is on."""
    script = (
        "import sys; from sphinx.cmd.build import main; "
        f"status = main(['-q', '-W', '-b', 'html', '-d', {str(tmp_path / 'doctrees')!r}, {str(ROOT)!r}, "
        f"{str(tmp_path / 'html')!r}]); "
        "print(sorted({name.split('.')[0] for name in sys.modules})); sys.exit(status)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=clean_environ(), check=False
    )
    assert result.returncode == 0, result.stderr
    imported = set(json.loads(result.stdout.strip().splitlines()[-1].replace("'", '"')))
    assert {"myst_nb", "nbformat"} <= imported  # the notebooks were read
    assert imported.isdisjoint(EXECUTION_MODULES), imported & set(EXECUTION_MODULES)
    assert (tmp_path / "html" / f"{RAW_CELL_POST}.html").is_file()

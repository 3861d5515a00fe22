"""A Jekyll post that embeds a Jupyter notebook (jekyll-jupyter-notebook, al-folio's sample post) is imported
as a notebook post: the reader finds the post's text around the notebook's cells and stored outputs, on the
page and in the feeds; a notebook that is not in the Jekyll site is linked at its old address and reported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import feedparser
import nbformat
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOTS, copy_site, sphinx_build
from helpers import soup
from publication.tools.jekyll.cli import Outcome, run
from publication.tools.jekyll.notebooks import find_embed

CONSTRUCTS = ROOTS / "jekyll-constructs"
NOTEBOOK_POST = Path("posts/2023/jupyter-notebook.ipynb")
MISSING_POST = Path("posts/2023/missing-notebook.md")
BASE = "https://blog.example.org/"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Outcome]:
    """tests/roots/jekyll-constructs imported into an empty site and built strictly."""
    work = tmp_path_factory.mktemp("notebooks")
    site = copy_site(ROOTS / "test-import", work / "site")
    outcome = run([CONSTRUCTS], site / "posts")
    result = sphinx_build(site, work / "out")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return site, work / "out" / "html", outcome


def test_the_post_is_a_notebook_post_with_the_notebooks_cells_between_its_text(imported) -> None:
    site, _, _ = imported
    assert not (site / NOTEBOOK_POST.with_suffix(".md")).exists()
    notebook = nbformat.read(site / NOTEBOOK_POST, as_version=4)
    nbformat.validate(notebook)
    embedded = nbformat.read(CONSTRUCTS / "assets/jupyter/sharpness.ipynb", as_version=4)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds == ["raw", "markdown", *(cell.cell_type for cell in embedded.cells), "markdown"]
    assert notebook.cells[0].source.startswith("---\ntitle: a post with jupyter notebook\n")
    assert notebook.cells[2:-1] == embedded.cells  # the notebook's own cells, stored outputs unchanged
    assert "outputs the following" in notebook.cells[1].source and "dark themes" in notebook.cells[-1].source
    # the scaffolding that embedded the notebook is gone; the sample post's copy of it, shown as code, stays
    assert "sharpness.ipynb" not in json.dumps(notebook.cells)
    assert "```html\n{::nomarkdown}" in notebook.cells[1].source


def test_the_page_shows_the_text_around_the_notebooks_outputs_and_math(imported) -> None:
    _, html, _ = imported
    article = soup(html / NOTEBOOK_POST.with_suffix(".html")).select_one("article")
    text = article.get_text(" ", strip=True)
    before = text.index("To include a jupyter notebook in a post")
    output = text.index("sharpness estimate: 12.5", text.index("print"))
    after = text.index("supports both light and dark themes")
    assert before < output < after
    (code,) = [pre for pre in article.select("pre") if "jupyter_notebook" in pre.get_text()]
    assert "Sorry, the notebook" in code.get_text()
    code.decompose()
    prose = article.get_text(" ", strip=True)
    assert "Sorry" not in prose and "{%" not in prose and "nomarkdown" not in prose
    assert article.find("math") is not None  # the markdown cell's $...$ is MathML
    images = [img["src"] for img in article.select("img")]
    assert len(images) == 1
    assert (html / NOTEBOOK_POST.parent / images[0]).resolve().is_file()


def test_the_feeds_carry_the_notebook_post_with_its_outputs(imported) -> None:
    _, html, _ = imported
    feed = feedparser.parse((html / "blog/atom.xml").read_bytes())
    assert not feed.bozo
    entry = next(e for e in feed.entries if e.link == f"{BASE}{NOTEBOOK_POST.with_suffix('.html')}")
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    assert "sharpness estimate: 12.5" in content.get_text()
    assert "light and dark themes" in content.get_text()
    (source,) = [img["src"] for img in content.find_all("img")]
    assert source.startswith(f"{BASE}_images/") and (html / source.removeprefix(BASE)).is_file()


def test_a_missing_notebook_is_linked_at_its_old_address_and_reported(imported) -> None:
    site, html, outcome = imported
    assert (site / MISSING_POST).is_file() and not (site / MISSING_POST.with_suffix(".ipynb")).exists()
    article = soup(html / MISSING_POST.with_suffix(".html")).select_one("article")
    links = [a["href"] for a in article.select("a")]
    assert "https://constructs.example.org/assets/jupyter/gone.ipynb" in links
    assert "The text after it stays." in article.get_text(" ", strip=True)
    findings = [str(f) for report in outcome.reports for f in report.unconverted]
    assert any(
        f.startswith("_posts/2023-07-05-missing-notebook.md:10: notebook assets/jupyter/gone.ipynb")
        for f in findings
    ), findings


def test_the_accounting_reads_the_notebook_post_and_claims_no_silent_loss(imported) -> None:
    _, _, outcome = imported
    accounting = next(a for a in outcome.accountings if a.path.name == "2023-07-04-jupyter-notebook.md")
    assert accounting.silent == [] and accounting.kept + accounting.converted > 0


def test_importing_again_writes_the_same_bytes_and_keeps_an_edited_notebook_post(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-import", tmp_path / "site")
    run([CONSTRUCTS], site / "posts")
    written = (site / NOTEBOOK_POST).read_bytes()
    again = run([CONSTRUCTS], site / "posts")
    assert site / NOTEBOOK_POST in again.unchanged and (site / NOTEBOOK_POST).read_bytes() == written
    notebook = nbformat.read(site / NOTEBOOK_POST, as_version=4)
    notebook.cells[1].source += "\n\nAn editor's sentence."
    nbformat.write(notebook, site / NOTEBOOK_POST)
    edited = run([CONSTRUCTS], site / "posts")
    assert site / NOTEBOOK_POST in edited.kept
    assert "An editor's sentence." in (site / NOTEBOOK_POST).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("notebook", "reported"),
    [
        (None, "sharpness.ipynb is not in the Jekyll site"),
        ('{"cells": [', "sharpness.ipynb cannot be read (NotJSONError"),
        (
            '{"cells": 3, "nbformat": 4, "nbformat_minor": 5, "metadata": {}}',
            "sharpness.ipynb cannot be read",
        ),
    ],
)
def test_a_post_whose_notebook_is_missing_or_broken_stays_markdown(
    tmp_path: Path, notebook: str | None, reported: str
) -> None:
    jekyll = tmp_path / "jekyll"
    shutil.copytree(CONSTRUCTS, jekyll)
    if notebook is None:
        (jekyll / "assets/jupyter/sharpness.ipynb").unlink()
    else:
        (jekyll / "assets/jupyter/sharpness.ipynb").write_text(notebook, encoding="utf-8")
    site = copy_site(ROOTS / "test-import", tmp_path / "site")
    outcome = run([jekyll], site / "posts")
    assert (site / NOTEBOOK_POST.with_suffix(".md")).is_file() and not (site / NOTEBOOK_POST).exists()
    findings = [str(finding) for report in outcome.reports for finding in report.unconverted]
    where = "_posts/2023-07-04-jupyter-notebook.md:30: notebook assets/jupyter/"
    assert any(finding.startswith(where) and reported in finding for finding in findings), findings


_PATHS = st.lists(st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True), min_size=1, max_size=3).map(
    lambda parts: "/".join(parts) + ".ipynb"
)
_PROSE = st.text(st.characters(codec="utf-8", exclude_characters="{}%"), max_size=40)


@settings(max_examples=40)
@given(path=_PATHS, before=_PROSE, after=_PROSE, scaffolded=st.booleans(), quote=st.sampled_from("\"'"))
def test_the_embedded_notebook_is_found_in_either_form(
    path: str, before: str, after: str, scaffolded: bool, quote: str
) -> None:
    if scaffolded:
        embed = (
            f"{{::nomarkdown}}\n{{% assign jupyter_path = {quote}{path}{quote} | relative_url %}}\n"
            f"{{% capture notebook_exists %}}{{% file_exists {path} %}}{{% endcapture %}}\n"
            f'{{% if notebook_exists == "true" %}}\n  {{% jupyter_notebook jupyter_path %}}\n{{% else %}}\n'
            "  <p>Sorry, the notebook you are looking for does not exist.</p>\n{% endif %}\n{:/nomarkdown}"
        )
    else:
        embed = f"{{% jupyter_notebook {quote}{path}{quote} %}}"
    body = f"{before}\n\n{embed}\n\n{after}"
    found = find_embed(body)
    assert found is not None
    assert found.path == path and found.source == embed
    assert body[found.start : found.end] == embed


@pytest.mark.parametrize(
    "shown",
    [
        '{% raw %}\n{% jupyter_notebook "a.ipynb" %}\n{% endraw %}',
        '```liquid\n{% jupyter_notebook "a.ipynb" %}\n```',
        'Write `{% jupyter_notebook "a.ipynb" %}` in the post.',
    ],
)
def test_an_embed_shown_as_code_embeds_nothing(shown: str) -> None:
    assert find_embed(f"Before.\n\n{shown}\n\nAfter.") is None


def test_a_second_notebook_in_a_post_stays_as_text_and_is_reported(tmp_path: Path) -> None:
    jekyll = tmp_path / "jekyll"
    shutil.copytree(CONSTRUCTS, jekyll)
    post = jekyll / "_posts/2023-07-04-jupyter-notebook.md"
    post.write_text(post.read_text() + '\n{% jupyter_notebook "assets/jupyter/sharpness.ipynb" %}\n')
    site = copy_site(ROOTS / "test-import", tmp_path / "site")
    outcome = run([jekyll], site / "posts")
    notebook = nbformat.read(site / NOTEBOOK_POST, as_version=4)
    assert "{% jupyter_notebook" in notebook.cells[-1].source
    findings = [str(finding) for report in outcome.reports for finding in report.unconverted]
    assert "_posts/2023-07-04-jupyter-notebook.md:42: Liquid tag '{% jupyter_notebook" in " ".join(findings)
    assert all(accounting.silent == [] for accounting in outcome.accountings)

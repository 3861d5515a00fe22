"""Author-year {footcite} labels (publication.site.citations): made once per entry, right for every role."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import soup

BIB = """
@article{four, author = {Ann Smith and Bob Jones and Cy Brown and Di Lee}, title = {Four authors},
  journal = {J}, year = {2020}}
@article{two, author = {Eve Stone and Fay Hill}, title = {Two authors}, journal = {J}, year = {2019}}
@book{edited, editor = {Gil West}, title = {Edited volume}, publisher = {P}, year = {2018}}
"""

POST = """# {title}

{text}

## References

```{{footbibliography}}
```
"""

#: Each post's text, and the citation labels a reader sees in it, in order.
CASES = {
    "first": (
        "{footcite:t}`four` wrote it; {footcite:ts}`four` in full; also {footcite:p}`two,edited`.",
        ["Smith et al. (2020)", "Smith, Jones, Brown, and Lee (2020)", "(Stone and Hill, 2019; West, 2018)"],
    ),
    "second": (
        "{footcite:ct}`two` again, {footcite:ps}`four`, then {footcite:p}`four`.",
        ["Stone and Hill (2019)", "(Smith, Jones, Brown, and Lee, 2020)", "(Smith et al., 2020)"],
    ),
}


def write_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "conf.py").write_text(
        'extensions = ["publication", "myst_parser", "sphinxcontrib.bibtex"]\n'
        'exclude_patterns = ["_build"]\nbibtex_bibfiles = ["refs.bib"]\n'
        'bibtex_foot_reference_style = "foot_author_year"\n',
        encoding="utf-8",
    )
    (folder / "refs.bib").write_text(BIB, encoding="utf-8")
    (folder / "index.md").write_text("# Home\n\n```{toctree}\nfirst\nsecond\n```\n", encoding="utf-8")
    for name, (text, _) in CASES.items():
        (folder / f"{name}.md").write_text(POST.format(title=name.title(), text=text), encoding="utf-8")
    return folder


def test_each_role_s_label_is_right_in_every_post_and_links_to_that_post_s_entry(
    make_app, tmp_path: Path
) -> None:
    app = make_app("html", srcdir=write_site(tmp_path / "site"))
    app.build()
    assert app.statuscode == 0
    for name, (_, labels) in CASES.items():
        page = soup(Path(app.outdir, f"{name}.html"))
        paragraph = page.select_one("article p") or page.select_one("p")
        shown = (
            re.sub(r"\s+", " ", paragraph.get_text()).replace(" ,", ",").replace("( ", "(").replace(" )", ")")
        )
        shown = shown.replace(" ;", ";")
        found = [label for label in labels if label in shown]
        assert found == labels, (name, shown)
        # every author-year link leads to a footnote of this page
        links = page.select("a.footcite")
        assert links
        for link in links:
            target = link["href"].lstrip("#")
            assert link["href"].startswith("#") and page.find(id=target) is not None, (name, link)


def test_an_unchanged_bibliography_is_checked_once(make_app, tmp_path: Path, monkeypatch) -> None:
    """The next build (a new application) does not parse a BibTeX file that parsed and has not changed."""
    from publication.site import citations

    parsed: list[Path] = []
    original = citations.bibliography_problem
    monkeypatch.setattr(citations, "bibliography_problem", lambda path: parsed.append(path) or original(path))
    site = write_site(tmp_path / "site")
    make_app("html", srcdir=site).build()
    assert parsed == [site / "refs.bib"]
    make_app("html", srcdir=site).build()
    assert parsed == [site / "refs.bib"]
    (site / "refs.bib").write_text(BIB + "\n", encoding="utf-8")
    make_app("html", srcdir=site).build()
    assert parsed == [site / "refs.bib"] * 2

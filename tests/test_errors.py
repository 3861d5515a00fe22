"""Bad input fails the build with one clear line per problem, naming file and line, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import feedparser
import yaml
from bs4 import BeautifulSoup

from conftest import ROOTS, copy_site, sphinx_build
from helpers import local_target


def break_site(tmp_path: Path) -> Path:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    posts = site / "posts"
    (posts / "2021/bad-yaml.md").write_text(
        "---\ntitle: Bad YAML\ndate: 2021-01-01\ntags: [unclosed\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/bad-date.md").write_text(
        "---\ntitle: Bad date\ntags: [x]\ndate: the day after tomorrow\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/bad-types.md").write_text(
        "---\ntitle: Bad types\ndate: 2021-02-02\ncomments: perhaps\n---\n\nText.\n", encoding="utf-8"
    )
    (posts / "2021/unknown-key.md").write_text(
        "---\ntitle: Unknown citation\ndate: 2021-03-03\n---\n\nSee {footcite:p}`NoSuchKey2020`.\n\n"
        "```{footbibliography}\n```\n",
        encoding="utf-8",
    )
    (posts / "2021/broken-link.md").write_text(
        "---\ntitle: Broken link\ndate: 2021-04-04\n---\n\nIntro.\n\nA [broken link](../2019/nowhere.md).\n",
        encoding="utf-8",
    )
    (posts / "2021/bad-math.md").write_text(
        "---\ntitle: Bad math\ndate: 2021-05-05\n---\n\nIntro.\n\nInline $\\frobnicate{x}$ here.\n\n"
        "$$\na & b\n$$\n\n:::{margin}\n:::\n",
        encoding="utf-8",
    )
    catalogue = {
        "empty.md": "",
        "front-only.md": "---\ntitle: Nothing else\ndate: 2021-06-06\n---\n",
        "untitled.md": "---\ndate: 2021-07-07\n---\n\nNo title.\n",
        "first.md": "---\ntitle: Again\ndate: 2021-08-08\n---\n\nText.\n",  # as posts/2019/first.md
        "missing-image.md": "---\ntitle: No image\ndate: 2021-10-10\n---\n\nIntro.\n\n![A plot](plot.png)\n",
    }
    for name, text in catalogue.items():
        (posts / "2021" / name).write_text(text, encoding="utf-8")
    (posts / "2021/latin1.md").write_bytes(b"---\ntitle: Latin-1\ndate: 2021-09-09\n---\n\nCaf\xe9.\n")
    return site


def test_every_problem_is_reported_with_file_and_line(tmp_path: Path) -> None:
    result = sphinx_build(break_site(tmp_path), tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    expected = [
        (r"bad-yaml\.md:4", "front matter is not valid YAML"),
        (r"bad-date\.md:4", "'date': 'the day after tomorrow' is not a whole date"),
        (r"bad-types\.md:4", "'comments' must be true or false"),
        (r"unknown-key\.md:\d+", 'could not find bibtex key "NoSuchKey2020"'),
        (r"broken-link\.md:8", "nowhere"),
        (r"bad-math\.md:8", "unsupported LaTeX command \\frobnicate"),
        (r"bad-math\.md:10", "'&' outside an alignment environment"),
        (r"bad-math\.md:14", "a margin note needs content"),
        (r"2021/empty\.md:1", "the post is empty"),
        (r"front-only\.md:4", "the post has no text"),
        (r"untitled\.md:1", "the post has no title: add 'title:'"),
        (r"2021/first\.md:1", "another post, posts/2019/first, has the same slug 'first'"),
        (r"latin1\.md:6", "the file is not UTF-8 (byte 0xe9 on this line): save it as UTF-8"),
        (r"missing-image\.md:8", "image file not readable"),
    ]
    for location, message in expected:
        lines = [line for line in result.stderr.splitlines() if re.search(location, line)]
        assert any(message in line for line in lines), (location, message, result.stderr)


def test_a_good_site_builds_without_any_warning(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-blog", tmp_path)
    assert result.returncode == 0
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


def test_a_broken_bibliography_is_named_and_every_citation_it_breaks_reported(tmp_path: Path) -> None:
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    bib = site / "refs.bib"
    lines = bib.read_text(encoding="utf-8").count("\n")
    broken = "\n@article{Broken2020,\n  title = {Unclosed,\n"
    bib.write_text(bib.read_text(encoding="utf-8") + broken, encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    errors = result.stderr
    assert "Traceback" not in errors and "Extension error" not in errors
    assert re.search(rf"refs\.bib:{lines + 3}: WARNING: syntax error in line {lines + 3}", errors), errors
    assert re.search(
        r"first\.md:\d+: WARNING: could not find bibtex key \"HochreiterSchmidhuber1997\"", errors
    )


def test_a_bibliography_broken_after_a_good_build_is_named_at_its_line(tmp_path: Path) -> None:
    """A BibTeX file found readable is not parsed again until it changes (citations.CheckedBibliographies)."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    assert sphinx_build(site, tmp_path / "out").returncode == 0
    assert sphinx_build(site, tmp_path / "out").returncode == 0  # unchanged: not parsed again
    bib = site / "refs.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(text.replace("},", "}", 1), encoding="utf-8")  # a comma gone: the same size less one
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode != 0
    assert re.search(r"refs\.bib:\d+: WARNING: syntax error in line \d+", result.stderr), result.stderr
    bib.write_text(text, encoding="utf-8")
    assert sphinx_build(site, tmp_path / "out").returncode == 0


def test_the_catalogue_is_reported_in_one_run_without_a_traceback(tmp_path: Path) -> None:
    result = sphinx_build(break_site(tmp_path), tmp_path / "out")
    assert "Traceback" not in result.stderr and "Encoding error" not in result.stderr
    assert result.stderr.count("WARNING") >= 14


UNUSUAL = 'Ampersands & <angle> "quotes" ‘curly’, emoji 🧠 and العربية'
# an emoji alone makes no address for its tag page, and is refused (tests/test_post_records.py)
UNUSUAL_TAGS = ["R&D", "<html>", "שלום", "🧠 brains"]


def test_unusual_characters_show_exactly_in_pages_and_feeds(tmp_path: Path) -> None:
    """Valid but unusual input: the site and every feed stay valid and show the text as written."""
    site = copy_site(ROOTS / "test-blog", tmp_path / "src")
    front = {"title": UNUSUAL, "date": "2021-11-11", "tags": UNUSUAL_TAGS, "description": "A & B < C"}
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\nText with R&D.\n"
    (site / "posts/2021/unusual.md").write_text(text, encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    html = tmp_path / "out/html"
    page = BeautifulSoup((html / "posts/2021/unusual.html").read_text(encoding="utf-8"), "html.parser")
    assert page.h1.find(string=True, recursive=False).strip() == UNUSUAL
    tags = page.select(".post-byline a.post-tag")
    assert [a.get_text() for a in tags] == UNUSUAL_TAGS
    for tag in tags:
        assert local_target(html, html / "posts/2021/unusual.html", tag["href"])[0].is_file(), tag["href"]
    assert page.select_one('meta[name="description"]')["content"] == "A & B < C"
    for name in ("blog/atom.xml", "blog/rss.xml"):
        feed = feedparser.parse((html / name).read_bytes())
        assert not feed.bozo, (name, feed.get("bozo_exception"))
        assert feed.entries[0].title == UNUSUAL
        assert {t.term for t in feed.entries[0].tags} >= set(UNUSUAL_TAGS)
    data = json.loads((html / "blog/feed.json").read_text(encoding="utf-8"))
    assert data["items"][0]["title"] == UNUSUAL
    [ld] = page.select('script[type="application/ld+json"]')
    assert json.loads(ld.string)["headline"] == UNUSUAL

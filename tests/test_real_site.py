"""The publication in docs/, tested only by what holds for any publication: whatever the posts, the title or
the address, an author's site builds strictly and readers, feed readers and crawlers find every post.

The machinery is tested on tests/roots/ (tests/roots/test-publication is this site's content when the tests
were written); here nothing names a post, a page or the site's title. The last test proves it: it writes two
posts and a draft, renames the blog, moves it to another address, deletes the 2020 article and the showcase,
and runs the same checks on that copy.
"""

from __future__ import annotations

import datetime as dt
import re
import runpy
import shutil
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from conftest import DOCS, copy_site, sphinx_build
from helpers import pages, soup
from properties import PROPERTIES, Site
from publication.tools.new_post import create_post
from publication.tools.sitecheck import accessibility, run
from test_comments import with_comment_markup

#: The site checks of `nox -s check` that need neither Java nor a browser. CI runs them all on docs/ (`nox -s
#: check`); tests/test_sitecheck.py runs the HTML validator and axe on tests/roots/test-publication.
PLAIN_CHECKS = ["links", "images", "feeds", "origins"]


def failed(reports: list) -> list[str]:
    return [report.render() for report in reports if not report.passed]


@pytest.fixture(scope="module")
def site(real_site: Path) -> Site:
    return Site(DOCS, real_site, dt.datetime.now(dt.UTC))


@pytest.mark.parametrize("check", PROPERTIES, ids=lambda check: check.__name__)
def test_the_real_site(site: Site, check: Callable[[Site], list[str]]) -> None:
    assert check(site) == []


def test_the_real_site_has_comment_markup_only_once_a_provider_is_configured(site: Site) -> None:
    if site.conf.get("publication_comments_provider") is None:
        assert with_comment_markup(site.html) == set()


def test_the_real_site_passes_the_checks_that_need_no_java_or_browser(site: Site) -> None:
    reports = run(site.html, PLAIN_CHECKS)
    assert failed(reports) == []
    counts = {report.check: report.counts for report in reports}
    assert counts["links"]["pages"] == len(pages(site.html))


# -- an author's changes -----------------------------------------------------------------------------------


def copy_publication(target: Path) -> Path:
    """docs/ and what its conf.py reads outside it (refs.bib), at the same relative places; returns docs."""
    docs = copy_site(DOCS, target / "docs")
    for name in runpy.run_path(str(DOCS / "conf.py")).get("bibtex_bibfiles", []):
        source = (DOCS / name).resolve()
        copied = (docs / name).resolve()
        if not copied.exists():
            copied.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, copied)
    return docs


def set_setting(conf: Path, name: str, value: str) -> None:
    """Replace the line that assigns ``name`` in conf.py, as an author edits it."""
    text, replaced = re.subn(
        rf"^{name} = .*$", f"{name} = {value!r}", conf.read_text(encoding="utf-8"), flags=re.M
    )
    assert replaced == 1, f"docs/conf.py has no single '{name} = ...' line to edit"
    conf.write_text(text, encoding="utf-8")


def publish(path: Path, date: str, description: str, body: str) -> None:
    """Fill in a post started by `nox -s new`: its date (which publishes it), description and text."""
    text = path.read_text(encoding="utf-8")
    text, dated = re.subn(r"^#\s*date:.*$", f"date: {date}", text, count=1, flags=re.M)
    text, described = re.subn(r"^description:.*$", f"description: {description}", text, count=1, flags=re.M)
    assert dated == described == 1, text
    path.write_text(text + "\n" + body, encoding="utf-8")


NEW_TITLE = "Notes on Optimisation"
NEW_ADDRESS = "https://notes.example.org/"
NEW_ENTRY = """
@book{Nesterov2004Introductory,
  author = {Yurii Nesterov},
  title = {Introductory Lectures on Convex Optimization},
  publisher = {Springer},
  year = {2004},
  doi = {10.1007/978-1-4419-8853-9},
}
"""


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A copy of docs/ after an author's changes, built strictly."""
    work = tmp_path_factory.mktemp("changed")
    docs = copy_publication(work)
    conf = docs / "conf.py"
    set_setting(conf, "project", NEW_TITLE)
    if re.search(r"^html_title = ", conf.read_text(encoding="utf-8"), flags=re.M):
        set_setting(conf, "html_title", NEW_TITLE)
    set_setting(conf, "SITE_URL", NEW_ADDRESS)
    (docs / "posts/2020/capabilities-of-deep-learning-models-to-generalize.md").unlink(missing_ok=True)
    (docs / "showcase.md").unlink(missing_ok=True)
    bibfile = (docs / runpy.run_path(str(conf))["bibtex_bibfiles"][0]).resolve()
    bibfile.write_text(bibfile.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")

    utc = dt.UTC
    cited = create_post(
        docs, "Momentum, explained", now=dt.datetime(2025, 3, 14, tzinfo=utc), tags=["momentum"]
    )
    publish(
        cited,
        "2025-03-14 09:30:00 +01:00",
        "Why heavy-ball momentum speeds up gradient descent.",
        "Momentum accelerates gradient descent on smooth convex functions "
        "{footcite:p}`Nesterov2004Introductory`.\n\n## References\n\n```{footbibliography}\n```\n",
    )
    plain = create_post(
        docs, "Sharpness, again", now=dt.datetime(2025, 11, 2, tzinfo=utc), tags=["sharpness", "momentum"]
    )
    publish(plain, "2025-11-02 18:00:00 +00:00", "A second look at sharp minima.", "Sharp minima, again.\n")
    create_post(docs, "Not yet", now=dt.datetime(2025, 12, 1, tzinfo=utc), tags=["momentum"])  # a draft

    result = sphinx_build(docs, work / "out")
    assert result.returncode == 0, result.stderr
    return Site(docs, work / "out/html", dt.datetime.now(dt.UTC))


@pytest.mark.parametrize("check", PROPERTIES, ids=lambda check: check.__name__)
def test_after_an_authors_changes_the_site(changed: Site, check: Callable[[Site], list[str]]) -> None:
    assert check(changed) == []


def test_after_an_authors_changes_the_checks_see_the_new_posts_title_and_address(changed: Site) -> None:
    """The properties above looked at what the author made: two posts, one draft, the new name and address."""
    # the author's own posts may be newer than these, and the author may have drafts of their own
    published = [post.docname for post in changed.published]
    assert {"posts/2025/sharpness-again", "posts/2025/momentum-explained"} <= set(published)
    assert published.index("posts/2025/sharpness-again") < published.index("posts/2025/momentum-explained")
    assert "posts/2025/not-yet" in [post.docname for post in changed.drafts]
    assert changed.base == NEW_ADDRESS
    assert not (changed.html / "showcase.html").exists()
    for page in pages(changed.html):
        assert soup(page).title.get_text().endswith(NEW_TITLE) or page.name == "404.html", page
    atom = feedparser.parse((changed.html / "blog/atom.xml").read_bytes())
    assert atom.feed.title == NEW_TITLE
    assert {entry.id for entry in atom.entries} >= {
        NEW_ADDRESS + "posts/2025/momentum-explained.html",
        NEW_ADDRESS + "posts/2025/sharpness-again.html",
    }
    cited = soup(changed.html / "posts/2025/momentum-explained.html")
    assert "Introductory Lectures on Convex Optimization" in cited.select_one("#references").get_text()


def test_after_an_authors_changes_the_site_passes_the_checks_that_need_no_java_or_browser(
    changed: Site,
) -> None:
    assert failed(run(changed.html, PLAIN_CHECKS)) == []
    checked = accessibility.default_pages(changed.html)  # what nox -s check would give axe
    assert checked[:2] == ["index.html", changed.published[0].docname + ".html"]  # the newest post
    assert all((changed.html / page).is_file() for page in checked)

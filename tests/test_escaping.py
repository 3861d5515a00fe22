"""Text from a post stays text: on every page as a browser parses it, in every template we ship, in the head's
JSON-LD and meta tags, in the feeds, the sitemap and the "Cite this post" ``.bib``; and addresses of posts
whose file names need percent-escapes lead to them.

tests/roots/test-hostile has a post whose title, tags, category, author, description and image text are
markup, script breakers, HTML entities and BibTeX specials, and posts named ``über-minima``, ``my post`` and
``c#-tips``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import feedparser
import lxml.etree
import pybtex.errors
import pytest
from bs4 import BeautifulSoup
from pybtex.database import parse_string

from conftest import ROOTS, sphinx_build
from helpers import pages
from publication.site.scholarly import Author, PostRecord, bibtex_entry

BASE = "https://blog.example.org/"
TEMPLATES = Path(__file__).parent.parent / "src/publication/site/templates"

# What tests/roots/test-hostile/posts/2022/hostile.md says, as a reader must see it
TITLE = '<!-- <script>alert("title")</script> &amp; &lt;b&gt; Q&A: {open \\back 100% #1 $5 a_b ~t ^c'
TAGS = ('<svg onload=alert("tag")>', '</script><script>alert("tag2")</script>')
CATEGORY = '<img src=x onerror=alert("category")>'
AUTHOR = '<b onmouseover=alert("author")>Eve</b> } \\ % # & $ _ ~ ^'
DESCRIPTION = '<i onclick=alert("description")>Described</i> &amp; & "quoted" </script>'
IMAGE_ALT = '"><svg onload=alert("alt")>'
SERIES = '</script><svg onload=alert("series")> &amp; Part'  # the hostile post's and über-minima's
SERIES_PAGE = "blog/series/scriptsvg-onloadalertseries-amp-part.html"
GISCUS_TERM = '"><svg onload=alert("giscus")>'  # from conf.py: what a template does with a value reaching it
HOSTILE = "posts/2022/hostile.html"
IMAGE = "_static/header pic.svg"  # the post's header image
#: Posts whose file names are not addresses as they are.
ODD_NAMES = ("posts/2022/über-minima.html", "posts/2022/my post.html", "posts/2022/c#-tips.html")
#: The one script furo writes inline; every other script on a page is a file or JSON-LD.
FURO_SCRIPT = 'document.body.dataset.theme = localStorage.getItem("theme") || "auto";'
#: Attributes that carry text a reader or a machine reads, where post text may appear escaped.
TEXT_ATTRIBUTES = {"content", "title", "alt", "data-term"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-hostile, built strictly; returns the HTML folder."""
    out = tmp_path_factory.mktemp("hostile")
    result = sphinx_build(ROOTS / "test-hostile", out)
    assert result.returncode == 0, result.stderr
    return out / "html"


def browser(path: Path) -> BeautifulSoup:
    """The page as a browser builds it (html5lib follows the HTML standard's parsing rules)."""
    return BeautifulSoup(path.read_bytes(), "html5lib")


def markup_from_posts(page: BeautifulSoup) -> list[str]:
    """Elements, attributes and scripts on the page that post text made: none may exist."""
    found = []
    for element in page.find_all(True):
        for name, value in element.attrs.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.name} {name}=...>")
            elif "alert(" in str(value) and name not in TEXT_ATTRIBUTES:
                found.append(f"<{element.name} {name}={value!r}>")
    for script in page.find_all("script"):
        if script.get("src"):
            continue
        text = script.string or ""
        if script.get("type") == "application/ld+json":
            json.loads(text)  # a block that ran on into the page would not parse
        elif text.strip() != FURO_SCRIPT:
            found.append(f"<script>{text[:80]!r}")
    return found


def heading(element: Any) -> str:
    """A heading's text without its permalink mark."""
    return "".join(element.find_all(string=True, recursive=False))


def meta(page: BeautifulSoup, name: str) -> list[str]:
    return [m["content"] for m in page.select(f'meta[name="{name}"], meta[property="{name}"]')]


def file_of(site: Path, url: str) -> Path:
    """The file a URL of the site leads to, after checking it is a valid, percent-encoded address."""
    parts = urlsplit(url)
    assert url.isascii() and " " not in url, f"not an address: {url!r}"
    assert not parts.fragment and not parts.query, url
    assert quote(unquote(parts.path)) == parts.path, f"not percent-encoded as Sphinx does: {url}"
    assert url.startswith(BASE), url
    return site / unquote(parts.path.removeprefix(urlsplit(BASE).path))


# -- Pages ----------------------------------------------------------------------------------------------


def test_no_page_has_markup_or_script_made_from_post_text(site: Path) -> None:
    shown = []
    for path in pages(site):
        page = browser(path)
        assert markup_from_posts(page) == [], path.relative_to(site)
        if TAGS[0] in page.get_text():
            shown.append(path.relative_to(site).as_posix())
    # the tag reached every listing: home page, all posts, archives, tag, category and author pages
    for listing in ("index.html", "blog.html", "blog/2022.html", "blog/tag.html", "blog/category.html"):
        assert listing in shown
    assert "blog/author/b-onmouseoveralertauthoreveb-_.html" in shown


def test_the_post_shows_its_front_matter_as_written(site: Path) -> None:
    page = browser(site / HOSTILE)
    assert heading(page.select_one("article h1")) == TITLE
    assert page.title.get_text().startswith(TITLE)
    assert page.select_one(".post-standfirst").get_text() == DESCRIPTION
    byline = page.select_one(".post-byline")
    assert byline.select_one(".post-author a").get_text() == AUTHOR
    assert byline.select_one(".post-category a").get_text() == CATEGORY
    assert [a.get_text() for a in byline.select(".post-tag")] == list(TAGS)
    image = page.select_one(".post-header-image img")
    assert image["alt"] == IMAGE_ALT
    assert file_of(site, urljoin(BASE + HOSTILE, image["src"])) == site / IMAGE
    assert TITLE in page.select_one("#cite-this-post .post-cite-reference").get_text()
    series = page.select_one("nav.post-series")
    assert series.p.get_text() == f"Part 2 of 2 in {SERIES}"
    assert [a.get_text() for a in series.select("ol a")] == ["Post in über-minima", TITLE]


#: For each template we ship: where on a page it renders a hostile value, and what a reader must see there
#: (the text of the elements a selector finds, or one of their attributes).
SHOWN_BY_TEMPLATE: dict[str, list[tuple[str, str, str | None, tuple[str, ...]]]] = {
    "ablog/catalog.html": [("blog/tag.html", ".archive-group h2 a", None, TAGS)],
    "ablog/collection.html": [
        ("blog/tag/svg-onloadalerttag.html", "article h1", None, (f"Posts tagged {TAGS[0]}",)),
        (
            "blog/category/img-srcx-onerroralertcategory.html",
            "head title",
            None,
            (f"Posts in {CATEGORY} - Hostile Blog documentation",),
        ),
    ],
    "ablog/postlist.html": [
        ("blog/category/img-srcx-onerroralertcategory.html", ".post-list-title a", None, (TITLE,)),
        ("blog/category/img-srcx-onerroralertcategory.html", ".post-list .post-tag", None, TAGS),
    ],
    # the pager prints no post text, only page numbers and the addresses of a listing's pages (conf.py: two
    # posts a page), which lead back from a later page's folder
    "ablog/pager.html": [
        ("blog/tag/plain/page/2.html", 'nav.pager a[rel="prev"]', "href", ("../../plain.html",))
    ],
    "ablog/postcards.html": [
        ("index.html", ".post-card-title a", None, (TITLE,)),
        ("index.html", ".post-card .post-tag", None, TAGS),
        ("index.html", "img.post-card-image", "alt", (IMAGE_ALT,)),
    ],
    "ablog/redirect.html": [
        ("old/hostile.html", "article h1", None, (TITLE,)),
        (
            "old/c-tips.html",
            'meta[http-equiv="refresh"]',
            "content",
            ("0; url=../posts/2022/c%23-tips.html",),
        ),
    ],
    "page.html": [
        (
            "blog/tag/svg-onloadalerttag.html",
            'link[rel="alternate"][type="application/atom+xml"]',
            "title",
            (f"Hostile Blog: posts tagged “{TAGS[0]}” (Atom)",),
        )
    ],
    "series.html": [
        (SERIES_PAGE, "article h1", None, (f"Series: {SERIES}",)),
        (SERIES_PAGE, "head title", None, (f"Series: {SERIES} - Hostile Blog documentation",)),
        (SERIES_PAGE, ".post-card-title a", None, (TITLE,)),
        (SERIES_PAGE, ".post-card .post-tag", None, TAGS),
    ],
    # the template prints no post text itself; the page it makes does, in the sidebar
    "search.html": [("search.html", ".blog-sidebar a", None, (TITLE,))],
    "sidebar/blog.html": [("posts/2022/my post.html", ".blog-sidebar a", None, (TITLE,))],
    "comments/giscus.html": [(HOSTILE, ".comments-load", "data-term", (GISCUS_TERM,))],
}


@pytest.mark.parametrize(
    "template", sorted(path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.html"))
)
def test_every_template_shows_hostile_text_as_text(site: Path, template: str) -> None:
    """Each template we ship, enumerated from its folder: a new one fails here until it is covered."""
    assert template in SHOWN_BY_TEMPLATE, f"{template}: add where a hostile value reaches it"
    for name, selector, attribute, expected in SHOWN_BY_TEMPLATE[template]:
        page = browser(site / name)
        assert markup_from_posts(page) == [], name
        elements = page.select(selector)
        shown = [(element.get(attribute) if attribute else heading(element)) for element in elements]
        for value in expected:
            assert value in shown, (name, selector)


def test_the_home_pages_card_image_leads_to_the_file(site: Path) -> None:
    [image] = browser(site / "index.html").select("img.post-card-image")
    assert file_of(site, urljoin(BASE, image["src"])) == site / IMAGE


def test_a_redirect_leads_to_the_post(site: Path) -> None:
    for old, post in (("old/hostile.html", HOSTILE), ("old/c-tips.html", "posts/2022/c#-tips.html")):
        page = browser(site / old)
        url = page.select_one('meta[http-equiv="refresh"]')["content"].removeprefix("0; url=")
        assert page.select_one("article a")["href"] == url
        assert file_of(site, urljoin(BASE + old, url)) == site / post


# -- Head: JSON-LD, Google Scholar, Open Graph, addresses -----------------------------------------------


def test_json_ld_parses_and_has_no_character_html_reads_in_a_script(site: Path) -> None:
    blocks = 0
    for path in pages(site):
        raw = path.read_text(encoding="utf-8")
        for text in re.findall(r'<script type="application/ld\+json">(.*?)</script>', raw, re.DOTALL):
            assert not set("<>&") & set(text), path.relative_to(site)
            blocks += 1
        # as the browser reads it: one block, ending where we ended it
        for script in browser(path).select('script[type="application/ld+json"]'):
            json.loads(script.string)
    assert blocks == 4  # one per post
    [script] = browser(site / HOSTILE).select('head script[type="application/ld+json"]')
    data = json.loads(script.string)
    assert data["headline"] == TITLE and data["description"] == DESCRIPTION
    assert [author["name"] for author in data["author"]] == [AUTHOR]
    assert data["keywords"] == list(TAGS)


def test_meta_tags_carry_the_text_as_written(site: Path) -> None:
    page = browser(site / HOSTILE)
    assert meta(page, "citation_title") == [TITLE]
    assert meta(page, "citation_author") == [AUTHOR]
    assert meta(page, "article:tag") == list(TAGS)
    assert meta(page, "og:title") == [TITLE]
    assert meta(page, "og:description") == [DESCRIPTION]
    assert meta(page, "og:image:alt") == [IMAGE_ALT]
    assert meta(page, "description") == [DESCRIPTION]
    [image] = meta(page, "og:image")
    assert file_of(site, image) == site / IMAGE


def test_every_open_graph_title_is_the_page_title(site: Path) -> None:
    titled = set()
    for path in pages(site):
        page = browser(path)
        for title in meta(page, "og:title"):
            assert page.title.get_text().startswith(title), path.relative_to(site)
            titled.add(path.relative_to(site).as_posix())
    assert titled >= {"index.html", HOSTILE, *ODD_NAMES}


@pytest.mark.parametrize("name", ODD_NAMES)
def test_addresses_of_a_post_with_an_odd_file_name_lead_to_it(site: Path, name: str) -> None:
    page = browser(site / name)
    [ld] = page.select('script[type="application/ld+json"]')
    data = json.loads(ld.string)
    urls = [
        page.select_one('link[rel="canonical"]')["href"],
        *meta(page, "og:url"),
        *meta(page, "citation_fulltext_html_url"),
        data["url"],
        data["mainEntityOfPage"]["@id"],
    ]
    assert len(urls) == 5
    for url in urls:
        assert file_of(site, url) == site / name
    bib = (site / name).with_suffix(".bib")
    assert bib.is_file()
    assert file_of(site, page.select_one('link[rel="alternate"][type="application/x-bibtex"]')["href"]) == bib
    download = page.select_one("#cite-this-post a.post-cite-download")["href"]
    assert file_of(site, urljoin(BASE + quote(name), download)) == bib


# -- Feeds and sitemap ----------------------------------------------------------------------------------


#: The whole blog's feeds, and those of each tag and category.
FEED_FOLDERS = {
    "blog",
    "blog/tag/svg-onloadalerttag",
    "blog/tag/scriptscriptalerttag2script",
    "blog/tag/plain",
    "blog/category/img-srcx-onerroralertcategory",
}


def test_every_feed_parses_and_links_to_itself(site: Path) -> None:
    files = [*site.rglob("atom.xml"), *site.rglob("rss.xml")]
    assert {path.parent.relative_to(site).as_posix() for path in files} == FEED_FOLDERS
    assert len(files) == 2 * len(FEED_FOLDERS)
    for path in [*files, site / "feed.xml"]:
        lxml.etree.fromstring(path.read_bytes())  # strict XML: raises on any error
        feed = feedparser.parse(path.read_bytes())
        assert not feed.bozo, (path, feed.get("bozo_exception"))
        own = BASE + path.relative_to(site).as_posix()
        selves = [link.href for link in feed.feed.links if link.rel == "self"]
        assert selves == [BASE + "blog/atom.xml" if path.name == "feed.xml" else own], path
        for entry in feed.entries:
            assert file_of(site, entry.link).is_file()


def test_feeds_carry_the_text_as_written(site: Path) -> None:
    for name in ("blog/atom.xml", "blog/rss.xml"):
        feed = feedparser.parse((site / name).read_bytes())
        [entry] = [entry for entry in feed.entries if entry.link == BASE + HOSTILE]
        assert entry.title == TITLE, name
        assert [tag.term for tag in entry.tags] == [CATEGORY, *TAGS, SERIES], name  # the series last
    atom = feedparser.parse((site / "blog/atom.xml").read_bytes())
    assert [author.name for author in atom.entries[0].authors] == [AUTHOR]
    tag_feed = feedparser.parse((site / "blog/tag/svg-onloadalerttag/atom.xml").read_bytes())
    assert tag_feed.feed.title == f"Hostile Blog: posts tagged “{TAGS[0]}”"


def test_every_json_feed_parses_and_its_addresses_lead_to_files(site: Path) -> None:
    files = sorted(site.rglob("feed.json"))
    assert {path.parent.relative_to(site).as_posix() for path in files} == FEED_FOLDERS
    for path in files:
        feed = json.loads(path.read_text(encoding="utf-8"))
        assert feed["feed_url"] == BASE + path.relative_to(site).as_posix()
        for item in feed["items"]:
            assert file_of(site, item["url"]).is_file()
            if "image" in item:
                assert file_of(site, item["image"]) == site / IMAGE
    items = json.loads((site / "blog/feed.json").read_text(encoding="utf-8"))["items"]
    [item] = [item for item in items if item["url"] == BASE + HOSTILE]
    assert item["title"] == TITLE and item["tags"] == [CATEGORY, *TAGS]
    assert item["_publication"]["series"]["name"] == SERIES
    assert [author["name"] for author in item["authors"]] == [AUTHOR]
    assert {file_of(site, item["url"]) for item in items} >= {site / name for name in ODD_NAMES}


def test_the_sitemap_parses_and_each_address_leads_to_a_page(site: Path) -> None:
    root = lxml.etree.fromstring((site / "sitemap.xml").read_bytes())
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = root.xpath("//s:url", namespaces=namespace)
    listed = {}
    for url in urls:
        [loc] = url.xpath("s:loc/text()", namespaces=namespace)
        path = file_of(site, loc)
        assert path.is_file(), loc
        listed[path.relative_to(site).as_posix()] = url.xpath("s:lastmod/text()", namespaces=namespace)
    for name in (*ODD_NAMES, HOSTILE):
        assert listed[name], f"{name} has no lastmod"
    assert "old/hostile.html" not in listed and "old/c-tips.html" not in listed


# -- "Cite this post" -----------------------------------------------------------------------------------

#: LaTeX's text commands for characters that BibTeX or LaTeX treat specially, and what LaTeX prints for each.
LATEX_CHARACTERS = {
    "textbackslash": "\\",
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textdollar": "$",
    "textunderscore": "_",
    **{char: char for char in "&%$#_{}"},
}
LATEX_TOKEN = re.compile(r"\\([A-Za-z]+)(?:\{\}| )?|\\(.)|([{}])|([^\\{}]+)", re.DOTALL)


def latex_text(value: str) -> str:
    """What LaTeX prints for a BibTeX field: its text commands as their characters, grouping braces dropped.

    An unknown command (an author's backslash read as LaTeX) raises KeyError.
    """
    printed, end = [], 0
    for token in LATEX_TOKEN.finditer(value):
        assert token.start() == end, value
        end = token.end()
        word, symbol, _brace, text = token.groups()
        printed.append(LATEX_CHARACTERS[word or symbol] if (word or symbol) else text or "")
    assert end == len(value), value
    return "".join(printed)


def person_text(person: Any) -> str:
    parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]
    return latex_text(" ".join(parts))


@pytest.fixture
def strict_pybtex() -> Iterator[None]:
    """pybtex raises on any error in a .bib, instead of warning and reading on."""
    previous = pybtex.errors.strict
    pybtex.errors.set_strict_mode(True)
    yield
    pybtex.errors.set_strict_mode(previous)


@pytest.mark.usefixtures("strict_pybtex")
def test_each_posts_bib_file_parses_and_gives_back_its_title(site: Path) -> None:
    for name in (HOSTILE, *ODD_NAMES):
        page = browser(site / name)
        served = (site / name).with_suffix(".bib").read_text(encoding="utf-8")
        assert page.select_one("#cite-this-post .post-cite-bibtex pre").get_text() == served
        [entry] = parse_string(served, "bibtex").entries.values()
        assert latex_text(entry.fields["title"]) == heading(page.select_one("article h1")), name
        assert file_of(site, entry.fields["url"]) == site / name
        if name == HOSTILE:
            assert latex_text(entry.fields["title"]) == TITLE
            assert [person_text(person) for person in entry.persons["author"]] == [AUTHOR]


@pytest.mark.parametrize(
    "text",
    [
        *"{}\\%#&$_~^",
        "{unbalanced",
        "unbalanced}",
        "}{",
        "\\{",
        "ends with \\",
        "50% of #1 & $2 a_b ~c ^d",
        "\\textbf{bold}",
        "Tom and Jerry",
        "Lovelace, Ada",
        "Ümlaut & Ünicode",
    ],
)
@pytest.mark.usefixtures("strict_pybtex")
def test_bibtex_entry_gives_back_any_title_and_author(text: str) -> None:
    moment = dt.datetime(2022, 3, 1, tzinfo=dt.UTC)
    record = PostRecord(
        title=text,
        url=BASE + "posts/2022/x.html",
        published=moment,
        modified=moment,
        authors=(Author(text), Author("Ada Lovelace")),
        site="Hostile Blog",
        site_url=BASE,
    )
    entry = parse_string(bibtex_entry(record), "bibtex").entries[record.key]
    assert latex_text(entry.fields["title"]) == text
    assert [person_text(person) for person in entry.persons["author"]] == [text, "Ada Lovelace"]

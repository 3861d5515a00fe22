"""Generated front matter and file names, as careless or hostile authors write them (Hypothesis).

Each example adds one post to a copy of tests/roots/test-hostile-input and runs the strict build. Either the
build fails and says which line of which post is wrong, or everything it wrote still parses (pages as a
browser reads them, feeds, JSON-LD, BibTeX) and holds no element, attribute or script that the same site
with benign front matter does not have: text an author typed never becomes markup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import html5lib
import pybtex.database
import pytest
import yaml
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from conftest import ROOTS, copy_site, sphinx_build

SITE = ROOTS / "test-hostile-input"
POSTS = "posts/2021"
#: Pages of the test root and of ablog: a post's redirect must never overwrite them.
OWN_PAGES = ("index.html", f"{POSTS}/ordinary.html", "blog.html", "blog/archive.html", "blog/tag.html")
#: Stands for the example's own folder in generated values: an absolute path that escapes the output
#: folder must land where the test looks (a real one, such as /etc/x, is written there when the bug is on).
WORK = "@WORK@"
BODY = "A post written by a fuzzer.\n"

# Each example is a whole build (about 3 s), so few of them, always the same ones (CI must not flake), and no
# shrinking: a failure's message names the key, the page and what went wrong, which is what shrinking buys.
BUILDS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- What authors type ----------------------------------------------------------------------------------

#: Text that is markup somewhere along the way: HTML, JSON inside <script>, XML, BibTeX, Jinja, Markdown.
MARKUP = [
    "<svg onload=alert(1)>",
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "<!--",
    "<!-- <script>",
    "-->",
    "<![CDATA[",
    "]]>",
    '"',
    "'",
    '" onmouseover="alert(1)',
    "' autofocus onfocus='alert(1)",
    "&",
    "&amp;",
    "&lt;b&gt;",
    "&#0;",
    "{",
    "}",
    "{{ config }}",
    "{% raw %}",
    "\\",
    "\\end{document}",
    "%",
    "$x$",
    "#",
    "~^_",
    "*emphasis*",
    "[link](javascript:alert(1))",
    "javascript:alert(1)",
    "`code`",
    "a, b",
    "@",
]
#: Text that is hard to carry from YAML to every output: emoji, right-to-left, control characters.
UNUSUAL = [
    "🦊",
    "👩‍🔬",
    "שלום עולם",
    "مرحبا",
    "\u202eevil",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\u0085",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\t",
    "\n",
    "\r",
    " ",
    "",
]
#: Text that a date parser might half-understand.
DATES = [
    "March 2021",
    "2021",
    "2021-02-30",
    "2021-13-01",
    "10:00",
    "2021-06-15 10:00 +25:00",
    "2021-06-15T10:00:00+25:00",
    "2021-06-15 10:00:00 -0400",
    "2021-06-15T10:00:00Z",
    "15/06/2021",
    "tomorrow",
    "0000-00-00",
    "9999-12-31 23:59:59 -23:59",
    "0001-01-01 00:00:00 +23:59",
    "",
]

LONG = st.sampled_from(["a" * 5000, "<b>" * 2000, "🦊 " * 3000, "word " * 2000])
text = st.one_of(
    st.sampled_from(MARKUP + UNUSUAL),
    st.lists(
        st.one_of(st.sampled_from(MARKUP + UNUSUAL), st.text(st.characters(codec="utf-8"), max_size=8)),
        min_size=1,
        max_size=4,
    ).map("".join),
    LONG,
)
scalar = st.one_of(text, st.integers(), st.floats(), st.booleans(), st.none())
scalar_or_list = st.one_of(scalar, st.lists(scalar, max_size=3))
offsets = st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
date = st.one_of(
    st.sampled_from(DATES),
    st.dates(),
    st.datetimes(timezones=st.none() | offsets),
    scalar_or_list,
)
benign_date = st.just(dt.date(2021, 3, 1))

front_matter = st.fixed_dictionaries(
    {"date": st.one_of(benign_date, date)},  # mostly published, so feeds and JSON-LD see the rest
    optional={
        "title": st.one_of(text, scalar_or_list),
        "description": st.one_of(text, scalar_or_list),
        "tags": st.one_of(st.lists(text, max_size=4), scalar_or_list),
        "category": st.one_of(st.lists(text, max_size=2), scalar_or_list),
        "author": st.one_of(st.lists(text, max_size=2), scalar_or_list),
        "image_alt": st.one_of(text, scalar_or_list),
        "updated": date,
        "redirect": st.one_of(
            st.sampled_from(
                ["../../escaped", f"{WORK}/escaped", "index", f"{POSTS}/ordinary", "blog", "a, b"]
            ),
            # free text never holds "/": a path out of the output folder is one of the two above, so a
            # build with that bug writes into the example's folder, never elsewhere on the machine
            text.map(lambda t: "old-" + t.replace("/", "-")),
            st.lists(st.sampled_from(["old-a", "old-b", "index"]), max_size=2),
        ),
        "comments": st.one_of(st.booleans(), scalar),
    },
)

#: Characters a file name may hold that mean something to globs, URLs, shells or Markdown.
NAME_SPECIALS = [" ", "#", "[", "]", "?", "*", "%", "&", "'", '"', "<", ">", ":", ";", "!", "~", "-", "."]
file_name = (
    st.lists(
        st.one_of(
            st.sampled_from(NAME_SPECIALS),
            st.text(
                st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="/"),
                max_size=6,
            ),
        ),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(lambda name: name.strip(" .") and len(name.encode()) <= 60)
)

#: Values written into front matter as they are, not through a YAML writer: what a hand can get wrong.
RAW_VALUES = [
    "[unclosed",
    "{a: b",
    '"unterminated',
    "'it''s'",
    "a: b: c",
    "&anchor x",
    "*undefined",
    "!!python/object/apply:os.system ['true']",
    "!!binary not-base64",
    "!!timestamp nope",
    "@at",
    "`backtick",
    "%percent",
    "2021-02-30",
    "2021-13-45",
    "2021-06-15 25:00:00",
    "2021-06-15 10:00:00 +25:00",
    "10:00",
    "|\n bad\nindent",
    "\n\t- tab",
    "- item",
    "? complex",
    "yes",
    "~",
    "0x1F",
    ".inf",
    "<svg onload=alert(1)>",
]
RAW_KEYS = ["title", "date", "updated", "tags", "category", "author", "description", "comments", "redirect"]
raw_front_matter = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(RAW_KEYS), st.sampled_from(RAW_VALUES)).map(lambda kv: f"{kv[0]}: {kv[1]}"),
        st.sampled_from(
            ["---", "...", "title", ": no key", "\tindented: tab", "  - orphan", "%YAML 1.2", "#"]
        ),
    ),
    min_size=1,
    max_size=5,
).map("\n".join)

# -- Building one example -------------------------------------------------------------------------------


def post_text(values: dict[str, Any]) -> str:
    """A post whose front matter the generator controls value by value (YAML syntax is the writer's job)."""
    block = yaml.safe_dump(values, allow_unicode=True, sort_keys=False)
    return f"---\n{block}---\n\n{BODY}"


@dataclass
class Build:
    """One build of the test root plus one post: the process's result and where it wrote."""

    name: str
    returncode: int
    output: str  # stdout and stderr
    stderr: str
    html: Path
    strays: list[str] = field(default_factory=list)  # files written outside the output folder


def build_with(posts: dict[str, str], work: Path) -> Build:
    """Copy the test root, add posts (file name without .md -> text) and build it strictly."""
    source = copy_site(SITE, work / "src")
    for name, body in posts.items():
        (source / POSTS / f"{name}.md").write_text(body, encoding="utf-8")
    before = {p for p in work.rglob("*")}
    result = sphinx_build(source, work / "out")
    out = work / "out"
    strays = [str(p.relative_to(work)) for p in work.rglob("*") if p not in before and out not in p.parents]
    strays = [s for s in strays if s != "out"]
    return Build(
        name=next(iter(posts)),
        returncode=result.returncode,
        output=result.stdout + result.stderr,
        stderr=result.stderr,
        html=out / "html",
        strays=strays,
    )


# -- Reading what a build wrote -------------------------------------------------------------------------

HTML_NS = "{http://www.w3.org/1999/xhtml}"


def parse_html(path: Path) -> Any:
    return html5lib.parse(path.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)


def script_kind(element: Any) -> tuple[str, str]:
    """What a <script> is: its type and file (without query), or a digest of its inline text."""
    kind = element.get("type", "")
    src = element.get("src")
    if src is not None:
        return kind, src.split("?", 1)[0].rsplit("/", 1)[-1]
    if kind == "application/ld+json":
        return kind, "inline"
    return kind, hashlib.sha256((element.text or "").encode()).hexdigest()[:12]


@dataclass(repr=False)
class Markup:
    """What the pages of a build are made of."""

    pairs: set[tuple[str, str]] = field(default_factory=set)  # (element, attribute or "")
    scripts: set[tuple[str, str]] = field(default_factory=set)

    def __repr__(self) -> str:  # Hypothesis prints the fixture with each falsifying example
        return f"Markup({len(self.pairs)} element/attribute pairs, {len(self.scripts)} kinds of script)"


def pages(html: Path) -> list[Path]:
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


def markup_of(html: Path) -> Markup:
    found = Markup()
    for page in pages(html):
        for element in parse_html(page).iter():
            if not isinstance(element.tag, str):
                continue  # a comment
            seen = {(element.tag, "")} | {(element.tag, str(a)) for a in element.attrib}
            if element.tag == "script":
                found.scripts.add(script_kind(element))
            found.pairs |= seen
    return found


@pytest.fixture(scope="session")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Markup:
    """The markup our templates write when every key holds a benign value (a published post and a draft)."""
    benign = {
        "title": "A benign post",
        "description": "What the post is about.",
        "tags": ["beta", "gamma"],
        "category": ["Notes"],
        "author": ["ada", "Grace Hopper"],
        "image": "pic.svg",
        "image_alt": "A dot",
        "date": dt.datetime(2021, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "updated": dt.date(2021, 4, 1),
        "redirect": "old/benign",
        "comments": True,
    }
    draft = {"title": "A draft", "tags": ["delta"]}
    work = tmp_path_factory.mktemp("baseline")
    built = build_with({"benign": post_text(benign), "benign-draft": post_text(draft)}, work)
    assert built.returncode == 0, built.output
    return markup_of(built.html)


def problems_in(built: Build, allowed: Markup) -> list[str]:
    """Everything wrong with a build that passed: markup an author's text made, outputs that do not parse."""
    problems: list[str] = []
    html = built.html
    if built.strays:
        problems.append(f"files written outside the output folder: {built.strays}")
    for own in OWN_PAGES:
        if not (html / own).is_file() or 'http-equiv="refresh"' in (html / own).read_text(encoding="utf-8"):
            problems.append(f"{own} was replaced (by a redirect page?)")
    for page in pages(html):
        name = str(page.relative_to(html))
        ids: dict[str, int] = defaultdict(int)
        for element in parse_html(page).iter():
            if not isinstance(element.tag, str):
                continue
            for attribute, value in element.attrib.items():
                attribute = str(attribute)
                if attribute.lower().startswith("on"):
                    problems.append(f"{name}: <{element.tag} {attribute}={value!r}>")
                elif (element.tag, attribute) not in allowed.pairs:
                    problems.append(f"{name}: unexpected attribute <{element.tag} {attribute}={value!r}>")
                if attribute in ("href", "src", "action") and re.match(r"\s*javascript:", value, re.I):
                    problems.append(f"{name}: <{element.tag} {attribute}={value!r}>")
                if attribute == "id":
                    ids[value] += 1
            if (element.tag, "") not in allowed.pairs:
                problems.append(f"{name}: unexpected element <{element.tag}> {element.attrib}")
            if element.tag == "script":
                if script_kind(element) not in allowed.scripts:
                    problems.append(
                        f"{name}: unexpected script {element.attrib} {(element.text or '')[:80]!r}"
                    )
                if element.get("type") == "application/ld+json":
                    try:
                        json.loads(element.text or "")
                    except ValueError as error:
                        problems.append(f"{name}: JSON-LD does not parse ({error}): {element.text!r:.300}")
        problems += [f"{name}: id {i!r} used {n} times" for i, n in ids.items() if n > 1]
    for feed in sorted(html.rglob("*.xml")):
        name = str(feed.relative_to(html))
        if feed.name == "sitemap.xml":
            try:
                ET.parse(feed)
            except ET.ParseError as error:
                problems.append(f"{name} does not parse: {error}")
            continue
        parsed = feedparser.parse(feed.read_bytes())
        if parsed.bozo:
            problems.append(f"{name}: feedparser: {parsed.bozo_exception!r}")
    for feed in sorted(html.rglob("feed.json")):
        try:
            json.loads(feed.read_text(encoding="utf-8"))
        except ValueError as error:
            problems.append(f"{feed.relative_to(html)} does not parse: {error}")
    for bib in sorted(html.rglob("*.bib")):
        try:
            pybtex.database.parse_string(bib.read_text(encoding="utf-8"), "bibtex")
        except Exception as error:  # pybtex raises its own errors and others (TokenRequired, PybtexError ...)
            problems.append(f"{bib.relative_to(html)} does not parse: {error!r}\n{bib.read_text()[:500]}")
    return problems


def check(built: Build, allowed: Markup) -> None:
    """The property: a clean build with sound outputs, or a failure that names the post's file and line."""
    assert "Traceback" not in built.output, built.output[-4000:]
    assert "Exception occurred" not in built.output, built.output[-4000:]
    if built.returncode != 0:
        where = re.compile(re.escape(f"{POSTS}/{built.name}.md") + r":\d+")
        assert where.search(built.stderr), f"the failure does not name the post and a line:\n{built.stderr}"
        return
    problems = problems_in(built, allowed)
    assert not problems, "\n".join(problems[:30])


# -- Properties -----------------------------------------------------------------------------------------


@settings(BUILDS, max_examples=15)
@given(values=front_matter)
@example(values={"date": dt.date(2021, 3, 1), "tags": ["<svg onload=alert(1)>"], "title": "<!-- <script>"})
@example(values={"date": dt.date(2021, 3, 1), "tags": ["a" * 5000]})  # a file name too long for the disk
@example(values={"date": dt.date(2021, 3, 1), "title": "\x07"})  # XML cannot carry it
@example(values={"date": "1880-01-01"})  # local mean time in the root's zone: an offset with seconds
def test_front_matter_values_become_text_or_a_located_error(values: dict[str, Any], baseline: Markup) -> None:
    with tempfile.TemporaryDirectory() as work:
        text = post_text({"image": "pic.svg", **values}).replace(WORK, work)
        built = build_with({"hostile": text}, Path(work))
        check(built, baseline)
        if built.returncode == 0 and isinstance(values.get("title"), str) and values["title"].strip():
            page = built.html / POSTS / "hostile.html"
            headline = json_ld_headline(page) if page.is_file() else None
            if headline is not None:  # a published post: its headline is the title as written
                assert " ".join(headline.split()) == " ".join(values["title"].split())


def json_ld_headline(page: Path) -> str | None:
    for element in parse_html(page).iter("script"):
        if element.get("type") == "application/ld+json":
            return json.loads(element.text or "").get("headline")
    return None


@settings(BUILDS, max_examples=8)
@given(name=file_name, draft=st.booleans())
@example(name="a b", draft=False)
def test_any_file_name_is_a_post_or_a_located_error(name: str, draft: bool, baseline: Markup) -> None:
    """A dated post under any name is published; an undated one (a draft) stays out of the site."""
    values = {"title": "Named by a fuzzer", "tags": ["named"]} | (
        {} if draft else {"date": dt.date(2021, 3, 1)}
    )
    with tempfile.TemporaryDirectory() as work:
        built = build_with({name: post_text(values)}, Path(work))
        check(built, baseline)
        if built.returncode == 0:
            titles = [entry.title for entry in feedparser.parse(built.html / "blog/atom.xml").entries]
            pages_named = [
                p for p in (f"{POSTS}/{name}.html", f"{POSTS}/{name}.bib") if (built.html / p).exists()
            ]
            if draft:
                assert "Named by a fuzzer" not in titles, f"the draft {name!r} is in the feed"
                assert not pages_named, f"the draft {name!r} was published: {pages_named}"
            else:
                assert "Named by a fuzzer" in titles, f"{name!r} is not in the feed: {titles}"


@settings(BUILDS, max_examples=8)
@given(block=raw_front_matter)
@example(block="title: T\ndate: 2021-02-30")
def test_invalid_yaml_is_a_located_error(block: str, baseline: Markup) -> None:
    with tempfile.TemporaryDirectory() as work:
        built = build_with({"raw": f"---\n{block}\n---\n\n{BODY}"}, Path(work))
        check(built, baseline)


def test_baseline_has_no_event_handlers(baseline: Markup) -> None:
    """The allowed set itself is sane: our own pages carry no on* attributes and no javascript: URLs."""
    assert not [pair for pair in baseline.pairs if pair[1].lower().startswith("on")]
    assert ("script", "") in baseline.pairs


def test_strategies_write_valid_yaml() -> None:
    """The front matter strategy controls values, not YAML syntax: what it writes reads back the same."""
    values = {"title": "\x00<!--\u2028", "date": dt.date(2021, 3, 1), "tags": ["a, b", 1.5, None]}
    block = post_text(values).split("---\n")[1]
    assert yaml.safe_load(block) == values

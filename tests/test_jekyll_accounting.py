"""The importer's accounting: nothing of a Jekyll post is lost without a word. Every corpus post and every
construct fixture is checked; broken outputs prove the accounting catches each kind of loss."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import html5lib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, ROOTS, clean_environ, copy_site, skip_or_fail, sphinx_build
from publication.tools.jekyll import cli
from publication.tools.jekyll.accounting import (
    Accounting,
    account,
    output_inventory,
    source_inventory,
    words_of,
)
from publication.tools.jekyll.cli import Outcome, run
from publication.tools.jekyll.report import PostReport

CORPUS = ROOT.parent / "shared" / "corpus" / "jekyll" / "posts"
CONSTRUCTS = ROOTS / "jekyll-constructs"

#: Corpus posts the converter loses something of today, and what (the converter's fixes flip these).
CORPUS_LOSSES: dict[str, str] = {}
#: Construct fixtures the converter does not carry over today.
CONSTRUCT_LOSSES: dict[str, str] = {}


def _cases(folder: Path, losses: dict[str, str]) -> list:
    names = sorted(path.name for path in folder.glob("*.md")) if folder.is_dir() else ["(absent)"]
    return [
        pytest.param(
            name, marks=pytest.mark.xfail(strict=True, reason=losses[name]) if name in losses else ()
        )
        for name in names
    ]


def _import(sources: Path, target: Path) -> dict[str, Accounting]:
    outcome: Outcome = run([sources], target / "posts")
    return {accounting.path.name: accounting for accounting in outcome.accountings}


@pytest.fixture(scope="module")
def corpus_accounts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Accounting]:
    if not CORPUS.is_dir():
        return {}
    return _import(CORPUS, tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def construct_accounts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Accounting]:
    return _import(CONSTRUCTS, tmp_path_factory.mktemp("constructs"))


def _no_silent_loss(accounting: Accounting) -> None:
    losses = "\n".join(str(loss) for loss in accounting.silent)
    assert not accounting.silent, f"lost without a word in the report:\n{losses}"


@pytest.mark.parametrize("name", _cases(CORPUS, CORPUS_LOSSES))
def test_no_corpus_post_loses_anything_silently(corpus_accounts: dict[str, Accounting], name: str) -> None:
    skip_or_fail(None if CORPUS.is_dir() else f"the Jekyll corpus is not at {CORPUS}")
    _no_silent_loss(corpus_accounts[name])


@pytest.mark.parametrize("name", _cases(CONSTRUCTS / "_posts", CONSTRUCT_LOSSES))
def test_no_construct_is_lost_silently(construct_accounts: dict[str, Accounting], name: str) -> None:
    _no_silent_loss(construct_accounts[name])


def test_the_corpus_accounting_balances(corpus_accounts: dict[str, Accounting]) -> None:
    """Most of the corpus is carried over; what is not is counted, and every silent loss names its line."""
    skip_or_fail(None if CORPUS.is_dir() else f"the Jekyll corpus is not at {CORPUS}")
    kept = sum(a.kept for a in corpus_accounts.values())
    converted = sum(a.converted for a in corpus_accounts.values())
    assert kept > 300 and converted > 50
    for accounting in corpus_accounts.values():
        assert accounting.not_converted == len(accounting.reported) + len(accounting.silent)
        assert all(loss.line >= 1 for loss in accounting.silent)


# -- The accounting catches each kind of loss ------------------------------------------------------------

SOURCE = """\
Flat minima generalize better, as the first paper argued.[^flat]

![Sharpness against batch size](/assets/img/sharpness.png)

See [the original paper](https://arxiv.org/abs/1609.04836) and the cited work {% cite keskar2017large %}.

$$
\\begin{equation}
\\lambda_{\\max}(\\nabla^2 L) \\le \\frac{2}{\\eta}
\\end{equation}
$$

[^flat]: Measured by the largest eigenvalue of the Hessian.
"""

CONVERTED = """\
---
title: Sharp minima
---

Flat minima generalize better, as the first paper argued.[^flat]

![Sharpness against batch size](../../_static/imported/assets/img/sharpness.png)

See [the original paper](https://arxiv.org/abs/1609.04836) and the cited work {footcite:p}`keskar2017large`.

```{math}
\\lambda_{\\max}(\\nabla^2 L) \\le \\frac{2}{\\eta}
```

[^flat]: Measured by the largest eigenvalue of the Hessian.
"""

#: Each construct of SOURCE, its line there (the body starts on line 5), and an output that lost it.
IMAGE = "![Sharpness against batch size](../../_static/imported/assets/img/sharpness.png)"
LINK = "[the original paper](https://arxiv.org/abs/1609.04836)"
BROKEN = {
    "words": (5, CONVERTED.replace("generalize better, ", "")),
    "image": (7, CONVERTED.replace(IMAGE, "")),
    "link": (9, CONVERTED.replace(LINK, "the original paper")),
    "note": (17, CONVERTED.replace("[^flat]: Measured by the largest eigenvalue of the Hessian.", "")),
    "citation": (9, CONVERTED.replace("{footcite:p}`keskar2017large`", "")),
    "equation": (11, CONVERTED.replace("\\lambda_{\\max}(\\nabla^2 L) \\le \\frac{2}{\\eta}", "")),
}  # fmt: skip


def _account(output: str, report: PostReport | None = None, source: str = SOURCE) -> Accounting:
    return account(Path("post.md"), source, 5, output, report or PostReport(Path("post.md")))


def test_a_faithful_conversion_loses_nothing() -> None:
    accounting = _account(CONVERTED)
    assert accounting.silent == [] and accounting.reported == []
    assert accounting.converted >= 4  # image moved, citation and note converted, equation unwrapped


@pytest.mark.parametrize("kind", BROKEN)
def test_each_kind_of_loss_is_caught_at_its_line(kind: str) -> None:
    line, output = BROKEN[kind]
    losses = _account(output).silent
    assert [loss.kind for loss in losses if loss.kind == kind], losses
    assert any(loss.kind == kind and loss.line <= line <= loss.line + 2 for loss in losses), losses


@pytest.mark.parametrize("kind", BROKEN)
def test_a_loss_named_in_the_report_is_not_silent(kind: str) -> None:
    line, output = BROKEN[kind]
    report = PostReport(Path("post.md"))
    report.drop(line, f"{kind} left out on purpose")
    accounting = _account(output, report)
    assert [loss for loss in accounting.silent if loss.kind == kind] == []
    assert [finding.message for finding in accounting.reported] == [f"{kind} left out on purpose"]


def test_text_kept_as_text_must_still_be_there() -> None:
    """A report that says a Liquid line was kept as text excuses its citation, not its vanished words."""
    source = "Intro.\n\n{% epigraph 'Simplicity is prerequisite for reliability.' 'Dijkstra' %}\n"
    report = PostReport(Path("post.md"))
    report.keep(7, "Liquid tag kept as text")
    vanished = _account("---\ntitle: T\n---\n\nIntro.\n\n{% epigraph 'gone' %}\n", report, source)
    assert [loss.kind for loss in vanished.silent] == ["words"]
    assert "simplicity" in vanished.silent[0].what
    epigraph = "\\{% epigraph 'Simplicity is prerequisite for reliability.' 'Dijkstra' %}"
    visible = f"---\ntitle: T\n---\n\nIntro.\n\n{epigraph}\n"
    assert _account(visible, report, source).silent == []


def test_prose_moved_into_a_code_block_is_lost() -> None:
    source = "A sentence about sharpness.\n"
    output = "---\ntitle: T\n---\n\n```\nA sentence about sharpness.\n```\n"
    (loss,) = _account(output, source=source).silent
    assert loss.kind == "words" and loss.why == "only inside code in the converted post"


def test_distill_and_scholar_constructs_are_read_as_such() -> None:
    source = (
        'Models <d-cite key="a2020,b2021"></d-cite> fit noise.'
        "<d-footnote>Even random labels.</d-footnote>\n\n"
        "{% cite c2019 %} and $$x^2$$ and \\\\( y_1 \\\\).\n\n*[CSS]: Cascading Style Sheets\n"
    )
    items = source_inventory(source).items
    assert sorted(item.key for item in items if item.kind == "citation") == ["a2020", "b2021", "c2019"]
    assert [item.key for item in items if item.kind == "note"] == ["even random labels"]
    assert sorted(item.value for item in items if item.kind == "equation") == [" y_1 ", "x^2"]
    assert [item.key for item in items if item.kind == "abbreviation"] == ["CSS"]
    # on the imported page the same raw elements are empty custom elements, not citations or notes
    page = output_inventory("---\ntitle: T\n---\n\n" + source.split("\n\n")[0] + "\n")
    assert [item.kind for item in page.items] == []


def test_liquid_comments_and_kramdown_markup_are_not_prose() -> None:
    source = (
        "{% comment %}\nA private note.\n{% endcomment %}\n\n* TOC\n{:toc}\n\n"
        "## Results {#results}\n\nDone.\n{: .notice}\n"
    )
    words = [word for block in source_inventory(source).blocks for word in block.words]
    assert words == ["results", "done"]


_PIECES = [
    "x-line",
    "d-cite",
    "x-note",
    "data-lines=",
    "{% raw %}",
    "{% endraw %}",
    "{%",
    "%}",
    "{% %}",
    "{{",
]
_PIECES += ["$$", "```", "\\\\(", "{% cite", "{% include a.html text=", 'markdown="1"', "[^1]", "*[A]:"]
_MARKUP = st.lists(st.sampled_from([*"ab 12\n\\{}%$[]()<>/=\"'*_`#:!|-", *_PIECES]), max_size=60).map("".join)


@settings(max_examples=60, deadline=None)
@given(source=_MARKUP, output=_MARKUP)
def test_any_text_is_accounted_without_a_traceback(source: str, output: str) -> None:
    """Whatever a post holds (unclosed Liquid, stray markers, broken HTML), the accounting gives a balance."""
    accounting = account(Path("post.md"), source, 1, output, PostReport(Path("post.md")))
    assert accounting.kept >= 0 and all(loss.line >= 0 for loss in accounting.silent)


_WORDS = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéøß", min_size=2, max_size=9), min_size=3, max_size=40
)


@settings(max_examples=40, deadline=None)
@given(words=_WORDS, data=st.data())
def test_any_dropped_word_is_named(words: list[str], data: st.DataObject) -> None:
    """Generated prose: the output that lost one word is caught, with that word; the whole one passes."""
    source = " ".join(words) + "\n"
    assert _account(f"---\ntitle: T\n---\n\n{source}", source=source).silent == []
    dropped = data.draw(st.integers(0, len(words) - 1))
    output = " ".join(words[:dropped] + words[dropped + 1 :])
    (loss,) = _account(f"---\ntitle: T\n---\n\n{output}\n", source=source).silent
    assert loss.kind == "words" and words[dropped].casefold() in loss.what and loss.line == 5


@settings(max_examples=30, deadline=None)
@given(
    keys=st.lists(
        st.from_regex(r"[a-z]{3,8}20[0-2][0-9]", fullmatch=True), min_size=1, max_size=5, unique=True
    )
)
def test_any_dropped_citation_is_named(keys: list[str]) -> None:
    source = "Work " + " ".join(f"{{% cite {key} %}}" for key in keys) + ".\n"
    cited = "Work " + " ".join(f"{{footcite:p}}`{key}`" for key in keys) + ".\n"
    assert _account(f"---\ntitle: T\n---\n\n{cited}", source=source).silent == []
    lost = _account(
        f"---\ntitle: T\n---\n\n{cited.replace(f'{{footcite:p}}`{keys[-1]}`', '')}", source=source
    )
    assert [(loss.kind, loss.what) for loss in lost.silent] == [("citation", repr(keys[-1]))]


# -- What Jekyll itself shows, word for word ---------------------------------------------------------------

JEKYLL = shutil.which("jekyll")
#: Corpus posts whose imported page lacks words that Jekyll shows, today.
RENDERED_LOSSES: dict[str, str] = {}
#: Construct fixtures whose imported page lacks words that Jekyll shows, today.
RENDERED_CONSTRUCT_LOSSES = {
    "2020-07-15-html-figures.md": "the tweet's byline is dropped, and the text of an include "
    "(_includes/paper_list.html) is not carried over",
}
#: Stand-ins for the themes' plugins the corpus uses, so that a plain Jekyll builds it.
STUB_PLUGINS = """\
module Stubs
  class Nothing < Liquid::Tag
    def render(_context) = ""
  end
  class Tabs < Liquid::Block
  end
  class Tab < Liquid::Block
    def initialize(tag_name, markup, tokens)
      super
      @label = markup.split[1]
    end
    def render(context) = "<p>#{@label}</p>" + super
  end
end
Liquid::Template.register_tag("gist", Stubs::Nothing)
Liquid::Template.register_tag("twitter", Stubs::Nothing)
Liquid::Template.register_tag("tabs", Stubs::Tabs)
Liquid::Template.register_tag("tab", Stubs::Tab)
"""
#: MathJax finds math in the page's text by these delimiters; the imported page has MathML instead.
_MATHJAX = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]|\$\$(.*?)\$\$|\\begin\{(\w+\*?)\}.*?\\end\{\4\}", re.S)
#: Elements a browser shows apart from the words around them.
_BLOCKS = {
    *("address", "article", "aside", "blockquote", "br", "dd", "details", "div", "dl", "dt", "figcaption"),
    *("figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p"),
    *("pre", "section", "summary", "table", "td", "th", "tr", "ul"),
}


def _jekyll_site(posts: list[Path], site: Path) -> None:
    """A plain Jekyll site (no theme) whose layout prints each post's title and content, marked with its path;
    empty stand-ins for the includes, posts and pages the corpus posts name."""
    for folder in ("_posts", "_layouts", "_includes", "_plugins"):
        (site / folder).mkdir(parents=True)
    (site / "_config.yml").write_text(
        'markdown: kramdown\ndefaults:\n  - scope: {path: ""}\n    values: {layout: default}\n'
    )
    (site / "_layouts/default.html").write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{{ page.title }}</title></head>\n'
        '<body><main data-source="{{ page.path }}"><h1>{{ page.title }}</h1>{{ content }}</main>'
        "</body></html>\n"
    )
    (site / "_plugins/stubs.rb").write_text(STUB_PLUGINS)
    include = '{% if include.path %}<img src="{{ include.path }}" alt="">{% endif %}{{ include.text }}'
    include += "{{ include.caption | markdownify }}\n"
    for post in posts:
        text = post.read_text(encoding="utf-8")
        (site / "_posts" / post.name.split("__")[-1]).write_text(text, encoding="utf-8")
        for name in re.findall(r"\{%-?\s*post_url\s+(\S+)", text):
            (site / "_posts" / f"{name}.md").write_text("---\ntitle: Elsewhere\n---\n")
        for name in re.findall(r"\{%-?\s*link\s+(\S+)", text):
            (site / name).parent.mkdir(parents=True, exist_ok=True)
            (site / name).write_text("---\ntitle: Elsewhere\n---\n")
        for name in re.findall(r"^layout:\s*(\S+)", text, re.M):
            if name != "default":
                (site / "_layouts" / f"{name}.html").write_text("---\nlayout: default\n---\n{{ content }}\n")
        for name in re.findall(r"\{%-?\s*include\s+([^\s%]+)", text):
            (site / "_includes" / name).write_text(include)


def _visible_text(element: ElementTree.Element, skip: Callable[[ElementTree.Element], bool]) -> str:
    pieces: list[str] = []

    def walk(node: ElementTree.Element) -> None:
        tag = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else None
        if tag is not None and not skip(node):
            gap = " " if tag in _BLOCKS else ""
            pieces.append(gap + (node.text or ""))
            for child in node:
                walk(child)
            pieces.append(gap)
        pieces.append(node.tail or "")

    walk(element)
    return "".join(pieces)


def _classes(node: ElementTree.Element) -> set[str]:
    return set((node.get("class") or "").split())


def _jekyll_skips(node: ElementTree.Element) -> bool:
    """What is not the post's text: scripts, line numbers, and distill's <d-contents> navigation, which
    the imported page leaves to its own contents (issue 13)."""
    return node.tag in ("script", "style", "d-contents") or bool(
        {"gutter", "lineno", "rouge-gutter"} & _classes(node)
    )


def _our_skips(node: ElementTree.Element) -> bool:
    """What the publication adds around a post (its post-* furniture, heading links, line numbers), and
    MathML, which Jekyll's page leaves to MathJax."""
    classes = _classes(node)
    furniture = any(name.startswith("post-") for name in classes)
    return (
        node.tag in ("script", "style", "math")
        or furniture
        or bool({"headerlink", "linenos", "math"} & classes)
    )


def _render_both_ways(jekyll_site: Path, sources: Path, work: Path) -> dict[str, tuple[list[str], list[str]]]:
    """Each post's visible words as Jekyll renders ``jekyll_site`` and as the imported site's page shows it
    after importing ``sources``; keyed by the source file's name."""
    built = subprocess.run(
        [JEKYLL or "jekyll", "build", "-s", str(jekyll_site), "-d", str(work / "jekyll-html")],
        capture_output=True, text=True, check=False, env=clean_environ(JEKYLL_ENV="production"),
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    by_jekyll: dict[str, list[str]] = {}
    for page in (work / "jekyll-html").rglob("*.html"):
        tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
        main = tree.find(".//main")
        if main is not None and main.get("data-source"):
            text = _MATHJAX.sub(" ", _visible_text(main, _jekyll_skips))
            by_jekyll[main.get("data-source", "").rsplit("/", 1)[-1]] = words_of(text)
    site = copy_site(ROOTS / "test-import", work / "site")
    outcome = run([sources], site / "posts")
    result = sphinx_build(site, work / "out")
    assert result.returncode == 0, result.stderr
    both: dict[str, tuple[list[str], list[str]]] = {}
    for target, accounting in zip(outcome.written, outcome.accountings, strict=True):
        page = work / "out/html" / target.relative_to(site).with_suffix(".html")
        original = accounting.path.name.split("__")[-1]
        if page.is_file() and original in by_jekyll:  # drafts are on neither site
            tree = html5lib.parse(page.read_bytes(), treebuilder="etree", namespaceHTMLElements=False)
            imported = words_of(_visible_text(tree.find(".//article"), _our_skips))
            both[accounting.path.name] = (by_jekyll[original], imported)
    return both


@pytest.fixture(scope="module")
def corpus_both_ways(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], list[str]]]:
    """The corpus posts, built by a plain Jekyll site and imported."""
    skip_or_fail(None if JEKYLL else "Debian's jekyll is not installed (apt-get install jekyll)")
    skip_or_fail(None if CORPUS.is_dir() else f"the Jekyll corpus is not at {CORPUS}")
    work = tmp_path_factory.mktemp("corpus-both-ways")
    _jekyll_site(sorted(CORPUS.glob("*.md")), work / "jekyll")
    return _render_both_ways(work / "jekyll", CORPUS, work)


@pytest.fixture(scope="module")
def constructs_both_ways(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], list[str]]]:
    """tests/roots/jekyll-constructs, built by Jekyll with its stand-in plugins, and imported."""
    skip_or_fail(None if JEKYLL else "Debian's jekyll is not installed (apt-get install jekyll)")
    work = tmp_path_factory.mktemp("constructs-both-ways")
    return _render_both_ways(copy_site(CONSTRUCTS, work / "jekyll"), CONSTRUCTS, work)


def _words_lost(shown: list[str], imported: list[str]) -> tuple[list[str], list[str]]:
    """Words Jekyll shows that the imported page lacks, and words only the imported page has: aligned first,
    then matched in any order (footnotes and margin notes may move)."""
    matcher = difflib.SequenceMatcher(None, shown, imported, autojunk=False)
    lost: list[str] = []
    added: Counter[str] = Counter()
    for operation, first, last, other_first, other_last in matcher.get_opcodes():
        if operation != "equal":
            lost += shown[first:last]
            added.update(imported[other_first:other_last])
    missing = []
    for word in lost:
        if added[word] > 0:
            added[word] -= 1
        else:
            missing.append(word)
    return missing, list(added.elements())


def _compare(both: dict[str, tuple[list[str], list[str]]], name: str) -> None:
    if name not in both:
        pytest.skip(f"{name} is a draft: neither site publishes it")
    shown, imported = both[name]
    assert shown, f"Jekyll's page of {name} shows no words"
    missing, added = _words_lost(shown, imported)
    assert not missing, f"words Jekyll shows and the imported page lacks: {missing}; only imported: {added}"


@pytest.mark.parametrize("name", _cases(CORPUS, RENDERED_LOSSES))
def test_the_imported_page_shows_every_word_jekyll_shows(corpus_both_ways, name: str) -> None:
    _compare(corpus_both_ways, name)


@pytest.mark.parametrize("name", _cases(CONSTRUCTS / "_posts", RENDERED_CONSTRUCT_LOSSES))
def test_each_construct_shows_every_word_jekyll_shows(constructs_both_ways, name: str) -> None:
    _compare(constructs_both_ways, name)


def test_the_summary_lists_a_silent_loss_and_ends_with_the_balance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The importer's own summary: a converter that drops a sentence is caught, with the post's file:line."""
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True)
    (site / "_posts" / "2020-01-02-two.md").write_text(
        "---\ntitle: Two\n---\n\nThe first sentence stays.\n\nThe second sentence vanishes.\n"
    )
    converted = cli.convert

    def losing(*args, **kwargs):
        text, report = converted(*args, **kwargs)
        return text.replace("The second sentence vanishes.", ""), report

    monkeypatch.setattr(cli, "convert", losing)
    assert cli.main([str(site), "--to", str(tmp_path / "docs" / "posts")]) == 1  # a silent loss fails
    lines = capsys.readouterr().out.splitlines()
    assert "Not in the converted posts and not reported above (1):" in lines
    assert (
        "  _posts/2020-01-02-two.md:7: words 'the second sentence vanishes': not in the converted post"
        in lines
    )
    assert re.fullmatch(r"Accounting: kept [1-9]\d*, converted \d+, not converted 1 \(listed\)", lines[-1])
    # --allow-loss: the same summary, and status 0 (nothing else went wrong)
    assert cli.main([str(site), "--to", str(tmp_path / "docs" / "posts"), "--force", "--allow-loss"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == lines[-1]


def test_one_construct_of_the_output_stands_for_one_of_the_source() -> None:
    """An image shown twice and kept once is a loss; so is a short equation that another one contains."""
    source = "![A dot](/img/dot.png)\n\nAgain: ![A dot](/img/dot.png)\n\nWith $$x$$ and $$x + y = 1$$.\n"
    whole = "---\ntitle: T\n---\n\n![A dot](dot.png)\n\nAgain: ![A dot](dot.png)\n\n"
    whole += "With {math}`x` and {math}`x + y = 1`.\n"
    assert _account(whole, source=source).silent == []
    once = whole.replace("Again: ![A dot](dot.png)", "Again:").replace("{math}`x` and", "and")
    lost = {(loss.kind, loss.line) for loss in _account(once, source=source).silent}
    assert lost == {("image", 7), ("equation", 9)}


def test_an_image_must_lead_to_a_file(tmp_path: Path) -> None:
    """Kept in the text is not enough: the image's file must be there (or on another site)."""
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "dot.png").write_bytes(b"png")
    target = tmp_path / "posts" / "2020" / "post.md"  # not written yet: its folder need not exist
    source = "![A dot](/img/dot.png)\n"

    def lost(src: str) -> list[str]:
        output = f"---\ntitle: T\n---\n\n![A dot]({src})\n"
        accounting = account(Path("post.md"), source, 5, output, PostReport(Path("post.md")), target=target)
        return [loss.why for loss in accounting.silent]

    assert lost("../../_static/dot.png") == [] and lost("https://old.example.org/img/dot.png") == []
    assert lost("/img/dot.png") == ["in the converted post as '/img/dot.png', a file that is not there"]
    assert lost("../../_static/missing/dot.png") != []


def test_an_equation_reference_is_answered_by_an_eq_role() -> None:
    """``\\eqref``/``\\ref`` of an equation's label becomes ``{eq}``: converted, not words lost; a reference
    kept as written is kept; one that vanished is a loss at its line."""
    source = (
        "$$\n\\begin{equation}\n\\label{eq:cs}\na \\le b + c\n\\end{equation}\n$$\n\n"
        "By \\eqref{eq:cs} and again \\ref{eq:cs}, done.\n"
    )
    block = "```{math}\n:label: eq-cs\na \\le b + c\n```\n\n"
    converted = f"---\ntitle: T\n---\n\n{block}By {{eq}}`eq-cs` and again {{eq}}`eq-cs`, done.\n"
    accounting = _account(converted, source=source)
    assert accounting.silent == [] and accounting.converted >= 3
    kept = f"---\ntitle: T\n---\n\n{block}By \\eqref{{eq:cs}} and again \\ref{{eq:cs}}, done.\n"
    assert _account(kept, source=source).silent == []
    lost = _account(f"---\ntitle: T\n---\n\n{block}By and again {{eq}}`eq-cs`, done.\n", source=source)
    assert [(loss.kind, loss.line) for loss in lost.silent] == [("equation reference", 12)]


def test_a_margin_figure_is_its_image_not_its_id() -> None:
    """tufte-jekyll's ``{% marginfigure 'id' 'path' 'caption' %}``: the id names the figure, the path is
    the image."""
    source = "Text.{% marginfigure 'mf-loss' 'assets/img/loss.png' 'The loss.' %}\n\n"
    source += "{% fullwidth 'assets/img/wide.png' 'Wide.' %}\n"
    images = [item.key for item in source_inventory(source).items if item.kind == "image"]
    assert images == ["loss.png", "wide.png"]

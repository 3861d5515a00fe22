"""The importer's accounting: nothing of a Jekyll post is lost without a word. Every corpus post and every
construct fixture is checked; broken outputs prove the accounting catches each kind of loss."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT, ROOTS, skip_or_fail
from publication.tools.jekyll.accounting import Accounting, account, output_inventory, source_inventory
from publication.tools.jekyll.cli import Outcome, run
from publication.tools.jekyll.report import PostReport

CORPUS = ROOT.parent / "shared" / "corpus" / "jekyll" / "posts"
CONSTRUCTS = ROOTS / "jekyll-constructs"

#: Corpus posts the converter loses something of today, and what (the converter's fixes flip these).
CORPUS_LOSSES = {
    "alshedivat__al-folio__2015-07-15-code.md": "a {% raw %} line of Liquid tags is read by MyST as a block "
    "attribute and vanishes",
    "jekyll__jekyll__2014-05-06-jekyll-turns-2-0-0.md": "a reference definition to {% post_url %} is not "
    "converted, and links to pages not imported become plain text unreported",
    "jekyll__jekyll__2016-10-06-jekyll-3-3-is-here.md": "links to pages not imported become plain text "
    "unreported",
    "mmistakes__minimal-mistakes__2010-02-05-post-notice.md": "links to '#' become plain text unreported",
}
#: Construct fixtures the converter does not carry over today.
CONSTRUCT_LOSSES = {
    "2015-02-19-tufte-notes.md": "tufte tags kept as inline code: their prose is only inside code",
    "2019-08-08-chirpy-prompts.md": "kramdown abbreviations become a literal paragraph",
    "2020-07-15-html-figures.md": "the tweet's byline is dropped; {% details %} kept as inline code",
    "2021-05-22-distill-style.md": "<d-cite> and <d-footnote> stay raw HTML: empty elements on the page",
}


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

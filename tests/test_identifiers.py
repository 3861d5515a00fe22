"""DOI, ORCID iDs, affiliations and the licence: checked where they are written, and shown where readers,
Scholar, search engines, reference managers and feed readers look (publication.site.identifiers)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from conftest import DOCS, ROOTS, copy_site, sphinx_build
from helpers import pages, soup
from publication.site.identifiers import (
    KNOWN_LICENSES,
    doi_url,
    license_from_setting,
    normalise_doi,
    normalise_orcid,
    orcid_check_digit,
    people_from_setting,
)
from publication.site.scholarly import Author, PostRecord, bibtex_entry
from publication.tools import screenshots
from test_browser import browser, chrome, serve  # noqa: F401 (fixtures)

ROOT = ROOTS / "test-identifiers"
WITH_DOI = "posts/2024/with-doi.html"
PUNCTUATED = "posts/2025/punctuated-doi.html"
PLAIN = "posts/2025/plain.html"
PUNCTUATED_DOI = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0#x_y%z&w"
ADA_ORCID = "https://orcid.org/0000-0002-1825-0097"
ALAN_ORCID = "https://orcid.org/0000-0002-1694-233X"
AFFILIATION = "Analytical <Engines> & Sons {Ltd} 100%"
CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("identifiers")
    result = sphinx_build(ROOT, out)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "html"


# -- ORCID iDs --------------------------------------------------------------------------------------------

fifteen_digits = st.text(alphabet="0123456789", min_size=15, max_size=15)


def hyphenated(digits: str) -> str:
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@settings(max_examples=60, deadline=None)
@given(fifteen_digits)
def test_an_orcid_with_its_check_digit_is_accepted_in_every_written_form(digits: str) -> None:
    orcid = hyphenated(digits + orcid_check_digit(digits))
    assert normalise_orcid(orcid) == orcid
    assert normalise_orcid(f"https://orcid.org/{orcid}") == orcid
    assert normalise_orcid(orcid.replace("-", "").lower()) == orcid


@settings(max_examples=60, deadline=None)
@given(fifteen_digits, st.integers(0, 15), st.integers(1, 9))
def test_a_single_mistyped_character_fails_the_checksum(digits: str, position: int, shift: int) -> None:
    full = list(digits + orcid_check_digit(digits))
    alphabet = "0123456789X" if position == 15 else "0123456789"
    wrong = alphabet[(alphabet.index(full[position]) + shift) % len(alphabet)]
    full[position] = wrong
    with pytest.raises(ValueError, match="does not match"):
        normalise_orcid(hyphenated("".join(full)))


def test_orcids_from_orcids_own_documentation() -> None:
    assert normalise_orcid("0000-0002-1825-0097") == "0000-0002-1825-0097"
    assert normalise_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"
    for wrong in ("0000-0002-1825-0098", "0000-0002-1825-009", "orcid", "", 18250097):
        with pytest.raises(ValueError, match="is not an ORCID iD"):
            normalise_orcid(wrong)


def test_people_are_checked_against_blog_authors_and_their_fields() -> None:
    people, problems = people_from_setting(
        {
            "ada": {"orcid": "0000-0002-1825-0098", "affiliation": "Analytical Engines"},
            "grace": {"orcid": "0000-0002-1825-0097"},
            "alan": {"email": "alan@example.org", "affiliation": ""},
        },
        {"ada": ("Ada Lovelace", None), "alan": ("Alan Turing", None)},
    )
    assert people["ada"].orcid is None and people["ada"].affiliation == "Analytical Engines"
    assert "grace" not in people
    assert "publication_people['ada']['orcid']: '0000-0002-1825-0098' is not an ORCID iD" in problems[0]
    assert any("publication_people['grace']: 'grace' is not a key of blog_authors" in p for p in problems)
    assert any("publication_people['alan']['email'] is not a known field" in p for p in problems)
    assert any("publication_people['alan']['affiliation'] must be non-empty text" in p for p in problems)


# -- DOIs --------------------------------------------------------------------------------------------------

doi_suffixes = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters='"\\{}`'),
    min_size=1,
    max_size=30,
)
dois = st.builds(
    lambda registrant, suffix: f"10.{registrant}/{suffix}", st.integers(1000, 99999999), doi_suffixes
)


@settings(max_examples=80, deadline=None)
@given(dois)
def test_a_doi_is_read_from_each_written_form_and_carried_whole_by_the_bib(doi: str) -> None:
    assert normalise_doi(doi) == doi
    assert normalise_doi(f"doi:{doi}") == doi
    assert normalise_doi(doi_url(doi)) == doi  # the resolver address, percent-encoded, reads back
    assert "#" not in doi_url(doi).removeprefix("https://") and "?" not in doi_url(doi)
    published = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    record = PostRecord(
        title="A post",
        url="https://example.org/post.html",
        published=published,
        modified=published,
        authors=(Author("Ada Lovelace"),),
        site="Site",
        site_url="https://example.org/",
        doi=doi,
    )
    entry = next(iter(parse_string(bibtex_entry(record), "bibtex").entries.values()))
    assert entry.fields["doi"] == doi
    assert entry.fields["title"] == "{A post}"


@pytest.mark.parametrize(
    "written",
    [
        "10.1234",
        "11.1234/abc",
        "10.12/abc",
        "10.1234/a b",
        "10.1234/{abc}",
        "10.1234/a\\b",
        "https://doi.org/",
        12,
    ],
)
def test_what_is_not_a_doi_is_refused(written: object) -> None:
    with pytest.raises(ValueError, match="is not a DOI"):
        normalise_doi(written)


# -- Licences ----------------------------------------------------------------------------------------------


def test_licences_by_spdx_id_and_by_name_and_address() -> None:
    for spdx_id, license_ in KNOWN_LICENSES.items():
        assert license_from_setting(spdx_id) == (license_, [])
        assert license_.url.startswith("https://") and license_.name
    assert license_from_setting("cc-by-4.0")[0] == KNOWN_LICENSES["CC-BY-4.0"]
    assert license_from_setting(None) == (None, [])
    found, problems = license_from_setting(
        {"id": "LicenseRef-x", "name": "Our terms", "url": "https://x.org/t"}
    )
    assert (found.name, found.url, found.label, problems) == (
        "Our terms",
        "https://x.org/t",
        "LicenseRef-x",
        [],
    )
    assert license_from_setting({"name": "Our terms", "url": "https://x.org/t"})[0].label == "Our terms"
    unknown = license_from_setting("CC-BY-5.0")
    assert unknown[0] is None and "publication_license 'CC-BY-5.0' is not a licence" in unknown[1][0]
    missing = license_from_setting({"name": "Our terms", "link": "https://x.org"})
    assert missing[0] is None
    assert any("'link'] is not a licence field" in p for p in missing[1])
    assert any("['url'] is missing" in p for p in missing[1])


# -- The site ----------------------------------------------------------------------------------------------


def test_the_byline_links_each_orcid_with_its_icon_and_names_the_affiliation(site: Path) -> None:
    byline = soup(site / WITH_DOI).select_one(".post-byline .post-author")
    links = byline.select("a.orcid-id")
    assert [(a["href"], a["aria-label"]) for a in links] == [
        (ADA_ORCID, "ORCID iD of Ada Lovelace"),
        (ALAN_ORCID, "ORCID iD of Alan Turing"),
    ]
    for link in links:
        icon = link.find("svg")  # inline: nothing is fetched from orcid.org
        assert icon["aria-hidden"] == "true" and link.find("img") is None
        assert icon.find("path")["fill"].upper() == "#A6CE39"
    assert byline.select_one(".post-affiliation").get_text() == f"({AFFILIATION})"
    assert len(byline.select(".post-affiliation")) == 1  # Alan has none
    plain = soup(site / PLAIN).select_one(".post-byline .post-author")
    assert plain.select(".orcid-id") == []
    assert plain.select_one(".post-affiliation").get_text() == "(The Identifier Society)"


def test_every_page_names_the_licence_in_its_footer(site: Path) -> None:
    for page in pages(site):
        links = soup(page).select('footer a[rel~="license"]')
        assert [(a["href"], a.get_text()) for a in links] == [(CC_BY_SA, "CC BY-SA 4.0")], page


def highwire(page: Path) -> list[tuple[str, str]]:
    return [
        (meta["name"], meta["content"])
        for meta in soup(page).select('meta[name^="citation_"]')
        if meta["name"] != "citation_reference"
    ]


def test_scholar_reads_the_doi_and_each_authors_institution_and_orcid_after_their_name(site: Path) -> None:
    tags = highwire(site / WITH_DOI)
    authors = [(name, value) for name, value in tags if name.startswith("citation_author")]
    assert authors == [
        ("citation_author", "Ada Lovelace"),
        ("citation_author_institution", AFFILIATION),
        ("citation_author_orcid", ADA_ORCID),
        ("citation_author", "Alan Turing"),
        ("citation_author_orcid", ALAN_ORCID),
    ]
    assert ("citation_doi", "10.5281/zenodo.1234567") in tags  # written as its https://doi.org/ address
    assert ("citation_doi", PUNCTUATED_DOI) in highwire(site / PUNCTUATED)
    assert not any(name == "citation_doi" for name, _ in highwire(site / PLAIN))


def json_ld(page: Path) -> dict:
    return json.loads(soup(page).select_one('script[type="application/ld+json"]').string)


def test_json_ld_has_the_licence_the_doi_and_the_authors_identities(site: Path) -> None:
    data = json_ld(site / WITH_DOI)
    assert data["license"] == CC_BY_SA
    assert data["identifier"]["propertyID"] == "DOI"
    assert data["identifier"]["value"] == "10.5281/zenodo.1234567"
    assert data["sameAs"] == ["https://doi.org/10.5281/zenodo.1234567"]
    ada, alan = data["author"]
    assert ada["sameAs"] == [ADA_ORCID]
    assert ada["affiliation"] == {"@type": "Organization", "name": AFFILIATION}
    assert alan["sameAs"] == [ALAN_ORCID] and "affiliation" not in alan
    assert normalise_doi(json_ld(site / PUNCTUATED)["sameAs"][0]) == PUNCTUATED_DOI
    plain = json_ld(site / PLAIN)
    assert "identifier" not in plain and "sameAs" not in plain and plain["license"] == CC_BY_SA
    assert plain["author"][0]["@type"] == "Organization"
    assert "sameAs" not in plain["author"][0] and "affiliation" not in plain["author"][0]  # a Person's field


def test_cite_this_post_gives_the_doi_and_the_licence(site: Path) -> None:
    section = soup(site / PUNCTUATED).select_one("#cite-this-post")
    reference = section.select_one(".post-cite-reference a")
    assert normalise_doi(reference["href"]) == PUNCTUATED_DOI
    assert section.select_one("a.post-license")["href"] == CC_BY_SA  # printed with the article
    shown = section.select_one(".post-cite-bibtex").get_text()
    served = (site / PUNCTUATED).with_suffix(".bib").read_text(encoding="utf-8")
    assert shown.strip() == served.strip()
    entry = next(iter(parse_string(served, "bibtex").entries.values()))
    assert entry.fields["doi"] == PUNCTUATED_DOI
    plain = (site / PLAIN).with_suffix(".bib").read_text(encoding="utf-8")
    assert "doi" not in next(iter(parse_string(plain, "bibtex").entries.values())).fields
    assert soup(site / PLAIN).select_one(".post-cite-reference a")["href"].endswith(PLAIN)


def test_feeds_carry_the_rights_and_each_authors_address(site: Path) -> None:
    for name in ("atom.xml", "rss.xml"):
        feed = feedparser.parse((site / "blog" / name).read_bytes())
        assert not feed.bozo, feed.bozo_exception
        assert CC_BY_SA in feed.feed.rights and "Copyright © 2024–2025, Ada & Alan" in feed.feed.rights
    atom = feedparser.parse((site / "blog" / "atom.xml").read_bytes())
    by_title = {entry.title: entry for entry in atom.entries}
    authors = [(a.get("name"), a.get("href")) for a in by_title["A post with a DOI"].authors]
    assert authors == [("Ada Lovelace", ADA_ORCID), ("Alan Turing", ALAN_ORCID)]
    assert [a.get("href") for a in by_title["A post by an organisation"].authors] == [None]
    document = json.loads((site / "blog" / "feed.json").read_text(encoding="utf-8"))
    assert document["_publication"]["license"] == {
        "id": "CC-BY-SA-4.0",
        "name": "Creative Commons Attribution Share Alike 4.0 International",
        "url": CC_BY_SA,
    }
    items = {item["title"]: item for item in document["items"]}
    assert items["A post with a DOI"]["authors"] == [
        {"name": "Ada Lovelace", "url": ADA_ORCID},
        {"name": "Alan Turing", "url": ALAN_ORCID},
    ]
    assert items["A post with a DOI"]["_publication"]["doi"] == "https://doi.org/10.5281/zenodo.1234567"
    assert "_publication" not in items["A post by an organisation"]


BAD_SETTINGS = """
publication_license = "CC-BY-5.0"
publication_people = {
    "ada": {"orcid": "0000-0002-1825-0098", "affiliation": "Analytical Engines"},
    "grace": {"orcid": "0000-0002-1825-0097"},
    "alan": {"orcid": "0000-0002-1694-233X", "email": "alan@example.org"},
}
"""


def test_bad_identifiers_fail_the_build_naming_the_setting_or_the_post_and_line(tmp_path: Path) -> None:
    source = copy_site(ROOT, tmp_path / "src")
    with (source / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(BAD_SETTINGS)
    (source / "posts" / "2025" / "bad-doi.md").write_text(
        "---\ntitle: Bad DOI\ndate: 2025-01-01\nauthor: ada\ndoi: doi 10.1234/x y\n---\n\nText.\n",
        encoding="utf-8",
    )
    result = sphinx_build(source, tmp_path / "out")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()

    def reported(text: str) -> bool:
        return any(text in line for line in lines)

    assert reported("conf.py: publication_license 'CC-BY-5.0' is not a licence this site knows")
    assert reported("conf.py: publication_people['ada']['orcid']: '0000-0002-1825-0098' is not an ORCID iD")
    assert reported("conf.py: publication_people['grace']: 'grace' is not a key of blog_authors")
    assert reported("conf.py: publication_people['alan']['email'] is not a known field")
    assert reported("bad-doi.md:5: WARNING: 'doi': 'doi 10.1234/x y' is not a DOI")
    # what was refused is left out, the rest is kept
    page = soup(tmp_path / "out" / "html" / WITH_DOI)
    assert [a["href"] for a in page.select(".post-byline a.orcid-id")] == [ALAN_ORCID]
    assert page.select_one(".post-affiliation").get_text() == "(Analytical Engines)"
    assert page.select('a[rel~="license"]') == []


# -- In a browser: phone, dark, print -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def styled_url(serve: Callable[[Path], str], tmp_path_factory: pytest.TempPathFactory) -> str:  # noqa: F811
    """tests/roots/test-identifiers with the site's stylesheet (docs/_static/publication.css), served."""
    out = tmp_path_factory.mktemp("styled-identifiers")
    styles = ["-D", f"html_static_path={DOCS / '_static'}", "-D", "html_css_files=publication.css"]
    result = sphinx_build(ROOT, out, *styles)
    assert result.returncode == 0, result.stderr
    return serve(out / "html")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_ids_sit_in_the_byline_at_text_size(chrome: Any, styled_url: str, scheme: str) -> None:  # noqa: F811
    screenshots.emulate(chrome, 390, scheme, height=844)
    chrome.get(styled_url + WITH_DOI)
    page_width = chrome.execute_script("return document.documentElement.clientWidth")
    overflow = chrome.execute_script("return document.documentElement.scrollWidth")
    assert overflow <= page_width
    for icon in chrome.find_elements("css selector", ".post-byline a.orcid-id svg"):
        size = chrome.execute_script("return arguments[0].getBoundingClientRect().toJSON()", icon)
        assert 10 <= size["width"] <= 20 and 10 <= size["height"] <= 20, size
        assert size["left"] >= 0 and size["right"] <= page_width
    license_link = chrome.find_element("css selector", 'footer a[rel~="license"]')
    assert license_link.is_displayed() and license_link.text == "CC BY-SA 4.0"


def test_printed_each_orcid_id_is_written_out_and_the_licence_stays(chrome: Any, styled_url: str) -> None:  # noqa: F811
    screenshots.emulate(chrome, 1280, "dark", media="print")
    chrome.get(styled_url + WITH_DOI)
    written = [
        chrome.execute_script("return getComputedStyle(arguments[0], '::after').content", link)
        for link in chrome.find_elements("css selector", ".post-byline a.orcid-id")
    ]
    assert written == [f'" {ADA_ORCID}"', f'" {ALAN_ORCID}"']
    assert chrome.find_element("css selector", "#cite-this-post a.post-license").is_displayed()

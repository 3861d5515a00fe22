"""Persistent identifiers and a licence: a post's DOI, its authors' ORCID iDs and affiliations, the licence.

Three inputs, each checked where it is written:

- ``publication_license`` in ``conf.py``: an SPDX id (``"CC-BY-4.0"``) of a licence this module knows (the
  Creative Commons licences and a few code licences, with their names and deeds), or a dict
  ``{"id": ..., "name": ..., "url": ...}`` for any other; None (the default) shows no licence;
- ``publication_people`` in ``conf.py``, keyed like ``blog_authors``: ``{"editors": {"orcid": "0000-...",
  "affiliation": "..."}}``; an ORCID iD is checked against its check digit (ISO 7064 MOD 11-2, the rule
  ORCID publishes), and may be written as the iD or as its ``https://orcid.org/`` address;
- ``doi:`` in a post's front matter: a DOI (``10.1234/abc``), also accepted as a ``https://doi.org/``
  address or with a ``doi:`` prefix, and kept as the bare DOI.

A bad value is a warning naming the setting (or the post's file and line), and is left out; under ``-W`` the
build fails. Every output reads the checked values: the byline (ORCID iD link and affiliation), the page
footer (the licence, ``rel="license"``), Highwire and JSON-LD, "Cite this post" and its ``.bib``
(publication.site.scholarly), and the feeds (publication.site.feeds).

The checks are the identifiers' published rules and a few lines each, so they are written here rather than
taken from a package such as idutils, which also checks ORCID iDs against the blocks ORCID has handed out
so far (a rule that changes as ORCID grows).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)


# -- Licences ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class License:
    """A licence as pages and feeds name it: SPDX id, full name, short name, and the address of its text."""

    id: str
    name: str
    url: str
    short: str = ""

    @property
    def label(self) -> str:
        """How the footer names it: 'CC BY 4.0', or the full name when it has no short one."""
        return self.short or self.name


def _cc(id_: str, short: str, name: str, path: str) -> License:
    return License(id_, name, f"https://creativecommons.org/{path}/", short)


#: The licences a site may name by SPDX id alone (https://spdx.org/licenses/): names as SPDX gives them.
KNOWN_LICENSES: dict[str, License] = {
    lic.id: lic
    for lic in (
        _cc("CC-BY-4.0", "CC BY 4.0", "Creative Commons Attribution 4.0 International", "licenses/by/4.0"),
        _cc(
            "CC-BY-SA-4.0",
            "CC BY-SA 4.0",
            "Creative Commons Attribution Share Alike 4.0 International",
            "licenses/by-sa/4.0",
        ),
        _cc(
            "CC-BY-NC-4.0",
            "CC BY-NC 4.0",
            "Creative Commons Attribution Non Commercial 4.0 International",
            "licenses/by-nc/4.0",
        ),
        _cc(
            "CC-BY-NC-SA-4.0",
            "CC BY-NC-SA 4.0",
            "Creative Commons Attribution Non Commercial Share Alike 4.0 International",
            "licenses/by-nc-sa/4.0",
        ),
        _cc(
            "CC-BY-ND-4.0",
            "CC BY-ND 4.0",
            "Creative Commons Attribution No Derivatives 4.0 International",
            "licenses/by-nd/4.0",
        ),
        _cc(
            "CC-BY-NC-ND-4.0",
            "CC BY-NC-ND 4.0",
            "Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
            "licenses/by-nc-nd/4.0",
        ),
        _cc("CC0-1.0", "CC0 1.0", "Creative Commons Zero v1.0 Universal", "publicdomain/zero/1.0"),
        License("MIT", "MIT License", "https://opensource.org/license/mit", "MIT"),
        License(
            "Apache-2.0", "Apache License 2.0", "https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"
        ),
        License(
            "BSD-3-Clause",
            'BSD 3-Clause "New" or "Revised" License',
            "https://opensource.org/license/bsd-3-clause",
            "BSD-3-Clause",
        ),
        License(
            "GPL-3.0-or-later",
            "GNU General Public License v3.0 or later",
            "https://www.gnu.org/licenses/gpl-3.0.html",
            "GPL-3.0-or-later",
        ),
    )
}
LICENSE_KEYS = ("id", "name", "url")


def license_from_setting(value: Any) -> tuple[License | None, list[str]]:
    """The licence ``publication_license`` names (None for none), and what is wrong with the setting."""
    if value is None or value == "":
        return None, []
    if isinstance(value, str):
        found = KNOWN_LICENSES.get(value.strip()) or next(
            (lic for id_, lic in KNOWN_LICENSES.items() if id_.lower() == value.strip().lower()), None
        )
        if found is None:
            known = ", ".join(KNOWN_LICENSES)
            return None, [
                f"publication_license {value!r} is not a licence this site knows ({known}); write its "
                'name and address as {"id": ..., "name": ..., "url": ...}; no licence is shown'
            ]
        return found, []
    if isinstance(value, Mapping):
        problems = [
            f"publication_license[{key!r}] is not a licence field; known: {', '.join(LICENSE_KEYS)}"
            for key in value
            if key not in LICENSE_KEYS
        ]
        fields = {key: value.get(key) for key in LICENSE_KEYS}
        for key in ("name", "url"):
            if not isinstance(fields[key], str) or not fields[key].strip():
                problems.append(f"publication_license[{key!r}] is missing: a licence needs its name and url")
        url = fields["url"] if isinstance(fields["url"], str) else ""
        if url.strip() and not re.match(r"https?://[^\s/]+", url.strip()):
            problems.append(f"publication_license['url'] {url!r} is not an http(s) address")
        if fields["id"] is not None and not isinstance(fields["id"], str):
            problems.append(f"publication_license['id'] must be text, not {fields['id']!r}")
        if problems:
            return None, problems
        id_ = (fields["id"] or "").strip()
        return License(id_, fields["name"].strip(), fields["url"].strip(), id_), []
    return None, [f"publication_license must be an SPDX id or a dict, not {value!r}; no licence is shown"]


def site_license(config: Config) -> License | None:
    """The site's licence, or None (none set, or the setting was refused and reported)."""
    return license_from_setting(config.publication_license)[0]


# -- ORCID iDs ---------------------------------------------------------------------------------------------

ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
ORCID_FORM = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])")


def orcid_check_digit(digits: str) -> str:
    """The check character of an ORCID iD's first 15 digits (ISO 7064 MOD 11-2): '0'-'9' or 'X'."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: Any) -> str:
    """An ORCID iD as ``0000-0002-1825-0097``, from the iD or its address; ValueError says what is wrong."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not an ORCID iD (16 characters such as 0000-0002-1825-0097)")
    text = value.strip()
    for prefix in ORCID_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    match = ORCID_FORM.fullmatch(text.upper())
    if not match:
        raise ValueError(f"{value!r} is not an ORCID iD (16 characters such as 0000-0002-1825-0097)")
    digits = "".join(match.groups())
    if orcid_check_digit(digits[:15]) != digits[15]:
        raise ValueError(
            f"{value!r} is not an ORCID iD: its last character does not match the others (ISO 7064 check "
            "digit); copy it from your ORCID record"
        )
    return "-".join(match.groups())


def orcid_url(orcid: str) -> str:
    """The iD's address, as ORCID asks sites to show and link it."""
    return f"https://orcid.org/{orcid}"


# -- People ------------------------------------------------------------------------------------------------

PERSON_KEYS = ("orcid", "affiliation")


@dataclass(frozen=True)
class Person:
    """What ``publication_people`` says of one author."""

    orcid: str | None = None
    affiliation: str | None = None


def people_from_setting(value: Any, blog_authors: Mapping[str, Any]) -> tuple[dict[str, Person], list[str]]:
    """Each author's checked ORCID iD and affiliation, by ``blog_authors`` key; and what is wrong."""
    if not isinstance(value, Mapping):
        return {}, [f"publication_people must be a dict keyed like blog_authors, not {value!r}"]
    people: dict[str, Person] = {}
    problems = []
    for key, entry in value.items():
        where = f"publication_people[{key!r}]"
        if key not in blog_authors:
            known = ", ".join(map(repr, blog_authors)) or "none"
            problems.append(f"{where}: {key!r} is not a key of blog_authors ({known})")
            continue
        if not isinstance(entry, Mapping):
            problems.append(
                f"{where} must be a dict such as {{'orcid': ..., 'affiliation': ...}}, not {entry!r}"
            )
            continue
        for unknown in entry:
            if unknown not in PERSON_KEYS:
                problems.append(f"{where}[{unknown!r}] is not a known field; known: {', '.join(PERSON_KEYS)}")
        orcid = None
        if entry.get("orcid") is not None:
            try:
                orcid = normalise_orcid(entry["orcid"])
            except ValueError as error:
                problems.append(f"{where}['orcid']: {error}")
        affiliation = entry.get("affiliation")
        if affiliation is not None and (not isinstance(affiliation, str) or not affiliation.strip()):
            problems.append(f"{where}['affiliation'] must be non-empty text, not {affiliation!r}")
            affiliation = None
        people[key] = Person(orcid, affiliation.strip() if affiliation else None)
    return people, problems


def people_of(config: Config) -> dict[str, Person]:
    """The checked ``publication_people`` (what was refused is left out, and was reported)."""
    return people_from_setting(config.publication_people, config.blog_authors)[0]


# -- DOIs --------------------------------------------------------------------------------------------------

DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:")
#: A DOI: "10.", the registrant's number (dot-separated parts), "/", and a suffix of printable characters.
#: Braces, backslashes, quotes and spaces are refused: no DOI in use has them, and a .bib, a meta tag or
#: an address could not carry them unchanged.
DOI_FORM = re.compile(r"10\.\d{4,9}(?:\.\d+)*/[!#-\[\]-z|~]+")


def normalise_doi(value: Any) -> str:
    """A DOI as ``10.1234/abc``, from the DOI, its ``https://doi.org/`` address or ``doi:`` form."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a DOI (such as 10.1234/abc)")
    text = value.strip()
    for prefix in DOI_PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            # an address is percent-encoded ("%3C" for "<"); a DOI written as such is not
            text = unquote(text) if prefix != "doi:" else text
            break
    if not DOI_FORM.fullmatch(text):
        raise ValueError(
            f"{value!r} is not a DOI: write it as 10.<registrant>/<suffix> (such as 10.1234/abc) or as "
            "its https://doi.org/ address, without spaces, quotes, braces or backslashes"
        )
    return text


def doi_url(doi: str) -> str:
    """The DOI's resolver address, escaped as the DOI Handbook asks (``#``, ``?``, ``%`` and the like)."""
    return "https://doi.org/" + quote(doi, safe="/:;()[]!$&'*+,=@-._~")


# -- Byline and footer --------------------------------------------------------------------------------------

#: ORCID's iD icon (https://info.orcid.org/brand-guidelines/), inline so no page loads it from orcid.org.
ORCID_ICON = (
    '<svg class="orcid-icon" viewBox="0 0 256 256" width="16" height="16" aria-hidden="true" '
    'focusable="false"><path fill="#A6CE39" d="M256,128c0,70.7-57.3,128-128,128C57.3,256,0,198.7,0,128'
    'C0,57.3,57.3,0,128,0C198.7,0,256,57.3,256,128z"/><path fill="#FFF" d="M86.3,186.2H70.9V79.1h15.4v48.4'
    "V186.2z M108.9,79.1h41.6c39.6,0,57,28.3,57,53.6c0,27.5-21.5,53.6-56.8,53.6h-41.8V79.1z M124.3,172.4h24.5"
    "c34.9,0,42.9-26.5,42.9-39.7c0-21.5-13.7-39.7-43.7-39.7h-23.7V172.4z M88.7,56.8c0,5.5-4.5,10.1-10.1,10.1"
    'c-5.6,0-10.1-4.6-10.1-10.1c0-5.6,4.5-10.1,10.1-10.1C84.2,46.7,88.7,51.3,88.7,56.8z"/></svg>'
)


def author_identity_html(name: str, orcid: str | None, affiliation: str | None) -> str:
    """What follows an author's name in the byline: the ORCID iD link (icon), then the affiliation."""
    parts = []
    if orcid:
        url = html.escape(orcid_url(orcid))
        label = html.escape(f"ORCID iD of {name}")
        parts.append(f'<a class="orcid-id" href="{url}" aria-label="{label}" title="{url}">{ORCID_ICON}</a>')
    if affiliation:
        parts.append(f'<span class="post-affiliation">({html.escape(affiliation)})</span>')
    return "".join(f" {part}" for part in parts)


def license_html(license_: License) -> str:
    """The footer's licence line, its link marked ``rel="license"``."""
    title = f' title="{html.escape(license_.name)}"' if license_.short else ""
    return (
        '<div class="publication-license">Licensed under '
        f'<a rel="license" href="{html.escape(license_.url)}"{title}>{html.escape(license_.label)}</a></div>'
    )


def place_license(footer: str, line: str) -> str:
    """furo's footer with the licence line after the copyright (before "Made with Sphinx"), else at its end.

    furo's ``footer`` block has no smaller block to fill, so the line goes in after its copyright part.
    """
    for marker in ('<div class="left-details">', '<div class="bottom-of-page">'):
        start = footer.find(marker)
        if start < 0:
            continue
        copyright_at = footer.find('<div class="copyright">', start)
        if copyright_at >= 0:
            end = footer.find("</div>", copyright_at) + len("</div>")
            return footer[:end] + line + footer[end:]
        end = start + len(marker)
        return footer[:end] + line + footer[end:]
    return footer + line


# -- Sphinx ------------------------------------------------------------------------------------------------


def _warn(message: str) -> None:
    # a location would be read as a document name; the message names the setting instead
    logger.warning(f"conf.py: {message}", type="publication", subtype="identifiers")


def report_settings(app: Sphinx, config: Config) -> None:
    """Name each problem of ``publication_license`` and ``publication_people`` once per build."""
    for problem in license_from_setting(config.publication_license)[1]:
        _warn(problem)
    for problem in people_from_setting(config.publication_people, config.blog_authors)[1]:
        _warn(problem)


def footer_license(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    license_ = site_license(app.config)
    context["publication_license"] = license_
    context["publication_license_html"] = license_html(license_) if license_ else ""
    context["place_license"] = place_license


def setup(app: Sphinx) -> dict[str, Any]:
    # an SPDX id, a dict {"id", "name", "url"}, or None: every page's footer names it
    app.add_config_value("publication_license", None, "html", types=[str, dict, type(None)])
    # read into each post's record (its authors), so a change reads the posts again
    app.add_config_value("publication_people", {}, "env", types=[dict])
    app.connect("config-inited", report_settings)
    app.connect("html-page-context", footer_license)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

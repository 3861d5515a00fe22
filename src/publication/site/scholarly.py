"""What scholars and their tools read: how to cite a post, and its metadata for machines.

Every published post gets, from its front matter and nothing else:

- a "Cite this post" section at its end: a formatted reference and a BibTeX entry (with a copy button),
  and the same entry as a ``.bib`` file beside the page;
- Google Scholar's Highwire Press ``citation_*`` meta tags, with a ``citation_reference`` for each work
  the post cites (from refs.bib, through sphinxcontrib-bibtex);
- a schema.org ``BlogPosting`` in JSON-LD;
- the per-post Open Graph fields sphinxext-opengraph reads (description, image, type) and a Twitter card.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urljoin

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

from publication.site.ablog_patches import blog_of
from publication.site.files import write_if_changed
from publication.site.identifiers import License, doi_url, orcid_url, site_license
from publication.site.posts import published_post
from publication.site.reading_time import minutes_for, words_in

#: Section id of the "Cite this post" section, for links and for feeds to leave it out.
CITE_SECTION = "cite-this-post"


@dataclass(frozen=True)
class Work:
    """A work a post cites, from its refs.bib entry."""

    key: str
    title: str
    authors: tuple[str, ...]
    year: str
    venue: str = ""
    doi: str = ""
    arxiv: str = ""
    url: str = ""

    @property
    def link(self) -> str:
        """The work's canonical address: its DOI, else its arXiv page, else its URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return self.url


@dataclass(frozen=True)
class Author:
    name: str
    url: str = ""
    organization: bool = False
    orcid: str = ""  # checked (publication.site.identifiers)
    affiliation: str = ""


@dataclass(frozen=True)
class PostRecord:
    """A post's bibliographic facts, as every format below needs them."""

    title: str
    url: str
    published: dt.datetime
    modified: dt.datetime
    authors: tuple[Author, ...]
    site: str
    site_url: str
    description: str = ""
    image: str = ""  # absolute URL
    image_alt: str = ""
    keywords: tuple[str, ...] = ()
    language: str = "en"
    words: int = 0
    cited: tuple[Work, ...] = field(default=())
    doi: str = ""  # checked, without https://doi.org/
    license: License | None = None

    @property
    def key(self) -> str:
        """A BibTeX key: first author's last name, year, first long word of the title."""
        first = self.authors[0].name if self.authors else self.site
        name = _ascii_word(first.split()[-1])
        word = next((w for w in re.findall(r"[A-Za-z]+", self.title) if len(w) > 3), "post")
        return f"{name}{self.published.year}{word.lower()}"


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower()) or "anon"


# -- Cited works -------------------------------------------------------------------------------------


def remember_cited_works(app: Sphinx, doctree: nodes.document) -> None:
    """Keep, for each post, the refs.bib keys it cites, in order of first citation.

    sphinxcontrib-bibtex names the footnote of each ``{footcite}`` key in ``temp_data`` while a document is
    read; that is the only place that still knows the keys as written.
    """
    docname = app.env.docname
    if docname in app.config.matched_blog_posts:
        names = app.env.temp_data.get("bibtex_footcite_names", {})
        app.env.metadata[docname]["publication_cited"] = list(names)


def work_of(entry: Any) -> Work:
    """A refs.bib entry (pybtex) as a Work."""
    fields = entry.fields
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    authors = tuple(
        _plain(" ".join(filter(None, [*p.first_names, *p.middle_names, *p.prelast_names, *p.last_names])))
        for p in people
    )
    eprint = fields.get("eprint", "") if fields.get("archiveprefix", "").lower() == "arxiv" else ""
    return Work(
        key=entry.key,
        title=_plain(fields.get("title", "")),
        authors=authors,
        year=fields.get("year", ""),
        venue=_plain(fields.get("journal") or fields.get("booktitle") or fields.get("howpublished", "")),
        doi=fields.get("doi", ""),
        arxiv=eprint,
        url=fields.get("url", ""),
    )


def _plain(latex: str) -> str:
    """BibTeX field text without braces and common escapes."""
    text = re.sub(r"\\url\{([^}]*)\}", r"\1", latex)
    text = text.replace("\\&", "&").replace("--", "–").replace("~", " ")
    return " ".join(text.replace("{", "").replace("}", "").split())


def cited_works(app: Sphinx, docname: str) -> tuple[Work, ...]:
    keys = app.env.metadata.get(docname, {}).get("publication_cited", [])
    if not keys:
        return ()
    entries = app.env.get_domain("cite").bibdata.data.entries
    return tuple(work_of(entries[key]) for key in keys if key in entries)


# -- The record ----------------------------------------------------------------------------------------


def record_of(app: Sphinx, docname: str) -> PostRecord | None:
    """The bibliographic record of a published post; None for drafts and other pages."""
    blog = blog_of(app)
    post_facts = published_post(app.env, docname)
    if post_facts is None or docname not in blog:
        return None
    post = blog[docname]
    base = app.config.html_baseurl
    url = urljoin(base, app.builder.get_target_uri(docname))
    organizations = set(app.config.publication_organization_authors)
    authors = tuple(
        Author(a.name, a.url or "", a.key in organizations, a.orcid or "", a.affiliation or "")
        for a in post_facts.authors
    )
    image = post_facts.image or ""
    return PostRecord(
        title=post_facts.title or post.title,
        url=url,
        published=post_facts.date,
        modified=post_facts.last_modified,
        authors=authors,
        site=app.config.project,
        site_url=base,
        description=post_facts.description or "",
        image=urljoin(base, quote(social_image(app, image))) if image else "",  # a file name, made an address
        image_alt=post_facts.image_alt,
        keywords=tuple(tag.name for tag in post_facts.tags),
        language=app.config.language or "en",
        words=words_in(app.env, docname),
        cited=cited_works(app, docname),
        doi=post_facts.doi or "",
        license=site_license(app.config),
    )


def social_image(app: Sphinx, image: str) -> str:
    """The image to show on social sites: a PNG beside an SVG header image (they do not show SVG)."""
    path = PurePosixPath(image)
    if path.suffix.lower() == ".svg" and (Path(app.srcdir) / path.with_suffix(".png")).is_file():
        return str(path.with_suffix(".png"))
    return image


# -- Formats -------------------------------------------------------------------------------------------


def formatted_reference(record: PostRecord) -> str:
    """'The Editors. “Title.” Deep Learning Theory, 27 January 2020.' (the URL follows it)."""
    names = _name_list([author.name for author in record.authors]) or record.site
    date = f"{record.published.day} {record.published:%B %Y}"
    title = record.title.rstrip(".")
    return f"{names}. “{title}.” {record.site}, {date}."


def _name_list(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


#: LaTeX for the characters that mean something to BibTeX or LaTeX. Braces and the backslash are written as
#: commands: BibTeX counts ``\{`` as a brace, so one unmatched brace in a title would end the entry early.
_BIBTEX_TEXT = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    **{char: f"\\{char}" for char in "&%$#_"},
}
_BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in _BIBTEX_TEXT))
#: What BibTeX reads inside a name as a separator: "and" between names, a comma between last and first.
_NAME_SEPARATOR = re.compile(r",|(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def _bibtex_text(text: str) -> str:
    """Text as BibTeX field content that LaTeX prints as the same text."""
    return _BIBTEX_SPECIAL.sub(lambda match: _BIBTEX_TEXT[match.group()], text)


def _bibtex_name(author: Author) -> str:
    # braced, BibTeX keeps a name whole: an organisation's is not split into first and last names, and a
    # person's with "and" or a comma in it is not read as two names or as "Last, First"
    whole = author.organization or _NAME_SEPARATOR.search(author.name)
    return f"{{{_bibtex_text(author.name)}}}" if whole else _bibtex_text(author.name)


def bibtex_entry(record: PostRecord) -> str:
    """The post as a BibTeX ``@misc`` entry (a web page, understood by BibTeX and biblatex alike)."""
    authors = " and ".join(_bibtex_name(author) for author in record.authors)
    fields = {  # BibTeX values, braced except the month macro
        "title": f"{{{{{_bibtex_text(record.title.rstrip('.'))}}}}}",  # double braces keep its case
        "author": f"{{{authors or _bibtex_text(record.site)}}}",
        "howpublished": f"{{{_bibtex_text(record.site)}}}",
        "year": f"{{{record.published.year}}}",
        "month": record.published.strftime("%b").lower(),
        "date": f"{{{record.published.date().isoformat()}}}",  # biblatex
        "url": f"{{{record.url}}}",
    }
    if record.doi:
        # biblatex reads doi verbatim, so it is written as it is (a DOI has no braces or backslash)
        fields["doi"] = f"{{{record.doi}}}"
    if record.modified > record.published:
        fields["note"] = f"{{Updated {record.modified.date().isoformat()}}}"
    body = ",\n".join(f"  {name} = {value}" for name, value in fields.items())
    return f"@misc{{{record.key},\n{body}\n}}\n"


def bib_file(app: Sphinx, docname: str) -> str:
    """Where a post's BibTeX file is served: beside its page, with the page's name."""
    return str(PurePosixPath(app.builder.get_target_uri(docname)).with_suffix(".bib"))


def highwire_tags(record: PostRecord) -> list[tuple[str, str]]:
    """Google Scholar's meta tags (https://scholar.google.com/intl/en/scholar/inclusion.html#indexing)."""
    tags = [("citation_title", record.title)]
    for author in record.authors:
        # an author's institution and ORCID iD follow their citation_author, as Highwire pairs them
        tags.append(("citation_author", author.name))
        if author.affiliation:
            tags.append(("citation_author_institution", author.affiliation))
        if author.orcid:
            tags.append(("citation_author_orcid", orcid_url(author.orcid)))
    tags += [
        ("citation_publication_date", record.published.strftime("%Y/%m/%d")),
        ("citation_online_date", record.published.strftime("%Y/%m/%d")),
        ("citation_journal_title", record.site),
        ("citation_publisher", record.site),
        ("citation_language", record.language),
        ("citation_fulltext_html_url", record.url),
    ]
    if record.doi:
        tags.append(("citation_doi", record.doi))
    if record.keywords:
        tags.append(("citation_keywords", "; ".join(record.keywords)))
    tags += [("citation_reference", _highwire_reference(work)) for work in record.cited]
    return tags


def _highwire_reference(work: Work) -> str:
    parts = [f"citation_title={work.title}"]
    parts += [f"citation_author={name}" for name in work.authors]
    if work.year:
        parts.append(f"citation_publication_date={work.year}")
    if work.venue:
        parts.append(f"citation_journal_title={work.venue}")
    if work.doi:
        parts.append(f"citation_doi={work.doi}")
    if work.arxiv:
        parts.append(f"citation_arxiv_id={work.arxiv}")
    if work.link:
        parts.append(f"citation_fulltext_html_url={work.link}")
    return "; ".join(part.replace(";", ",") for part in parts)


def json_ld(record: PostRecord) -> dict[str, Any]:
    """A schema.org BlogPosting (https://schema.org/BlogPosting), as Google's article guidelines ask."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "BlogPosting",
        "headline": record.title,
        "url": record.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": record.url},
        "datePublished": record.published.isoformat(),
        "dateModified": record.modified.isoformat(),
        "author": [_json_ld_author(author) for author in record.authors],
        "publisher": {"@type": "Organization", "name": record.site, "url": record.site_url},
        "isPartOf": {"@type": "Blog", "name": record.site, "url": record.site_url},
        "inLanguage": record.language,
    }
    if record.description:
        data["description"] = record.description
    if record.image:
        data["image"] = [record.image]
    if record.keywords:
        data["keywords"] = list(record.keywords)
    if record.words:
        data["wordCount"] = record.words
        data["timeRequired"] = f"PT{minutes_for(record.words)}M"
    if record.cited:
        data["citation"] = [_json_ld_work(work) for work in record.cited]
    if record.doi:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "DOI",
            "value": record.doi,
            "url": doi_url(record.doi),
        }
        data["sameAs"] = [doi_url(record.doi)]
    if record.license:
        data["license"] = record.license.url
    return data


def _json_ld_author(author: Author) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "Organization" if author.organization else "Person", "name": author.name}
    if author.url:
        data["url"] = author.url
    if author.orcid:
        data["sameAs"] = [orcid_url(author.orcid)]
    if author.affiliation and not author.organization:  # schema.org gives affiliation to a Person only
        data["affiliation"] = {"@type": "Organization", "name": author.affiliation}
    return data


def _json_ld_work(work: Work) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "name": work.title}
    if work.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in work.authors]
    if work.year:
        data["datePublished"] = work.year
    if work.link:
        data["url"] = work.link
    if work.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": work.doi}
    return data


#: JSON's own escapes for what HTML reads inside a script element: "</script" ends it, and "<!--" followed
#: later by "<script" makes the browser run the element on into the rest of the page.
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _script_json(data: dict[str, Any]) -> str:
    """JSON to put inside a ``<script>`` element: no "<", ">" or "&" outside an escape (they occur only in
    strings, where JSON's ``\\u`` escapes stand for the same characters)."""
    return json.dumps(data, ensure_ascii=False, indent=1).translate(_SCRIPT_SAFE)


# -- Sphinx --------------------------------------------------------------------------------------------


def add_cite_section(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """End each published post with how to cite it."""
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    record = record_of(app, docname)
    if record is None:
        return
    section = nodes.section("", ids=[CITE_SECTION], classes=["post-cite"])
    section += nodes.title("", "Cite this post")
    address = doi_url(record.doi) if record.doi else record.url  # a DOI is the address to cite
    section += nodes.paragraph(
        "",
        "",
        nodes.Text(formatted_reference(record) + " "),
        nodes.reference("", address, refuri=address),
        classes=["post-cite-reference"],
    )
    entry = bibtex_entry(record)
    section += nodes.literal_block(entry, entry, language="bibtex", classes=["post-cite-bibtex"])
    download = nodes.reference(
        "", "Download the BibTeX entry", refuri=PurePosixPath(bib_file(app, docname)).name
    )
    download["classes"].append("post-cite-download")
    section += nodes.paragraph("", "", download, nodes.Text(" (.bib)."))
    if record.license:
        # said here too, inside the article: a printed post has no footer
        deed = nodes.reference("", record.license.label, refuri=record.license.url)
        deed["classes"].append("post-license")
        section += nodes.paragraph("", "", nodes.Text("This post is licensed under "), deed, nodes.Text("."))
    top = next(iter(doctree.findall(nodes.section)), doctree)
    top += section


def add_metadata(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Scholar's tags and JSON-LD in a post's head; its own description and image for sphinxext-opengraph."""
    if not isinstance(app.builder, StandaloneHTMLBuilder) or doctree is None:
        return
    record = record_of(app, pagename)
    if record is None:
        return
    # sphinxext-opengraph reads per-page fields from context["meta"], which is the environment's own dict
    meta = context["meta"] = dict(context.get("meta") or {})
    meta["og:type"] = "article"
    if record.description:
        meta["og:description"] = record.description
    if record.image:
        meta["og:image"] = record.image
        meta["og:image:alt"] = record.image_alt or record.title
    tags = [f'<meta name="{name}" content="{html.escape(value)}">' for name, value in highwire_tags(record)]
    tags += [
        f'<meta property="article:published_time" content="{record.published.isoformat()}">',
        f'<meta property="article:modified_time" content="{record.modified.isoformat()}">',
        *(f'<meta property="article:tag" content="{html.escape(tag)}">' for tag in record.keywords),
        '<meta name="twitter:card" content="{}">'.format(
            "summary_large_image" if record.image else "summary"
        ),
        f'<link rel="alternate" type="application/x-bibtex" title="BibTeX" '
        f'href="{html.escape(urljoin(record.url, PurePosixPath(bib_file(app, pagename)).name))}">',
        f'<script type="application/ld+json">{_script_json(json_ld(record))}</script>',
    ]
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)
    # beside the page's file, named as it is; bib_file() is the percent-encoded address that serves it
    # written only when it changed, so that its time stays as it was (caches, deploys that sync by time)
    write_if_changed(
        Path(app.builder.get_outfilename(pagename)).with_suffix(".bib"), bibtex_entry(record).encode()
    )


def open_graph_text(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Every page's Open Graph title, and each ``og:`` field a page gives, escaped for the tag's attribute.

    sphinxext-opengraph 0.13 escapes only '"' in the tags it writes (it escapes its own description where
    it makes it): a title "Q&amp;A" came out as "Q&A", a field's "<" and "&" as they are. Per-page fields
    (``og:*`` in the page's metadata, documented as overrides) are written as given: so the title goes in
    as one, and every field escaped but for the '"' it escapes itself.
    """
    if not isinstance(app.builder, StandaloneHTMLBuilder) or "title" not in context:
        return
    meta = context["meta"] = dict(context.get("meta") or {})  # the environment's own dict otherwise
    meta.setdefault("og:title", BeautifulSoup(str(context["title"]), "html.parser").get_text())
    for name, value in meta.items():
        if name.startswith("og:") and isinstance(value, str):
            meta[name] = html.escape(value, quote=False)


def setup(app: Sphinx) -> dict[str, Any]:
    # sphinxext-opengraph prints "matplotlib is not installed" on import, on every build; its social cards
    # are off here (posts bring their own image), so the line would only puzzle the author
    with contextlib.redirect_stdout(io.StringIO()):
        app.setup_extension("sphinxext.opengraph")
    app.setup_extension("publication.site.frontmatter")
    app.setup_extension("publication.site.reading_time")
    app.add_config_value("publication_organization_authors", [], "env", types=[list, tuple, set])
    app.connect("doctree-read", remember_cited_works)
    app.connect("doctree-resolved", add_cite_section)
    app.connect("html-page-context", add_metadata, priority=400)  # before sphinxext-opengraph's
    app.connect("html-page-context", open_graph_text, priority=400)  # after add_metadata: its fields too
    return {"parallel_read_safe": True, "parallel_write_safe": True}

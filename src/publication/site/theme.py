"""Fit ablog's posts into furo's pages: byline, previous/next post, page descriptions, listings.

furo knows nothing of posts. This module gives each post a header under its title (the description as a
standfirst; a byline with the date and time with its UTC offset, reading time, author, tags, category, with
links to their archives; the header image), turns furo's footer links into
previous/next *post* links, gives every page its own meta description, and makes the excerpts ablog
copies into listings safe to show away from their post (a citation there links nowhere, so it becomes
plain text).
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.util.osutil import relative_uri

from publication.shared.patching import TemplateOverride
from publication.site.ablog_patches import blog_of
from publication.site.identifiers import author_identity_html
from publication.site.posts import PostRecord, output_image, post_record
from publication.site.reading_time import reading_time

DESCRIPTION_LENGTH = 200


def format_moment(moment: dt.datetime) -> str:
    """'27 January 2020, 23:45 UTC−04:00': the instant as the author wrote it, offset included."""
    offset = moment.strftime("%z")
    sign = "−" if offset.startswith("-") else "+"
    zone = "UTC" if offset in ("+0000", "") else f"UTC{sign}{offset[1:3]}:{offset[3:5]}"
    return f"{moment.day} {moment:%B %Y, %H:%M} {zone}"


def _link(builder: StandaloneHTMLBuilder, docname: str, collection: Any, css: str = "") -> str:
    """A link to a tag, category or author archive; plain text when the archive has no page (drafts)."""
    label = html.escape(str(collection))
    attributes = f' class="{css}"' if css else ""
    if not len(collection):
        return f"<span{attributes}>{label}</span>"
    href = html.escape(builder.get_relative_uri(docname, collection.docname))
    return f'<a{attributes} href="{href}">{label}</a>'


def _links(builder: StandaloneHTMLBuilder, docname: str, collections: list[Any]) -> str:
    return ", ".join(_link(builder, docname, collection) for collection in collections)


def _time(moment: dt.datetime) -> str:
    return f'<time datetime="{moment.isoformat()}">{html.escape(format_moment(moment))}</time>'


def byline_html(
    builder: StandaloneHTMLBuilder,
    record: PostRecord,
    post: Any,
    *,
    reading: str = "",
) -> str:
    """The line under a post's title: when (and when last updated), by whom, filed where, how long.

    Dates come from the post's record; the archive pages it links to are ablog's.
    """
    docname = record.docname
    parts = []
    if record.date and record.published:
        parts.append(f'<span class="post-date">Published {_time(record.date)}</span>')
        if record.updated and record.updated > record.date:
            parts.append(f'<span class="post-updated">Updated {_time(record.updated)}</span>')
    elif record.date:  # only previews build it (publication.site.drafts)
        parts.append(f'<span class="post-draft">Scheduled for {_time(record.date)}</span>')
    else:
        parts.append('<span class="post-draft">Draft</span>')
    if reading:
        parts.append(f'<span class="post-reading-time">{html.escape(reading)}</span>')
    if post.author:
        # each name with its ORCID iD and affiliation (publication_people), when the record has them
        identities = {author.key: author for author in record.authors}
        names = ", ".join(
            _link(builder, docname, collection)
            + (
                author_identity_html(str(collection), author.orcid, author.affiliation)
                if (author := identities.get(collection.label))
                else ""
            )
            for collection in post.author
        )
        parts.append(f'<span class="post-author">by {names}</span>')
    if post.category:
        parts.append(f'<span class="post-category">in {_links(builder, docname, post.category)}</span>')
    if post.tags:
        tags = " ".join(f"<li>{_link(builder, docname, tag, 'post-tag')}</li>" for tag in post.tags)
        parts.append(f'<ul class="post-tags" aria-label="Tags">{tags}</ul>')
    byline = '<div class="post-byline">' + " ".join(parts) + "</div>"
    if not record.published:
        byline = (
            '<p class="post-draft-banner" role="note">This is a draft: it is not published, '
            "and only previews show it.</p>" + byline
        )
    return byline


def add_byline(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the post's header under its title: standfirst (the description), byline, header image."""
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    blog = blog_of(app)
    record = post_record(app.env, docname)
    if docname not in blog or record is None:
        return
    title = next(iter(doctree.findall(nodes.title)), None)
    if title is None:
        return
    # the description, when the author wrote one, opens the post as its standfirst
    description = record.description
    standfirst = f'<p class="post-standfirst">{html.escape(description)}</p>' if description else ""
    header = standfirst + byline_html(
        app.builder, record, blog[docname], reading=reading_time(app.env, docname)
    )
    if record.image:
        src = relative_uri(app.builder.get_target_uri(docname), quote(record.image))  # a file name
        alt = record.image_alt
        header += (
            f'<figure class="post-header-image"><img src="{html.escape(src)}" alt="{html.escape(alt)}"'
            ' width="1200" height="630"></figure>'
        )
    title.parent.insert(title.parent.index(title) + 1, nodes.raw("", header, format="html"))


def unlink_excerpt_citations(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In post listings, turn links to in-page anchors (citations, footnotes) into their text.

    ablog copies a post's first paragraph into listings; a citation in it points to the post's own
    bibliography, which the listing page does not have.
    """
    for excerpt in doctree.findall(
        lambda node: isinstance(node, nodes.Element) and "ablog-post-excerpt" in node["classes"]
    ):
        for ref in list(excerpt.findall(nodes.reference)):
            if ref.get("refid") or str(ref.get("refuri", "")).startswith("#"):
                ref.replace_self(nodes.inline("", "", *ref.children, classes=["citation-text"]))
        for ref in list(excerpt.findall(nodes.footnote_reference)):
            ref.parent.remove(ref)  # replace_self([]) refuses a node with ids


def mark_bare_urls(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Mark links whose text is their own address (``class="bare-url"``).

    A print writes each link's address after its text; a link that already reads as its address must not
    say it twice.
    """
    for ref in doctree.findall(nodes.reference):
        uri = str(ref.get("refuri", ""))
        if uri and ref.astext().strip() == uri:
            ref["classes"].append("bare-url")


def plain_description(doctree: nodes.document | None) -> str:
    """The first paragraph of a page as one line of plain text, cut at a word boundary."""
    if doctree is None:
        return ""
    for paragraph in doctree.findall(nodes.paragraph):
        if paragraph.next_node(nodes.field_body, ascend=False, descend=False):
            continue
        if any(isinstance(parent, nodes.docinfo | nodes.field_list) for parent in _ancestors(paragraph)):
            continue
        text = " ".join(paragraph.astext().split())
        if text:
            return shorten(text)
    return ""


def _ancestors(node: nodes.Node) -> list[nodes.Node]:
    found = []
    while node.parent is not None:
        node = node.parent
        found.append(node)
    return found


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def excerpt_text(env: Any, post: Any) -> str:
    """A post's excerpt as plain text, for listings: its description, else its first paragraph."""
    record = post_record(env, post.docname)
    text = " ".join(" ".join(node.astext().split()) for node in post.excerpt)
    return shorten((record.description if record else None) or text)


def post_image(env: Any, post: Any, pathto: Any) -> dict[str, str] | None:
    """A post's front-matter image for a listing on this page: its relative ``src`` and its ``alt``; else a
    notebook post's first image output (publication.site.notebooks)."""
    record = post_record(env, post.docname)
    if record is None:
        return None
    if record.image:
        return {"src": pathto(quote(record.image), 1), "alt": record.image_alt}  # a file name
    output = output_image(env, post.docname)
    if output:
        return {"src": pathto(f"_images/{quote(output['file'])}", 1), "alt": output["alt"]}
    return None


def archive_title(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give the pages ablog writes (archives, a post's old address) a title in HTML, as every other page has.

    ablog sets "Posts tagged <tag>" as plain text, but Sphinx's ``<title>``, sphinxext-opengraph and our
    templates read ``title`` as HTML: a tag such as ``<svg onload=...>`` was markup there, or was dropped.
    """
    blog = blog_of(app)
    if context.get("catalog") is blog.archive:
        title = "Posts by year"  # ablog calls it "All posts", like the page that lists them all
    elif context.get("collection") is blog.posts:
        title = "All posts"
    elif "redirect" in context and "post" in context:
        title = context["post"].title  # ablog gives a post's old address no title of its own
    elif "catalog" in context or "collection" in context:
        title = str(context.get("title", ""))
    else:
        return
    context["title"] = html.escape(title)


def page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Give every page a description, and posts their previous/next post in furo's footer."""
    blog = blog_of(app)

    def title_text() -> str:
        # a page's title is HTML, its description text
        return BeautifulSoup(str(context.get("title", "")), "html.parser").get_text()

    record = post_record(app.env, pagename)
    description = (
        (record.description if record else None)
        or context.get("page_description")  # a generated page's own (publication.site.series)
        or app.env.metadata.get(pagename, {}).get("description")
    )
    if not description and "collection" in context:
        collection = context["collection"]
        count = len(collection)
        noun = "post" if count == 1 else "posts"
        description = f"{title_text() or collection}: {count} {noun} on {app.config.project}."
    if not description and "catalog" in context:
        description = f"{title_text()} of {app.config.project}."
    if not description:
        # Sphinx's own pages (genindex, search) set their title in the template, after this event
        title = title_text() or pagename.capitalize()
        description = plain_description(doctree) or f"{title} – {app.config.project}"
    context["page_description"] = description
    context["excerpt_text"] = lambda post: excerpt_text(app.env, post)
    context["post_image"] = lambda post: post_image(app.env, post, context["pathto"])
    context["publication_home_posts"] = app.config.publication_home_posts
    context["metatags"] = context.get("metatags", "") + (
        f'\n    <meta name="description" content="{html.escape(shorten(description))}">'
    )
    # furo's previous/next follow the table of contents, as in a manual; a blog's follow its posts
    context["prev"] = context["next"] = None
    if pagename in blog and blog[pagename].published:
        post = blog[pagename]
        context["post"] = post
        pathto = context["pathto"]
        context["prev"] = (
            {"link": pathto(post.prev.docname), "title": html.escape(post.prev.title)} if post.prev else None
        )
        context["next"] = (
            {"link": pathto(post.next.docname), "title": html.escape(post.next.title)} if post.next else None
        )


TEMPLATES = Path(__file__).parent / "templates"

#: Our page.html and search.html extend furo's ("!page.html") and fill these blocks: a furo that renamed one
#: would drop what we put there (byline, cards, comments) without a warning.
FURO_TEMPLATES = tuple(
    TemplateOverride(
        package="furo",
        versions=">=2025.9.25,<2027",
        where="publication/site/templates",
        retire="never: these are the site's own page parts; review them against each furo release",
        folder="theme/furo",
        template=template,
        blocks=blocks,
    )
    for template, blocks in (("page.html", ("content", "extrahead", "footer")), ("search.html", ("content",)))
)


def add_templates(app: Sphinx, config: Config) -> None:
    """Our templates come after the site's own ``templates_path``, so a site can still override them.

    A new list: a site that sets none has Sphinx's default, one list for every application of the process
    (the preview starts a new one when ``refs.bib`` changes), which gained our folder once per application.
    """
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.ablog_patches")
    app.setup_extension("publication.site.reading_time")
    for guard in FURO_TEMPLATES:
        guard.check()
    # the home page stays short: the newest few posts as cards, then a link to all of them
    app.add_config_value("publication_home_posts", 7, "html", types=[int])
    app.connect("config-inited", add_templates)
    app.connect("doctree-resolved", add_byline)
    # last, after every extension has added its links (publication.site.scholarly's "Cite this post")
    app.connect("doctree-resolved", mark_bare_urls, priority=900)
    # after ablog's own handler (priority 500) has turned postlist nodes into lists with excerpts
    app.connect("doctree-resolved", unlink_excerpt_citations, priority=600)
    # before anything reads the title: publication.site.scholarly (400), sphinxext-opengraph (500)
    app.connect("html-page-context", archive_title, priority=300)
    app.connect("html-page-context", page_context)
    app.setup_extension(
        "publication.site.markup"
    )  # valid, accessible markup where furo and docutils fall short
    return {"parallel_read_safe": True, "parallel_write_safe": True}

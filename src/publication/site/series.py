"""Series: posts that are parts of one multi-part essay, read in order.

A post joins a series with ``series: Name`` in its front matter, and may give its place with
``series_order: N``; parts without one follow those with one, by date. Each published part then shows, under
its byline, "Part k of n in <series>" and the list of all parts (its own marked ``aria-current="page"``); each
series has a page of its own, ``<blog_path>/series/<slug>.html``, listing the parts in order as the home
page's cards; and the feeds name the series (publication.site.feeds reads :func:`place_of`).

Only published parts count: a draft joins its series when it is published. Problems are named at their
line: a ``series_order`` that is not a whole number (publication.site.frontmatter), two parts of a series
with the same ``series_order``, and two spellings of series names that would share one page.

Incremental builds: after reading, each post's place in its series is compared with the last build's; the
parts whose box would show something else (another part's title, order, or a part added or gone) are
written again, and a series page is written only when what it lists changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import posixpath
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from publication.site.ablog_patches import blog_of
from publication.site.posts import PostRecord, all_posts, post_record, published_post
from publication.site.rebuilds import listing_of

logger = logging.getLogger(__name__)

#: Where the series pages' fingerprints are kept between builds (in the doctree folder: not published).
PAGE_FINGERPRINTS = "publication-series-pages.json"
TEMPLATE = "series.html"


@dataclass(frozen=True)
class Series:
    """One series: its name as written, the slug of its page, and its published parts in reading order."""

    name: str
    slug: str
    parts: tuple[str, ...]  # document names


@dataclass(frozen=True)
class Place:
    """Where a post stands in its series: part ``number`` (from 1) of ``len(series.parts)``."""

    series: Series
    number: int

    @property
    def total(self) -> int:
        return len(self.series.parts)


def reading_order(records: Iterable[PostRecord]) -> list[PostRecord]:
    """Parts with a ``series_order`` first, by it; then the others by date; the file name breaks ties."""
    far = dt.datetime.max.replace(tzinfo=dt.UTC)

    def key(record: PostRecord) -> tuple[Any, ...]:
        ordered = record.series_order is not None
        return (not ordered, record.series_order or 0, record.date or far, record.docname)

    return sorted(records, key=key)


def series_of(records: Iterable[PostRecord]) -> dict[str, Series]:
    """Every series with a published part, by slug, its published parts in reading order."""
    grouped: dict[str, list[PostRecord]] = defaultdict(list)
    for record in records:
        if record.series is not None and record.published:
            grouped[record.series.slug].append(record)
    found = {}
    for slug, parts in sorted(grouped.items()):
        ordered = reading_order(parts)
        found[slug] = Series(ordered[0].series.name, slug, tuple(r.docname for r in ordered))  # type: ignore[union-attr]
    return found


def series_problems(records: Iterable[PostRecord]) -> list[tuple[PostRecord, str, str]]:
    """(post, front-matter key, message) for each part whose series name or order is ambiguous."""
    names: dict[str, dict[str, list[PostRecord]]] = defaultdict(lambda: defaultdict(list))
    orders: dict[tuple[str, int], list[PostRecord]] = defaultdict(list)
    for record in records:
        if record.series is None:
            continue
        names[record.series.slug][record.series.name].append(record)
        if record.series_order is not None:
            orders[(record.series.slug, record.series_order)].append(record)
    problems = []
    for slug, spellings in sorted(names.items()):
        if len(spellings) < 2:
            continue
        described = "; ".join(
            f"{name!r} in {', '.join(sorted(r.source for r in posts))}"
            for name, posts in sorted(spellings.items())
        )
        message = (
            f"series spelled differently share one page, series/{slug}.html: {described}; "
            "spell the series the same way in every part"
        )
        problems += [(record, "series", message) for posts in spellings.values() for record in posts]
    for (_slug, order), posts in sorted(orders.items()):
        if len(posts) < 2:
            continue
        others = ", ".join(sorted(r.source for r in posts))
        message = (
            f"'series_order': {order} is the place of more than one part of the series ({others}); "
            "give each part its own"
        )
        problems += [(record, "series_order", message) for record in posts]
    return sorted(problems, key=lambda problem: (problem[0].source, problem[1]))


def check_series(app: Sphinx, env: BuildEnvironment) -> None:
    for record, key, message in series_problems(all_posts(env)):
        logger.warning(
            message, location=(record.docname, record.line(key)), type="publication", subtype="post"
        )


def series_docname(app: Sphinx, slug: str) -> str:
    """The series page's document name (``blog/series/<slug>``)."""
    return f"{app.config.blog_path}/series/{slug}"


def known_series(env: BuildEnvironment) -> dict[str, Series]:
    """The series as computed after reading, this build (see :func:`note_changed_series`)."""
    return getattr(env, "publication_series", None) or series_of(all_posts(env))


def place_of(env: BuildEnvironment, docname: str) -> Place | None:
    """The published post's place in its series, or None."""
    record = published_post(env, docname)
    if record is None or record.series is None:
        return None
    series = known_series(env).get(record.series.slug)
    if series is None or docname not in series.parts:
        return None
    return Place(series, series.parts.index(docname) + 1)


def _box_state(env: BuildEnvironment, series: Series) -> tuple[Any, ...]:
    """What a part's series box shows: the series' name and each part's address and title."""
    return (
        series.name,
        series.slug,
        tuple((d, (post_record(env, d) or PostRecord(d, d)).title) for d in series.parts),
    )


def note_changed_series(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: the parts whose series box shows something else than on the last build."""
    new = series_of(all_posts(env))
    old: dict[str, Series] | None = getattr(env, "publication_series", None)
    old_boxes: dict[str, Any] | None = getattr(env, "publication_series_boxes", None)
    boxes = {docname: _box_state(env, series) for series in new.values() for docname in series.parts}
    env.publication_series = new  # type: ignore[attr-defined]  # pickled with the environment
    env.publication_series_boxes = boxes  # type: ignore[attr-defined]
    if old is None or old_boxes is None:
        return []  # a first build writes every page anyway
    changed = {d for d in boxes.keys() | old_boxes.keys() if boxes.get(d) != old_boxes.get(d)}
    return sorted(changed & env.found_docs)


def box_html(builder: StandaloneHTMLBuilder, docname: str, place: Place, titles: dict[str, str]) -> str:
    """'Part k of n in <series>' and the ordered list of the parts, the post's own marked current."""
    series = place.series
    page = builder.get_relative_uri(docname, series_docname(builder.app, series.slug))
    items = []
    for part in series.parts:
        title = html.escape(titles[part])
        if part == docname:
            own = posixpath.basename(builder.get_target_uri(docname))
            items.append(f'<li><a href="{html.escape(own)}" aria-current="page">{title}</a></li>')
        else:
            href = html.escape(builder.get_relative_uri(docname, part))
            items.append(f'<li><a href="{href}">{title}</a></li>')
    return (
        '<nav class="post-series" aria-labelledby="publication-series-title">'
        f'<p id="publication-series-title">Part {place.number} of {place.total} in '
        f'<a href="{html.escape(page)}">{html.escape(series.name)}</a></p>'
        f'<ol class="post-series-parts">{"".join(items)}</ol></nav>'
    )


def add_series_box(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Under the post's byline (before its header image), the series box."""
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    place = place_of(app.env, docname)
    if place is None:
        return
    titles = {
        part: (post_record(app.env, part) or PostRecord(part, part)).title for part in place.series.parts
    }
    box = box_html(app.builder, docname, place, titles)
    header = next(
        (node for node in doctree.findall(nodes.raw) if 'class="post-byline"' in node.astext()), None
    )
    if header is None:  # no byline (publication.site.theme): under the title
        title = next(iter(doctree.findall(nodes.title)), None)
        if title is not None:
            title.parent.insert(title.parent.index(title) + 1, nodes.raw("", box, format="html"))
        return
    text = header.astext()
    image = text.find('<figure class="post-header-image"')
    text = text[:image] + box + text[image:] if image >= 0 else text + box
    header.replace_self(nodes.raw("", text, format="html"))


def page_fingerprint(app: Sphinx, series: Series) -> str:
    """What a series page shows, as a hash: its parts' cards, and what every page shares (the sidebar, the
    templates' time, the HTML configuration)."""
    blog = blog_of(app)
    listing = getattr(app.env, "publication_listing", None)
    state = (
        series.name,
        [repr(listing_of(app, blog[d])) for d in series.parts],
        repr(listing.recent) if listing is not None else "",
        app.builder.templates.newest_template_mtime(),
        getattr(app.builder, "config_hash", ""),
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()


def series_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """A page per series, written only when what it shows changed; pages of series gone are deleted."""
    if not isinstance(app.builder, StandaloneHTMLBuilder):
        return
    store = Path(app.doctreedir) / PAGE_FINGERPRINTS
    try:
        previous = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    current = {}
    blog = blog_of(app)
    for series in known_series(app.env).values():
        pagename = series_docname(app, series.slug)
        current[pagename] = page_fingerprint(app, series)
        if (
            previous.get(pagename) == current[pagename]
            and Path(app.builder.get_outfilename(pagename)).is_file()
        ):
            continue
        parts = [blog[d] for d in series.parts]
        noun = "part" if len(parts) == 1 else "parts"
        context = {
            "title": html.escape(f"Series: {series.name}"),
            "series_name": series.name,
            "series_posts": parts,
            "page_description": f"{series.name}: a series in {len(parts)} {noun} on {app.config.project}.",
        }
        yield pagename, context, TEMPLATE
    for gone in previous.keys() - current.keys():  # a series no published post is part of any more
        Path(app.builder.get_outfilename(gone)).unlink(missing_ok=True)
    store.write_text(json.dumps(current, indent=0, sort_keys=True), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.rebuilds")
    app.connect("env-check-consistency", check_series)
    app.connect("env-get-updated", note_changed_series)
    # after publication.site.theme's add_byline (500): the box goes under the byline it wrote
    app.connect("doctree-resolved", add_series_box, priority=550)
    app.connect("html-collect-pages", series_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

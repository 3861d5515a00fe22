"""Related posts at the end of each post: up to three, as the home page's cards.

A post's related posts are the published posts that share the most tags with it, then the nearest in time
(the newer, then the file name, breaking ties so every build agrees); never the post itself, never a draft
or a future post. A post that shares no tag with any other has none, and no heading either.

They close the article, after the bibliography and "Cite this post": the reader finishes the text and its
references first, and "what to read next" leads on to the previous/next links and the comments that follow
in the page's footer. Feeds leave them out (publication.site.feeds): they are about the site, not the post.

The ranking is made once per build, after reading, for every post; a post whose related posts would show
something else than on the last build (another post's title, date, tags, excerpt or image changed, or a post
came or went) is written again, so an incremental build equals a clean one.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from publication.site.ablog_patches import blog_of
from publication.site.posts import PostRecord, all_posts, published_post
from publication.site.rebuilds import _frozen, listing_of

#: How many related posts a post ends with, at most.
RELATED_POSTS = 3


def shared_tags(one: PostRecord, other: PostRecord) -> int:
    """How many tags two posts share (by the address of the tag's page, as the archives count them)."""
    return len({tag.slug for tag in one.tags} & {tag.slug for tag in other.tags})


def related_posts(
    post: PostRecord, records: Iterable[PostRecord], limit: int = RELATED_POSTS
) -> list[PostRecord]:
    """The published posts most related to ``post``: most shared tags, then nearest in time."""
    if post.date is None:
        return []

    def rank(other: PostRecord) -> tuple[Any, ...]:
        assert other.date is not None and post.date is not None  # published posts have dates
        distance = abs((other.date - post.date).total_seconds())
        return (-shared_tags(post, other), distance, -other.date.timestamp(), other.docname)

    candidates = [
        other
        for other in records
        if other.docname != post.docname and other.published and shared_tags(post, other) > 0
    ]
    return sorted(candidates, key=rank)[:limit]


def all_related(records: list[PostRecord], limit: int = RELATED_POSTS) -> dict[str, tuple[str, ...]]:
    """:func:`related_posts` of every post in ``records`` among them, by document name.

    The same ranking, found through the posts that carry each tag instead of by comparing every pair: at
    1,000 posts (30 tags, 2–3 a post) the pairs took 3.7 s CPU of every rebuild and of every save in the
    preview, this 0.5 s.
    """
    slugs = {record.docname: {tag.slug for tag in record.tags} for record in records}
    carrying: dict[str, list[PostRecord]] = defaultdict(list)
    for record in records:
        if record.published:
            for slug in slugs[record.docname]:
                carrying[slug].append(record)
    found = {}
    for post in records:
        if post.date is None:
            found[post.docname] = ()
            continue
        shared: Counter[str] = Counter()
        others = {}
        for slug in slugs[post.docname]:
            for other in carrying[slug]:
                if other.docname != post.docname:
                    shared[other.docname] += 1
                    others[other.docname] = other

        ranked = []
        for docname, count in shared.items():
            date = others[docname].date
            assert date is not None  # published posts have dates
            # the key of related_posts: most shared tags, nearest in time, the newer, the file name
            ranked.append((-count, abs((date - post.date).total_seconds()), -date.timestamp(), docname))
        found[post.docname] = tuple(key[-1] for key in heapq.nsmallest(limit, ranked))
    return found


def note_changed_related(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """After reading: every published post's related posts; the posts whose cards changed since the last
    build are written again."""
    records = [record for record in all_posts(env) if record.published]
    blog = blog_of(app)
    # the ranking reads only each post's tags and date: a save that changed neither (most saves) keeps it
    ranked_by = tuple((r.docname, r.date, tuple(sorted(tag.slug for tag in r.tags))) for r in records)
    if getattr(env, "publication_related_ranked_by", None) == ranked_by:
        related = env.publication_related  # type: ignore[attr-defined]
    else:
        related = all_related(records)
    env.publication_related_ranked_by = ranked_by  # type: ignore[attr-defined]
    cards: dict[str, Any] = {}
    # this build's listing rows (publication.site.rebuilds, whose handler of this event runs first: its
    # setup is called before this module's connects)
    rows: dict[str, Any] = getattr(app, "publication_listing_rows", {})

    def card(docname: str) -> Any:
        if docname not in cards:
            row = rows.get(docname)
            cards[docname] = repr(row if row is not None else _frozen(listing_of(app, blog[docname])))
        return cards[docname]

    shown = {docname: tuple(card(d) for d in others) for docname, others in related.items()}
    old: dict[str, Any] | None = getattr(env, "publication_related_shown", None)
    env.publication_related = related  # type: ignore[attr-defined]  # pickled with the environment
    env.publication_related_shown = shown  # type: ignore[attr-defined]
    if old is None:
        return []  # a first build writes every page anyway
    changed = {d for d in shown.keys() | old.keys() if shown.get(d, ()) != old.get(d, ())}
    return sorted(changed & env.found_docs)


def add_related_posts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``related_posts`` for page.html: ablog's posts, as the cards template draws them."""
    if published_post(app.env, pagename) is None:
        return
    docnames = getattr(app.env, "publication_related", {}).get(pagename, ())
    if docnames:
        blog = blog_of(app)
        context["related_posts"] = [blog[docname] for docname in docnames]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("publication.site.rebuilds")
    app.connect("env-get-updated", note_changed_related)
    app.connect("html-page-context", add_related_posts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Keep an incremental build (no ``-E``) equal to a clean one when posts come, go or change.

Every page shows blog data that lives outside its own source: the home page's post list, the sidebar's
recent posts, tags and archives, previous/next links. Sphinx only re-reads the files that changed, so
after a post is added or edited the other pages would keep stale lists. When any post changes, every
document is read again; edits to other pages stay incremental.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment


def posts_touched(app: Sphinx, added: set[str], changed: set[str], removed: set[str]) -> bool:
    known_posts = set(getattr(app.env, "ablog_posts", {}))
    posts = set(app.config.matched_blog_posts) | known_posts
    return bool((added | changed | removed) & posts)


def outdated_when_posts_change(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    if posts_touched(app, added, changed, removed):
        return sorted(env.found_docs - added - changed)
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("env-get-outdated", outdated_when_posts_change)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Link health for ``nox -s linkcheck``: only external links are asked, good ones once a day, and the run
ends with a table of the bad, or with one line saying the network could not be reached.

* **The site's own pages are not links to check.** For any builder but HTML, ablog writes ``{ref}`` to its
  generated pages (``blog-posts``, ``blog-archives``, ``blog-tags``, ``blog-categories``, ``blog-feed``, a
  tag's or category's page) as ``blog_baseurl`` + page name: ``/blog/tag`` when no base URL is set, which
  Sphinx then looks for as a file beside the source and reports broken, or the live site's address, which
  is not there yet for a page this build adds. ablog writes those pages itself in every HTML build, so here
  they resolve as internal references, which linkcheck does not fetch.
* **Good links are asked once a day.** Sphinx's linkcheck builder asks every external link again on every
  run, which is slow and hammers the same hosts. ``cache.json`` beside the report remembers when each link
  last worked (or redirected); one less than ``publication_linkcheck_cache_max_age`` seconds ago is not asked
  again (Sphinx reports it as ignored). New links and links that failed are always checked.
* **Offline is not broken.** When no external link could be reached at all and every failure was the
  network's (a host name that does not resolve, no route, a connection that never opened), the run says so
  in one line, with how many links were not checked, instead of listing each as broken; the exit status is
  then :data:`EXIT_OFFLINE` (75, ``EX_TEMPFAIL``: try again later), unless a link that needs no network is
  broken (1). Exit statuses of ``sphinx-build -b linkcheck``: 0 every link works; 1 a link is broken (or a
  warning, with ``-W``); 2 Sphinx itself failed; 75 offline.
* **The table.** After the run it prints every broken and redirected link, from this run and from the
  cache, with the page and line that holds it, so the author knows what to fix where.
"""

from __future__ import annotations

import datetime as dt
import json
import logging as stdlib_logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CACHE = "cache.json"
#: Statuses worth remembering: the link answered. Broken links and timeouts are asked again every time.
GOOD = ("working", "redirected")
#: Statuses the table lists.
REPORTED = ("broken", "timeout", "redirected")
#: The exit status of a run that could reach no external link (sysexits.h EX_TEMPFAIL: try again later).
EXIT_OFFLINE = 75
#: Written into the linkcheck folder by a run that was offline (the number of links not checked).
OFFLINE_MARKER = "offline.txt"
#: What requests and urllib3 say when the request never reached a server: the network's failure, not the
#: link's. A link that answered anything at all (even 404) proves the network is there.
UNREACHABLE = re.compile(
    r"NameResolutionError|Failed to resolve|Name or service not known|Temporary failure in name resolution"
    r"|No address associated with hostname|nodename nor servname|getaddrinfo failed"
    r"|Network is unreachable|No route to host|ProxyError|ConnectTimeout"
)


@dataclass(frozen=True)
class Record:
    uri: str
    status: str
    filename: str
    lineno: int
    info: str
    checked: str  # ISO 8601, UTC

    def age(self, now: dt.datetime) -> float:
        return (now - dt.datetime.fromisoformat(self.checked)).total_seconds()


def load(path: Path) -> dict[str, Record]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {uri: Record(**record) for uri, record in data.items()}
    except (OSError, ValueError, TypeError):
        return {}  # no cache, or one from another version: check everything


def fresh(cache: dict[str, Record], now: dt.datetime, max_age: float) -> list[str]:
    """The links that worked recently enough not to be asked again."""
    return sorted(uri for uri, r in cache.items() if r.status in GOOD and r.age(now) < max_age)


def merge(cache: dict[str, Record], output: list[dict[str, Any]], now: dt.datetime) -> dict[str, Record]:
    """The cache after a run: every link checked this time, with its result; skipped links as they were."""
    merged = dict(cache)
    for item in output:
        if item["status"] in ("ignored", "unchecked"):
            continue
        merged[item["uri"]] = Record(
            uri=item["uri"],
            status=item["status"],
            filename=item["filename"],
            lineno=item["lineno"],
            info=str(item.get("info", "")),
            checked=now.isoformat(),
        )
    return merged


def table(records: list[Record]) -> str:
    """Broken and redirected links, worst first, as a plain-text table."""
    rows = sorted(
        (r for r in records if r.status in REPORTED),
        key=lambda r: (r.status == "redirected", r.filename, r.lineno),
    )
    if not rows:
        return "No broken or redirected links."
    lines = [("status", "where", "link", "details")]
    lines += [(r.status, f"{r.filename}:{r.lineno}", r.uri, r.info[:80]) for r in rows]
    widths = [max(len(row[i]) for row in lines) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
        for row in lines
    )


def unreachable(item: dict[str, Any]) -> bool:
    """Whether an external link failed before any server answered (the network, not the link)."""
    return item["status"] in ("broken", "timeout") and bool(UNREACHABLE.search(str(item.get("info", ""))))


def external(item: dict[str, Any]) -> bool:
    return str(item["uri"]).startswith(("http:", "https:"))


def offline(items: list[dict[str, Any]]) -> bool:
    """Whether this run reached no server: some external link was asked, and every one failed unreached.

    Links skipped by the cache say nothing either way. A site whose every external link points at a host
    that no longer exists looks offline too; one link that answers tells the two apart.
    """
    asked = [item for item in items if external(item) and item["status"] not in ("ignored", "unchecked")]
    return bool(asked) and all(unreachable(item) for item in asked)


class ShortUnreachable(stdlib_logging.Filter):
    """Sphinx's line for a link whose host name did not resolve says so in a few words, not urllib3's 300."""

    RAW = re.compile(
        r" - \S*Connection\w*\(host='(?P<host>[^']+)'.*?(?:NameResolutionError|Failed to resolve)[^\x1b]*"
        r"(?P<colour_off>(?:\x1b\[[\d;]*m)*)$"  # Sphinx colours the message: keep the colour's end
    )

    def filter(self, record: stdlib_logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and not record.args:
            record.msg = self.RAW.sub(r" - cannot resolve the host name \g<host>\g<colour_off>", record.msg)
        return True


def quieten_unreachable_lines() -> None:
    sphinx_linkcheck = stdlib_logging.getLogger("sphinx.sphinx.builders.linkcheck")
    if not any(isinstance(f, ShortUnreachable) for f in sphinx_linkcheck.filters):
        sphinx_linkcheck.addFilter(ShortUnreachable())


def now_utc() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def skip_fresh_links(app: Sphinx) -> None:
    if app.builder.name != "linkcheck":
        return
    quieten_unreachable_lines()
    cache = load(Path(app.outdir) / CACHE)
    skipped = fresh(cache, now_utc(), app.config.publication_linkcheck_cache_max_age)
    app.config.linkcheck_ignore = [*app.config.linkcheck_ignore, *(f"^{re.escape(uri)}$" for uri in skipped)]
    if skipped:
        logger.info("linkcheck: %d link(s) worked in the last day and are not asked again", len(skipped))


def report(app: Sphinx, exception: Exception | None) -> None:
    if app.builder.name != "linkcheck" or exception is not None:
        return
    outdir = Path(app.outdir)
    output = outdir / "output.json"
    if not output.is_file():
        return
    items = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    is_offline = offline(items)
    # offline, a link's failure says nothing about the link: remember nothing from this run for it
    kept = [item for item in items if not (is_offline and unreachable(item))]
    cache = merge(load(outdir / CACHE), kept, now_utc())
    (outdir / CACHE).write_text(
        json.dumps({uri: vars(r) for uri, r in sorted(cache.items())}, indent=1) + "\n", encoding="utf-8"
    )
    # links of pages that no longer exist are not the author's concern any more
    current = {(item["filename"], item["uri"]) for item in kept}
    shown = [r for r in cache.values() if (r.filename, r.uri) in current]
    if shown or not is_offline:
        logger.info("\n%s", table(shown))
    marker = outdir / OFFLINE_MARKER
    marker.unlink(missing_ok=True)
    if is_offline:
        unchecked = sum(1 for item in items if unreachable(item))
        logger.info(
            "\nlinkcheck: the network is unreachable (no server answered): %d external link(s) were not "
            "checked; run it again when online",
            unchecked,
        )
        if not any(item["status"] in ("broken", "timeout") for item in kept):
            app.statuscode = EXIT_OFFLINE
            # for nox -s linkcheck, which cannot read a command's exit status (it reports the run as skipped)
            marker.write_text(f"{unchecked}\n", encoding="utf-8")


def resolve_blog_reference(app: Sphinx, env: Any, node: Any, contnode: Any) -> Any:
    """In linkcheck, ``{ref}`` to a page ablog generates is internal: the HTML build writes that page."""
    if app.builder.name != "linkcheck" or "ablog" not in app.extensions:
        return None
    from ablog.blog import Blog

    target = node.get("reftarget")
    references = getattr(Blog(app), "references", None) or {}
    if target not in references:
        return None
    docname, title = references[target]
    link = nodes.reference(
        "", "", internal=True, refuri=app.builder.get_relative_uri(node["refdoc"], docname)
    )
    link += contnode if node.get("refexplicit") else nodes.emphasis("", str(title))
    return link


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_linkcheck_cache_max_age", 24 * 60 * 60, "", types=[int, float])
    app.connect("builder-inited", skip_fresh_links)
    app.connect("missing-reference", resolve_blog_reference, priority=400)  # before ablog's handler
    app.connect("build-finished", report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

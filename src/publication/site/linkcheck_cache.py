"""Link health for ``nox -s linkcheck``: remember good links for a day, and end with a table of the bad.

Sphinx's linkcheck builder asks every external link again on every run, which is slow and hammers the same
hosts. This extension keeps ``cache.json`` beside its report: a link that worked (or redirected) less than
``publication_linkcheck_cache_max_age`` seconds ago is not asked again (Sphinx reports it as ignored); new
links and links that failed are always checked. After the run it prints every broken and redirected link —
from this run and from the cache — with the page and line that holds it, so the author knows what to fix
where.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

CACHE = "cache.json"
#: Statuses worth remembering: the link answered. Broken links and timeouts are asked again every time.
GOOD = ("working", "redirected")
#: Statuses the table lists.
REPORTED = ("broken", "timeout", "redirected")


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


def now_utc() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def skip_fresh_links(app: Sphinx) -> None:
    if app.builder.name != "linkcheck":
        return
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
    cache = merge(load(outdir / CACHE), items, now_utc())
    (outdir / CACHE).write_text(
        json.dumps({uri: vars(r) for uri, r in sorted(cache.items())}, indent=1) + "\n", encoding="utf-8"
    )
    # links of pages that no longer exist are not the author's concern any more
    current = {(item["filename"], item["uri"]) for item in items}
    shown = [r for r in cache.values() if (r.filename, r.uri) in current]
    logger.info("\n%s", table(shown))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("publication_linkcheck_cache_max_age", 24 * 60 * 60, "", types=[int, float])
    app.connect("builder-inited", skip_fresh_links)
    app.connect("build-finished", report)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

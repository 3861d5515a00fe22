"""python -m publication.tools.sitecheck SITE [--only CHECK]... [--show N]: check a built site."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from publication.tools.sitecheck import CHECKS, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publication.tools.sitecheck",
        description="Check a built site: HTML validity, links, images, feeds, accessibility, origins.",
    )
    parser.add_argument("site", type=Path, help="the built HTML folder, e.g. docs/_build/html")
    parser.add_argument("--only", action="append", choices=CHECKS, default=[], help="run only this check")
    parser.add_argument("--show", type=int, default=10, metavar="N", help="problems shown per check")
    parser.add_argument("--base-url", help="the site's address (default: the home page's canonical link)")
    parser.add_argument(
        "--axe-page", action="append", default=[], metavar="PAGE", help="a page for axe (default: four)"
    )
    options = parser.parse_args(argv)
    if not (options.site / "index.html").is_file():
        parser.error(f"{options.site} has no index.html: build the site first (nox -s build)")
    failed = []
    for name in options.only or CHECKS:
        started = time.monotonic()
        (report,) = run(options.site, [name], options.base_url, options.axe_page or None)
        print(report.render(options.show), f"({time.monotonic() - started:.1f} s)", sep="\n     ", flush=True)
        if not report.passed:
            failed.append(report.check)
    print(f"site checks: {'failed: ' + ', '.join(failed) if failed else 'all passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

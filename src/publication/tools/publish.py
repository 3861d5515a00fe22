"""Build the site into a staging folder; publish it only when the whole build succeeds.

``python -m publication.tools.publish SOURCE OUTPUT [sphinx-build options]`` runs sphinx-build into
``<OUTPUT's folder>/.staging/<OUTPUT's name>``, and only if it exits 0 replaces OUTPUT with a copy of it.
A failed build (a warning under ``-W``, an exception) or an interrupted one (killed mid-write) leaves the
previous OUTPUT whole. After a failure the environment is discarded, so the next build reads every page
again and reports every problem again, instead of building only what changed and passing.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from sphinx.cmd.build import build_main

#: Written into the staging folder while a build runs; left there only by a build that did not finish.
UNFINISHED = ".publication-unfinished"
#: What Sphinx leaves in its output for its own next build, not for readers: its build record (a dotfile
#: with the configuration's hash) and the folder of page sources, empty with ``html_copy_source = False``.
NOT_PUBLISHED = (UNFINISHED, ".buildinfo", "_sources")


def staging_for(output: Path) -> Path:
    return output.parent / ".staging" / output.name


def publish(built: Path, output: Path) -> None:
    """Replace ``output`` with a copy of ``built``, never leaving a half-copied ``output`` behind."""
    fresh = output.with_name(output.name + ".new")
    previous = output.with_name(output.name + ".old")
    for leftover in (fresh, previous):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, fresh, ignore=shutil.ignore_patterns(*NOT_PUBLISHED))
    if output.exists():
        output.rename(previous)
    fresh.rename(output)
    shutil.rmtree(previous, ignore_errors=True)


def doctree_dir(options: list[str]) -> Path | None:
    for flag in ("-d", "--doctree-dir"):
        if flag in options and options.index(flag) + 1 < len(options):
            return Path(options[options.index(flag) + 1])
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publication.tools.publish", description=__doc__.splitlines()[0]
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    args, options = parser.parse_known_args(argv)
    staging = staging_for(args.output)
    marker = staging / UNFINISHED
    if marker.exists():
        # the last build stopped mid-write: its pages may be cut short, but are newer than their sources
        shutil.rmtree(staging)
    staging.mkdir(parents=True, exist_ok=True)
    marker.touch()
    status = build_main([*options, str(args.source), str(staging)])
    if status != 0:
        doctrees = doctree_dir(options)
        if doctrees is not None:
            (doctrees / "environment.pickle").unlink(missing_ok=True)
        print(f"\nThe build failed: {args.output} was left as it was.", file=sys.stderr)
        return status
    marker.unlink()
    publish(staging, args.output)
    print(f"Published the site to {args.output}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

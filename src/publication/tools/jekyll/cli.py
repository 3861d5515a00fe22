"""``publication-import-jekyll SOURCE... [--to docs/posts]``: move Jekyll posts onto the publication."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .accounting import Accounting, account, summary_lines
from .assets import Assets
from .convert import Entry, convert, digest_of, plan, recorded_digest
from .frontmatter import FrontMatterError
from .notebooks import as_markdown, find_embed, notebook_file, unreadable
from .report import Finding, PostReport

POST_SUFFIXES = (".md", ".markdown", ".mkd", ".mkdn", ".mdown", ".html")


@dataclass
class Source:
    """A post file and the Jekyll site it belongs to (if it is inside one)."""

    path: Path
    site_root: Path | None
    config: dict[str, Any]


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)  # edited since the last import, not overwritten
    skipped: list[Finding] = field(default_factory=list)
    reports: list[PostReport] = field(default_factory=list)
    accountings: list[Accounting] = field(default_factory=list)  # each post checked against its source
    copied: int = 0


def read_config(root: Path, outcome: Outcome) -> dict[str, Any]:
    path = root / "_config.yml"
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        mark = getattr(error, "problem_mark", None)
        outcome.skipped.append(
            Finding(path, mark.line + 1 if mark else 1, f"_config.yml not read ({error}); using defaults")
        )
        return {}
    return data if isinstance(data, dict) else {}


def site_root_of(path: Path) -> Path | None:
    for parent in path.resolve().parents:
        if parent.name == "_posts":
            return parent.parent
        if (parent / "_config.yml").is_file():
            return parent
    return None


def collect(arguments: list[Path], outcome: Outcome) -> list[Source]:
    """The post files named on the command line: Jekyll site folders' _posts/, folders, files."""
    sources: list[Source] = []
    configs: dict[Path, dict[str, Any]] = {}

    def config_of(root: Path | None) -> dict[str, Any]:
        if root is None:
            return {}
        if root not in configs:
            configs[root] = read_config(root, outcome)
        return configs[root]

    for argument in arguments:
        if argument.is_dir():
            posts = argument / "_posts"
            root = argument.resolve() if posts.is_dir() else site_root_of(argument / "x")
            folder = posts if posts.is_dir() else argument
            files = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in POST_SUFFIXES)
            sources += [Source(p, root, config_of(root)) for p in files]
        elif argument.is_file():
            root = site_root_of(argument)
            sources.append(Source(argument, root, config_of(root)))
        else:
            outcome.skipped.append(Finding(argument, 1, "no such file or folder"))
    return sources


def decode(path: Path) -> str:
    """The text of a post; raise FrontMatterError at the line of the first byte that is not UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FrontMatterError(
            line, f"not UTF-8 text (byte {data[error.start]:#04x}); convert it first"
        ) from error


def label_of(source: Source) -> str:
    if source.site_root is not None:
        try:
            return source.path.resolve().relative_to(source.site_root).as_posix()
        except ValueError:
            pass
    return source.path.as_posix()


def run(arguments: list[Path], posts_dir: Path, *, force: bool = False, site_url: str = "") -> Outcome:
    """Import every post; write nothing over a post edited since it was imported unless ``force``."""
    outcome = Outcome()
    entries: list[tuple[Entry, Source]] = []
    targets: dict[Path, Entry] = {}
    for source in collect(arguments, outcome):
        try:
            text = decode(source.path)
            entry = plan(source.path, label_of(source), text, source.config, posts_dir)
        except FrontMatterError as error:
            outcome.skipped.append(Finding(source.path, error.line, str(error)))
            continue
        except OSError as error:
            outcome.skipped.append(Finding(source.path, 1, f"cannot be read: {error}"))
            continue
        embed = find_embed(entry.post.body)
        notebook = notebook_file(source.site_root, embed.path) if embed is not None else None
        if notebook is not None and unreadable(notebook) is None:
            entry.target = entry.target.with_suffix(".ipynb")
        if entry.target in targets:
            first = targets[entry.target].label
            outcome.skipped.append(Finding(source.path, 1, f"same year and name as {first}: {entry.target}"))
            continue
        targets[entry.target] = entry
        entries.append((entry, source))
    srcdir = posts_dir.parent
    index: dict[str, Any] = {"names": {}, "urls": {}, "pages": set()}
    for entry, _ in entries:
        index["names"][entry.source.stem] = entry.target
        index["pages"].add(entry.target.relative_to(srcdir).with_suffix("").as_posix())
        for url in entry.urls:
            index["urls"][url] = entry.target
    claimed: dict[str, str] = {}
    for entry, source in entries:
        assets = Assets(source.site_root, srcdir, site_url or str(source.config.get("url") or ""))
        text, report = convert(entry, assets, source.config, index)
        outcome.copied += len(assets.copied)
        readable = as_markdown(text) if entry.target.suffix == ".ipynb" else text
        for name in _redirects_of(readable):
            if name in claimed:
                report.keep(1, f"old address {name} is also {claimed[name]}'s: redirected there")
            claimed.setdefault(name, entry.label)
        outcome.reports.append(report)
        liquid = entry.post.data.get("render_with_liquid") is not False
        body, first_line = entry.post.body, entry.post.body_line
        outcome.accountings.append(
            account(Path(entry.label), body, first_line, text, report, liquid=liquid, target=entry.target)
        )
        write(entry.target, text, force, outcome)
    return outcome


def _redirects_of(text: str) -> list[str]:
    for line in text.split("\n"):
        if line.startswith("redirect: "):
            return [name.strip() for name in yaml.safe_load(line[len("redirect: ") :]).split(",")]
    return []


def write(target: Path, text: str, force: bool, outcome: Outcome) -> None:
    if target.is_file():
        existing = target.read_text(encoding="utf-8")
        if existing == text:
            outcome.unchanged.append(target)
            return
        if recorded_digest(existing) != digest_of(existing) and not force:
            outcome.kept.append(target)
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    outcome.written.append(target)


def summary(outcome: Outcome, posts_dir: Path) -> str:
    """What a reader of the terminal needs: counts, then every construct not converted, with file:line."""
    converted: Counter[str] = Counter()
    for report in outcome.reports:
        converted.update(report.converted)
    unconverted = [finding for report in outcome.reports for finding in report.unconverted]
    lines = [
        f"Jekyll import into {posts_dir}: {len(outcome.reports)} posts converted, "
        f"{len(outcome.written)} written, "
        f"{len(outcome.unchanged)} unchanged, {len(outcome.kept)} kept (edited since imported), "
        f"{len(outcome.skipped)} skipped; {outcome.copied} files copied.",
    ]
    if converted:
        lines.append("Converted:")
        width = max(len(name) for name in converted)
        lines += [f"  {name:<{width}}  {count}" for name, count in sorted(converted.items())]
    if unconverted:
        lines.append(f"Not converted, kept as text or as it was ({len(unconverted)}):")
        lines += [f"  {finding}" for finding in unconverted]
    if outcome.kept:
        lines.append("Kept, edited since imported (--force replaces them):")
        lines += [f"  {path}" for path in outcome.kept]
    if outcome.skipped:
        lines.append(f"Skipped ({len(outcome.skipped)}):")
        lines += [f"  {finding}" for finding in outcome.skipped]
    lines += summary_lines(outcome.accountings)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="publication-import-jekyll",
        description="Import Jekyll posts as MyST posts, with redirects from their old URLs.",
    )
    parser.add_argument(
        "sources", nargs="+", type=Path, help="Jekyll site folders (with _posts/) or post files"
    )
    parser.add_argument(
        "--to", type=Path, default=Path("docs/posts"), help="posts folder (default docs/posts)"
    )
    parser.add_argument("--force", action="store_true", help="replace posts edited since they were imported")
    parser.add_argument(
        "--site-url", default="", help="the old site's address, for links to pages not imported"
    )
    parser.add_argument(
        "--allow-loss",
        action="store_true",
        help="exit with status 0 even when the accounting finds something lost without a word",
    )
    args = parser.parse_args(argv)
    outcome = run(args.sources, args.to, force=args.force, site_url=args.site_url)
    print(summary(outcome, args.to))
    # a silent loss fails like a skipped post: a script or CI running the import must not miss either
    lost = any(accounting.silent for accounting in outcome.accountings) and not args.allow_loss
    return 1 if outcome.skipped or lost else 0


if __name__ == "__main__":
    sys.exit(main())

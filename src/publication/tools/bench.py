"""``nox -s bench -- --posts N``: build a synthetic blog of N posts with the project's configuration, timed.

The blog is the real site (docs/: conf.py, pages, templates, static files) with its posts replaced by N
generated ones: prose in paragraphs and lists, headings, a code block, display and inline math, 2–3 tags
of 30, one category of 5, dates over ten years, and 3 citations from a 200-entry bibliography with a
per-post bibliography. It is built the way ``nox -s build`` builds (``-n -W --keep-going``) and measured:

- full build (fresh output and environment), no-change rebuild, one-post edit, new post;
- wall time (median of ``--repeat`` runs), peak memory (max RSS) of the build process, pages written; a
  no-change rebuild is timed three times in a row (:data:`NO_CHANGE_RUNS`), by every generator, and the
  median kept;
- the same posts built by the yardsticks of :mod:`publication.tools.bench_others` (a stock minima Jekyll
  blog, a Jekyll blog with archives and a sidebar, a bare Hugo site) when installed, and the ratios;
- save to served: seconds from saving an edited post to a server serving its new text, for this project's
  preview (``publication-preview``), ``jekyll serve --incremental`` and ``hugo server`` (``--no-serve``
  leaves it out);
- what the home page, a synthetic post and the site's own posts weigh, gzipped with what they load.

The result prints as a table, as JSON (``--json FILE`` writes it too) and as README's Markdown table. A
yardstick that cannot run is named with the reason and left out of the ratios. Nothing here asserts a
time: the benchmark is the record; tests only check that it runs and reports.
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publication.tools import bench_others as others
from publication.tools import page_weight

WORDS = [
    "generalization",
    "network",
    "gradient",
    "descent",
    "minima",
    "flat",
    "sharp",
    "loss",
    "landscape",
    "capacity",
    "parameters",
    "training",
    "data",
    "labels",
    "random",
    "noise",
    "bound",
    "complexity",
    "information",
    "bottleneck",
    "compression",
    "representation",
    "layer",
    "width",
    "depth",
    "kernel",
    "regime",
    "feature",
    "learning",
    "implicit",
    "bias",
    "regularization",
    "margin",
    "norm",
    "stability",
    "sample",
    "error",
    "risk",
    "empirical",
    "population",
    "distribution",
    "prior",
    "posterior",
    "description",
    "length",
    "optimization",
    "step",
    "batch",
    "size",
    "learning",
    "rate",
    "curvature",
    "hessian",
    "eigenvalue",
    "spectrum",
    "memorization",
    "interpolation",
    "double",
    "descent",
    "overparameterized",
    "model",
    "theory",
    "experiment",
    "evidence",
    "argument",
    "claim",
    "result",
]
TAGS = [f"topic-{i:02d}" for i in range(30)]
CATEGORIES = ["Research", "Notes", "Reviews", "Tutorials", "Essays"]
BIB_ENTRIES = 200


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 5) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def post_text(index: int, rng: random.Random, start: float, span: float) -> tuple[str, str]:
    """(relative path, Markdown) of synthetic post number ``index``: about 800 words."""
    moment = time.gmtime(start + span * rng.random())
    year = moment.tm_year
    slug = f"post-{index:05d}"
    tags = rng.sample(TAGS, rng.randint(2, 3))
    keys = rng.sample(range(BIB_ENTRIES), 3)
    body = [
        "---",
        f"title: Synthetic post {index}",
        f"date: {time.strftime('%Y-%m-%d %H:%M:%S', moment)} +00:00",
        f"tags: [{', '.join(tags)}]",
        f"category: {rng.choice(CATEGORIES)}",
        f"description: {sentence(rng)}",
        "---",
        "",
        paragraph(rng) + f" {{footcite:p}}`ref{keys[0]:03d}`",
        "",
        "## Background",
        "",
        paragraph(rng, 7),
        "",
        *(f"- {sentence(rng)}" for _ in range(4)),
        "",
        paragraph(rng, 6) + f" As {{footcite:t}}`ref{keys[1]:03d}` show, $\\mathcal{{L}}(\\theta) \\ge 0$.",
        "",
        "$$",
        "\\mathcal{L}(\\theta) = \\frac{1}{n} \\sum_{i=1}^{n} \\ell(f_\\theta(x_i), y_i)",
        "$$",
        "",
        "## Method",
        "",
        paragraph(rng, 7),
        "",
        "```python",
        "def loss(model, batch):",
        "    inputs, labels = batch",
        "    return cross_entropy(model(inputs), labels).mean()",
        "```",
        "",
        paragraph(rng, 8) + f" {{footcite:p}}`ref{keys[2]:03d}`",
        "",
        "## Discussion",
        "",
        paragraph(rng, 8),
        "",
        paragraph(rng, 6),
        "",
        "## References",
        "",
        "```{footbibliography}",
        "```",
        "",
    ]
    return f"posts/{year}/{slug}.md", "\n".join(body)


def bibliography(rng: random.Random) -> str:
    entries = []
    for i in range(BIB_ENTRIES):
        authors = " and ".join(
            f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS).capitalize()}" for _ in range(2)
        )
        entries.append(
            f"@article{{ref{i:03d},\n  author = {{{authors}}},\n  title = {{{sentence(rng)[:-1]}}},\n"
            f"  journal = {{Journal of {rng.choice(WORDS).capitalize()}}},\n  year = {{{2000 + i % 24}}},\n"
            f"  doi = {{10.0000/synthetic.{i:03d}}},\n}}\n"
        )
    return "\n".join(entries)


def make_site(docs: Path, target: Path, posts: int, seed: int = 1) -> Path:
    """A copy of the site in ``docs`` whose posts are ``posts`` synthetic ones; returns its source folder."""
    source = target / "docs"
    shutil.copytree(
        docs, source, ignore=shutil.ignore_patterns("_build")
    )  # its own posts stay: pages cite them
    rng = random.Random(seed)
    for path, text in synthetic_posts(posts, rng):
        (source / path).parent.mkdir(parents=True, exist_ok=True)
        (source / path).write_text(text, encoding="utf-8")
    # conf.py reads ../refs.bib: the site's own entries, then the synthetic ones
    own = (docs.parent / "refs.bib").read_text(encoding="utf-8")
    (target / "refs.bib").write_text(own + "\n" + bibliography(rng), encoding="utf-8")
    return source


def synthetic_posts(posts: int, rng: random.Random) -> list[tuple[str, str]]:
    """(path, Markdown) of each synthetic post, the same for every generator measured."""
    start, span = time.mktime((2014, 1, 1, 0, 0, 0, 0, 0, 0)), 10 * 365.25 * 24 * 3600
    return [post_text(index, rng, start, span) for index in range(posts)]


@dataclass
class Run:
    seconds: float
    peak_mib: float
    pages_written: int
    exit_code: int
    errors: str = ""  # what a failed build printed


#: No-change rebuilds timed in a row, of which the median is kept: the shortest build is the one this
#: machine's minute-to-minute noise swings most (1.6-2.6 s for the same 2 s of work), and a run again costs
#: seconds. Every generator's no-change rebuild is timed so.
NO_CHANGE_RUNS = 3


def median_run(runs: list[Run]) -> Run:
    """The run of median wall time (of an odd number of runs; the faster middle one of an even number)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


def no_change_runs(run: Callable[[], Run]) -> Run:
    """The median of :data:`NO_CHANGE_RUNS` runs of a build that has nothing to do; a failed one if any."""
    runs = [run() for _ in range(NO_CHANGE_RUNS)]
    failed = [each for each in runs if each.exit_code != 0]
    return failed[0] if failed else median_run(runs)


def run_measured(command: list[str], html: Path, cwd: Path | None = None, quiet: bool = False) -> Run:
    """Run a build command in a fresh process: its wall time, peak memory, and the pages it wrote.

    A failed build's output is printed, unless ``quiet`` (a yardstick's failure is reported by its caller).
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("READTHEDOCS")}
    began = time.time()
    errors = ""
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=environ, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)  # the rusage of this child alone
        seconds = time.perf_counter() - start
        if status != 0:
            output.seek(0)
            errors = output.read().decode(errors="replace")
            if not quiet:
                print(errors, file=sys.stderr)
    written = sum(1 for page in html.rglob("*.html") if page.stat().st_mtime >= began) if html.is_dir() else 0
    return Run(seconds, usage.ru_maxrss / 1024, written, os.waitstatus_to_exitcode(status), errors)


def build(source: Path, out: Path, *extra: str) -> Run:
    """One strict build, as `nox -s build` runs Sphinx; timed and measured."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going", "-j", "auto", "-q"]
    command += ["-d", str(out / "doctrees"), str(source), str(out / "html"), *extra]
    return run_measured(command, out / "html")


def touch_post(source: Path) -> None:
    """Edit one post's text (not its title, date or tags), as an author fixing a sentence would."""
    posts = sorted((source / "posts").rglob("post-*.md"))
    post = posts[len(posts) // 2]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("## Method", "An added sentence.\n\n## Method", 1), encoding="utf-8")


def add_post(source: Path, index: int) -> None:
    path, text = post_text(index, random.Random(index), time.time() - 86400, 1.0)
    (source / path).parent.mkdir(parents=True, exist_ok=True)
    (source / path).write_text(text, encoding="utf-8")


def weigh_pages(html: Path) -> dict[str, int]:
    """Gzipped bytes of the home page, the first synthetic post and the site's own posts, with their files."""
    synthetic = sorted(html.glob("posts/*/post-*.html"))[:1]
    own = [page for page in sorted(html.glob("posts/*/*.html")) if not page.name.startswith("post-")]
    pages = ["index.html"] + [page.relative_to(html).as_posix() for page in synthetic + own]
    return {page: int(page_weight.weigh(html, page)["total"]) for page in pages}


def preview_server(docs: Path, folder: Path, posts: int) -> others.Server | None:
    """This project's preview (publication-preview) of the synthetic blog, when the package has one."""
    if importlib.util.find_spec("publication.tools.preview") is None:
        return None
    source = make_site(docs, folder, posts)
    post = sorted((source / "posts").rglob("post-*.md"))[posts // 2]
    page = "/" + post.relative_to(source).with_suffix(".html").as_posix()
    command = [sys.executable, "-m", "publication.tools.preview", str(source), str(folder / "preview")]
    command += ["--doctrees", str(folder / "doctrees"), "--no-code-reload"]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("READTHEDOCS")}
    return others.Server(
        "preview", lambda port: [*command, "--port", str(port)], folder, post, lambda: page, environ
    )


def measure_servers(docs: Path, posts: int, summary: dict[str, object]) -> None:
    """Save-to-served seconds (median of the edits) of this project's preview and the others' servers."""
    servers: dict[str, Callable[[Path], others.Server | None]] = {
        "preview": lambda folder: preview_server(docs, folder, posts)
    }
    for name, make in others.available_servers().items():
        servers[name] = lambda folder, make=make: make(folder, synthetic_posts(posts, random.Random(1)))
    served: dict[str, object] = {}
    for name, make in servers.items():
        with tempfile.TemporaryDirectory(prefix=f"publication-bench-serve-{name}-") as folder:
            server = make(Path(folder))
            if server is None:
                served[name] = "publication.tools.preview is not in this version of the package"
                continue
            try:
                seconds = others.save_to_served(server)
            except others.Unavailable as reason:
                served[name] = str(reason)
            else:
                served[name] = {
                    "seconds": round(statistics.median(seconds), 3),
                    "each": [round(s, 3) for s in seconds],
                }
    summary["save to served"] = served


def measure(docs: Path, posts: int, repeat: int, serve: bool = True) -> dict[str, object]:
    results: dict[str, list[Run]] = {"full": [], "no change": [], "one-post edit": [], "new post": []}
    unavailable = others.missing()
    for attempt in range(repeat):
        with tempfile.TemporaryDirectory(prefix="publication-bench-") as folder:
            source = make_site(docs, Path(folder), posts)
            out = Path(folder) / "build"
            results["full"].append(build(source, out))
            weights = weigh_pages(out / "html")
            results["no change"].append(no_change_runs(functools.partial(build, source, out)))
            touch_post(source)
            results["one-post edit"].append(build(source, out))
            add_post(source, posts + attempt)
            results["new post"].append(build(source, out))
        for name, generator in others.available().items():
            if name in unavailable:
                continue
            with tempfile.TemporaryDirectory(prefix=f"publication-bench-{name}-") as folder:
                try:
                    runs = generator(Path(folder), synthetic_posts(posts, random.Random(1)))
                except others.Unavailable as reason:
                    unavailable[name] = str(reason)
                    continue
                for kind, run in runs.items():
                    results.setdefault(f"{name} {kind}", []).append(run)
    summary: dict[str, object] = {"posts": posts, "repeat": repeat, "page weight": weights}
    for name, runs in results.items():
        summary[name] = {
            "seconds": round(statistics.median(r.seconds for r in runs), 2),
            "peak_mib": round(max(r.peak_mib for r in runs), 1),
            "pages_written": int(statistics.median(r.pages_written for r in runs)),
            "exit_code": max(r.exit_code for r in runs),
        }
    summary["unavailable"] = unavailable
    summary["versions"] = {
        name: others.version(others.PROGRAMS[name]) for name in others.NAMES if name not in unavailable
    }
    if serve:
        measure_servers(docs, posts, summary)
    return summary


def ratio(ours: float, theirs: float | None) -> str:
    """How many times this project's time is the other's ("" when there is nothing to compare)."""
    if not theirs:
        return ""
    times = ours / theirs
    if times >= 0.095:
        return f"{times:.1f}×"
    return f"{times:.2f}×" if times >= 0.005 else "<0.01×"  # 0.04 s over 1.00 s is not "0.0×"


def table(summary: dict[str, object]) -> str:
    lines = [f"{summary['posts']} posts, median of {summary['repeat']} run(s)", ""]
    lines.append(f"{'build':<28}{'seconds':>9}{'peak MiB':>10}{'pages written':>15}{'exit':>6}{'ratio':>8}")
    rows = {name: row for name, row in summary.items() if isinstance(row, dict) and "seconds" in row}
    for name, row in rows.items():
        # the same kind of build by this project, over the other generator's: how many times slower
        kind = name.split(" ", 1)[1] if name.startswith(others.NAMES) else ""
        ours = rows.get(kind)
        times = ratio(ours["seconds"], row["seconds"]) if ours else ""
        lines.append(
            f"{name:<28}{row['seconds']:>9.2f}{row['peak_mib']:>10.1f}{row['pages_written']:>15}"
            f"{row['exit_code']:>6}{times:>8}"
        )
    if "full" in rows:
        lines += [
            "",
            f"peak memory (max RSS) of this project's full build: {rows['full']['peak_mib']:.0f} MiB",
        ]
    served = summary.get("save to served", {})
    if served:
        lines += ["", "save to served (seconds from saving an edited post to its new text being served)"]
        for name, row in served.items():
            shown = (
                f"{row['seconds']:.2f} s (each: {', '.join(f'{s:.2f}' for s in row['each'])})"
                if isinstance(row, dict)
                else f"not measured: {row}"
            )
            lines.append(f"  {name:<10}{shown}")
    for name, reason in summary.get("unavailable", {}).items():
        lines.append(f"({others.LABELS[name]}: not measured, so no ratio: {reason})")
    lines += ["", "page weight (HTML, CSS, JS, fonts; gzipped)"]
    for page, size in summary["page weight"].items():
        lines.append(f"  {size / 1024:5.1f} KiB  {page}")
    return "\n".join(lines)


KINDS = ("full", "no change", "one-post edit", "new post")


def markdown_table(summaries: list[dict[str, Any]]) -> str:
    """The results as README's performance table: this project's builds, each yardstick with its ratio, and
    save-to-served times; a yardstick that did not run is left blank, with why under the table."""
    versions: dict[str, str] = {}
    for summary in summaries:
        versions.update({name: v for name, v in summary.get("versions", {}).items() if v})
    heads = [f"{others.LABELS[name]} {versions.get(name, '')}".strip() for name in others.NAMES]
    lines = [
        "| posts | build | this site | pages written | peak memory | "
        + " | ".join(f"{head} | ratio" for head in heads)
        + " |",
        "|---|---|---|---|---|" + "---|---|" * len(heads),
    ]
    notes: dict[str, str] = {}
    for summary in summaries:
        posts = f"{summary['posts']:,}"
        for kind in KINDS:
            row = summary.get(kind)
            if not isinstance(row, dict):
                continue
            cells = [
                posts,
                kind,
                f"{row['seconds']:.1f} s",
                f"{row['pages_written']:,}",
                f"{row['peak_mib']:.0f} MiB",
            ]
            for name in others.NAMES:
                theirs = summary.get(f"{name} {kind}")
                if isinstance(theirs, dict) and not theirs.get("exit_code"):
                    cells += [f"{theirs['seconds']:.1f} s", ratio(row["seconds"], theirs["seconds"])]
                else:
                    cells += ["", ""]
            lines.append("| " + " | ".join(cells) + " |")
        served = summary.get("save to served", {})
        ours = served.get("preview")
        cells = [
            posts,
            "save to served",
            f"{ours['seconds']:.2f} s" if isinstance(ours, dict) else "",
            "",
            "",
        ]
        for name in others.NAMES:
            # the servers: jekyll serve --incremental runs the stock minima blog; hugo server the bare site
            theirs = served.get({"minima": "jekyll", "jekyll": "", "hugo": "hugo"}[name])
            if isinstance(theirs, dict):
                cells += [
                    f"{theirs['seconds']:.2f} s",
                    ratio(ours["seconds"], theirs["seconds"]) if isinstance(ours, dict) else "",
                ]
            else:
                cells += ["", ""]
        if served:
            lines.append("| " + " | ".join(cells) + " |")
        for name, reason in {
            **summary.get("unavailable", {}),
            **{f"{n} server": r for n, r in served.items() if isinstance(r, str)},
        }.items():
            notes[name] = reason
    lines += [""] + [f"Not measured: {name}: {reason}." for name, reason in notes.items()]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="nox -s bench --", description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100], help="blog sizes to build (100 1000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each size; the median is reported")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the site whose configuration to use")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--no-serve", dest="serve", action="store_false", help="leave out the save-to-served measurements"
    )
    args = parser.parse_args(argv)
    summaries = []
    for posts in args.posts:
        summary = measure(args.docs.resolve(), posts, args.repeat, serve=args.serve)
        summaries.append(summary)
        print(table(summary), end="\n\n", flush=True)
    print(json.dumps(summaries, indent=1))
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=1) + "\n", encoding="utf-8")
    print("\nFor README's performance table:\n")
    print(markdown_table(summaries))
    # only this project's builds fail the benchmark: a yardstick that cannot run is reported above
    failed = any(summary[kind]["exit_code"] for summary in summaries for kind in KINDS)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

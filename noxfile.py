"""Sessions that build, preview, check and test the publication. `nox -l` lists them."""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

nox.options.sessions = ["lint", "tests", "build"]
nox.options.reuse_venv = "yes"
nox.needs_version = ">=2025.2.9"

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")


def install(session: nox.Session, *groups: str) -> None:
    """Install the project (which brings the Sphinx stack) and the named dependency groups."""
    session.install("-e", ".")
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))


def install_axe(session: nox.Session) -> None:
    """axe-core's current axe.min.js, from axe-playwright-python without Playwright: Selenium drives the
    browser, so only the script is needed (axe-selenium-python's axe-core is from 2018)."""
    session.install("--no-deps", "axe-playwright-python>=0.1.8")


def sphinx_options(builder: str, doctrees: str = "doctrees") -> list[str]:
    return [
        "-b",
        builder,
        "-n",  # nitpicky: every reference must resolve
        "-W",  # warnings are errors
        "--keep-going",  # ... but report all of them in one run
        "-d",
        str(BUILD / doctrees),  # doctrees outside the published folder
    ]


def sphinx(session: nox.Session, builder: str) -> None:
    session.run("sphinx-build", *sphinx_options(builder), str(DOCS), str(BUILD / builder), *session.posargs)


def publish(session: nox.Session, *options: str) -> None:
    """Build docs/_build/html through its staging folder (python -m publication.tools.publish)."""
    session.run(
        "python",
        "-m",
        "publication.tools.publish",
        str(DOCS),
        str(BUILD / "html"),
        *options,
        # on Ctrl-C nox sends SIGTERM after 0.3 s and SIGKILL 0.2 s later; the build stops by itself, but
        # first finishes putting a site in place if it has begun to, which may take longer
        interrupt_timeout=10,
    )


@nox.session
def build(session: nox.Session) -> None:
    """Build the site into docs/_build/html, strictly; a failed build leaves the last good site in place."""
    install(session)
    publish(session, *sphinx_options("html"), *session.posargs)


@nox.session
def preview(session: nox.Session) -> None:
    """Serve the site with its drafts on http://127.0.0.1:8000, rebuilding on every save."""
    install(session, "preview")
    session.run(
        "sphinx-autobuild",
        "--watch",
        str(ROOT / "refs.bib"),
        "--watch",
        str(ROOT / "src"),
        *sphinx_options("html", doctrees="doctrees-preview"),
        "-D",
        "publication_show_drafts=1",  # drafts and future posts, marked as such; never in docs/_build/html
        str(DOCS),
        str(BUILD / "preview"),
        *session.posargs,
    )


@nox.session
def screenshots(session: nox.Session) -> None:
    """Build the site, then picture it with headless Chromium in docs/_build/screenshots, with a PDF print."""
    install(session, "screenshots")
    publish(session, *sphinx_options("html"))
    site = str(BUILD / "html")
    session.run("python", "-m", "publication.tools.screenshots", site, str(BUILD / "screenshots"))


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every external link of the site (needs the internet)."""
    install(session)
    sphinx(session, "linkcheck")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (builds small sites and the real one)."""
    install(session, "test")
    install_axe(session)  # tests/test_sitecheck.py runs axe-core
    session.run("pytest", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Check the built site: HTML validity, links, alt text, feeds, accessibility, other origins."""
    install(session, "check")
    install_axe(session)
    site = BUILD / "html"
    if not (site / "index.html").is_file():  # checks the last build as it is; builds only when there is none
        publish(session, *sphinx_options("html"))
    session.run("python", "-m", "publication.tools.sitecheck", str(site), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style with ruff."""
    install(session, "lint")
    session.run("ruff", "check", "src", "tests", "docs/conf.py", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "docs/conf.py", "noxfile.py")


@nox.session
def new(session: nox.Session) -> None:
    """Start a post as a draft: nox -s new -- "Post title" [--tags "a, b"] [--category C] [--slug S]."""
    install(session)
    session.run("publication-new-post", *(session.posargs or ["--help"]))


@nox.session(name="import-jekyll")
def import_jekyll(session: nox.Session) -> None:
    """Import Jekyll posts: nox -s import-jekyll -- SOURCE... [--to docs/posts] [--force]."""
    install(session)
    session.run("publication-import-jekyll", *(session.posargs or ["--help"]))


@nox.session
def bench(session: nox.Session) -> None:
    """Time builds of a synthetic blog (full, no change, one edit, new post): nox -s bench -- --posts 1000."""
    install(session, "bench")
    session.run(
        "python",
        "-m",
        "publication.tools.bench",
        "--docs",
        str(DOCS),
        *(session.posargs or ["--posts", "100"]),
    )


@nox.session(venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove the built site."""
    shutil.rmtree(BUILD, ignore_errors=True)

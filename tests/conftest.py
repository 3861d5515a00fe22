"""Shared fixtures: Sphinx's testing fixtures, small sites in tests/roots/, and the real site built once."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import ablog.blog
import hypothesis
import pytest

from publication.tools.sitecheck.site import base_url_of

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).parent.parent
ROOTS = Path(__file__).parent / "roots"
DOCS = ROOT / "docs"
#: The publication's content when its tests were written, with docs/conf.py's settings.
PUBLICATION = ROOTS / "test-publication"

# On CI every property test draws the same examples on every run: a submission lands or fails on its code,
# not on the draw. Run locally, the tests keep exploring new examples (and replay the ones that failed).
hypothesis.settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(autouse=True)
def fresh_ablog() -> Iterator[None]:
    """ablog keeps its configuration and posts on a class: each build must start from nothing."""
    ablog.blog.Blog._dict.clear()
    yield
    ablog.blog.Blog._dict.clear()


def skip_or_fail(reason: str | None) -> None:
    """Skip a test whose program (Chromium, Java) is missing, saying how to install it; with
    PUBLICATION_REQUIRE_BROWSER=1 (as .ci/run sets) fail it instead: there, every test must run."""
    if reason:
        if os.environ.get("PUBLICATION_REQUIRE_BROWSER") == "1":
            pytest.fail(f"PUBLICATION_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def clean_environ(**extra: str) -> dict[str, str]:
    """This process's environment without Read the Docs' variables and without colour.

    Sphinx colours its output when CI=true (as on the CI machine); tests read that output as text.
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("READTHEDOCS")}
    environ.pop("FORCE_COLOR", None)
    environ.pop("FORCE_COLOUR", None)
    environ.update(NO_COLOR="1", **extra)
    return environ


def sphinx_build(
    source: Path, out: Path, *extra: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run sphinx-build as `nox -s build` does (strict), in a fresh process."""
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-n", "-W", "--keep-going"]
    command += ["-d", str(out / ".doctrees"), str(source), str(out / "html"), *extra]
    return subprocess.run(
        command, capture_output=True, text=True, env=clean_environ(**(env or {})), check=False
    )


def copy_site(source: Path, target: Path) -> Path:
    """Copy a site's sources (docs/ or a test root) so a test may change them."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("_build"))
    return target


@pytest.fixture(scope="session")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The publication itself (docs/, whatever its posts), built strictly, once per test session; returns the
    HTML folder. Only tests/test_real_site.py reads it, for what holds for any content."""
    out = tmp_path_factory.mktemp("site")
    result = sphinx_build(DOCS, out, "-j", "auto")  # as nox -s build runs it
    assert result.returncode == 0, result.stderr
    return out / "html"


@pytest.fixture(scope="session")
def publication_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-publication (the publication's content when its tests were written, with the
    settings of docs/conf.py), built strictly once per test session; returns the HTML folder."""
    out = tmp_path_factory.mktemp("publication")
    result = sphinx_build(PUBLICATION, out)
    assert result.returncode == 0, result.stderr
    return out / "html"


@pytest.fixture(scope="session")
def publication_base(publication_site: Path) -> str:
    """The address the test root was built for: docs/conf.py's, whatever the author made it."""
    return base_url_of(publication_site)


@pytest.fixture(scope="session")
def blog_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-blog built strictly, once per test session; returns the HTML folder."""
    out = tmp_path_factory.mktemp("blog")
    result = sphinx_build(ROOTS / "test-blog", out)
    assert result.returncode == 0, result.stderr
    return out / "html"


@pytest.fixture(scope="session")
def reading_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-reading (citations, footnotes; no comments configured), built once."""
    out = tmp_path_factory.mktemp("reading")
    result = sphinx_build(ROOTS / "test-reading", out)
    assert result.returncode == 0, result.stderr
    return out / "html"


#: giscus settings for tests, given on the command line as `nox -s build -- -D ...` would.
GISCUS = {
    "repo": "example/reading",
    "repo_id": "R_kgDOTest",
    "category": "Comments",
    "category_id": "DIC_kwDOTest",
}


def giscus_overrides(**settings: str) -> list[str]:
    """sphinx-build arguments that turn on giscus comments with the given settings."""
    arguments = ["-D", "publication_comments_provider=giscus"]
    for key, value in settings.items():
        arguments += ["-D", f"publication_giscus.{key}={value}"]
    return arguments


@pytest.fixture(scope="session")
def comments_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/roots/test-reading with giscus comments configured, built once."""
    out = tmp_path_factory.mktemp("comments")
    result = sphinx_build(ROOTS / "test-reading", out, *giscus_overrides(**GISCUS))
    assert result.returncode == 0, result.stderr
    return out / "html"

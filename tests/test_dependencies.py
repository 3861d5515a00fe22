"""uv.lock: in step with pyproject.toml, exported to requirements/ unchanged, and what is installed."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from publication.shared import patching
from test_patches import all_patches

ROOT = Path(__file__).parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCK = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
#: Packages whose internals publication patches: pyproject.toml must bound them above.
PATCHED = {
    "sphinx",
    "ablog",
    "myst-parser",
    "sphinxcontrib-bibtex",
    "pybtex",
    "furo",
    "sphinxext-opengraph",
    "myst-nb",
    "pyyaml",
    "soupsieve",
}


def group_requirements(name: str) -> list[Requirement]:
    found = []
    for item in PYPROJECT["dependency-groups"][name]:
        found += group_requirements(item["include-group"]) if isinstance(item, dict) else [Requirement(item)]
    return found


def declared() -> list[Requirement]:
    """Every requirement of pyproject.toml: the project's and every dependency group's."""
    requirements = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
    for group in PYPROJECT["dependency-groups"]:
        requirements += group_requirements(group)
    return requirements


def applies(package: dict) -> bool:
    """Whether a locked package is the one for this Python (uv.lock forks some by Python version)."""
    markers = package.get("resolution-markers")
    return not markers or any(Marker(marker).evaluate() for marker in markers)


def locked_versions() -> dict[str, str]:
    """This interpreter's locked version of every package, by canonical name."""
    return {
        canonicalize_name(package["name"]): package["version"]
        for package in LOCK["package"]
        if "version" in package and package.get("source", {}).get("editable") is None and applies(package)
    }


def test_every_requirement_is_locked_within_its_range() -> None:
    locked = locked_versions()
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement} is not in uv.lock: run nox -s lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"uv.lock has {name} {locked[name]}, outside {requirement}: run nox -s lock"
        )


def test_the_lock_was_made_from_this_pyproject() -> None:
    """The requirements uv.lock records for the project are pyproject.toml's, as `uv lock --check` sees."""
    (project,) = [package for package in LOCK["package"] if package["name"] == PYPROJECT["project"]["name"]]

    def normal(requirement: Requirement) -> tuple[str, str, str]:
        return canonicalize_name(requirement.name), str(requirement.specifier), str(requirement.marker)

    recorded = {normal(Requirement(_pep508(entry))) for entry in project["metadata"]["requires-dist"]}
    assert recorded == {normal(Requirement(text)) for text in PYPROJECT["project"]["dependencies"]}
    if shutil.which("uv"):
        result = subprocess.run(
            ["uv", "lock", "--check", "--offline"], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr


def _pep508(entry: dict) -> str:
    text = entry["name"] + entry.get("specifier", "")
    return f"{text}; {entry['marker']}" if "marker" in entry else text


def test_patched_packages_are_bounded_above() -> None:
    """A new major or minor release of a package we patch reaches the lock only through a change here."""
    requirements = {
        canonicalize_name(r.name): r for r in map(Requirement, PYPROJECT["project"]["dependencies"])
    }
    for name in PATCHED:
        assert any(spec.operator == "<" for spec in requirements[name].specifier), (
            f"{name} has no upper bound"
        )
    assert {canonicalize_name(guard.package) for guard in all_patches().values()} <= PATCHED


@pytest.mark.parametrize("export", sorted((ROOT / "requirements").glob("*.txt")), ids=lambda path: path.name)
def test_exported_requirements_pin_the_locked_versions(export: Path) -> None:
    """requirements/*.txt (for machines without uv) pin what uv.lock pins, for every Python it locks for."""
    locked = {(canonicalize_name(p["name"]), p.get("version")) for p in LOCK["package"]}
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", export.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert pins
    for name, version in pins:
        assert (canonicalize_name(name), version) in locked, f"{export.name}: {name}=={version} is not locked"


@pytest.mark.skipif(
    os.environ.get("PUBLICATION_UPSTREAM") == "1", reason="nox -s upstream: newest, on purpose"
)
def test_installed_versions_are_the_locked_ones() -> None:
    """What the tests run with is what uv.lock pins, for every package a patch is written against."""
    locked = locked_versions()
    for name in sorted(PATCHED | {g.package for g in patching.REGISTRY.values()}):
        installed, pinned = importlib.metadata.version(name), locked[canonicalize_name(name)]
        assert installed == pinned, (
            f"{name} {installed} is installed, uv.lock has {pinned}: run any nox session"
        )

"""publication.shared.patching: a patch whose target moved, or whose package is outside the versions it was
written for, stops the build with one sentence naming the package and version; every patch is registered."""

from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import publication
from publication.shared import patching
from publication.shared.patching import DeferredImport, Patch, PatchError, TemplateOverride

#: What the package patches (issue 12): each must be declared, so that it is checked before it is applied.
EXPECTED = {
    "ablog.blog.TOMORROW",
    "ablog.blog.FUTURE",
    "ablog.post.generate_archive_pages",
    "myst_parser.mdit_to_docutils.base.make_document",
    "yaml.safe_load",
    "pybtex.plugin.entry_points",
    "pybtex.style.formatting.BaseStyle.format_entry",
    "sphinx.search.IndexBuilder.prune",
    "sphinx.builders.html.StandaloneHTMLBuilder.get_outdated_docs",
    "sphinx.builders.html.StandaloneHTMLBuilder.finish",
    "sphinx.builders.pickle",
    "sphinx._cli.util.errors.handle_exception",
    "furo's page.html",
    "furo's search.html",
    "the import of myst_nb.core.execute.cache",
    "the import of myst_nb.core.execute.direct",
    "the import of myst_nb.core.execute.inline",
}


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict:
    """A registry of the test's own, so the patches declared here leave the package's untouched."""
    own: dict = {}
    monkeypatch.setattr(patching, "REGISTRY", own)
    return own


def all_patches() -> dict:
    """Every module of the package imported, so that every patch it declares is in the registry."""
    package = Path(publication.__file__).parent  # its folders have no __init__.py: pkgutil would not see them
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        importlib.import_module(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return dict(patching.REGISTRY)


def test_every_patch_site_is_registered() -> None:
    assert set(all_patches()) >= EXPECTED


def test_every_registered_patch_holds_for_the_installed_versions() -> None:
    for target, guard in all_patches().items():
        guard.check()  # raises PatchError, naming the package and version, if one does not
        assert guard.retire, f"{target} does not say when it can be removed"


def test_a_target_that_moved_is_one_sentence(registry: dict) -> None:
    version = importlib.metadata.version("ablog")
    guard = Patch(
        owner="ablog.blog",
        name="TOMORROW_MOVED",
        package="ablog",
        versions=f"=={version}",
        retire="never",
        where="tests/test_patches.py",
    )
    with pytest.raises(PatchError) as raised:
        guard.apply(object())
    sentence = str(raised.value)
    assert f"ablog {version} has no ablog.blog.TOMORROW_MOVED" in sentence
    assert sentence.count(". ") == 0 and "\n" not in sentence
    assert not hasattr(importlib.import_module("ablog.blog"), "TOMORROW_MOVED")  # nothing was assigned
    assert registry["ablog.blog.TOMORROW_MOVED"] is guard


def test_a_missing_owner_is_one_sentence(registry: dict) -> None:
    guard = Patch(
        owner="sphinx.search:IndexBuilderMoved",
        name="prune",
        package="sphinx",
        versions=">=1",
        retire="never",
        where="tests/test_patches.py",
    )
    with pytest.raises(PatchError, match=r"sphinx \S+ has no sphinx\.search\.IndexBuilderMoved"):
        guard.check()


def test_a_version_outside_the_range_is_one_sentence(registry: dict) -> None:
    version = importlib.metadata.version("sphinx")
    guard = Patch(
        owner="sphinx.search:IndexBuilder",
        name="prune",
        package="sphinx",
        versions=f"<{version}",
        retire="sphinx-doc/sphinx#0",
        where="tests/test_patches.py",
    )
    original = importlib.import_module("sphinx.search").IndexBuilder.prune
    with pytest.raises(PatchError) as raised:
        guard.apply(lambda *args: None)
    assert importlib.import_module("sphinx.search").IndexBuilder.prune is original
    assert str(raised.value) == (
        f"publication's patch of sphinx.search.IndexBuilder.prune was written for sphinx <{version}, but "
        f"sphinx {version} is installed: install the locked versions (any nox session does, or uv sync "
        "--locked), or review tests/test_patches.py, which says when the patch can go (sphinx-doc/sphinx#0)"
    )


def test_a_template_without_its_block_is_one_sentence(registry: dict) -> None:
    guard = TemplateOverride(
        package="furo",
        versions=">=2000",
        retire="never",
        where="tests/test_patches.py",
        folder="theme/furo",
        template="page.html",
        blocks=("content", "no_such_block"),
    )
    with pytest.raises(PatchError, match=r"page\.html in furo \S+ has no block no_such_block:"):
        guard.check()


@pytest.fixture
def slow_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A package whose __init__ imports a class from a module that notes in a list each time it is run."""
    name = f"slow_package_{tmp_path.name.replace('-', '_')}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("from .heavy import Client\nRUNS = []\n", encoding="utf-8")
    (folder / "heavy.py").write_text(
        textwrap.dedent(
            f"""
            import {name}
            getattr({name}, "RUNS", []).append("heavy")
            LOADED = True

            class Client:
                def __init__(self, value):
                    self.value = value * 2
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(patching, "installed_version", lambda package: "1.0")
    yield name
    for module in [m for m in sys.modules if m.split(".")[0] == name]:
        del sys.modules[module]


def deferred(module: str, *names: str, package: str = "slow") -> DeferredImport:
    return DeferredImport(module=module, names=names, package=package, versions=">=1", retire="-", where="-")


def test_a_deferred_module_runs_at_its_first_call_then_is_itself(registry: dict, slow_package: str) -> None:
    guard = deferred(f"{slow_package}.heavy", "Client")
    assert guard.install()
    package = importlib.import_module(slow_package)
    assert package.RUNS == [] and isinstance(sys.modules[guard.module], patching._StandIn)
    assert package.Client(21).value == 42
    assert package.RUNS == ["heavy"]
    assert sys.modules[guard.module].LOADED and type(sys.modules[guard.module]) is type(package)
    assert package.Client(1).value == 2 and package.RUNS == ["heavy"]  # imported once
    assert not guard.install()  # the package is imported: nothing to stand in for


def test_a_deferred_top_level_module_is_checked_again_while_it_stands_in(
    registry: dict, slow_package: str
) -> None:
    """A second application in the process (the preview's, after conf.py changed) checks the guard again
    with the stand-in in sys.modules, which has no import spec of its own."""
    guard = deferred(slow_package, "helper")
    package_file = Path(importlib.util.find_spec(slow_package).origin)
    package_file.write_text(package_file.read_text(encoding="utf-8") + "\ndef helper():\n    return 7\n")
    assert guard.install()
    assert isinstance(sys.modules[slow_package], patching._StandIn)
    guard.check()  # found on the path, not through the stand-in
    assert guard.install()  # already standing in: nothing more to do, and no error
    assert sys.modules[slow_package].helper() == 7
    assert not isinstance(sys.modules[slow_package], patching._StandIn)


def test_asking_a_deferred_module_for_anything_else_imports_it(registry: dict, slow_package: str) -> None:
    guard = deferred(f"{slow_package}.heavy", "Client")
    guard.install()
    stand_in = sys.modules[guard.module]
    assert stand_in.LOADED is True
    assert sys.modules[guard.module] is not stand_in


@pytest.mark.parametrize(
    ("module", "names", "problem"),
    [
        ("myst_nb.core.execute.moved", ("NotebookClientCache",), "myst-nb \\S+ has no module myst_nb.core"),
        ("myst_nb.core.execute.cache", ("Renamed",), "cache in myst-nb \\S+ defines no Renamed:"),
    ],
)
def test_a_deferred_import_whose_target_moved_is_one_sentence(
    registry: dict, module: str, names: tuple[str, ...], problem: str
) -> None:
    guard = deferred(module, *names, package="myst-nb")
    with pytest.raises(PatchError, match=problem):
        guard.install()
    assert module not in sys.modules or not isinstance(sys.modules[module], patching._StandIn)


def test_sphinx_build_stops_with_the_sentence_alone(tmp_path: Path) -> None:
    """Through sphinx-build, a failed check is the sentence and a non-zero exit, not Sphinx's crash report."""
    (tmp_path / "moved_target.py").write_text(
        textwrap.dedent(
            """
            from publication.shared.patching import Patch

            GUARD = Patch(owner="ablog.blog", name="TOMORROW", package="ablog", versions="<0.1",
                          retire="never", where="moved_target")

            def setup(app):
                GUARD.apply(None)
            """
        ),
        encoding="utf-8",
    )
    (tmp_path / "conf.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nextensions = ['moved_target']\n", encoding="utf-8"
    )
    (tmp_path / "index.rst").write_text("Title\n=====\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", str(tmp_path), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(
        "publication's patch of ablog.blog.TOMORROW was written for ablog <0.1, but ablog "
    )
    assert "Traceback" not in result.stderr + result.stdout


front_matter_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.dates(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=12), front_matter_values, max_size=6))
def test_myst_reads_front_matter_with_libyaml_as_it_did_without(front: dict) -> None:
    """publication.site.myst_patches makes yaml.safe_load use libyaml (ten times faster): the same values."""
    import yaml

    from publication.site.myst_patches import safe_load_with_libyaml

    written = yaml.safe_dump(front, allow_unicode=True)
    assert safe_load_with_libyaml(written) == yaml.load(written, Loader=yaml.SafeLoader)


@pytest.mark.parametrize("broken", ["title: [unclosed\n", "a: b: c\n", "- list\nkey: value\n", "\t: tab\n"])
def test_myst_s_malformed_yaml_is_still_a_yaml_error_with_libyaml(broken: str) -> None:
    """MyST warns "Malformed YAML" on yaml.YAMLError: libyaml raises that kind too."""
    import yaml

    from publication.site.myst_patches import safe_load_with_libyaml

    with pytest.raises(yaml.YAMLError):
        yaml.load(broken, Loader=yaml.SafeLoader)
    with pytest.raises(yaml.YAMLError):
        safe_load_with_libyaml(broken)

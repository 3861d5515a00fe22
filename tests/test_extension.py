"""The package is one Sphinx extension, "publication", that sets up its concerns in one documented order."""

from __future__ import annotations

import ast
import re
import runpy
from pathlib import Path

import publication
from conftest import DOCS, ROOTS

SITE = Path(publication.__file__).parent / "site"


def concern_modules() -> set[str]:
    """The modules under publication/site that are Sphinx extensions (they define setup)."""
    found = set()
    for path in SITE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "setup" for node in tree.body):
            found.add(path.stem)
    return found


def test_setup_loads_every_concern_and_says_its_version(make_app, tmp_path: Path) -> None:
    (tmp_path / "conf.py").write_text('extensions = ["publication", "myst_parser"]\n', encoding="utf-8")
    (tmp_path / "index.md").write_text("# Home\n", encoding="utf-8")
    app = make_app("html", srcdir=tmp_path)
    loaded = app.extensions["publication"]
    assert loaded.version == publication.__version__
    assert app.registry.get_envversion(app)["publication"] == publication.ENV_VERSION
    for concern in concern_modules():
        # set up directly by publication.setup, or by a concern it sets up (files, markup, reading_time...)
        assert f"publication.site.{concern}" in app.extensions, concern


def test_every_concern_with_events_is_in_the_documented_order() -> None:
    """publication.CONCERNS lists each module that is set up for its own sake; the rest are helpers."""
    helpers = {"files", "markup", "reading_time", "posts", "assets"}  # set up by the concern that uses them
    assert set(publication.CONCERNS) | helpers >= concern_modules()
    assert len(publication.CONCERNS) == len(set(publication.CONCERNS))


def test_the_priority_table_names_every_priority_we_set() -> None:
    """Every handler connected with an explicit priority is a row of the table in publication's docstring."""
    table = publication.__doc__
    for path in SITE.glob("*.py"):
        for match in re.finditer(r'app\.connect\("([\w-]+)", (\w+), priority=(\d+)\)', path.read_text()):
            event, handler, priority = match.groups()
            row = re.compile(rf"^{re.escape(event)}\s+{priority}\s+.*\b{re.escape(handler)}\b", re.MULTILINE)
            multi = re.compile(rf"^{re.escape(event)}\s+{priority}\s+.*\b{path.stem}\b", re.MULTILINE)
            assert row.search(table) or multi.search(table), (path.name, event, handler, priority)


def test_sites_and_test_roots_load_one_extension() -> None:
    for conf in [DOCS / "conf.py", *ROOTS.glob("*/conf.py")]:
        extensions = runpy.run_path(str(conf)).get("extensions")
        if extensions is None:
            continue
        ours = [name for name in extensions if name.split(".")[0] == "publication"]
        assert ours == ["publication"], conf


def test_our_settings_all_start_with_publication() -> None:
    """None borrows another package's prefix (sitemap_*, linkcheck_*, giscus, blog_*)."""
    names = []
    for path in SITE.glob("*.py"):
        names += re.findall(r'add_config_value\(\s*"(\w+)"', path.read_text(encoding="utf-8"))
    assert names
    assert [name for name in names if not name.startswith("publication_")] == []


def test_applications_in_one_process_leave_sphinxs_defaults_alone(make_app, tmp_path: Path) -> None:
    """The package adds its templates and static files to each site's paths, not to Sphinx's default lists,
    which every later application of the process (the preview's next one, a plain Sphinx site) starts from."""
    site, plain = tmp_path / "site", tmp_path / "plain"
    for folder, extensions in ((site, '["publication", "myst_parser"]'), (plain, "[]")):
        folder.mkdir()
        (folder / "conf.py").write_text(f"extensions = {extensions}\n", encoding="utf-8")
        (folder / "index.rst").write_text("Home\n====\n", encoding="utf-8")
    first, second = (make_app("html", srcdir=site, builddir=tmp_path / name) for name in ("one", "two"))
    assert first.config.templates_path == second.config.templates_path
    assert len(second.config.templates_path) == len(set(second.config.templates_path)) == 1
    assert len(second.config.html_static_path) >= 1
    other = make_app("html", srcdir=plain, builddir=tmp_path / "three")
    assert other.config.templates_path == [] and other.config.html_static_path == []

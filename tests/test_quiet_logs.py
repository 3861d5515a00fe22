"""A build's output carries what an author needs: no 1,000-character dump of MyST's configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import sphinx_build


@pytest.fixture
def site(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        'extensions = ["publication", "myst_parser"]\nhtml_baseurl = "https://example.org/"\n',
        encoding="utf-8",
    )
    (source / "index.md").write_text("# Home\n\nText.\n", encoding="utf-8")
    return source


def test_a_build_prints_no_myst_configuration(site: Path, tmp_path: Path) -> None:
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "build succeeded" in result.stdout  # the output is there, only the dump is not
    assert "MdParserConfig" not in result.stdout + result.stderr
    assert "myst v" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) < 200


def test_sphinx_build_v_still_shows_it(site: Path, tmp_path: Path) -> None:
    """The filter drops that one line, only when not asked for more: -v shows MyST's configuration."""
    result = sphinx_build(site, tmp_path / "out", "-v")
    assert result.returncode == 0, result.stderr
    assert "myst v" in result.stdout and "MdParserConfig(" in result.stdout


def test_myst_warnings_still_come_through(site: Path, tmp_path: Path) -> None:
    (site / "index.md").write_text("# Home\n\n[a missing page](missing.md)\n", encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode == 1
    assert "myst.xref_missing" in result.stderr


def test_a_notebook_site_prints_no_myst_nb_configuration(site: Path, tmp_path: Path) -> None:
    conf = site / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('"myst_parser"', '"myst_nb"'), encoding="utf-8")
    result = sphinx_build(site, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "NbParserConfig" not in result.stdout + result.stderr
    assert "MdParserConfig" not in result.stdout + result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) < 200
    verbose = sphinx_build(site, tmp_path / "verbose", "-v")
    assert "NbParserConfig(" in verbose.stdout

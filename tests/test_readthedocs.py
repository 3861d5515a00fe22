"""Read the Docs builds the same site, with its own canonical URL everywhere (docs/conf.py's settings, built
here on tests/roots/test-publication)."""

from __future__ import annotations

from pathlib import Path

import feedparser
import yaml

from conftest import PUBLICATION, ROOT, sphinx_build
from helpers import pages, soup

RTD_URL = "https://example.readthedocs.io/en/latest/"


def test_config_builds_docs_conf_strictly() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["sphinx"] == {"configuration": "docs/conf.py", "fail_on_warning": True}
    assert config["build"]["os"] and config["build"]["tools"]["python"]
    # the project and exactly the locked versions, into the environment Read the Docs builds with
    steps = config["build"]["jobs"]["install"]
    assert any("uv sync --locked" in step and "READTHEDOCS_VIRTUALENV_PATH" in step for step in steps)
    assert (ROOT / "uv.lock").is_file()


def test_a_read_the_docs_build_uses_its_canonical_url(tmp_path: Path) -> None:
    env = {
        "READTHEDOCS": "True",
        "READTHEDOCS_CANONICAL_URL": RTD_URL,
        "READTHEDOCS_VERSION": "latest",
        "READTHEDOCS_PROJECT": "example",
        "READTHEDOCS_OUTPUT": str(tmp_path / "rtd"),
    }
    result = sphinx_build(PUBLICATION, tmp_path, env=env)  # the publication's settings, its posts of the day
    assert result.returncode == 0, result.stderr
    html = tmp_path / "html"
    for page in pages(html):
        head = soup(page).head
        assert head.select_one('link[rel="canonical"]')["href"] == RTD_URL + str(page.relative_to(html))
        for alternate in head.select('link[rel="alternate"]'):
            assert alternate["href"].startswith(RTD_URL), page
    for name in ("feed.xml", "blog/rss.xml", "blog/tag/flat-minima/atom.xml"):
        feed = feedparser.parse((html / name).read_bytes())
        assert feed.entries and all(entry.link.startswith(RTD_URL) for entry in feed.entries)
        assert all(entry.id.startswith(RTD_URL) for entry in feed.entries)
    atom = feedparser.parse((html / "feed.xml").read_bytes())
    assert any(link.href == RTD_URL + "blog/atom.xml" for link in atom.feed.links if link.rel == "self")

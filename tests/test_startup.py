"""Modules no build uses are imported when first used (publication.site.startup), and work when they are."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import clean_environ
from test_sphinx_speedups import write_site


def probe(script: str) -> list:
    """Run ``script`` in a fresh Python process; what it printed last, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=clean_environ(), check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


#: After a build in the same process: which modules were imported, then a CSS selector (soupsieve's work).
PROBE = """
import json, sys
from sphinx.cmd.build import main
status = main(["-q", "-j", "{jobs}", "-b", "html", "-d", {doctrees!r}, {source!r}, {html!r}])
soupsieve_imported = type(sys.modules.get("soupsieve")).__name__ == "module"
from bs4 import BeautifulSoup
page = BeautifulSoup(open({page!r}, encoding="utf-8").read(), "html.parser")
title = page.select_one("article h1").get_text(strip=True)
print(json.dumps([status, soupsieve_imported, "bs4" in sys.modules, title]))
"""


def test_a_build_imports_no_css_selectors_and_they_work_when_used(tmp_path: Path) -> None:
    """soupsieve compiled its grammar at every build's start (0.1 s) for selectors no build uses."""
    site = write_site(tmp_path / "site", pages=3)
    for jobs in ("1", "2"):
        out = tmp_path / f"out-{jobs}"
        script = PROBE.format(
            jobs=jobs,
            doctrees=str(out / "doctrees"),
            source=str(site),
            html=str(out / "html"),
            page=str(out / "html/pages/page-1.html"),
        )
        status, soupsieve_imported, bs4_imported, title = probe(script)
        assert status == 0
        assert bs4_imported and not soupsieve_imported  # BeautifulSoup was loaded (furo), its selectors not
        assert title.startswith("Page 1")  # and a selector, asked for after, works


#: A build, then which of the modules only writing pages needs it imported.
WRITERS_PROBE = """
import json, sys
from sphinx.cmd.build import main
status = main(["-q", "-b", "html", "-d", {doctrees!r}, {source!r}, {html!r}])
print(json.dumps([status, "latex2mathml" in sys.modules]))
"""


def test_a_rebuild_that_writes_no_page_does_not_import_the_math_converter(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", pages=2)
    (site / "pages/page-1.md").write_text("# Page 1\n\nEnergy: {math}`E = mc^2`.\n", encoding="utf-8")
    out = tmp_path / "out"
    script = WRITERS_PROBE.format(doctrees=str(out / "doctrees"), source=str(site), html=str(out / "html"))
    builds = [probe(script) for _ in ("first build", "no change")]
    assert [status for status, _ in builds] == [0, 0]
    # the formula was converted when its page was written, and only then
    assert [converter for _, converter in builds] == [True, False]
    assert "<math" in (out / "html/pages/page-1.html").read_text(encoding="utf-8")

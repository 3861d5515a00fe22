# A plain Sphinx + MyST site for tests/test_linkcheck.py, checked with the publication's linkcheck settings.
import os
import runpy
from pathlib import Path

project = "Test Linkcheck"
extensions = ["publication", "myst_parser"]  # as docs/conf.py
exclude_patterns = ["_build"]
nitpicky = True

# Every linkcheck_* value of docs/conf.py, so the tests follow the real settings. The tests build a copy of
# this folder and name the real docs/conf.py in PUBLICATION_DOCS_CONF; in place, it is three folders up.
_DOCS_CONF = (
    os.environ.get("PUBLICATION_DOCS_CONF") or Path(__file__).resolve().parents[3] / "docs" / "conf.py"
)
globals().update(
    {
        name: value
        for name, value in runpy.run_path(str(_DOCS_CONF)).items()
        if name.startswith(("linkcheck_", "publication_linkcheck_"))
    }
)

# A small blog for tests/test_linkcheck.py: links to ablog's own pages and feed, checked with the
# publication's linkcheck settings, as docs/about.md and docs/index.md link to them.
import os
import runpy
from pathlib import Path

project = "Test Linkcheck Blog"
extensions = ["publication", "myst_parser", "ablog"]  # as docs/conf.py
exclude_patterns = ["_build"]
nitpicky = True
html_theme = "furo"
html_baseurl = "https://blog.example.invalid/"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"

# Every linkcheck_* value of docs/conf.py, as in tests/roots/test-linkcheck/conf.py.
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

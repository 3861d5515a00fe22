# The publication as it was when its tests were written (the 2020 article, the showcase, about, home page),
# frozen here so the tests of the machinery do not change when the author writes, renames or deletes posts.
# tests/test_real_site.py tests the real docs/ by what holds for any publication.
import os
import runpy
from pathlib import Path

# Every setting of docs/conf.py, so the machinery is tested with the site's real configuration. A test that
# builds a copy of this folder names the real docs/conf.py in PUBLICATION_DOCS_CONF; in place, it is three
# folders up.
_DOCS_CONF = Path(
    os.environ.get("PUBLICATION_DOCS_CONF") or Path(__file__).resolve().parents[3] / "docs" / "conf.py"
)
_docs = runpy.run_path(str(_DOCS_CONF))
globals().update({name: value for name, value in _docs.items() if not name.startswith("_")})

# Who wrote the frozen posts and for which publication: the posts name their author by its blog_authors key,
# and the pages were written for this title. The site's own name and authors may change; these do not.
project = "Deep Learning Theory"
author = "The Editors"
html_title = blog_title = project
blog_authors = {"editors": (author, None)}
blog_default_author = "editors"
publication_organization_authors = ["editors"]

# Paths: this folder holds its own refs.bib and _static/ (the images its posts show); the site's style sheet
# and the templates a site overrides are part of its design, not its content, so they come from docs/: the
# layout tests read the stylesheet the site ships, not a copy of it.
bibtex_bibfiles = ["refs.bib"]
templates_path = [str(_DOCS_CONF.parent / path) for path in _docs["templates_path"]]
html_static_path = [
    "_static",
    *(str(_DOCS_CONF.parent / "_static" / name) for name in _docs["html_css_files"]),
]

# An empty blog with the publication's MyST settings: the Jekyll importer's tests import posts into a copy.
project = "Import Test"
author = "Tester"
extensions = [
    "publication",  # ours (src/publication): every concern, in its order
    "myst_nb",  # as docs/conf.py: MyST-NB reads notebook posts (an imported post that embeds a notebook)
    "ablog",
    "sphinxcontrib.bibtex",
]
exclude_patterns = ["_build"]
nitpicky = True
# as docs/conf.py: the importer writes admonitions, definition lists and attributes in these syntaxes
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline", "dollarmath", "amsmath"]
myst_title_to_header = True
myst_heading_anchors = 3
myst_footnote_sort = False
myst_footnote_transition = False
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md", "posts/*/*.ipynb"]
blog_authors = {"editors": ("The Editors", None)}
blog_default_author = "editors"
publication_timezone = "UTC"
bibtex_bibfiles = ["refs.bib"]  # the importer merges imported bibliographies into it
html_theme = "furo"
html_math_renderer = "mathml"  # as docs/conf.py: imported math must convert without a CDN
html_baseurl = "https://blog.example.org/"
# the importer copies images and files into _static/imported/, as it does in docs/
html_static_path = ["_static"]

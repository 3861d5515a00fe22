# A small blog for reading aids: citation and footnote popovers, and comments on one post only.
project = "Reading Test"
author = "Tester"
extensions = [
    "publication",  # ours (src/publication): every concern, in its order
    "myst_parser",
    "ablog",
    "sphinxcontrib.bibtex",
]
exclude_patterns = ["_build"]
nitpicky = True
myst_title_to_header = True
myst_footnote_sort = False
myst_footnote_transition = False
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"
publication_timezone = "UTC"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "unsrt"
bibtex_foot_reference_style = "foot_author_year"
html_theme = "furo"
html_baseurl = "https://reading.example.org/"

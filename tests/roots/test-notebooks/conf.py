# A small blog of notebook posts (MyST-NB): an .ipynb with its front matter in a first raw cell and stored
# outputs (SVG and PNG images, an HTML table, text, math), an .ipynb with its front matter in the notebook's
# metadata, and a MyST Markdown notebook; execution off, as in docs/conf.py.
project = "Notebook Test"
author = "Tester"
extensions = [
    "publication",  # ours (src/publication): every concern, in its order
    "myst_nb",  # MyST-NB: notebooks, and MyST Markdown through myst_parser
    "ablog",
    "sphinxcontrib.bibtex",
]
exclude_patterns = ["_build"]
nitpicky = True
myst_title_to_header = True
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
myst_footnote_sort = False
myst_footnote_transition = False
html_math_renderer = "mathml"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md", "posts/*/*.ipynb"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"
publication_timezone = "UTC"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "unsrt"
bibtex_foot_reference_style = "foot_author_year"
html_theme = "furo"
html_baseurl = "https://notebooks.example.org/"

# A small blog: three published posts in two time zones, a draft and a future-dated post.
project = "Test Blog"
author = "Tester"
extensions = [
    "publication.frontmatter",
    "publication.ablog_patches",
    "publication.theme",
    "publication.feeds",
    "publication.rebuilds",
    "publication.citations",
    "myst_parser",
    "ablog",
    "sphinxcontrib.bibtex",
]
exclude_patterns = ["_build"]
nitpicky = True
myst_title_to_header = True
myst_enable_extensions = ["colon_fence"]
myst_footnote_sort = False
myst_footnote_transition = False
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None), "alan": ("Alan Turing", None)}
blog_default_author = "ada"
blog_timezone = "Europe/Berlin"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "unsrt"
bibtex_foot_reference_style = "foot_author_year"
html_theme = "furo"
html_baseurl = "https://blog.example.org/"
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/blog.html",
        "sidebar/scroll-end.html",
    ]
}

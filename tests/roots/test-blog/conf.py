# A small blog: three published posts in two time zones, a draft and a future-dated post; math, figures,
# margin notes and footnotes in the first; an update and two authors in the second.
project = "Test Blog"
author = "Tester"
extensions = [
    "publication",  # ours (src/publication): every concern, in its order
    "myst_parser",
    "ablog",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "notfound.extension",
]
exclude_patterns = ["_build"]
nitpicky = True
myst_title_to_header = True
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
numfig = True
math_numfig = True
html_math_renderer = "mathml"
ogp_site_url = "https://blog.example.org/"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
publication_sitemap_excludes = ["search.html", "genindex.html", "404.html"]
notfound_urls_prefix = "/"
publication_organization_authors = []
myst_footnote_sort = False
myst_footnote_transition = False
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None), "alan": ("Alan Turing", None)}
blog_default_author = "ada"
publication_timezone = "Europe/Berlin"
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

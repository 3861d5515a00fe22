# A blog with one series of three published parts (two placed by series_order, one by date), a draft and a
# future post in the series, and posts that share tags in different numbers, for related posts.
project = "Series Blog"
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
ogp_site_url = "https://series.example.org/"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
publication_sitemap_excludes = ["search.html", "genindex.html", "404.html"]
notfound_urls_prefix = "/"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"
bibtex_bibfiles = ["refs.bib"]
html_theme = "furo"
html_baseurl = "https://series.example.org/"
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/blog.html",
        "sidebar/scroll-end.html",
    ]
}

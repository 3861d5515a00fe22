# Posts whose front matter is hostile text (markup, script breakers, BibTeX and URL specials) and posts whose
# file names need percent-escapes in an address (tests/test_escaping.py): every listing, head, feed,
# sitemap and .bib must carry their text as text, and lead to them.
project = "Hostile Blog"
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
ogp_site_url = "https://blog.example.org/"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
publication_sitemap_excludes = ["search.html", "genindex.html", "404.html"]
notfound_urls_prefix = "/"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"
publication_posts_per_page = 2  # all posts, "plain" and Ada's posts fill two pages: later pages escape too
bibtex_bibfiles = ["refs.bib"]
html_theme = "furo"
html_static_path = ["_static"]  # where a post's header image is served from
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
# comments/giscus.html prints these as attributes: a hostile "term" must stay one attribute's text
publication_comments_provider = "giscus"
publication_giscus = {
    "repo": "example/hostile",
    "repo_id": "R_kgDOTest",
    "category": "Comments",
    "category_id": "DIC_kwDOTest",
    "mapping": "specific",
    "term": '"><svg onload=alert("giscus")>',
}

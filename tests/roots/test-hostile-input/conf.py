# The smallest blog that runs every output an author's front matter reaches: post pages, listings, feeds,
# JSON-LD and .bib citations; tests/test_hostile_input.py adds one generated post to a copy of it.
project = "Hostile Input"
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
notfound_urls_prefix = "/"
publication_organization_authors = []
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None)}
blog_default_author = "ada"
publication_timezone = "Europe/Berlin"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "unsrt"
bibtex_foot_reference_style = "foot_author_year"
html_theme = "furo"
html_baseurl = "https://blog.example.org/"
# comments on, so `comments: true` reaches the page (the settings tests/conftest.py's GISCUS uses)
publication_comments_provider = "giscus"
publication_giscus = {
    "repo": "example/reading",
    "repo_id": "R_kgDOTest",
    "category": "Comments",
    "category_id": "DIC_kwDOTest",
}

# A blog for tests/test_paging.py: one post here; the tests add ~25 in a copy, so that all posts, a tag,
# a category and an author each fill several pages, and a rarer tag fits on one.
project = "Test Paging"
extensions = ["publication", "myst_parser", "ablog"]  # ours first, as docs/conf.py
exclude_patterns = ["_build"]
nitpicky = True
myst_title_to_header = True
html_theme = "furo"
html_baseurl = "https://paging.example.org/"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {"ada": ("Ada Lovelace", None), "alan": ("Alan Turing", None)}
blog_default_author = "ada"
publication_timezone = "UTC"
publication_sitemap_excludes = ["search.html", "genindex.html", "404.html"]
publication_posts_per_page = 10

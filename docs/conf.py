"""Settings of the publication. Behaviour lives in the ``publication`` package (src/publication)."""

import os
from urllib.parse import urlsplit

from publication.shared.site_url import resolve_site_url

# -- Host ----------------------------------------------------------------------
# Read the Docs sets READTHEDOCS_CANONICAL_URL for each build; elsewhere SITE_URL is the site's address.
SITE_URL = "https://deep-learning-theory.readthedocs.io/en/latest/"
READTHEDOCS = os.environ.get("READTHEDOCS") == "True"

# -- Project -------------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#project-information
project = "Deep Learning Theory"
author = "The Editors"
publication_copyright_holder = author  # footer: © first post's year–newest post's year, author
language = "en"

# -- General -------------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#general-configuration
extensions = [
    "publication",  # ours (src/publication): every concern, in its order
    # third-party
    "myst_nb",  # MyST-NB: notebook posts, and MyST Markdown (it loads myst_parser, with the myst_* settings)
    "ablog",
    "sphinxcontrib.bibtex",
    "sphinxext.opengraph",
    "notfound.extension",
]
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
numfig = True  # figures, tables and equations are numbered; {numref} and {eq} cite the numbers
numfig_format = {
    "figure": "Figure %s",
    "table": "Table %s",
    "code-block": "Listing %s",
    "section": "Section %s",
}
math_numfig = True
suppress_warnings = []

# -- MyST ----------------------------------------------------------------------
# https://myst-parser.readthedocs.io/en/latest/configuration.html
myst_enable_extensions = ["colon_fence", "deflist", "attrs_block", "attrs_inline", "dollarmath", "amsmath"]
myst_title_to_header = True  # a post's title may live only in its front matter
myst_heading_anchors = 3
# keep each post's bibliography (footnotes to sphinxcontrib-bibtex) under its References heading
myst_footnote_sort = False
myst_footnote_transition = False

# -- ABlog ---------------------------------------------------------------------
# https://ablog.readthedocs.io/en/stable/manual/ablog-configuration-options.html
blog_title = project
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md", "posts/*/*.ipynb"]
blog_authors = {"editors": (author, None)}
blog_default_author = "editors"
publication_timezone = "UTC"  # for post dates written without a UTC offset
blog_feed_subtitle = "Essays on why deep networks generalize."
post_date_format = "%d %B %Y"
post_date_format_short = "%d %b %Y"
post_auto_excerpt = 1
blog_feed_length = 30  # the newest posts, in full; readers keep what they already fetched
post_show_prev_next = False  # furo's footer shows the previous and next post instead

# -- Notebooks -----------------------------------------------------------------
# https://myst-nb.readthedocs.io/en/latest/configuration.html (publication.site.notebooks sets nb_execution_*)
publication_execute_notebooks = False  # True: run notebook posts when building, cached; False: stored outputs

# -- BibTeX --------------------------------------------------------------------
# https://sphinxcontrib-bibtex.readthedocs.io/en/latest/usage.html#configuration
bibtex_bibfiles = ["../refs.bib"]
bibtex_default_style = "unsrt"
bibtex_foot_reference_style = "foot_author_year"  # publication.site.citations

# -- HTML ----------------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-html-output
html_theme = "furo"
html_title = project
html_baseurl = resolve_site_url(os.environ, SITE_URL)
html_static_path = ["_static"]
html_css_files = ["publication.css"]
html_favicon = "_static/favicon.svg"
html_permalinks_icon = "#"
html_show_sourcelink = False
html_copy_source = False  # the Markdown sources are not part of the published site
html_last_updated_fmt = None
html_math_renderer = "mathml"  # publication.site.mathml: MathML at build time, nothing from a CDN
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/blog.html",
        "sidebar/scroll-end.html",
    ]
}
html_theme_options = {
    "top_of_page_buttons": [],
}

# -- Scholarly metadata --------------------------------------------------------
# README.md "Citing and sharing"; publication.site.scholarly
publication_organization_authors = ["editors"]  # blog_authors that are not persons (cited as written)
publication_license = "CC-BY-4.0"  # an SPDX id: every footer, the metadata and the feeds name it
publication_people = {}  # blog_authors key -> {"orcid": "0000-...", "affiliation": "..."}

# -- Open Graph ----------------------------------------------------------------
# https://sphinxext-opengraph.readthedocs.io/en/latest/#options
ogp_site_url = html_baseurl
ogp_enable_meta_description = False  # publication.site.theme writes each page's description
ogp_social_cards = {"enable": False}  # posts bring their own image; cards would need matplotlib

# -- Sitemap and 404 page ------------------------------------------------------
# publication.site.crawlers (sitemap.xml, robots.txt)
publication_sitemap_excludes = ["search.html", "genindex.html", "404.html"]
# https://sphinx-notfound-page.readthedocs.io/en/latest/configuration.html
notfound_urls_prefix = urlsplit(html_baseurl).path  # 404 page links work at any depth
notfound_context = {
    "title": "Page not found",
    "body": "<h1>Page not found</h1><p>Nothing lives at this address. The post may have moved: see "
    f'<a href="{notfound_urls_prefix}blog.html">all posts</a> or the '
    f'<a href="{notfound_urls_prefix}index.html">home page</a>, or search the site.</p>',
}

# -- Comments ------------------------------------------------------------------
# https://giscus.app (publication.site.comments; README.md, "Comments", says how to turn them on)
# No provider: no page has comment markup. With "giscus", posts with `comments: true` offer a button
# that loads giscus, and `publication_giscus` needs "repo", "repo_id", "category" and "category_id".
publication_comments_provider = None
publication_giscus = {}

# -- Linkcheck -----------------------------------------------------------------
# https://www.sphinx-doc.org/en/master/usage/configuration.html#options-for-the-linkcheck-builder
linkcheck_timeout = 15
linkcheck_retries = 2
linkcheck_rate_limit_timeout = 60
linkcheck_report_timeouts_as_broken = True
publication_linkcheck_cache_max_age = (
    24 * 60 * 60
)  # publication.site.linkcheck_cache: links that worked today are not asked again
linkcheck_workers = 5  # fewer requests at once to any one host
linkcheck_anchors = False  # YouTube and arXiv build their pages with scripts

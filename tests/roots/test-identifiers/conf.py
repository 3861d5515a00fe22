# Persistent identifiers and a licence (publication.site.identifiers): two persons with ORCID iDs (one
# written as its address, one ending in X), an affiliation with characters HTML and BibTeX treat specially,
# an organisation with an affiliation but no iD, a post with a DOI written as its address, one with a DOI
# full of punctuation, and one without; a Creative Commons licence other than the site's own.
project = "Identifier Test Blog"
author = "Ada & Alan"
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
ogp_site_url = "https://ids.example.org/"
ogp_enable_meta_description = False
ogp_social_cards = {"enable": False}
notfound_urls_prefix = "/"
blog_path = "blog"
blog_post_pattern = ["posts/*/*.md"]
blog_authors = {
    "ada": ("Ada Lovelace", None),
    "alan": ("Alan Turing", "https://alan.example.org/"),
    "editors": ("The Editors", None),
}
blog_default_author = "ada"
publication_organization_authors = ["editors"]
publication_copyright_holder = author
publication_license = "CC-BY-SA-4.0"
publication_people = {
    "ada": {"orcid": "0000-0002-1825-0097", "affiliation": "Analytical <Engines> & Sons {Ltd} 100%"},
    "alan": {"orcid": "https://orcid.org/0000-0002-1694-233X"},
    "editors": {"affiliation": "The Identifier Society"},
}
bibtex_bibfiles = ["refs.bib"]
html_theme = "furo"
html_baseurl = "https://ids.example.org/"

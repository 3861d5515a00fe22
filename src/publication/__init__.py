"""A Sphinx extension that makes a MyST + ablog + sphinxcontrib-bibtex + furo project a research blog.

A site loads it as one extension, ahead of the third-party ones it builds on::

    extensions = ["publication", "myst_parser", "ablog", "sphinxcontrib.bibtex", ...]

The package is laid out by who uses each part:

* ``publication.site``: what a site loads, one module per concern, wired by :func:`setup` below;
* ``publication.tools``: what a person runs (``publish``, ``new_post``, ``jekyll`` import, ``sitecheck``,
  ``bench``, ``screenshots``, ``page_weight``);
* ``publication.shared``: helpers both use (the site's address, the headless browser).

Event priorities (Sphinx runs lower numbers first; 500 is the default, ablog's own handlers included):

=====================  ========  ==============================================  ============================
event                  priority  handler                                         why there
=====================  ========  ==============================================  ============================
config-inited          50        config.check_ablog_settings, check_own_...      before ablog refuses them
config-inited          100       ablog_patches.keep_ablog_templates_out          before ablog reads the flag
config-inited          600       drafts.hold_back_drafts                         after ablog matched posts
transform (doctree)    790       frontmatter.NormaliseFrontMatter                before ablog's (800)
doctree-read           900       ablog_patches.drop_post_doctree_copies          after ablog's process_posts
env-get-updated        900       numbering.hand_numbers_to_sphinx                after Sphinx numbered
doctree-resolved       550       series.add_series_box                           after theme's byline (500)
doctree-resolved       600       theme.unlink_excerpt_citations                  after ablog's postlists
doctree-resolved       900       theme.mark_bare_urls                            after every link is added
missing-reference      400       feeds.resolve_feed_reference                    before ablog's handler
missing-reference      400       linkcheck.resolve_blog_reference                before ablog's handler
html-page-context      100       navigation.share                                before any handler replaces
html-page-context      300       theme.archive_title                             before furo names the page
html-page-context      350       paging.number_the_title                         after archive_title made it
html-page-context      400       scholarly.add_metadata                          before sphinxext-opengraph
html-page-context      900       search_scripts, unused_styles, notebooks        after every page's assets
build-finished         100       rebuilds.delete_removed_pages                   before sitemap and feeds
build-finished         800       minify.minify_at_the_end                        after files are copied
build-finished         900       crawlers.write_sitemap_and_robots               after removed pages went
build-finished         990       files.keep_times_of_unchanged_files             after every writer
build-finished         1000      garbage_collection.unfreeze_at_the_end          after every other handler
=====================  ========  ==============================================  ============================
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx

__version__ = "0.1.0"

#: Bumped when what the package keeps in Sphinx's environment changes shape: an older environment is then
#: read again from the sources instead of being trusted.
ENV_VERSION = 6

#: The concern modules under ``publication.site``, in the order they are set up. Order matters only where
#: two handlers share an event and a priority; the table above lists every place where it does not.
CONCERNS = (
    "quiet_logs",  # MyST's configuration dump left out of the build log
    "garbage_collection",  # cycles collected rarely; not while the environment loads, in workers, at the end
    "startup",  # modules no build uses imported when first used (first: before others import them)
    "parallel",  # sphinx-build -j reads in few chunks, and serially when few documents changed
    "config",  # publication_* settings checked, renamed ones named
    "frontmatter",  # each post's front matter read, checked and normalised once
    "identifiers",  # DOI, ORCID iDs and affiliations, the licence
    "ablog_patches",  # every change to ablog's behaviour, guarded
    "drafts",  # drafts and future posts held back from the published site
    "sources",  # unreadable, empty or untitled post files named
    "sphinx_speedups",  # Sphinx's per-page work done once per build
    "navigation",  # furo's navigation tree rendered once per folder for pages outside it
    "theme",  # byline, previous/next, descriptions, listings in furo
    "paging",  # all posts and each tag, category and author listed in numbered pages
    "series",  # multi-part essays: "Part k of n", a page per series
    "related_posts",  # up to three related posts at the end of each post
    "feeds",  # Atom, RSS and JSON Feed
    "notebooks",  # .ipynb and MyST Markdown notebook posts (MyST-NB): front matter, execution, outputs
    "rebuilds",  # incremental builds equal to clean ones
    "citations",  # author-year footnote citations, refs.bib problems named
    "scholarly",  # Highwire, JSON-LD, Open Graph, "Cite this post"
    "copyright",  # the footer's years from the first and newest post
    "crawlers",  # sitemap.xml and robots.txt
    "not_found",  # the 404 page's links and styles work on any host
    "mathml",  # math as MathML at build time
    "margin_notes",
    "numbering",  # figures, tables and equations numbered per post
    "linkcheck",  # only external links asked, good ones once a day; offline told from broken
    "copy_buttons",
    "search_scripts",
    "minify",
    "unused_styles",
    "myst_patches",
    "popovers",
    "comments",
)


def setup(app: Sphinx) -> dict[str, Any]:
    for concern in CONCERNS:
        app.setup_extension(f"publication.site.{concern}")
    return {
        "version": __version__,
        "env_version": ENV_VERSION,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }

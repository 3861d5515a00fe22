"""Sphinx extensions that make a MyST + ablog + sphinxcontrib-bibtex + furo project a research blog.

Each module is an extension of its own, listed in ``docs/conf.py``:

* :mod:`publication.frontmatter` checks and normalises post front matter;
* :mod:`publication.ablog_patches` holds every change made to ablog's behaviour;
* :mod:`publication.theme` fits posts into furo's pages;
* :mod:`publication.feeds` writes Atom and RSS feeds;
* :mod:`publication.rebuilds` keeps incremental builds equal to clean ones.
"""

__version__ = "0.1.0"

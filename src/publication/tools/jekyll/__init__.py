"""Move a Jekyll blog onto the publication: ``publication-import-jekyll`` (``nox -s import-jekyll``).

One module per concern: ``source`` reads a Jekyll site and its posts, ``frontmatter`` maps front matter,
``liquid`` renders the Liquid a post uses, ``kramdown`` and ``html`` turn kramdown and HTML into MyST,
``assets`` copies the images a post uses, ``urls`` computes the old addresses that must keep answering,
``convert`` chains them for one post and ``cli`` is the command.
"""

"""Where the site lives: the base of every canonical link, feed URL and absolute link.

Read the Docs tells each build its canonical URL (``READTHEDOCS_CANONICAL_URL``, which differs for
versions and pull-request previews); anywhere else the URL configured in ``docs/conf.py`` is used.
"""

from __future__ import annotations

from collections.abc import Mapping


def resolve_site_url(environ: Mapping[str, str], configured: str) -> str:
    """The site's base URL, ending in '/': Read the Docs' canonical URL if set, else ``configured``."""
    url = environ.get("READTHEDOCS_CANONICAL_URL") or configured
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"the site URL must be absolute (https://...), not {url!r}")
    return url if url.endswith("/") else url + "/"

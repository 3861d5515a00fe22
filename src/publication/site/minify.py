"""The site's own scripts and style sheets, and Pygments' style sheet, served minified.

They are written for people, with comments that say why; readers download them on every page. When a
build ends, each ``.js`` and ``.css`` file from ``html_static_path`` (the package's ``static`` folder and
the site's ``_static``) and the ``pygments.css`` furo writes are replaced by their minified text: rjsmin
and rcssmin only drop comments and white space, so the code is unchanged. Files already minified
(``*.min.*``) are left alone. Together this takes about 3 KiB gzipped off a post. Each page's ``?v=``
checksum is Sphinx's, taken from the file as written before minifying: it still changes exactly when the
file does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import rcssmin
import rjsmin
from sphinx.application import Sphinx

MINIFIERS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
#: Written by Sphinx itself, pretty-printed with a comment per rule.
GENERATED = ("pygments.css",)


def written_for_people(app: Sphinx) -> list[str]:
    """The files under ``_static`` to minify, relative to it."""
    names = list(GENERATED)
    for entry in app.config.html_static_path:
        folder = Path(app.confdir, entry)
        if folder.is_dir():
            names += [
                path.relative_to(folder).as_posix()
                for path in sorted(folder.rglob("*"))
                if path.suffix in MINIFIERS and ".min." not in path.name and path.is_file()
            ]
        elif folder.suffix in MINIFIERS:
            names.append(folder.name)
    return names


def minify(static: Path, names: list[str]) -> None:
    for name in names:
        path = static / name
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            path.write_text(MINIFIERS[path.suffix](text).strip() + "\n", encoding="utf-8")


def minify_at_the_end(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html":
        minify(Path(app.outdir, "_static"), written_for_people(app))


def setup(app: Sphinx) -> dict[str, Any]:
    # after furo, which writes its own pygments.css when the build finishes; before publication.site.files
    app.connect("build-finished", minify_at_the_end, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

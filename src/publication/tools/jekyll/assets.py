"""Find the images and files a post uses in the Jekyll site folder, copy them into the site, and say
where a page finds them.

Copies go to ``_static/imported/`` under the site's source folder, keeping the Jekyll site's own paths
(``/assets/img/9.jpg`` becomes ``_static/imported/assets/img/9.jpg``), so two posts that share an image
share one copy and a second import copies nothing.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse


def safe_name(name: str) -> str:
    """A file name a link or a directive can carry as it is: MyST percent-encodes a space, docutils drops
    it from a directive's argument, so 'my figure.png' is copied as 'my-figure.png'."""
    return re.sub(r"[^\w.+-]+", "-", name)


def is_external(url: str) -> bool:
    parsed = urlparse(url)
    return bool(parsed.scheme or parsed.netloc) or url.startswith("//")


@dataclass
class Assets:
    """The Jekyll site folder (if known) and where its files are copied in the new site."""

    site_root: Path | None
    srcdir: Path  # the Sphinx source folder (docs/)
    site_url: str = ""  # the old site's address, for files that cannot be found
    copied: set[Path] = field(default_factory=set)
    dry_run: bool = False

    @property
    def folder(self) -> Path:
        return self.srcdir / "_static" / "imported"

    def source_of(self, url: str) -> Path | None:
        """The file in the Jekyll site a site-relative URL names, or None."""
        if self.site_root is None or is_external(url) or url.startswith(("#", "mailto:", "data:")):
            return None
        path = PurePosixPath(unquote(urlparse(url).path).lstrip("/"))
        if not path.parts or ".." in path.parts:
            return None
        candidate = self.site_root.joinpath(*path.parts)
        return candidate if candidate.is_file() else None

    def copy(self, url: str) -> Path | None:
        """Copy the file ``url`` names into the site; return the copy, or None if there is no such file."""
        source = self.source_of(url)
        if source is None:
            return None
        target = self.folder.joinpath(*(safe_name(part) for part in source.relative_to(self.site_root).parts))
        if not self.dry_run and not (target.is_file() and target.read_bytes() == source.read_bytes()):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            self.copied.add(target)
        return target

    def link_from(self, page: Path, url: str) -> str | None:
        """The path from the MyST file ``page`` to the copy of ``url``, or None if the file is missing."""
        target = self.copy(url)
        if target is None:
            return None
        return Path(os.path.relpath(target, page.parent)).as_posix()

    def site_path(self, url: str) -> str | None:
        """The path of the copy of ``url`` under the source folder ('_static/imported/img/a.jpg')."""
        target = self.copy(url)
        return target.relative_to(self.srcdir).as_posix() if target else None

    def old_address(self, url: str) -> str:
        """Where the old site served ``url``: absolute if its address is known."""
        if is_external(url):
            return url
        path = "/" + url.lstrip("/")  # Jekyll themes give site paths with or without the leading '/'
        return self.site_url.rstrip("/") + path if self.site_url else path

"""Guarded patches of other packages' internals: each one checked before it is applied, and listed.

The package changes the behaviour of ablog, MyST-Parser, pybtex, Sphinx and furo's templates where they are
wrong or slow for a blog (each module says why). A patch is written against one release's internals: after an
upgrade its target may be gone, renamed, or no longer called, and a replacement assigned to it would then do
nothing, silently. So every patch is declared here with the package and the versions it was written for, and
what will retire it (an upstream issue or release); before it is applied, :meth:`Patch.check` looks for the
target and reads the installed version. Either check failing stops the build with one sentence naming the
package, its version and the module to review.

``uv.lock`` installs versions inside every range, so a failure means a newer release came in (``nox -s
upstream``, or a host that ignored the lock): review the patch, widen its range, or retire it.

:class:`DeferredImport` is the third kind: a module another package imports when it loads, put off until
one of its names is called (MyST-NB's notebook runners, in builds that run no notebook).

:data:`REGISTRY` holds every patch the package declares (declaring one registers it), so a test can check
that all of them hold for the installed versions.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.metadata
import importlib.util
import re
import sys
import types
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

#: Every declared patch, by what it patches (``module:attribute`` or ``package:template``).
REGISTRY: dict[str, Patch | TemplateOverride] = {}


class PatchError(SystemExit):
    """A patch whose target moved, or whose package is outside the versions it was written for.

    A ``SystemExit``, so that ``sphinx-build`` stops with this one sentence: any other exception raised while
    extensions load gets Sphinx's crash report (versions, traceback, a request to file a bug at Sphinx).
    """

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence

    def __str__(self) -> str:
        return self.sentence


@functools.cache
def installed_version(package: str) -> str | None:
    # asked once per patch, and importlib.metadata searches every installed distribution each time
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True, kw_only=True)
class _Guard:
    package: str  # the distribution whose internals are patched, as pip names it
    versions: str  # the range the patch was written and tested for (PEP 440)
    retire: str  # what makes it unnecessary: an upstream issue, pull request or release
    where: str  # the module of this package that applies it, to review

    @property
    def target(self) -> str:
        raise NotImplementedError

    def fail(self, problem: str) -> PatchError:
        """The one sentence a build stops with."""
        return PatchError(
            f"publication's patch of {self.target} was written for {self.package} {self.versions}, but "
            f"{problem}: install the locked versions (any nox session does, or uv sync --locked), or review "
            f"{self.where}, which says when the patch can go ({self.retire})"
        )

    def check_version(self) -> None:
        version = installed_version(self.package)
        if version is None:
            raise self.fail(f"{self.package} is not installed")
        if not SpecifierSet(self.versions).contains(Version(version), prereleases=True):
            raise self.fail(f"{self.package} {version} is installed")

    def check(self) -> None:
        raise NotImplementedError

    def register(self) -> None:
        REGISTRY[self.target] = self  # type: ignore[assignment]


@dataclass(frozen=True, kw_only=True)
class Patch(_Guard):
    """A replacement for one attribute of another package's module or class.

    ``owner`` is a dotted path: a module (``ablog.blog``), or a module and a class in it separated by a colon
    (``sphinx.search:IndexBuilder``).
    """

    owner: str
    name: str

    def __post_init__(self) -> None:
        self.register()

    @property
    def target(self) -> str:
        return f"{self.owner.replace(':', '.')}.{self.name}"

    def resolve_owner(self) -> Any:
        module_name, _, qualname = self.owner.partition(":")
        try:
            owner: Any = importlib.import_module(module_name)
            for part in filter(None, qualname.split(".")):
                owner = getattr(owner, part)
        except (ImportError, AttributeError):
            raise self.fail(
                f"{self.package} {installed_version(self.package)} has no {self.owner.replace(':', '.')}"
            ) from None
        return owner

    def check(self) -> Any:
        """The original attribute, after checking the version and that the target exists."""
        self.check_version()
        owner = self.resolve_owner()
        if not hasattr(owner, self.name):
            raise self.fail(f"{self.package} {installed_version(self.package)} has no {self.target}")
        return getattr(owner, self.name)

    def apply(self, replacement: Any) -> Any:
        """Check, then put ``replacement`` in place; returns what was there before."""
        original = self.check()
        setattr(self.resolve_owner(), self.name, replacement)
        return original


_BLOCK = re.compile(r"{%-?\s*block\s+(\w+)")
_EXTENDS = re.compile(r"""{%-?\s*extends\s+["']!?([^"']+)["']""")


@dataclass(frozen=True, kw_only=True)
class TemplateOverride(_Guard):
    """A template of ours that takes the place of a theme's or extension's template of the same name, or
    extends it: the template must still exist, with the blocks ours fill.

    ``folder`` is the template folder inside the package (``theme/furo``); blocks are looked for in the
    template and in those it extends within that folder.
    """

    folder: str
    template: str
    blocks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self.register()

    @property
    def target(self) -> str:
        return f"{self.package}'s {self.template}"

    def source(self, template: str) -> str | None:
        spec = importlib.util.find_spec(self.package.replace("-", "_"))
        if spec is None or spec.origin is None:
            return None
        path = Path(spec.origin).parent / self.folder / template
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def check(self) -> None:
        self.check_version()
        text = self.source(self.template)
        if text is None:
            raise self.fail(
                f"{self.package} {installed_version(self.package)} has no {self.folder}/{self.template}"
            )
        found: set[str] = set()
        seen: set[str] = set()
        while text is not None:
            found.update(_BLOCK.findall(text))
            parent = _EXTENDS.search(text)
            if parent is None or parent.group(1) in seen:
                break
            seen.add(parent.group(1))
            text = self.source(parent.group(1))
        missing = [block for block in self.blocks if block not in found]
        if missing:
            version = installed_version(self.package)
            raise self.fail(f"{self.template} in {self.package} {version} has no block {', '.join(missing)}")


@dataclass(frozen=True, kw_only=True)
class DeferredImport(_Guard):
    """A module of another package imported when one of ``names`` is first called, not when the package is.

    For a module that only some builds use and that is slow to import: :meth:`install` puts a stand-in in
    ``sys.modules`` before the package is imported, so the package's ``from .module import name`` binds a
    function that imports the real module on its first call and hands the call on. The names must be
    callables the package only calls (classes it instantiates, functions), never ``isinstance`` against.
    """

    module: str  # dotted name of the module deferred
    names: tuple[str, ...]  # what the package imports from it by name

    def __post_init__(self) -> None:
        self.register()

    @property
    def target(self) -> str:
        return f"the import of {self.module}"

    def source(self) -> str | None:
        """The module's source, found without importing the package (which would import the module)."""
        top, *inner = self.module.split(".")
        try:
            spec = importlib.util.find_spec(top)
        except ValueError:  # a stand-in of ours is in sys.modules under that name, and has no spec
            spec = importlib.machinery.PathFinder.find_spec(top)
        if spec is None or spec.origin is None:
            return None
        path = Path(spec.origin)  # a top-level module's own file, or its package's __init__.py
        if inner:
            path = path.parent.joinpath(*inner).with_suffix(".py")
        return path.read_text(encoding="utf-8") if path.is_file() else None

    def check(self) -> None:
        self.check_version()
        text = self.source()
        version = installed_version(self.package)
        if text is None:
            raise self.fail(f"{self.package} {version} has no module {self.module}")
        missing = [n for n in self.names if not re.search(rf"^(?:class|def) {n}\b", text, re.MULTILINE)]
        if missing:
            raise self.fail(f"{self.module} in {self.package} {version} defines no {', '.join(missing)}")

    def install(self) -> bool:
        """Check, then stand in for the module, unless its package already imported it (or a stand-in is
        there); whether the stand-in is in place."""
        self.check()
        parent = self.module.rpartition(".")[0]
        if parent in sys.modules or self.module in sys.modules:
            return isinstance(sys.modules.get(self.module), _StandIn)
        sys.modules[self.module] = _StandIn(self.module, self.names)
        return True


class _StandIn(types.ModuleType):
    """Takes a module's place in ``sys.modules`` until one of its names is called or anything else of it
    is asked for; then the real module is imported, in its place, and answers."""

    def __init__(self, name: str, names: tuple[str, ...]) -> None:
        super().__init__(name, f"Stands in for {name} until it is used.")
        for attribute in names:
            setattr(self, attribute, self._calling(attribute))

    def _calling(self, attribute: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(self.load(), attribute)(*args, **kwargs)

        call.__name__ = call.__qualname__ = attribute
        return call

    def load(self) -> types.ModuleType:
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return importlib.import_module(self.__name__)

    def __getattr__(self, attribute: str) -> Any:  # only for what __init__ did not set
        if attribute.startswith("__"):  # the import system asking what kind of module this is
            raise AttributeError(attribute)
        return getattr(self.load(), attribute)


def check_all() -> None:
    """Check every declared patch (for tests, and for a build that starts)."""
    for guard in REGISTRY.values():
        guard.check()

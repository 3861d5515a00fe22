"""Python's cycle collector kept out of the moments where it only costs time, and rarer during a build.

- **Loading the environment.** Unpickling Sphinx's environment makes hundreds of thousands of objects at
  once (every post's table of contents, dates, listing row), and the collector walked all of them again and
  again while they were made: 0.5-0.75 s of loading a 1,000-post blog's environment, 0.2-0.3 s without it.
  The collector is off while Sphinx unpickles the environment, and only then: the ``pickle`` module as
  ``sphinx.application`` sees it (a guarded patch) turns it off around ``load`` and back on, whatever happens.
  The objects loaded are then frozen until the build ends (``build-finished``): the collector's next two
  collections walked every one of them again, to find a few hundred objects of garbage (0.37 s of a
  1,000-post no-change build). A build that reads a fifth of the documents or more again unfreezes them
  as it starts reading, so that what those documents replace can be collected during the build.
- **The end of the process.** When a ``sphinx-build`` process ends, Python's finalisation collects every
  object the build made, about 1.8 s after a 1,000-post build. Freezing them at exit (``gc.freeze``, run by
  ``atexit`` before finalisation) skips that; the memory goes back to the system with the process. A
  long-lived process (the preview) keeps collecting between its builds: the freeze happens only at exit.
- **Every other moment of a build.** Python collects young objects every 700 allocations (net of
  deallocations), and every so often walks everything alive. A build makes millions of objects that live
  on (documents, tables of contents, pages waiting to be written), so those collections found little and
  took 10 s of the 85 s of processor time of a 1,000-post build (5 s in the main process). From the
  extensions' setup on, collections come every 100,000 allocations (:data:`BUILD_THRESHOLDS`): 3 s, about
  60 MiB more at the peak (323 MiB in all). The process keeps these thresholds after the build: putting
  Python's back made the next allocation collect the young objects at once, 30-50 ms at the end of every
  build, for a process that then ends (a long-lived one, the preview, builds again).
- **Forks.** ``sphinx-build -j`` forks workers, which share the main process's memory until they write to
  it; the collector writes to every object it walks, so each worker's collections copied the environment it
  inherited, page by page (with publication.site.parallel's chunks, a 1,000-post blog's parallel read took
  26 s with this, 19-21 s without). Objects are frozen just before a fork, so a worker's collector leaves
  what it inherited alone, and unfrozen in the main process right after it (unless they were frozen before).
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from publication.shared.patching import Patch

ENV_PICKLE = Patch(
    owner="sphinx.application",
    name="pickle",
    package="sphinx",
    versions=">=8.2,<10",
    where="publication.site.garbage_collection",
    retire="when Sphinx loads its environment with the collector paused; not proposed upstream yet",
)
ENV_PICKLE.check()

#: Whether this process already freezes at exit and around forks (setup runs again for every application the
#: preview makes).
_FREEZES_REGISTERED = False


class PickleWithoutCollecting:
    """The ``pickle`` module, except that ``load`` runs with the cycle collector off."""

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)

    def load(self, file: Any, **kwargs: Any) -> Any:
        """The environment, loaded with the collector off, and frozen (with everything else) if it was on."""
        was_on = gc.isenabled()
        gc.disable()
        try:
            loaded = pickle.load(file, **kwargs)
        finally:
            if was_on:
                gc.enable()
        if was_on:
            gc.freeze()
        return loaded


#: gc.set_threshold from the first build's setup on: young collections every 100,000 allocations, not 700;
#: the older generations every 20 collections of the one below, not 10.
BUILD_THRESHOLDS = (100_000, 20, 20)


#: A build that reads this share of the documents again or more unfreezes the loaded environment.
REREAD_SHARE = 1 / 5


def unfreeze_when_much_is_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if len(docnames) >= REREAD_SHARE * max(len(env.found_docs), 1):
        gc.unfreeze()


def unfreeze_at_the_end(app: Sphinx, exception: Exception | None) -> None:
    """What the build froze becomes collectable again (at exit, everything is frozen once more)."""
    gc.unfreeze()


#: Whether objects were already frozen when a fork froze them: if so, they stay frozen after it.
_frozen_before_fork = False


def freeze_before_fork() -> None:
    global _frozen_before_fork
    _frozen_before_fork = gc.get_freeze_count() > 0
    gc.freeze()


def unfreeze_after_fork() -> None:
    if not _frozen_before_fork:
        gc.unfreeze()


def freeze_at_exit_and_forks() -> None:
    """Register, once per process, ``gc.freeze`` at exit and before a fork (undone after it)."""
    global _FREEZES_REGISTERED
    if not _FREEZES_REGISTERED:
        atexit.register(gc.freeze)
        os.register_at_fork(before=freeze_before_fork, after_in_parent=unfreeze_after_fork)
        _FREEZES_REGISTERED = True


def setup(app: Sphinx) -> dict[str, Any]:
    ENV_PICKLE.apply(PickleWithoutCollecting())
    freeze_at_exit_and_forks()
    gc.set_threshold(*BUILD_THRESHOLDS)
    app.connect("env-before-read-docs", unfreeze_when_much_is_read)
    app.connect("build-finished", unfreeze_at_the_end, priority=1000)  # after every other handler
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Python's cycle collector kept out of the two moments where it only costs time.

- **Loading the environment.** Unpickling Sphinx's environment makes hundreds of thousands of objects at
  once (every post's table of contents, dates, listing row), and the collector walked all of them again and
  again while they were made: 0.5-0.75 s of loading a 1,000-post blog's environment, 0.2-0.3 s without it.
  The collector is off while Sphinx unpickles the environment, and only then: the ``pickle`` module as
  ``sphinx.application`` sees it (a guarded patch) turns it off around ``load`` and back on, whatever happens.
- **The end of the process.** When a ``sphinx-build`` process ends, Python's finalisation collects every
  object the build made, about 1.8 s after a 1,000-post build. Freezing them at exit (``gc.freeze``, run by
  ``atexit`` before finalisation) skips that; the memory goes back to the system with the process. A
  long-lived process (the preview) keeps collecting between its builds: the freeze happens only at exit.
"""

from __future__ import annotations

import atexit
import gc
import pickle
from typing import Any

from sphinx.application import Sphinx

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

#: Whether this process already freezes at exit (setup runs again for every application the preview makes).
_FREEZE_REGISTERED = False


class PickleWithoutCollecting:
    """The ``pickle`` module, except that ``load`` runs with the cycle collector off."""

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)

    def load(self, file: Any, **kwargs: Any) -> Any:
        was_on = gc.isenabled()
        gc.disable()
        try:
            return pickle.load(file, **kwargs)
        finally:
            if was_on:
                gc.enable()


def freeze_at_exit() -> None:
    """Register, once per process, ``gc.freeze`` to run when the interpreter exits."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        atexit.register(gc.freeze)
        _FREEZE_REGISTERED = True


def setup(app: Sphinx) -> dict[str, Any]:
    ENV_PICKLE.apply(PickleWithoutCollecting())
    freeze_at_exit()
    return {"parallel_read_safe": True, "parallel_write_safe": True}

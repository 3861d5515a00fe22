"""Python's cycle collector kept out of the two moments where it only costs time.

- **Loading the environment.** Unpickling Sphinx's environment makes hundreds of thousands of objects at
  once (every post's table of contents, dates, listing row), and the collector walked all of them again and
  again while they were made: 0.5-0.75 s of loading a 1,000-post blog's environment, 0.2-0.3 s without it.
  The collector is off from the end of ``config-inited`` (Sphinx loads the environment next) to the start
  of ``builder-inited`` (just after), and on while documents are read and written, so memory stays bounded.
- **The end of the process.** When a ``sphinx-build`` process ends, Python's finalisation collects every
  object the build made, about 1.8 s after a 1,000-post build. Freezing them at exit (``gc.freeze``, run by
  ``atexit`` before finalisation) skips that; the memory goes back to the system with the process. A
  long-lived process (the preview) keeps collecting between its builds: the freeze happens only at exit.
"""

from __future__ import annotations

import atexit
import gc
from typing import Any

from sphinx.application import Sphinx

#: Whether this process already freezes at exit (setup runs again for every application the preview makes).
_FREEZE_REGISTERED = False


def pause_collection(app: Sphinx, config: Any) -> None:
    app.publication_collector_was_on = gc.isenabled()  # type: ignore[attr-defined]
    gc.disable()


def resume_collection(app: Sphinx) -> None:
    if getattr(app, "publication_collector_was_on", True):
        gc.enable()


def freeze_at_exit() -> None:
    """Register, once per process, ``gc.freeze`` to run when the interpreter exits."""
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        atexit.register(gc.freeze)
        _FREEZE_REGISTERED = True


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", pause_collection, priority=999)
    app.connect("builder-inited", resume_collection, priority=1)
    freeze_at_exit()
    return {"parallel_read_safe": True, "parallel_write_safe": True}

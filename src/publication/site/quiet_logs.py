"""Build output an author reads: MyST's and MyST-NB's 1,000-character configuration lines are left out.

myst-parser logs its whole ``MdParserConfig`` at INFO on every build ("myst v5.2.0: MdParserConfig(...)",
``myst_parser.sphinx_ext.main.create_myst_config``), and MyST-NB its ``NbParserConfig`` ("myst-nb v1.4.0:
NbParserConfig(...)", ``myst_nb.sphinx_ext.create_mystnb_config``). They say nothing ``docs/conf.py`` does
not, and bury the lines that matter. A filter on each of the two loggers drops that one record; their
warnings and errors, and the lines themselves with ``sphinx-build -v``, still come through. Should either
move or reword its line, the filter matches nothing and the line is back (tests/test_quiet_logs.py notices).
"""

from __future__ import annotations

import logging
from typing import Any

from sphinx.application import Sphinx

#: The standard-library logger behind ``sphinx.util.logging.getLogger("myst_parser.sphinx_ext.main")``.
MYST_LOGGER = "sphinx.myst_parser.sphinx_ext.main"
#: MyST-NB's, for notebook posts.
MYST_NB_LOGGER = "sphinx.myst_nb.sphinx_ext"
#: The configuration objects whose dump is left out.
CONFIGURATIONS = ("MdParserConfig", "NbParserConfig")


class DropMystConfiguration(logging.Filter):
    """Drops the INFO record that prints MyST's configuration object, and nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.verbose = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno != logging.INFO or not isinstance(record.args, tuple):
            return True
        return not any(type(arg).__name__ in CONFIGURATIONS for arg in record.args)


def drop_myst_configuration(verbose: bool, name: str = MYST_LOGGER) -> DropMystConfiguration:
    """The filter on MyST's logger (added once per process, however many builds it runs)."""
    logger = logging.getLogger(name)
    found = next((f for f in logger.filters if isinstance(f, DropMystConfiguration)), None)
    if found is None:
        found = DropMystConfiguration()
        logger.addFilter(found)
    found.verbose = verbose  # this build's -v decides
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    for name in (MYST_LOGGER, MYST_NB_LOGGER):
        drop_myst_configuration(verbose=app.verbosity > 0, name=name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""Build output an author reads: MyST's 1,000-character configuration line is left out.

myst-parser logs its whole ``MdParserConfig`` at INFO on every build ("myst v5.2.0: MdParserConfig(...)",
``myst_parser.sphinx_ext.main.create_myst_config``). It says nothing ``docs/conf.py`` does not, and buries
the lines that matter. A filter on that one logger drops that one record; MyST's warnings and errors, and
the line itself with ``sphinx-build -v``, still come through. Should MyST move or reword the line, the filter
matches nothing and the line is back (tests/test_quiet_logs.py notices).
"""

from __future__ import annotations

import logging
from typing import Any

from sphinx.application import Sphinx

#: The standard-library logger behind ``sphinx.util.logging.getLogger("myst_parser.sphinx_ext.main")``.
MYST_LOGGER = "sphinx.myst_parser.sphinx_ext.main"


class DropMystConfiguration(logging.Filter):
    """Drops the INFO record that prints MyST's configuration object, and nothing else."""

    def __init__(self) -> None:
        super().__init__()
        self.verbose = False

    def filter(self, record: logging.LogRecord) -> bool:
        if self.verbose or record.levelno != logging.INFO or not isinstance(record.args, tuple):
            return True
        return not any(type(arg).__name__ == "MdParserConfig" for arg in record.args)


def drop_myst_configuration(verbose: bool) -> DropMystConfiguration:
    """The filter on MyST's logger (added once per process, however many builds it runs)."""
    logger = logging.getLogger(MYST_LOGGER)
    found = next((f for f in logger.filters if isinstance(f, DropMystConfiguration)), None)
    if found is None:
        found = DropMystConfiguration()
        logger.addFilter(found)
    found.verbose = verbose  # this build's -v decides
    return found


def setup(app: Sphinx) -> dict[str, Any]:
    drop_myst_configuration(verbose=app.verbosity > 0)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

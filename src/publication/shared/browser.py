"""Debian's headless Chromium, for the project's own tools and tests: serve a built site, open it.

Screenshots (``nox -s screenshots``), the accessibility check (``nox -s check``) and the browser tests all
need the same two things: a built site served over HTTP on 127.0.0.1, and a headless Chromium that reaches
nothing else. Both live here once.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: fonts-liberation: the measure test sets text in Liberation Sans (Arial's metrics), as most readers see it
INSTALL = "apt-get install chromium chromium-driver fonts-liberation"


def missing_browser(*modules: tuple[str, str]) -> str | None:
    """Why headless Chromium cannot run here, or None when it can.

    ``modules`` are further (module, how to install it) pairs the caller needs besides Selenium.
    """
    for program in ("chromium", "chromedriver"):
        if shutil.which(program) is None:
            return f"{program} is not installed ({INSTALL})"
    for module, how in (("selenium", "pip install selenium"), *modules):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed ({how})"
    return None


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(
    folder: Path, handler_class: type[http.server.SimpleHTTPRequestHandler] = QuietHandler
) -> Iterator[str]:
    """Serve a folder on 127.0.0.1 (a free port) for as long as the block runs; yields its base URL."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def start_chromium(width: int = 1280, height: int = 900, *, log_network: bool = False) -> Any:
    """Headless Chromium under Selenium, resolving no host but 127.0.0.1; the caller quits it."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in [
        "--headless=new",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        f"--window-size={width},{height}",
        "--hide-scrollbars",  # pictures show the page, not a scrollbar that depends on the machine
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        # only the local server resolves: nothing here reaches another site, even by mistake
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ]:
        options.add_argument(argument)
    if log_network:
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # Debian's chromedriver, named explicitly: Selenium Manager then never downloads a driver
    driver = webdriver.Chrome(service=Service(executable_path=shutil.which("chromedriver")), options=options)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(120)
    return driver


@contextmanager
def chromium(width: int = 1280, height: int = 900, *, log_network: bool = False) -> Iterator[Any]:
    """:func:`start_chromium` for the length of a block."""
    driver = start_chromium(width, height, log_network=log_network)
    try:
        yield driver
    finally:
        driver.quit()

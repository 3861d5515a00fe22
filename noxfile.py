"""Sessions that build, preview, check and test the publication. `nox -l` lists them.

Every session but `upstream` installs the exact versions in uv.lock: with uv when it is installed (`uv sync
--locked`), else with pip from the requirements/ files exported from the lock. Sessions that need the same
packages share one environment under .nox/ (nox makes one per session, and has no way to share them:
wntrblm/nox#167), so nox runs its sessions without a virtualenv of its own (venv_backend="none").
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nox
import nox.virtualenv
from packaging.requirements import Requirement
from packaging.version import Version

nox.options.sessions = ["lint", "tests", "build"]
nox.options.default_venv_backend = "none"  # the sessions use the environments below
nox.needs_version = ">=2025.2.9"

ROOT = Path(__file__).parent
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
REQUIREMENTS = ROOT / "requirements"
OUTER_PATH = os.environ.get("PATH", "")


def find_uv() -> str | None:
    """uv's path: on PATH, or installed beside nox (`pipx install nox[uv]`); None when there is none."""
    if shutil.which("uv"):
        return "uv"
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        return None


UV = find_uv()
if UV is None:
    # nox looks for uv before every session, whatever its backend, and prints "uv binary not found." when
    # there is none; it takes these values instead when they are set (nox.virtualenv._uv_state)
    nox.virtualenv.HAS_UV, nox.virtualenv.UV, nox.virtualenv.UV_VERSION = False, "uv", Version("0")


@dataclass(frozen=True)
class Environment:
    """A virtual environment under .nox/, for the sessions that need the same packages."""

    name: str
    groups: tuple[str, ...]  # dependency groups of pyproject.toml, besides the project's own dependencies
    project: bool = True  # the project itself (editable) and its dependencies

    @property
    def location(self) -> Path:
        return ROOT / ".nox" / self.name

    @property
    def requirements(self) -> Path:
        """Its pinned requirements, exported from uv.lock by `nox -s lock`, for machines without uv."""
        return REQUIREMENTS / f"{self.name}.txt"

    def bin(self, program: str) -> str:
        return str(self.location / "bin" / program)

    def export_options(self) -> list[str]:
        """What `uv sync` and `uv export` are told to take from the lock."""
        if not self.project:
            return [f"--only-group={group}" for group in self.groups]
        return ["--no-default-groups", *(f"--group={group}" for group in self.groups)]


SITE = Environment("site", ())  # build, preview, new, import-jekyll, linkcheck
TESTS = Environment("tests", ("test", "check", "screenshots"))  # tests, check, screenshots
LINT = Environment("lint", ("lint",), project=False)
BENCH = Environment("bench", ("bench",))
ENVIRONMENTS = (SITE, TESTS, LINT, BENCH)


def install(session: nox.Session, environment: Environment) -> None:
    """Bring the environment to uv.lock's versions, and run the session's commands in it."""
    location = environment.location
    if UV:
        # --locked: a pyproject.toml changed without `nox -s lock` stops here, instead of installing
        # something no one tested
        session.run(
            UV,
            "sync",
            "--locked",
            # as pip does: with PYTHONDONTWRITEBYTECODE set (CI machines set it), nothing else compiles the
            # packages, and every sphinx-build the tests start compiled Sphinx again (tests 1.6x slower)
            "--compile-bytecode",
            f"--python={sys.executable}",
            *environment.export_options(),
            env={"UV_PROJECT_ENVIRONMENT": str(location)},
        )
    else:
        pip_install_from_requirements(session, environment)
    if environment.project:
        # the editable package is compiled by neither: with PYTHONDONTWRITEBYTECODE set, every sphinx-build
        # compiled its modules again (0.2 s a build); unchanged files are skipped
        python = str(location / "bin" / "python")
        session.run(python, "-m", "compileall", "-q", str(ROOT / "src"), silent=True)
    use(session, location)


def use(session: nox.Session, location: Path) -> None:
    """Run the session's programs from the environment at ``location``."""
    path = os.pathsep.join([str(location / "bin"), OUTER_PATH])
    # nox finds a program on this process's PATH; the programs it starts get the session's variables
    os.environ["PATH"] = path
    session.env.update(PATH=path, VIRTUAL_ENV=str(location))


def pip_install_from_requirements(session: nox.Session, environment: Environment) -> None:
    """Without uv: the exported pins with pip, once for each change of the file."""
    location = environment.location
    python = location / "bin" / "python"
    if not python.exists():
        session.run(sys.executable, "-m", "venv", str(location))
    wanted = environment.requirements.read_text(encoding="utf-8")
    stamp = location / "publication-requirements.txt"  # what was last installed here
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == wanted:
        return
    session.run(str(python), "-m", "ensurepip", "--upgrade", silent=True)  # a venv uv made has no pip
    # --no-deps: the exported file is complete, every package pinned, so pip resolves nothing by itself
    editable = ["--editable", str(ROOT)] if environment.project else []
    session.run(
        str(python),
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--requirement",
        str(environment.requirements),
        *editable,
    )
    stamp.write_text(wanted, encoding="utf-8")


def sphinx_options(builder: str, doctrees: str = "doctrees") -> list[str]:
    return [
        "-b",
        builder,
        "-n",  # nitpicky: every reference must resolve
        "-W",  # warnings are errors
        "--keep-going",  # ... but report all of them in one run
        "-j",
        "auto",  # a process per core (publication.site.parallel makes it pay)
        "-d",
        str(BUILD / doctrees),  # doctrees outside the published folder
    ]


def publish(session: nox.Session, *options: str) -> None:
    """Build docs/_build/html through its staging folder (python -m publication.tools.publish)."""
    session.run(
        "python",
        "-m",
        "publication.tools.publish",
        str(DOCS),
        str(BUILD / "html"),
        *options,
        # on Ctrl-C nox sends SIGTERM after 0.3 s and SIGKILL 0.2 s later; the build stops by itself, but
        # first finishes putting a site in place if it has begun to, which may take longer
        interrupt_timeout=10,
    )


@nox.session
def build(session: nox.Session) -> None:
    """Build the site into docs/_build/html, strictly; a failed build leaves the last good site in place."""
    install(session, SITE)
    publish(session, *sphinx_options("html"), *session.posargs)


@nox.session
def preview(session: nox.Session) -> None:
    """Serve the site with drafts on http://127.0.0.1:8000 (-- --port N), rebuilt in memory on each save."""
    install(session, SITE)
    session.run(
        "publication-preview",
        str(DOCS),
        str(BUILD / "preview"),  # drafts and future posts, marked as such; never in docs/_build/html
        "--doctrees",
        str(BUILD / "doctrees-preview"),
        *session.posargs,
    )


@nox.session
def screenshots(session: nox.Session) -> None:
    """Build the site, then picture it with headless Chromium in docs/_build/screenshots, with a PDF print."""
    install(session, TESTS)
    publish(session, *sphinx_options("html"))
    site = str(BUILD / "html")
    session.run("python", "-m", "publication.tools.screenshots", site, str(BUILD / "screenshots"))


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every external link of the site (needs the internet: offline, the session is skipped)."""
    install(session, SITE)
    offline = BUILD / "linkcheck" / "offline.txt"  # publication.site.linkcheck.OFFLINE_MARKER
    offline.unlink(missing_ok=True)
    # sphinx-build exits 75 when the network is unreachable; nox cannot tell that from a failure itself
    session.run(
        "sphinx-build",
        *sphinx_options("linkcheck"),
        str(DOCS),
        str(BUILD / "linkcheck"),
        *session.posargs,
        success_codes=[0, 75],
    )
    if offline.is_file():
        count = offline.read_text(encoding="utf-8").strip()
        session.skip(f"offline: the network is unreachable, {count} external link(s) were not checked")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (builds small sites and the real one)."""
    install(session, TESTS)
    session.run("pytest", *session.posargs)


@nox.session
def check(session: nox.Session) -> None:
    """Check the built site: HTML validity, links, alt text, feeds, accessibility, other origins."""
    install(session, TESTS)
    site = BUILD / "html"
    if not (site / "index.html").is_file():  # checks the last build as it is; builds only when there is none
        publish(session, *sphinx_options("html"))
    session.run("python", "-m", "publication.tools.sitecheck", str(site), *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check code style with ruff."""
    install(session, LINT)
    session.run("ruff", "check", "src", "tests", "docs/conf.py", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "docs/conf.py", "noxfile.py")


@nox.session
def new(session: nox.Session) -> None:
    """Start a post as a draft: nox -s new -- "Post title" [--tags "a, b"] [--category C] [--slug S]."""
    install(session, SITE)
    session.run("publication-new-post", *(session.posargs or ["--help"]))


@nox.session(name="import-jekyll")
def import_jekyll(session: nox.Session) -> None:
    """Import Jekyll posts: nox -s import-jekyll -- SOURCE... [--to docs/posts] [--force] [--allow-loss]."""
    install(session, SITE)
    session.run("publication-import-jekyll", *(session.posargs or ["--help"]))


@nox.session
def bench(session: nox.Session) -> None:
    """Time builds of a synthetic blog (full, no change, one edit, new post): nox -s bench -- --posts 1000."""
    install(session, BENCH)
    session.run(
        "python",
        "-m",
        "publication.tools.bench",
        "--docs",
        str(DOCS),
        *(session.posargs or ["--posts", "100"]),
    )


@nox.session
def lock(session: nox.Session) -> None:
    """Update uv.lock from pyproject.toml and export requirements/ (`-- --upgrade`: the newest pins)."""
    if not UV:
        session.error("nox -s lock needs uv: python3 -m pip install uv")
    session.run(UV, "lock", *session.posargs)
    REQUIREMENTS.mkdir(exist_ok=True)
    for environment in ENVIRONMENTS:
        exported = session.run(
            UV,
            "export",
            "--frozen",
            "--no-header",
            "--no-hashes",
            "--no-emit-project",  # installed editable, from the working tree
            *environment.export_options(),
            silent=True,
        )
        header = (
            f"# The .nox/{environment.name} environment's packages, exported from uv.lock by `nox -s lock`, "
            "for machines without uv.\n# Install with: pip install --no-deps -r this-file\n"
        )
        environment.requirements.write_text(header + str(exported), encoding="utf-8")


@nox.session
def upstream(session: nox.Session) -> None:
    """Build and test with the newest releases pyproject.toml allows, ignoring uv.lock:
    nox -s upstream -- [--python 3.13] [pytest arguments]."""
    arguments = list(session.posargs)
    python = sys.executable
    if arguments[:1] == ["--python"] and len(arguments) > 1:
        python = arguments[1]
        del arguments[:2]
    location = ROOT / ".nox" / "upstream"
    shutil.rmtree(location, ignore_errors=True)  # nothing from an earlier run may stay
    groups = list(dict.fromkeys(nox.project.dependency_groups(PYPROJECT, *TESTS.groups)))
    # axe-playwright-python is wanted for its script only: without dependencies, as pyproject.toml's
    # override keeps Playwright out of the lock
    axe = [requirement for requirement in groups if requirement.startswith("axe-playwright-python")]
    wanted = ["--editable", str(ROOT), *(r for r in groups if r not in axe)]
    if UV:
        session.run(UV, "venv", "--quiet", f"--python={python}", str(location))
        pip = [UV, "pip", "install", f"--python={location / 'bin' / 'python'}"]
        session.run(*pip, "--upgrade", "--resolution=highest", *wanted)
    else:
        session.run(python, "-m", "venv", str(location))
        pip = [str(location / "bin" / "python"), "-m", "pip", "install"]
        session.run(*pip, "--upgrade", "--upgrade-strategy=eager", *wanted)
    session.run(*pip, "--no-deps", *axe)
    use(session, location)
    # tests/test_dependencies.py: the installed versions are not the locked ones here, on purpose
    session.env["PUBLICATION_UPSTREAM"] = "1"
    bounded = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    session.run(  # the versions of the packages whose internals are patched: what this run tried
        "python",
        "-c",
        "import sys, importlib.metadata as m; print(', '.join(f'{n} {m.version(n)}' for n in sys.argv[1:]))",
        *(r.name for r in bounded if any(spec.operator == "<" for spec in r.specifier)),
    )
    session.run(
        "sphinx-build",
        *sphinx_options("html", doctrees="doctrees-upstream"),
        str(DOCS),
        str(BUILD / "upstream"),
    )
    session.run("pytest", *arguments)


@nox.session
def clean(session: nox.Session) -> None:
    """Remove the built site."""
    shutil.rmtree(BUILD, ignore_errors=True)

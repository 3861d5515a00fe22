"""Build the site into a staging folder; publish it only when the whole build succeeds, in one step.

``python -m publication.tools.publish SOURCE OUTPUT [sphinx-build options]`` runs sphinx-build into
``<OUTPUT's folder>/.staging/<OUTPUT's name>``, and only if it exits 0 replaces OUTPUT with a copy of it.

- **Whole or not at all.** A failed build (a warning under ``-W``, an exception), an interrupted one or one
  that cannot publish (a folder it may not write, a full disk) leaves the previous OUTPUT whole and says so
  in one line, with a non-zero exit status and no traceback. The copy takes OUTPUT's place in one step
  (Linux's ``renameat2(RENAME_EXCHANGE)``): once OUTPUT exists it never goes missing, not even for a moment.
  Where that call is missing, two renames do it and OUTPUT is missing between them.
- **Equal to a clean build.** What Sphinx keeps in its output for its own next build (``.buildinfo`` and
  its ``.bak``, ``_sources``, dotfiles, this tool's marker) is not published, and a build after a change
  of configuration starts from an empty output folder (Sphinx would keep what the old configuration made),
  so whatever an incremental build publishes equals a clean build's site byte for byte.
- **One build at a time.** A build holds ``<OUTPUT's folder>/.publication.lock`` (which names its pid).
  A second build started meanwhile says ``another build is running (pid N); waiting for it`` and waits,
  then builds and publishes: it may have newer sources, and giving up would leave the site older than them.
- **Interrupted: nothing published.** SIGTERM, SIGINT (Ctrl-C) or SIGHUP stop the build without
  publishing; so does the end of the process that started it (nox killed with SIGTERM does not stop its
  child; Linux's ``PR_SET_PDEATHSIG`` does), so a build started in the background stops when its shell ends.
  The workers of a parallel build (``-j``) stop with it, silently: Ctrl-C reaches them too.
  The staging folder is left marked unfinished, and the next build starts it and Sphinx's environment
  afresh, so it reads every page again and reports every problem again, as after a failed build.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import errno
import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.cmd.build import build_main

from publication.shared.patching import Patch

#: Written into the staging folder while a build runs; left there only by a build that did not finish.
UNFINISHED = ".publication-unfinished"
#: Beside OUTPUT: held by the running build, and holding its pid.
LOCK = ".publication.lock"
#: Sphinx's record of the configuration an output was written with (config and tags hashes), and where it
#: moves the old one when they differ.
BUILDINFO, BUILDINFO_BACKUP = ".buildinfo", ".buildinfo.bak"
#: The folder of page sources (empty with ``html_copy_source = False``): for Sphinx's own next build.
SOURCES = "_sources"
#: Signals that stop a build without publishing.
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)

# Linux constants (linux/fcntl.h, linux/prctl.h); the functions are called through libc with ctypes.
AT_FDCWD = -100
RENAME_EXCHANGE = 2
PR_SET_PDEATHSIG = 1


class PublishError(Exception):
    """A problem the person building can fix, reported as one line."""


class Stopped(KeyboardInterrupt):
    """A stop signal arrived: Sphinx handles it as Ctrl-C (prints "Interrupted!" and returns)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def staging_for(output: Path) -> Path:
    return output.parent / ".staging" / output.name


def not_published(built: Path) -> Callable[[str, list[str]], set[str]]:
    """shutil.copytree's ``ignore``: dotfiles anywhere (Sphinx's build record, this tool's marker), the top
    folder's ``_sources``. A site that needs a dotfile published (``.nojekyll``) must change this."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == built
        return {name for name in names if name.startswith(".") or (top and name == SOURCES)}

    return ignore


def libc() -> Any | None:
    """The C library, for the Linux calls Python's os module lacks; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except OSError:
        return None


def exchange(one: Path, other: Path) -> bool:
    """Swap two existing paths in one step (``renameat2(RENAME_EXCHANGE)``); False where the system cannot."""
    c = libc()
    renameat2 = getattr(c, "renameat2", None)  # glibc >= 2.28, musl >= 1.2.5
    if renameat2 is None:
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(one), AT_FDCWD, os.fsencode(other), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # kernel < 3.15, or a filesystem without it
        return False
    raise OSError(code, os.strerror(code), str(one), None, str(other))


def die_with_parent() -> None:
    """Have the kernel send SIGTERM when the process that started this one ends (Linux; elsewhere nothing).

    nox passes Ctrl-C on, but when nox itself is killed with SIGTERM it dies at once and its child
    runs on, to publish a build nobody waits for any more.
    """
    parent = os.getppid()
    c = libc()
    if c is None or c.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # it ended before the request was made: nothing will send the signal
        os.kill(os.getpid(), signal.SIGTERM)


def quiet_worker() -> None:
    """In a worker the build forks (``sphinx-build -j``): a stop signal ends it at once, silently, and so does
    the end of the build. With the build's handler, which it inherits, Ctrl-C (sent to every process in the
    terminal's foreground group) made each worker print a traceback as it stopped."""
    building = False
    for signum in STOP_SIGNALS:
        if isinstance(getattr(signal.getsignal(signum), "__self__", None), Signals):  # the build's handler
            signal.signal(signum, signal.SIG_DFL)
            building = True
    if building:
        die_with_parent()


class Signals:
    """Stop signals, raised as :class:`Stopped` where the build may stop and held back where it may not."""

    #: Whether this process makes the workers it forks quiet (once, however many builds it runs).
    _fork_hook = False

    def __init__(self) -> None:
        self.received: int | None = None
        self.holding = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> Signals:
        for signum in STOP_SIGNALS:
            self.previous[signum] = signal.signal(signum, self.handle)
        if not Signals._fork_hook:
            os.register_at_fork(after_in_child=quiet_worker)
            Signals._fork_hook = True
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self.received = self.received or signum
        if not self.holding:
            raise Stopped(signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """No stop in here: what the block starts (putting the site in place) it finishes."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False

    def check(self) -> None:
        if self.received is not None:
            raise Stopped(self.received)


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold ``folder/.publication.lock`` for the block, waiting (and saying so) while another build does."""
    try:
        import fcntl
    except ImportError:  # Windows: builds are not kept apart
        yield
        return
    path = folder / LOCK
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise PublishError(cannot("create", path, error)) from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip()
            named = f" (pid {holder})" if holder.isdigit() else ""
            print(f"another build is running{named}; waiting for it", file=sys.stderr, flush=True)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(descriptor)  # releases the lock


#: What a person fixes by freeing space or changing permissions: one line says so, not a traceback.
FILE_SYSTEM_ERRORS = (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT)


def cannot(action: str, path: Path, error: OSError, remedy: str | None = None) -> str:
    """One line: what could not be done to which path, why, and what to do."""
    reason, code = error.strerror or str(error), error.errno
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        reasons = [str(why) for _, _, why in error.args[0]]  # copytree's list of (source, target, why)
        reason = reasons[0] + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else "")
        found = re.match(r"\[Errno (\d+)\]", reason)
        code = int(found.group(1)) if found else None
    if remedy is None:
        folder = path if action.endswith(" into") else path.parent
        remedy = {
            errno.EACCES: f"make {folder} writable for you",
            errno.EPERM: f"make {folder} writable for you",
            errno.EROFS: "build onto a writable disk",
            errno.ENOSPC: "free some space",
            errno.EDQUOT: "free some space",
        }.get(code or 0, "fix that")
        remedy += " and build again"
    return f"cannot {action} {path}: {reason}; {remedy}"


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def leftovers(output: Path, kind: str) -> list[Path]:
    """Copies an earlier publish left beside OUTPUT (``html.new-*``, ``html.old-*``; ``html.new``,
    ``html.old`` from before the exchange), oldest first."""
    found = [*output.parent.glob(f"{output.name}.{kind}-*"), output.with_name(f"{output.name}.{kind}")]
    return sorted((path for path in found if path.exists()), key=lambda path: path.lstat().st_ctime_ns)


def clear_leftovers(output: Path) -> None:
    """Restore or remove what an earlier publish that did not finish left beside OUTPUT.

    A publish killed between the two renames of the fallback leaves no OUTPUT but its old copy: that is put
    back. Other copies are removed; one that cannot be is named in a warning, and is in no build's way.
    """
    olds = leftovers(output, "old")
    if olds and not output.exists():
        olds.pop().rename(output)
    for leftover in [*olds, *leftovers(output, "new")]:
        try:
            remove(leftover)
        except OSError as error:
            remedy = "make it writable and delete it"
            print(f"warning: {cannot('remove', leftover, error, remedy)}", file=sys.stderr)


def check_writable(folder: Path) -> None:
    """Fail now, not after the whole build, when ``folder`` takes no new entry."""
    try:
        Path(tempfile.mkdtemp(prefix=".publication-probe-", dir=folder)).rmdir()
    except OSError as error:
        raise PublishError(cannot("write into", folder, error)) from None


def publish(built: Path, output: Path, signals: Signals | None = None) -> None:
    """Put a copy of ``built`` in ``output``'s place in one step; ``output`` is never missing or half-copied.

    Raises :class:`PublishError` when the copy cannot be made (``output`` untouched) or when the old copy
    cannot be removed (the new one published).
    """
    signals = signals or Signals()
    clear_leftovers(output)
    try:
        fresh = Path(tempfile.mkdtemp(prefix=f"{output.name}.new-", dir=output.parent))
    except OSError as error:
        raise PublishError(cannot("write into", output.parent, error)) from None
    try:
        # copy2 keeps modification times: a deploy that syncs by time uploads only what changed
        shutil.copytree(built, fresh, ignore=not_published(built), dirs_exist_ok=True)
        shutil.copymode(built, fresh)  # mkdtemp made it private
    except BaseException as error:  # a stop signal too: nothing half-copied stays behind
        shutil.rmtree(fresh, ignore_errors=True)
        if isinstance(error, OSError):
            raise PublishError(cannot("copy the site into", output.parent, error)) from None
        raise
    with signals.held():
        if not output.exists():
            try:
                fresh.rename(output)
            except OSError as error:
                shutil.rmtree(fresh, ignore_errors=True)
                raise PublishError(cannot("create", output, error)) from None
            return
        previous = fresh  # after the exchange, the fresh name holds the old site
        try:
            if not exchange(fresh, output):
                # no renameat2 here (not Linux, glibc < 2.28, kernel < 3.15, a filesystem without it): two
                # renames, and for the moment between them there is no output
                previous = output.with_name(fresh.name.replace(".new-", ".old-", 1))
                output.rename(previous)
                try:
                    fresh.rename(output)
                except OSError:
                    previous.rename(output)
                    raise
        except OSError as error:
            shutil.rmtree(fresh, ignore_errors=True)
            raise PublishError(cannot("replace", output, error)) from None
        try:
            remove(previous)
        except OSError as error:
            remedy = f"the site is published; make {previous} writable and delete it"
            raise PublishError(cannot("remove the previous site in", previous, error, remedy)) from None


def doctree_dir(options: list[str]) -> Path | None:
    for flag in ("-d", "--doctree-dir"):
        if flag in options and options.index(flag) + 1 < len(options):
            return Path(options[options.index(flag) + 1])
    return None


def forget_environment(options: list[str]) -> None:
    """Have the next build read every page again, so that it reports every problem again."""
    doctrees = doctree_dir(options)
    if doctrees is not None:
        (doctrees / "environment.pickle").unlink(missing_ok=True)


SPHINX = {"package": "sphinx", "versions": ">=8.2,<10", "where": "publication.tools.publish"}
OUTDATED_DOCS = Patch(
    owner="sphinx.builders.html:StandaloneHTMLBuilder",
    name="get_outdated_docs",
    retire="sphinx-doc/sphinx#14327",
    **SPHINX,
)
HANDLE_EXCEPTION = Patch(
    owner="sphinx._cli.util.errors",
    name="handle_exception",
    retire="when sphinx-build reports a full disk or a refused write in one line; not reported upstream yet",
    **SPHINX,
)


def empty_output_on_new_configuration() -> None:
    """Have Sphinx's HTML builders start from an empty output folder when the configuration changed.

    Sphinx then writes every page again, but deletes nothing: a page, script or style the old configuration
    made and the new one does not would be published (sphinx-doc/sphinx#14327, open). Written for Sphinx 8
    and 9, whose ``get_outdated_docs`` moves ``.buildinfo`` to ``.buildinfo.bak`` on a change.
    """
    original = OUTDATED_DOCS.check()
    if getattr(original, "publication_patch", False):
        return

    def get_outdated_docs(self: StandaloneHTMLBuilder) -> Iterator[str]:
        outdir = Path(self.outdir)
        backup = outdir / BUILDINFO_BACKUP
        had_backup = backup.exists()  # removed before the build: called a second time, nothing is emptied
        outdated = original(self)
        first = next(outdated, None)  # Sphinx compares the configuration before naming any document
        if backup.exists() and not had_backup:
            for path in outdir.iterdir():
                if path.name not in (BUILDINFO, UNFINISHED):
                    remove(path)
        if first is not None:
            yield first
        yield from outdated

    get_outdated_docs.publication_patch = True  # type: ignore[attr-defined]
    OUTDATED_DOCS.apply(get_outdated_docs)


def file_system_errors_in_one_line() -> None:
    """Have sphinx-build report a full disk or a refused write as one line instead of a crash report.

    Sphinx prints its versions, extensions, last messages and a traceback for any exception, and asks for a
    bug report. Written for Sphinx 8.1 to 9, where ``build_main`` calls
    ``sphinx._cli.util.errors.handle_exception``.
    """
    original = HANDLE_EXCEPTION.check()
    if getattr(original, "publication_patch", False):
        return

    def handle_exception(exception: BaseException, *args: Any, **kwargs: Any) -> None:
        cause: BaseException | None = exception
        while cause is not None and not (isinstance(cause, OSError) and cause.errno in FILE_SYSTEM_ERRORS):
            cause = cause.__cause__ or cause.__context__
        if not isinstance(cause, OSError):
            return original(exception, *args, **kwargs)
        where = Path(os.fsdecode(cause.filename2 or cause.filename or "."))
        print(f"error: {cannot('write', where, cause)}", file=kwargs.get("stderr") or sys.stderr)
        return None

    handle_exception.publication_patch = True  # type: ignore[attr-defined]
    HANDLE_EXCEPTION.apply(handle_exception)


def build_and_publish(source: Path, output: Path, options: list[str], signals: Signals) -> int:
    check_writable(output.parent)
    staging = staging_for(output)
    marker = staging / UNFINISHED
    try:
        if marker.exists():
            # the last build failed or stopped mid-write: its pages may be cut short but newer than their
            # sources, and the environment it saved may hold pages read with warnings never reported again
            shutil.rmtree(staging)
            forget_environment(options)
        staging.mkdir(parents=True, exist_ok=True)
        marker.touch()
        (staging / BUILDINFO_BACKUP).unlink(missing_ok=True)  # its presence must mean: changed this time
    except OSError as error:
        raise PublishError(cannot("prepare", staging, error)) from None
    empty_output_on_new_configuration()
    file_system_errors_in_one_line()
    status = build_main([*options, str(source), str(staging)])
    signals.check()  # Sphinx takes a stop for Ctrl-C and returns: the marker stays
    if status != 0:
        forget_environment(options)
        print(f"\nThe build failed: {output} was left as it was.", file=sys.stderr)
        return status
    marker.unlink()
    publish(staging, output, signals)
    print(f"Published the site to {output}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m publication.tools.publish", description=__doc__.splitlines()[0]
    )
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    args, options = parser.parse_known_args(argv)
    output: Path = args.output
    with Signals() as signals:
        try:
            die_with_parent()
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise PublishError(cannot("create", output.parent, error)) from None
            with locked(output.parent):
                return build_and_publish(args.source, output, options, signals)
        except Stopped as stopped:
            print(
                f"\nStopped by {signal.Signals(stopped.signum).name}: {output} was left as it was.",
                file=sys.stderr,
            )
            return 128 + stopped.signum
        except PublishError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        except OSError as error:  # anything else the file system refuses: still one line
            print(f"error: {error}; {output} was left as it was", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())

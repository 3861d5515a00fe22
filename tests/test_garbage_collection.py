"""The cycle collector paused while the environment loads; the loaded objects frozen until the build ends;
objects frozen at exit and in forks."""

from __future__ import annotations

import gc
import io
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import clean_environ


def small_site(folder: Path, extensions: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.py").write_text(f"extensions = {extensions!r}\n", encoding="utf-8")
    (folder / "index.md").write_text("# Home\n\nA page.\n", encoding="utf-8")
    return folder


def test_the_environment_loads_with_the_collector_paused_and_resumed_after(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = small_site(tmp_path / "site", ["publication", "myst_parser"])
    frozen = gc.get_freeze_count()
    first = make_app("html", srcdir=site)
    first.build()
    assert gc.isenabled()

    seen: list[bool] = []
    load = pickle.load

    def load_and_note(file, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return load(file, **kwargs)

    monkeypatch.setattr(pickle, "load", load_and_note)
    second = make_app("html", srcdir=site)  # the same doctrees: it loads the first one's environment
    assert seen == [False]
    assert gc.isenabled()  # on again while documents are read and pages written
    during: list[bool] = []
    second.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count() > frozen))
    second.build()
    assert gc.isenabled()
    # the loaded environment is frozen while the build goes on: no collection walks it again
    assert during == [True]
    # and collectable once it ends: a long-lived process (the preview) collects what its builds leave
    assert gc.get_freeze_count() == frozen


def test_a_build_that_reads_much_again_can_collect_what_it_replaces(make_app, tmp_path: Path) -> None:
    site = small_site(tmp_path / "site", ["publication", "myst_parser"])
    make_app("html", srcdir=site).build()
    (site / "index.md").write_text("# Home\n\nThe page, edited.\n", encoding="utf-8")  # all of it
    during: list[int] = []
    again = make_app("html", srcdir=site)
    assert gc.get_freeze_count() > 0
    again.connect("env-updated", lambda app, env: during.append(gc.get_freeze_count()))
    again.build()
    assert during == [0]


def test_a_build_collects_less_often(make_app, tmp_path: Path) -> None:
    """Collections every 700 allocations took 10 of the 85 processor seconds of a 1,000-post build."""
    from publication.site.garbage_collection import BUILD_THRESHOLDS

    site = small_site(tmp_path / "site", ["publication", "myst_parser"])
    gc.set_threshold(700, 10, 10)  # Python's
    try:
        app = make_app("html", srcdir=site, parallel=2)
        assert gc.get_threshold() == BUILD_THRESHOLDS  # from the setup on: imports, the environment
        during: list[tuple[int, ...]] = []
        app.connect("env-updated", lambda app, env: during.append(gc.get_threshold()))
        app.connect("html-page-context", lambda *args: during.append(gc.get_threshold()))
        app.build()
        assert during and set(during) == {BUILD_THRESHOLDS}
    finally:
        gc.set_threshold(700, 10, 10)


def test_a_fork_leaves_frozen_what_was_frozen_before_it() -> None:
    from publication.site import garbage_collection

    try:
        for frozen_before in (False, True):
            gc.unfreeze()
            if frozen_before:
                gc.freeze()
            garbage_collection.freeze_before_fork()
            assert gc.get_freeze_count() > 0  # what the worker inherits
            garbage_collection.unfreeze_after_fork()
            assert (gc.get_freeze_count() > 0) is frozen_before
    finally:
        gc.unfreeze()


def test_the_collector_is_on_again_when_the_environment_cannot_be_read() -> None:
    """Sphinx reads a broken environment file as no environment, and builds on: with the collector on."""
    from publication.site.garbage_collection import PickleWithoutCollecting

    with pytest.raises(pickle.UnpicklingError):
        PickleWithoutCollecting().load(io.BytesIO(b"not a pickle"))
    assert gc.isenabled()


EXIT_PROBE = textwrap.dedent(
    """
    import atexit, gc, sys
    # registered first, so it runs last: after every other exit handler
    atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0))
    from sphinx.cmd.build import build_main
    status = build_main(["-b", "html", "-q", "-d", sys.argv[2], sys.argv[1], sys.argv[3]])
    print("collector on after the build:", gc.isenabled())
    sys.exit(status)
    """
)


@pytest.mark.parametrize(
    ("extensions", "frozen"), [(["publication", "myst_parser"], True), (["myst_parser"], False)]
)
def test_a_build_process_freezes_its_objects_at_exit(
    tmp_path: Path, extensions: list[str], frozen: bool
) -> None:
    """Python's finalisation then skips collecting them (1.8 s after a 1,000-post build)."""
    site = small_site(tmp_path / "site", extensions)
    command = [
        sys.executable,
        "-c",
        EXIT_PROBE,
        str(site),
        str(tmp_path / "doctrees"),
        str(tmp_path / "html"),
    ]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_environ(), check=False)
    assert done.returncode == 0, done.stderr
    assert "collector on after the build: True" in done.stdout
    assert f"frozen at exit: {frozen}" in done.stdout


def test_the_preview_freezes_what_its_builds_leave_and_collects_the_garbage_when_idle() -> None:
    """Full collections walked the whole environment in the middle of a save; the preview freezes the objects
    after each build and collects what became garbage once no file changed for a while."""
    import weakref

    from publication.tools.preview import Collector

    class Node:
        pass

    collector = Collector()
    try:
        garbage = Node()
        garbage.cycle = garbage  # type: ignore[attr-defined]  # only the cycle collector frees it
        alive = weakref.ref(garbage)
        del garbage
        collector.built()  # frozen with everything else: no collection walks it now
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert alive() is not None
        collector.tidy()  # idle: unfrozen, collected, the survivors frozen again
        assert alive() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


FORK_PROBE = textwrap.dedent(
    """
    import gc, os, sys
    from sphinx.cmd.build import build_main
    status = build_main(["-b", "html", "-q", "-d", sys.argv[2], sys.argv[1], sys.argv[3]])
    read, write = os.pipe()
    worker = os.fork()  # as sphinx-build -j forks its workers
    if worker == 0:
        os.write(write, str(gc.get_freeze_count() > 0).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(worker, 0)
    print("worker inherits frozen objects:", os.read(read, 16).decode())
    print("main process frozen after the fork:", gc.get_freeze_count() > 0)
    sys.exit(status)
    """
)


@pytest.mark.parametrize(
    ("extensions", "frozen"), [(["publication", "myst_parser"], True), (["myst_parser"], False)]
)
def test_a_forked_worker_s_collector_leaves_what_it_inherited_alone(
    tmp_path: Path, extensions: list[str], frozen: bool
) -> None:
    """Its collections walked, and so copied, the environment (a 1,000-post parallel read: 26 s, not 20)."""
    site = small_site(tmp_path / "site", extensions)
    folders = [str(tmp_path / "doctrees"), str(tmp_path / "html")]
    command = [sys.executable, "-c", FORK_PROBE, str(site), *folders]
    done = subprocess.run(command, capture_output=True, text=True, env=clean_environ(), check=False)
    assert done.returncode == 0, done.stderr
    assert f"worker inherits frozen objects: {frozen}" in done.stdout
    assert "main process frozen after the fork: False" in done.stdout  # it goes on collecting

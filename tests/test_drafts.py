"""Which files the drafts' check reads for a date: the posts ablog matches, and every other source Sphinx
would read (a page may declare itself a post), found without walking folders Sphinx does not read."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx.util.matching import get_matching_files

from publication.site.drafts import other_sources, post_sources

SUFFIXES = [".md", ".ipynb", ".rst"]
folder = st.sampled_from(["posts", "2019", "_build", ".cache", "drafts", "notes", "a b", "x[1]", "html"])
stem = st.sampled_from(["post", "index", ".hidden", "x[1]", "é"])
file_name = st.builds("{}{}".format, stem, st.sampled_from([*SUFFIXES, ".txt"]))
path = st.builds(lambda parts, name: "/".join([*parts, name]), st.lists(folder, max_size=3), file_name)
tree = st.lists(path)
excludes = st.lists(st.sampled_from(["drafts", "drafts/*", "notes/**", "*.rst", "**/x?1?", "posts/2019"]))


def matcher_patterns(patterns: list[str]) -> list[str]:
    return [*patterns, *(pattern[3:] for pattern in patterns if pattern.startswith("**/"))]


def make_tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        if any(parent.is_file() for parent in path.parents):
            continue  # a file already has the name of one of its folders
        if path.is_dir():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("text", encoding="utf-8")


@settings(max_examples=60, deadline=None)
@given(tree, excludes)
def test_the_other_sources_are_the_files_sphinx_would_read(names: list[str], exclude: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        srcdir = Path(folder) / "site[1]"  # glob characters in the source folder's own path
        srcdir.mkdir()
        make_tree(srcdir, names)
        config = SimpleNamespace(exclude_patterns=exclude, source_suffix={".rst": "restructuredtext"})
        app = SimpleNamespace(
            srcdir=srcdir, registry=SimpleNamespace(source_suffix={".md": "", ".ipynb": ""})
        )
        posts = post_sources(srcdir, ["posts/*/*.md", "posts/**/*.ipynb"])
        found = other_sources(app, config, posts)  # type: ignore[arg-type]

        sphinx_reads = {
            name
            # the folders and files the exclusions match, as sphinx.util.matching.Matcher reads "**/" (also at
            # the top), with the output and hidden files, which the check never reads
            for name in get_matching_files(srcdir, ["**"], matcher_patterns([*exclude, "**/_build", "**/.*"]))
            if name.endswith(tuple(SUFFIXES))
        }
        assert set(found) == sphinx_reads - set(posts)
        assert found == sorted(found)
        # the posts: what ablog's glob.glob(pattern, recursive=True) finds, files only
        for name in posts:
            assert (srcdir / name).is_file() and name.startswith("posts/")
            assert not any(part.startswith(".") for part in name.split("/"))  # glob skips hidden names
        for name in names:
            parts = name.split("/")
            post_like = len(parts) == 3 and parts[0] == "posts" and name.endswith(".md")
            if post_like and (srcdir / name).is_file() and not any(p.startswith(".") for p in parts):
                assert name in posts


def test_the_output_folder_is_not_walked(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """docs/_build holds the site, its doctrees and the preview: thousands of files at 1,000 posts."""
    srcdir = tmp_path / "docs"
    make_tree(srcdir, ["index.md", "posts/2020/a.md", "_build/html/_sources/index.md", "_build/x/y/z.md"])
    walked: list[str] = []
    walk = os.walk

    def noting_walk(top, *args, **kwargs):  # type: ignore[no-untyped-def]
        for folder, subfolders, files in walk(top, *args, **kwargs):
            walked.append(os.path.relpath(folder, srcdir))
            yield folder, subfolders, files

    monkeypatch.setattr(os, "walk", noting_walk)
    config = SimpleNamespace(exclude_patterns=["_build"], source_suffix={".rst": "restructuredtext"})
    app = SimpleNamespace(srcdir=srcdir, registry=SimpleNamespace(source_suffix={".md": ""}))
    assert other_sources(app, config, ["posts/2020/a.md"]) == ["index.md"]  # type: ignore[arg-type]
    assert sorted(walked) == [".", "posts", "posts/2020"]

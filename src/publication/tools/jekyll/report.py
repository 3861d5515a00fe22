"""What an import did: constructs converted, constructs kept as they were, posts skipped, with file:line."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    """One construct the importer could not convert, or one reason a post was skipped."""

    path: Path
    line: int
    message: str
    dropped: bool = False  # left out of the post on purpose (not kept as text)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class PostReport:
    """What converting one post found: counts of converted constructs and what it left as it was."""

    path: Path
    converted: Counter[str] = field(default_factory=Counter)
    unconverted: list[Finding] = field(default_factory=list)

    def count(self, construct: str, times: int = 1) -> None:
        self.converted[construct] += times

    def keep(self, line: int, message: str) -> None:
        """Record a construct left as literal text (or as it was), at a 1-based line of the source."""
        finding = Finding(self.path, line, message)
        if finding not in self.unconverted:
            self.unconverted.append(finding)

    def drop(self, line: int, message: str) -> None:
        """Record a construct left out of the post on purpose (a third-party script, a comment), at a
        1-based line of the source: the importer's accounting then expects none of its words in the post."""
        finding = Finding(self.path, line, message, dropped=True)
        if finding not in self.unconverted:
            self.unconverted.append(finding)


def line_of(text: str, snippet: str, first_line: int = 1) -> int:
    """The 1-based line where ``snippet`` first appears in ``text`` (a post's source), else ``first_line``."""
    for probe in (snippet, snippet.strip()[:40], snippet.strip().splitlines()[0] if snippet.strip() else ""):
        if probe:
            index = text.find(probe)
            if index >= 0:
                return text.count("\n", 0, index) + 1
    return first_line

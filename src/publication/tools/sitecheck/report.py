"""What a check found: how much it looked at, and each problem with its page and what to do."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the built site, said so that its author knows where to look and what to do."""

    page: str  # the file, relative to the site's folder, with ":line" where the check knows it
    what: str
    advice: str = ""

    def __str__(self) -> str:
        return f"{self.page}: {self.what}" + (f" → {self.advice}" if self.advice else "")


@dataclass
class Report:
    """The outcome of one check: counts of what it looked at, and its problems (none when it passes)."""

    check: str
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, never failing: warnings, versions

    @property
    def passed(self) -> bool:
        return not self.problems

    def worst(self, limit: int) -> list[Problem]:
        """The first `limit` problems, pages with the most problems first, in page order within a page."""
        per_page = Counter(problem.page.split(":")[0] for problem in self.problems)
        ranked = sorted(
            enumerate(self.problems),
            key=lambda item: (-per_page[item[1].page.split(":")[0]], item[1].page.split(":")[0], item[0]),
        )
        return [problem for _, problem in ranked[:limit]]

    def summary(self) -> str:
        counted = ", ".join(f"{count} {noun}" for noun, count in self.counts.items())
        verdict = "ok" if self.passed else f"{len(self.problems)} problem" + "s" * (len(self.problems) != 1)
        return f"{self.check}: {counted}: {verdict}"

    def render(self, limit: int = 10) -> str:
        lines = [("PASS " if self.passed else "FAIL ") + self.summary()]
        lines += [f"     {note}" for note in self.notes]
        lines += [f"   - {problem}" for problem in self.worst(limit)]
        if len(self.problems) > limit:
            lines.append(f"   ... and {len(self.problems) - limit} more (--show N to see more)")
        return "\n".join(lines)

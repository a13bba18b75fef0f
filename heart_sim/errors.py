"""The library's own exceptions; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations


class HeartSimError(Exception):
    """Base class for errors a user can fix."""

    exit_code = 2


class ScenarioError(HeartSimError):
    """A scenario file is unreadable or invalid: names the file, the key path and the reason."""

    def __init__(self, source: str, problems: list[tuple[str, str]] | list[tuple[str, str, str]]):
        self.source = source
        # Each problem: (key path, reason), or (file, key path, reason) when a scenario
        # spans several files through ``extends:``.
        self.problems = [p if len(p) == 3 else (source, *p) for p in problems]
        lines = [f"{src}: {path or '<top>'}: {why}" for src, path, why in self.problems]
        super().__init__("\n".join(lines))


class ResultsExistError(HeartSimError):
    """Results from different inputs are already in the output folder."""


class RunTooLargeError(HeartSimError):
    """A run bigger than the safety limit, asked for without --force."""

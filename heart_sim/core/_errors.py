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
        self.problems: list[tuple[str, str, str]] = [
            (p[0], p[1], p[2]) if len(p) == 3 else (source, p[0], p[1]) for p in problems
        ]
        # A problem with the file as a whole (not valid YAML, not a mapping) has no key path.
        lines = [": ".join(p for p in (src, path, why) if p) for src, path, why in self.problems]
        super().__init__("\n".join(lines))


class ResultsExistError(HeartSimError):
    """Results from different inputs are already in the output folder."""


class FolderLockedError(HeartSimError):
    """Another running heart-sim process is writing to the same results folder."""


class ResultsWriteError(HeartSimError):
    """The operating system refused a write (full disk, a file where a folder should be...)."""


class NotResultsError(HeartSimError):
    """A folder that should hold heart-sim results does not (or holds an incomplete set)."""


class RunTooLargeError(HeartSimError):
    """A run bigger than the safety limit, asked for without --force."""


class Interrupted(HeartSimError, KeyboardInterrupt):
    """Ctrl-C during a study: says what was saved (still a KeyboardInterrupt for callers)."""

    exit_code = 130


class StudyError(HeartSimError):
    """A study that cannot be run as asked (e.g. two scenarios with the same name)."""


class PdfError(HeartSimError):
    """report.pdf could not be printed (the browser failed or took too long)."""


class ChromiumNotFoundError(PdfError):
    """No Chromium to print report.pdf with (says how to install one)."""

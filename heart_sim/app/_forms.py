"""Reading the pages' text fields as the CLI reads its options: whole numbers, amounts,
hour windows and scenario choices, each bad one a one-line error naming the field."""

from __future__ import annotations

from typing import Any

from ..core import HeartSimError
from ._workspace import Workspace, builtin_names

EDITED = "edited"  # the choice that means the what-if on the Scenario page
MAX_REPS = 100_000


def whole(text: str, what: str, least: int = 0) -> int:
    """A whole number of at least ``least``."""
    try:
        value = int(text.strip())
    except ValueError:
        raise HeartSimError(f"{what}: {text!r} is not a whole number") from None
    if value < least:
        raise HeartSimError(f"{what}: must be at least {least} (got {value})")
    return value


def amount(text: str, what: str) -> float | None:
    """A number, ``$`` and thousands commas allowed; None for a blank field."""
    if not text.strip():
        return None
    try:
        return float(text.replace(",", "").replace("$", "").strip())
    except ValueError:
        raise HeartSimError(f"{what}: {text!r} is not a number") from None


def hours(text: str) -> tuple[int, int]:
    """Opening hours written start-end, such as 8-20."""
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise HeartSimError(f"hours {text.strip()!r}: write start-end, such as 8-20")
    return whole(start, "opening hour"), whole(end, "closing hour")


def choices(space: Workspace, edited_too: bool = False) -> dict[str, Any]:
    """Built-in scenarios and files of the working folder, as grouped select choices."""
    groups: dict[str, Any] = {}
    if edited_too:
        groups["This app"] = {EDITED: "the what-if on the Scenario page"}
    groups["Built-in scenarios"] = {f"builtin:{n}": n for n in builtin_names()}
    files = space.scenario_files()
    if files:
        groups["Files in the working folder"] = {f"file:{f}": f for f in files}
    return groups


def scenario_of(space: Workspace, choice: str) -> str:
    """A built-in's name or a working-folder file's path, from a select's value."""
    kind, _, rest = choice.partition(":")
    if kind == "builtin" and rest in builtin_names():
        return rest
    if kind == "file":
        return str(space.inside(rest, root=space.work))
    raise HeartSimError(f"{choice!r}: not a scenario of this app")

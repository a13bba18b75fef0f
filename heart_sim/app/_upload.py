"""A YAML file opened from the user's computer: checked as the CLI's ``validate`` checks a
file, and kept in the working folder only if it is valid.

The file keeps its own name (letters, digits, ``_ . -``; ``.yaml`` or ``.yml``), so the
CLI runs it as ``heart-sim run <name>`` from the working folder. It is parsed with the
library's bounded safe loader and validated by what it is (a scenario, an options file or
a targets file, ``api.check``); a problem is the CLI's one-line message, naming the file
as the working folder names it. A file of that name already there is not replaced unasked:
an identical one is simply opened, a different one is refused (the options editor, whose
Replace box asks, may replace it; an invalid replacement puts the old file back).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import api
from ..core import HeartSimError, ScenarioError, atomic_write_bytes
from ._workspace import Workspace, check_name

MOST_BYTES = 1_000_000  # a scenario is a few kilobytes; a larger upload is refused unread
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Opened:
    """An uploaded file kept in the working folder: its path there and what it is."""

    name: str  # relative to the working folder
    kind: str  # "scenario", "options" or "targets"
    said: str  # the validator's one line


def _as_named(err: ScenarioError, space: Workspace) -> str:
    """The error's lines with each file named relative to the working folder."""
    lines = []
    for src, path, why in err.problems:
        shown = Path(src)
        if shown.is_absolute() and space.work in shown.parents:
            src = shown.relative_to(space.work).as_posix()
        lines.append(": ".join(p for p in (src, path, why) if p))
    return "\n".join(lines)


def _kind(said: str) -> str:
    """What ``api.check`` said it checked."""
    for kind in ("options", "targets"):
        if f"valid {kind} file" in said:
            return kind
    return "scenario"


def keep_checked(space: Workspace, filename: str, data: bytes, replace: bool = False) -> Opened:
    """Keep ``data`` as ``filename`` in the working folder if it is a valid scenario,
    options or targets file; else a one-line ``HeartSimError`` and the folder as it was.
    A different file of that name is replaced only if ``replace``."""
    name = Path(filename).name
    stem, suffix = Path(name).stem, Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise HeartSimError(f"{name}: not a YAML file: open a .yaml or .yml file")
    check_name(stem)
    if len(data) > MOST_BYTES:
        raise HeartSimError(f"{name}: {len(data):,} bytes; a scenario file is at most 1 MB")
    target = space.inside(name, root=space.work)
    before = target.read_bytes() if target.is_file() else None
    if before is not None and before != data and not replace:
        raise HeartSimError(
            f"{name}: a different file of that name is in the working folder {space.work}: "
            "rename one of them"
        )
    if before != data:
        atomic_write_bytes(target, lambda tmp: tmp.write_bytes(data))
    try:
        said = api.check(target)
    except HeartSimError as err:
        if before is None:
            target.unlink(missing_ok=True)  # an invalid file is not kept
        elif before != data:
            atomic_write_bytes(target, lambda tmp: tmp.write_bytes(before))
        if isinstance(err, ScenarioError):
            raise HeartSimError(_as_named(err, space)) from None
        raise
    return Opened(name, _kind(said), said.replace(str(target), name))

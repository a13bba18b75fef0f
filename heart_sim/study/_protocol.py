"""What every heart-sim result object offers, whatever the study that made it.

``summary`` is a DataFrame of the answer (one row per headline item), ``folder`` is where
its files are (None when nothing was written, or only to a temporary folder), ``save(out)``
writes under ``out`` the files the CLI writes, and ``_repr_html_`` shows it in a notebook.
``Results`` and ``Comparison`` write their files from memory; the studies that write a
folder as they go (sweep, sensitivity, calibration, optimize, budget) save by copying it,
through ``SavedFolder``.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

import pandas as pd

from ..core import StudyError, refuse_link
from ._folders import point_latest, read_manifest

# a scenario file's top-level ``extends:`` line (recommended.yaml, calibrated.yaml, ...)
_EXTENDS = re.compile(r"^extends:[ \t]*(?P<q>['\"]?)(?P<path>[^'\"\n]+?)(?P=q)[ \t]*$", re.M)


@runtime_checkable
class StudyResult(Protocol):
    """The protocol every result type follows (``tests/study/test_protocol.py`` checks)."""

    @property
    def folder(self) -> Path | None: ...

    @property
    def summary(self) -> pd.DataFrame: ...

    def save(self, out: Path | str, force: bool = False) -> Path: ...

    def _repr_html_(self) -> str: ...


class SavedFolder:
    """Save and notebook display for results whose study wrote a folder as it went.

    ``_scratch`` is that folder when the study ran without ``out`` (a temporary folder that
    lives as long as the result object); ``heading`` and ``summary`` come from the class."""

    folder: Path | None
    notes: list[str]
    _scratch: Path | None = None

    @property
    def summary(self) -> pd.DataFrame:
        raise NotImplementedError

    def heading(self) -> str:
        raise NotImplementedError

    def save(self, out: Path | str, force: bool = False) -> Path:
        """Copy this study's folder to ``out/<its name>`` and point ``out/<stem>`` at it, as
        the CLI would have written it with ``--out out``; the scenario file each written
        scenario ``extends:`` is named relative to the new place. Returns the new folder."""
        source = self.folder if self.folder is not None else self._scratch
        if source is None or not source.is_dir():
            raise StudyError(
                f"{type(self).__name__}: no folder to save (it was made in memory); run the "
                "study again with out=..."
            )
        return copy_study_folder(source, Path(out), force=force)

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        return (
            f"<div><strong>{html.escape(self.heading())}</strong>"
            + self.summary.to_html(index=False, max_rows=30, na_rep="")
            + (f"<ul>{notes}</ul>" if notes else "")
            + "</div>"
        )


def copy_study_folder(folder: Path, out: Path, force: bool = False) -> Path:
    """``folder`` copied to ``out/<folder's name>`` (atomically: copied beside, then
    renamed), ``out/<stem>`` pointed at it. A folder of that name already there is
    replaced when it holds the same study (the same manifest), else kept unless
    ``force``. Scenario files the copy extends are named relative to the copy; those in
    the study's ``inputs/`` (a scenario given as an object) are copied along."""
    dest = out / folder.name
    if dest.resolve() == folder.resolve():
        return dest
    refuse_another(dest, dest, folder, force, "holds another study")
    copy_folder(folder, dest, lambda staged: _relocate_all(staged, folder, dest, force))
    point_latest(out, folder.name.rsplit("-", 1)[0], dest)
    return dest


def refuse_another(path: Path, its_folder: Path, folder: Path, force: bool, what: str) -> None:
    """Refuse, unless ``force``, to replace ``path`` when its folder's manifest is not that
    of ``folder`` (the same study saved again replaces its own copy)."""
    if path.exists() and not force and read_manifest(its_folder) != read_manifest(folder):
        raise StudyError(
            f"{path} exists and {what}; save elsewhere, or pass force=True to replace it"
        )


def copy_folder(folder: Path, dest: Path, edit: Callable[[Path], None] = lambda p: None) -> None:
    """``folder`` copied to ``dest`` atomically: into a staging folder beside it (``edit``
    may change the copy there), then renamed over ``dest``; nothing half-copied is left."""
    refuse_link(dest, "folder to save to")
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        shutil.copytree(folder, staging, symlinks=True, dirs_exist_ok=True)
        edit(staging)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _relocate_all(staged: Path, old: Path, new: Path, force: bool) -> None:
    for written in sorted(staged.glob("*.yaml")):
        _relocate_extends(written, old, new, force)


def relocated_extends(text: str, old: Path, new: Path) -> str:
    """A scenario file's text moved from folder ``old`` to folder ``new``: its
    ``extends:``, when a relative path to a scenario file that exists, named from ``new``
    (the rest of the text, comments included, as it was)."""
    target = _extends_target(text, old)
    if target is None:
        return text
    return _with_extends(text, os.path.relpath(target, new.resolve()))


def _extends_target(text: str, old: Path) -> Path | None:
    match = _EXTENDS.search(text)
    if match is None:
        return None
    ref = match["path"]
    if Path(ref).suffix not in (".yaml", ".yml") or Path(ref).is_absolute():
        return None  # a built-in scenario's name, or a path that does not move
    target = (old / ref).resolve()
    return target if target.is_file() else None


def _with_extends(text: str, ref: str) -> str:
    match = _EXTENDS.search(text)
    assert match is not None
    return text[: match.start("path")] + ref + text[match.end("path") :]


def _relocate_extends(file: Path, old: Path, new: Path, force: bool) -> None:
    """``relocated_extends`` for a file of a study folder copied from ``old`` to ``new``;
    a scenario in the study's ``inputs/`` is copied along to ``new``'s."""
    text = file.read_text()
    target = _extends_target(text, old)
    if target is None:
        return
    inputs = (old.parent / "inputs").resolve()
    if target.is_relative_to(inputs):
        copy = new.parent / "inputs" / target.relative_to(inputs)
        if copy.exists() and copy.read_bytes() != target.read_bytes() and not force:
            raise StudyError(f"{copy} exists with other content; pass force=True to replace it")
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(target, copy)
        target = copy.resolve()
    file.write_text(_with_extends(text, os.path.relpath(target, new.resolve())))

"""Finished replications saved one file each, so a stopped run resumes where it was.

A replication's output depends only on (scenario, seed, replication number), so the folder
is keyed by the scenario's content hash and the seed; a rerun with more replications reuses
the ones already done. Files are written atomically: a run killed at any moment leaves
whole checkpoints or none. Numbers are stored exactly (JSON for the KPIs, whose Python
float repr round-trips; .npy for arrays), so a resumed run equals an uninterrupted one.

Each checkpoint lists its own contents (``contents.json``: a format version and the
SHA-256 of every member). One that opens as a zip but lacks a member, holds one that was
changed, or was written by another format is not resumed: it is simulated again, so
tables are never built from part of a replication.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

from ..core import CHECKPOINTS, atomic_write_bytes, real_folder
from ..scenario import Scenario, scenario_hash
from ._replication import ARRAY_GROUPS, RepOutput

FOLDER = CHECKPOINTS
FORMAT = 2  # 1: no contents list; 2: contents.json with a SHA-256 per member
CONTENTS = "contents.json"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class CheckpointError(Exception):
    """A checkpoint file that cannot be read back (the replication is simulated again)."""


class Checkpoints:
    """The finished replications of one (scenario, seed) under a results folder."""

    def __init__(self, root: Path, scenario: Scenario, seed: int):
        self.root = Path(root)
        self.folder = self.root / FOLDER / f"{scenario_hash(scenario)}-{seed}"

    def _path(self, replication: int) -> Path:
        return self.folder / f"rep_{replication:06d}.zip"

    def _linked(self) -> bool:
        """Whether .checkpoints, or this inputs' folder in it, is a symbolic link: what it
        points to is neither read back nor written."""
        return any(p.is_symlink() for p in (self.root / FOLDER, self.folder))

    def done(self, reps: int) -> list[int]:
        if self._linked():
            return []
        return [r for r in range(reps) if self._path(r).exists() and not self._path(r).is_symlink()]

    def save(self, replication: int, out: RepOutput) -> None:
        members = {"kpis.json": json.dumps(out.kpis).encode()}
        for group in ARRAY_GROUPS:
            for key, arr in getattr(out, group).items():
                buf = io.BytesIO()
                np.save(buf, np.asarray(arr), allow_pickle=False)
                members[f"{group}/{key}.npy"] = buf.getvalue()
        contents = {"format": FORMAT, "members": {n: _digest(b) for n, b in members.items()}}

        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w") as z:
                for name, data in members.items():
                    z.writestr(name, data)
                z.writestr(CONTENTS, json.dumps(contents))

        real_folder(self.root / FOLDER)
        real_folder(self.folder)
        atomic_write_bytes(self._path(replication), write)

    def load(self, replication: int) -> RepOutput:
        """A saved replication; CheckpointError if the file cannot be read back whole."""
        groups: dict[str, dict[str, np.ndarray]] = {g: {} for g in ARRAY_GROUPS}
        path = self._path(replication)
        try:
            with zipfile.ZipFile(path) as z:
                members = _checked_members(z)
                kpis = json.loads(members.pop("kpis.json"))
                for name, data in members.items():
                    group, key = name[:-4].split("/", 1)
                    if group not in groups or not name.endswith(".npy"):
                        raise CheckpointError(f"{name} is not part of a replication")
                    groups[group][key] = np.load(io.BytesIO(data), allow_pickle=False)
        except CheckpointError as err:
            raise CheckpointError(f"{path}: {err}") from None
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as err:
            raise CheckpointError(f"{path}: {err}") from None
        if not isinstance(kpis, dict):
            raise CheckpointError(f"{path}: kpis.json is not a mapping")
        out = RepOutput(kpis=kpis, by_hour={}, quantiles={})
        for group, arrays in groups.items():
            setattr(out, group, arrays)
        return out

    def discard(self, replication: int) -> None:
        self._path(replication).unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove every checkpoint under the results folder: once its results are written,
        checkpoints of this or of other (interrupted, superseded) inputs are not needed."""
        top = self.root / FOLDER
        if top.is_symlink():
            top.unlink()  # the link only: what it points to is not heart-sim's to remove
        shutil.rmtree(top, ignore_errors=True)


def _checked_members(z: zipfile.ZipFile) -> dict[str, bytes]:
    """Every member the contents list names, each checked against its SHA-256; a member
    missing, changed or not listed, or another format, is a CheckpointError."""
    try:
        contents = json.loads(z.read(CONTENTS))
    except KeyError:
        raise CheckpointError(
            "no contents list (written by an older heart-sim, or damaged)"
        ) from None
    given = contents.get("format") if isinstance(contents, dict) else None
    if given != FORMAT:
        raise CheckpointError(f"format {given!r}, not {FORMAT}")
    listed = contents.get("members")
    if not isinstance(listed, dict) or "kpis.json" not in listed:
        raise CheckpointError("the contents list names no kpis.json")
    present = set(z.namelist()) - {CONTENTS}
    missing = sorted(set(listed) - present)
    if missing:
        raise CheckpointError(f"lacks {len(missing)} of its parts ({', '.join(missing[:3])})")
    if present - set(listed):
        raise CheckpointError("holds parts its contents list does not name")
    members = {}
    for name in z.namelist():  # in the order written: the arrays' order is the tables' order
        if name == CONTENTS:
            continue
        data = z.read(name)
        if _digest(data) != listed[name]:
            raise CheckpointError(f"{name} is not what was written")
        members[name] = data
    return members


def contents_of(out: RepOutput) -> frozenset[str]:
    """What a replication holds: its KPI names and its arrays, by group."""
    return frozenset(
        [f"kpi:{k}" for k in out.kpis] + [f"{g}/{k}" for g in ARRAY_GROUPS for k in getattr(out, g)]
    )

"""Finished replications saved one file each, so a stopped run resumes where it was.

A replication's output depends only on (scenario, seed, replication number), so the folder
is keyed by the scenario's content hash and the seed; a rerun with more replications reuses
the ones already done. Files are written atomically: a run killed at any moment leaves
whole checkpoints or none. Numbers are stored exactly (JSON for the KPIs, whose Python
float repr round-trips; .npy for arrays), so a resumed run equals an uninterrupted one.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

from ..core import CHECKPOINTS, atomic_write_bytes
from ..scenario import Scenario, scenario_hash
from ._replication import ARRAY_GROUPS, RepOutput

FOLDER = CHECKPOINTS


class CheckpointError(Exception):
    """A checkpoint file that cannot be read back (the replication is simulated again)."""


class Checkpoints:
    """The finished replications of one (scenario, seed) under a results folder."""

    def __init__(self, root: Path, scenario: Scenario, seed: int):
        self.root = Path(root)
        self.folder = self.root / FOLDER / f"{scenario_hash(scenario)}-{seed}"

    def _path(self, replication: int) -> Path:
        return self.folder / f"rep_{replication:06d}.zip"

    def done(self, reps: int) -> list[int]:
        return [r for r in range(reps) if self._path(r).exists()]

    def save(self, replication: int, out: RepOutput) -> None:
        def write(tmp: Path) -> None:
            with zipfile.ZipFile(tmp, "w") as z:
                z.writestr("kpis.json", json.dumps(out.kpis))
                for group in ARRAY_GROUPS:
                    for key, arr in getattr(out, group).items():
                        buf = io.BytesIO()
                        np.save(buf, np.asarray(arr), allow_pickle=False)
                        z.writestr(f"{group}/{key}.npy", buf.getvalue())

        atomic_write_bytes(self._path(replication), write)

    def load(self, replication: int) -> RepOutput:
        """A saved replication; CheckpointError if the file cannot be read back whole."""
        groups: dict[str, dict[str, np.ndarray]] = {g: {} for g in ARRAY_GROUPS}
        try:
            with zipfile.ZipFile(self._path(replication)) as z:
                kpis = json.loads(z.read("kpis.json"))
                for name in z.namelist():
                    if name.endswith(".npy"):
                        group, key = name[:-4].split("/", 1)
                        data = io.BytesIO(z.read(name))
                        groups[group][key] = np.load(data, allow_pickle=False)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as err:
            raise CheckpointError(f"{self._path(replication)}: {err}") from None
        out = RepOutput(kpis=kpis, by_hour={}, quantiles={})
        for group, arrays in groups.items():
            setattr(out, group, arrays)
        return out

    def discard(self, replication: int) -> None:
        self._path(replication).unlink(missing_ok=True)

    def clear(self) -> None:
        """Remove every checkpoint under the results folder: once its results are written,
        checkpoints of this or of other (interrupted, superseded) inputs are not needed."""
        shutil.rmtree(self.root / FOLDER, ignore_errors=True)

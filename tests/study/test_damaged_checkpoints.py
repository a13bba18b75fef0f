"""Damaged checkpoints (issue 24): a checkpoint that still opens as a zip but lacks part of
its content, holds a changed part, or was written by another format is simulated again,
never resumed, so the results equal a clean run's byte for byte (once, by-hour, by-month and
by-zone tables came out ~26% low, or summary.csv mixed 4- and 3-replication figures)."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from builders import short_baseline

from heart_sim.study import _studies as study
from heart_sim.study._checkpoint import CONTENTS, FORMAT, CheckpointError, Checkpoints
from heart_sim.study._folders import run_manifest
from heart_sim.study._replication import run_replication
from heart_sim.study._results import run_folder

FILES = (
    "summary.csv",
    "replications.csv",
    "by_hour.csv",
    "by_month.csv",
    "by_zone.csv",
    "quantiles.csv",
    "summary.json",
)
Members = dict[str, bytes]


def _rewrite(path: Path, change: Callable[[Members], Members], relist: bool = False) -> None:
    """Rewrite a checkpoint's members through ``change``; with ``relist`` its contents list
    is made to match, as a careful forger (or a bug) would."""
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members = change(members)
    if relist:
        listed = {n: hashlib.sha256(b).hexdigest() for n, b in members.items() if n != CONTENTS}
        members[CONTENTS] = json.dumps({"format": FORMAT, "members": listed}).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)


def _without(prefix: str) -> Callable[[Members], Members]:
    return lambda m: {n: b for n, b in m.items() if not n.startswith(prefix)}


def _kpis_less_one(m: Members) -> Members:
    kpis = json.loads(m["kpis.json"])
    kpis.pop(sorted(kpis)[0])
    return {**m, "kpis.json": json.dumps(kpis).encode()}


def _one_byte_changed(m: Members) -> Members:
    name = next(n for n in m if n.startswith("by_hour/"))
    data = bytearray(m[name])
    data[-1] ^= 0xFF
    return {**m, name: bytes(data)}


def _format(v: object) -> Callable[[Members], Members]:
    def change(m: Members) -> Members:
        contents = json.loads(m[CONTENTS])
        return {**m, CONTENTS: json.dumps({**contents, "format": v}).encode()}

    return change


# (label, damage, rewrite the contents list to match, words of the CheckpointError)
DAMAGES = [
    ("no by-hour arrays", _without("by_hour/"), False, "lacks"),
    ("no by-month arrays", _without("by_month/"), False, "lacks"),
    ("no by-zone arrays", _without("by_zone/"), False, "lacks"),
    ("a measure taken out of kpis.json", _kpis_less_one, False, "kpis.json is not what was"),
    ("a byte of an array changed", _one_byte_changed, False, "is not what was written"),
    ("no contents list (format 1)", _without(CONTENTS), False, "no contents list"),
    ("another format", _format(99), False, "format 99, not 2"),
    ("a part the list does not name", lambda m: {**m, "by_hour/x.npy": b""}, False, "not name"),
    ("by-hour arrays gone, list rewritten", _without("by_hour/"), True, None),
    ("a measure gone, list rewritten", _kpis_less_one, True, None),
]


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    sc = short_baseline(weeks=2)
    return study.run(sc, reps=3, seed=4, out=tmp_path_factory.mktemp("ref")).folder


@pytest.mark.parametrize("label, damage, relist, says", DAMAGES, ids=[d[0] for d in DAMAGES])
def test_a_damaged_checkpoint_is_simulated_again_and_the_results_equal_a_clean_run(
    tmp_path, clean, label, damage, relist, says
) -> None:
    sc = short_baseline(weeks=2)
    out = tmp_path / "o"
    folder = run_folder(out, sc, run_manifest(sc, 4, 3, {}))
    ckpt = Checkpoints(folder, sc, 4)
    for r in range(3):
        ckpt.save(r, run_replication(sc, 4, r))
    _rewrite(ckpt._path(1), damage, relist)
    if says is not None:  # the checkpoint itself says what is wrong
        with pytest.raises(CheckpointError, match=says):
            ckpt.load(1)
    res = study.run(sc, reps=3, seed=4, out=out)
    assert res.resumed == 2  # replications 0 and 2; 1 simulated again
    for name in FILES:
        assert (res.folder / name).read_bytes() == (clean / name).read_bytes(), name


def test_a_clean_checkpoint_reads_back_exactly(tmp_path) -> None:
    sc = short_baseline(weeks=2)
    ckpt = Checkpoints(tmp_path, sc, 4)
    out = run_replication(sc, 4, 0)
    ckpt.save(0, out)
    back = ckpt.load(0)
    assert json.dumps(back.kpis) == json.dumps(out.kpis)  # NaN as NaN, order as written
    for group in ("by_hour", "quantiles", "by_month", "by_zone"):
        assert set(getattr(back, group)) == set(getattr(out, group))
        for key, arr in getattr(out, group).items():
            np.testing.assert_array_equal(getattr(back, group)[key], arr, err_msg=key)
    with zipfile.ZipFile(ckpt._path(0)) as z:
        assert json.loads(z.read(CONTENTS))["format"] == FORMAT == 2

"""Symbolic links where heart-sim writes (issue 24): never written, nor read, through. A
results folder that is a link is refused in one line; a .checkpoints folder (or its
per-inputs folder) or a plots/ folder that is a link is replaced by a real folder; an
output file that is a link is replaced, and the file it pointed to is left as it was."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from builders import short_baseline
from typer.testing import CliRunner

from heart_sim.cli import app
from heart_sim.core import ResultsWriteError, real_folder, refuse_link
from heart_sim.scenario import scenario_hash
from heart_sim.study import _studies as study
from heart_sim.study._folders import run_manifest
from heart_sim.study._results import run_folder

SEED, REPS = 4, 2


def _folder(out: Path) -> Path:
    sc = short_baseline(weeks=1)
    return run_folder(out, sc, run_manifest(sc, SEED, REPS, {}))


def _run(out: Path) -> Path:
    return study.run(short_baseline(weeks=1), reps=REPS, seed=SEED, out=out).folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    return _run(tmp_path_factory.mktemp("clean"))


def _checkpoints_link(folder: Path, elsewhere: Path) -> None:
    folder.mkdir(parents=True)
    os.symlink(elsewhere, folder / ".checkpoints", target_is_directory=True)


def _inputs_link(folder: Path, elsewhere: Path) -> None:
    key = f"{scenario_hash(short_baseline(weeks=1))}-{SEED}"
    (folder / ".checkpoints").mkdir(parents=True)
    os.symlink(elsewhere, folder / ".checkpoints" / key, target_is_directory=True)


# (label, how the link is planted in the results folder about to be written)
PLANTED = [
    (".checkpoints is a link to another folder", _checkpoints_link),
    (".checkpoints/<inputs> is a link to another folder", _inputs_link),
]


@pytest.mark.parametrize("label, plant", PLANTED, ids=[p[0] for p in PLANTED])
def test_a_checkpoints_link_is_replaced_and_nothing_is_written_through_it(
    tmp_path, clean, label, plant
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not heart-sim's")
    out = tmp_path / "out"
    plant(_folder(out), elsewhere)
    folder = _run(out)
    assert sorted(p.name for p in elsewhere.rglob("*")) == ["keep.txt"]
    assert not (folder / ".checkpoints").exists()  # cleared once the results are written
    for name in ("summary.csv", "replications.csv", "by_hour.csv"):
        assert (folder / name).read_bytes() == (clean / name).read_bytes(), name


def test_checkpoints_behind_a_link_are_not_resumed(tmp_path) -> None:
    """Replications planted in another folder and linked in are not read back."""
    first = _run(tmp_path / "first")
    planted = tmp_path / "planted"
    sc = short_baseline(weeks=1)
    ckpt = study.Checkpoints(tmp_path / "first", sc, SEED)
    from heart_sim.study._replication import run_replication

    ckpt.save(0, run_replication(sc, SEED, 0))
    os.replace(ckpt.folder, planted)
    out = tmp_path / "out"
    folder = _folder(out)
    folder.mkdir(parents=True)
    (folder / ".checkpoints").mkdir()
    os.symlink(planted, folder / ".checkpoints" / ckpt.folder.name, target_is_directory=True)
    res = study.run(sc, reps=REPS, seed=SEED, out=out)
    assert res.resumed == 0 and first.exists()
    assert [p.name for p in planted.iterdir()] == ["rep_000000.zip"]


def test_a_results_folder_that_is_a_link_is_refused_in_one_line(tmp_path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(elsewhere, _folder(out), target_is_directory=True)
    with pytest.raises(ResultsWriteError, match="is a symbolic link .* does not write through"):
        _run(out)
    assert list(elsewhere.iterdir()) == []


def test_an_output_file_or_plots_folder_that_is_a_link_is_replaced(tmp_path) -> None:
    folder = _run(tmp_path / "out")
    outside = tmp_path / "outside.csv"
    outside.write_text("precious\n")
    plots_elsewhere = tmp_path / "plots_elsewhere"
    plots_elsewhere.mkdir()
    (folder / "report.html").unlink(missing_ok=True)
    os.symlink(outside, folder / "report.html")
    shutil.rmtree(folder / "plots", ignore_errors=True)
    os.symlink(plots_elsewhere, folder / "plots", target_is_directory=True)
    for command in ("report", "plot"):
        res = CliRunner().invoke(app, [command, str(folder)])
        assert res.exit_code == 0, res.output
    assert outside.read_text() == "precious\n"
    assert list(plots_elsewhere.iterdir()) == []
    assert not (folder / "plots").is_symlink() and any((folder / "plots").iterdir())
    assert not (folder / "report.html").is_symlink()


def test_the_helpers(tmp_path) -> None:
    target = tmp_path / "t"
    target.mkdir()
    link = tmp_path / "l"
    os.symlink(target, link, target_is_directory=True)
    with pytest.raises(ResultsWriteError, match=f"{link}: the results folder is a symbolic"):
        refuse_link(link)
    refuse_link(target)  # a real folder is fine
    assert real_folder(link).is_dir() and not link.is_symlink() and target.is_dir()

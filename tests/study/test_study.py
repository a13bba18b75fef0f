"""The study runner: one path for the CLI and the API, refusals that say why, one writer per
folder, and operating-system faults as one line with nothing lost."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import baseline_dict, cli_process, short_baseline
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.core._errors import (
    FolderLockedError,
    HeartSimError,
    NotResultsError,
    ResultsExistError,
    ResultsWriteError,
    ScenarioError,
    StudyError,
)
from heart_sim.core._fileio import LOCK_NAME, FolderLock, is_locked
from heart_sim.study import _studies as study
from heart_sim.study._checkpoint import Checkpoints
from heart_sim.study._folders import run_manifest
from heart_sim.study._results import Comparison, run_folder

runner = CliRunner()
FILES = ("summary.csv", "replications.csv", "by_hour.csv", "quantiles.csv", "summary.json")


def _scenario_file(tmp_path: Path, weeks: int = 2, name: str = "short", **changes) -> Path:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    data["name"] = name
    data.update(changes)
    f = tmp_path / f"{name}.yaml"
    f.write_text(yaml.safe_dump(data))
    return f


# --- one runner, with the library's own errors ---------------------------------------------


def test_two_scenarios_with_one_name_are_refused_by_the_api() -> None:
    base = short_baseline(weeks=1)
    alt = base.model_copy(update={"demand": base.demand.model_copy(update={"multiplier": 1.5})})
    with pytest.raises(StudyError, match="'durham_2022' is used more than once"):
        hs.compare(base, alt, reps=2)
    one = study.run(base, reps=2, seed=1)
    with pytest.raises(StudyError):
        Comparison(one, [one])  # the bug this guards: alt written over base on save


def test_a_scenario_changed_in_python_is_validated_before_it_runs() -> None:
    base = short_baseline(weeks=1)
    bad = base.model_copy(
        update={"name": "bad", "demand": base.demand.model_copy(update={"multiplier": -1})}
    )
    with pytest.raises(ScenarioError, match="demand.multiplier"):
        hs.simulate(bad, reps=1)


def test_api_and_cli_write_the_same_files(tmp_path) -> None:
    scen = _scenario_file(tmp_path)
    res = hs.simulate(scen, reps=2, seed=3, out=tmp_path / "api")
    assert res.folder == (tmp_path / "api" / "short").resolve()
    cli = runner.invoke(app, ["run", str(scen), "-r", "2", "-s", "3", "-o", str(tmp_path / "c")])
    assert cli.exit_code == 0, cli.output
    for name in (*FILES, "manifest.json", "report.md"):
        assert (res.folder / name).read_bytes() == (tmp_path / "c" / "short" / name).read_bytes()
    assert not list((tmp_path / "c" / "short").glob(".checkpoints")), "checkpoints left"
    assert not is_locked(res.folder), "lock still held"
    # A Scenario object (no source files) and its file give the same inputs: one folder.
    again = hs.simulate(hs.load(scen), reps=2, seed=3, out=tmp_path / "api")
    assert again.folder == res.folder and again.notes == []


def test_the_run_size_limit_applies_to_the_api_too() -> None:
    with pytest.raises(hs.HeartSimError, match="pass --force"):
        hs.simulate(short_baseline(weeks=520), reps=1000)


# --- other inputs: a folder of their own, and a note that names what changed ----------------


def test_the_note_names_the_changed_seed_and_reps(tmp_path) -> None:
    sc = short_baseline(weeks=1)
    first = study.run(sc, reps=2, seed=1, out=tmp_path)
    second = study.run(sc, reps=3, seed=2, out=tmp_path)
    assert second.folder != first.folder and first.folder.is_dir()
    assert second.notes == ["inputs differ from the previous results: seed 1 -> 2; reps 2 -> 3"]
    assert (tmp_path / "durham_2022").resolve() == second.folder
    again = study.run(sc, reps=2, seed=1, out=tmp_path)  # back to the first inputs
    assert again.folder == first.folder and (tmp_path / "durham_2022").resolve() == first.folder


def test_a_folder_holding_other_inputs_is_still_not_overwritten(tmp_path) -> None:
    """Only by hand can a keyed folder hold other inputs; it is refused, naming them."""
    sc = short_baseline(weeks=1)
    res = study.run(sc, reps=2, seed=1, out=tmp_path)
    manifest = json.loads((res.folder / "manifest.json").read_text())
    (res.folder / "manifest.json").write_text(json.dumps(manifest | {"seed": 9}))
    with pytest.raises(ResultsExistError, match="seed 9 -> 1.*--force"):
        study.run(sc, reps=2, seed=1, out=tmp_path)
    study.run(sc, reps=2, seed=1, out=tmp_path, force=True)


def test_the_note_names_the_scenario_keys_that_changed(tmp_path) -> None:
    scen = _scenario_file(tmp_path)
    out = str(tmp_path / "o")
    assert runner.invoke(app, ["run", str(scen), "-r", "2", "-o", out, "-q"]).exit_code == 0
    data = yaml.safe_load(scen.read_text())
    data["programs"]["crt"]["patience_min"] = 20
    scen.write_text(yaml.safe_dump(data))
    res = runner.invoke(app, ["run", str(scen), "-r", "2", "-o", out, "-q"])
    assert res.exit_code == 0, res.output
    assert "scenario content changed: programs.crt.patience_min 30.0 -> 20" in res.output


def test_a_comparison_note_names_the_scenario_that_changed(tmp_path) -> None:
    base = short_baseline(weeks=1)
    alt = base.model_copy(update={"name": "alt"})
    study.compare(base, [alt], reps=2, seed=1, out=tmp_path)
    alt2 = hs.vary(base, {"demand.multiplier": 1.2}, name="alt")
    comp = study.compare(base, [alt2], reps=2, seed=1, out=tmp_path)
    assert len(comp.notes) == 1
    assert "scenario content of alt changed: demand.multiplier 1.0 -> 1.2" in comp.notes[0]
    assert (tmp_path / "compare_durham_2022__alt").resolve() == comp.folder


# --- one writer per folder --------------------------------------------------------------


def test_a_second_concurrent_writer_is_refused(tmp_path) -> None:
    scen = _scenario_file(tmp_path, weeks=52, name="busy")
    out = str(tmp_path / "o")
    first = cli_process("run", str(scen), "--reps", "16", "--seed", "1", "--out", out, "-q")
    deadline = time.monotonic() + 120
    while not list((tmp_path / "o").glob("busy-*/.checkpoints/*/rep_*.zip")):
        assert first.poll() is None, first.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    second = cli_process("run", str(scen), "--reps", "16", "--seed", "1", "--out", out, "-q")
    assert second.wait(timeout=120) == 2
    err = second.stderr.read()
    assert f"another heart-sim run is writing here (pid {first.pid}" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert first.wait(timeout=300) == 0, first.stderr.read()
    assert json.loads((tmp_path / "o" / "busy" / "manifest.json").read_text())["seed"] == 1


HOLD = """
import sys, time
from heart_sim.core._fileio import FolderLock
from heart_sim.core._errors import FolderLockedError
try:
    FolderLock(sys.argv[1]).acquire()
except FolderLockedError:
    print("refused", flush=True)
else:
    print("got", flush=True)
    sys.stdin.read() if sys.argv[2] == "stdin" else time.sleep(float(sys.argv[2]))
"""


def test_a_lock_held_by_another_process_refuses_and_frees_when_it_dies(tmp_path) -> None:
    sc = short_baseline(weeks=1)
    folder = run_folder(tmp_path, sc, run_manifest(sc, sc.seed, 1, {}))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder), "60"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "got"
        with pytest.raises(FolderLockedError, match=f"pid {holder.pid} on "):
            study.run(sc, reps=1, out=tmp_path)
        assert is_locked(folder)
    finally:
        holder.kill()  # SIGKILL: no clean-up runs, the system drops the lock
        holder.wait()
    assert not is_locked(folder)
    res = study.run(sc, reps=1, out=tmp_path)
    assert res.folder == folder and (res.folder / "summary.csv").exists()


def test_processes_racing_for_one_folder_never_both_get_it(tmp_path) -> None:
    """Six processes start at once; the one that gets the lock holds it until all have
    answered (its stdin closes), so a late starter cannot slip in after it."""
    args = [sys.executable, "-c", HOLD, str(tmp_path), "stdin"]
    racers = [
        subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    said = sorted(p.stdout.readline().strip() for p in racers if p.stdout)
    for p in racers:
        p.communicate(timeout=60)
    assert said == ["got"] + ["refused"] * 5, said
    with FolderLock(tmp_path), FolderLock(tmp_path):  # re-entrant within a process
        assert json.loads((tmp_path / LOCK_NAME).read_text())["pid"] == os.getpid()
    assert not is_locked(tmp_path)


# --- faults of writing: one line, nothing lost, the re-run resumes ---------------------------


def _reference(tmp_path: Path) -> Path:
    return study.run(short_baseline(weeks=2), reps=4, seed=9, out=tmp_path / "ref").folder


def test_a_full_disk_while_checkpointing_is_one_line_and_the_rerun_resumes(
    tmp_path, monkeypatch
) -> None:
    ref = _reference(tmp_path)
    real_save = Checkpoints.save
    calls = {"n": 0}

    def save_until_full(self, replication, out):
        calls["n"] += 1
        if calls["n"] > 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self._path(replication)))
        real_save(self, replication, out)

    monkeypatch.setattr(Checkpoints, "save", save_until_full)
    with pytest.raises(ResultsWriteError) as err:
        study.run(short_baseline(weeks=2), reps=4, seed=9, out=tmp_path / "o")
    msg = str(err.value)
    assert "no space left on the device" in msg and "2 of 4 replications are saved" in msg
    assert "\n" not in msg and "rep_000002.zip" in msg
    (folder,) = (tmp_path / "o").glob("durham_2022-*")
    assert not (folder / "summary.csv").exists() and not (folder / "manifest.json").exists()
    assert not is_locked(folder)

    monkeypatch.setattr(Checkpoints, "save", real_save)  # space again
    res = study.run(short_baseline(weeks=2), reps=4, seed=9, out=tmp_path / "o")
    assert res.resumed == 2
    for name in FILES:
        assert (folder / name).read_bytes() == (ref / name).read_bytes(), name


def _disk_full_at(monkeypatch, file_name: str):
    """Make writing results fail with ENOSPC at ``file_name``; returns the undo."""
    import heart_sim.study._results as results

    real = results.atomic_write

    def full(path, text):
        if Path(path).name == file_name:
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, text)

    monkeypatch.setattr(results, "atomic_write", full)
    return lambda: monkeypatch.setattr(results, "atomic_write", real)


def test_a_full_disk_while_writing_results_leaves_no_half_set(tmp_path, monkeypatch) -> None:
    ref = _reference(tmp_path)
    space_again = _disk_full_at(monkeypatch, "summary.json")
    res = runner.invoke(
        app, ["run", "durham_2022", "-r", "4", "-s", "9", "-o", str(tmp_path / "o"), "-q"]
    )
    # CliRunner runs the baseline's 52 weeks; the short scenario is used through the API.
    assert res.exit_code == 2, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert "all 4 replications are saved in checkpoints" in res.output
    (folder,) = (tmp_path / "o").glob("durham_2022-*")
    assert sorted(p.name for p in folder.iterdir()) == [".checkpoints", LOCK_NAME]  # no half set
    assert not (tmp_path / "o" / "durham_2022").exists()  # no link to a half set

    with pytest.raises(ResultsWriteError):
        study.run(short_baseline(weeks=2), reps=4, seed=9, out=tmp_path / "p")
    space_again()
    again = study.run(short_baseline(weeks=2), reps=4, seed=9, out=tmp_path / "p")
    assert again.resumed == 4  # nothing simulated twice
    for name in FILES:
        assert (again.folder / name).read_bytes() == (ref / name).read_bytes(), name


def test_out_pointing_at_a_file_is_one_line(tmp_path) -> None:
    target = tmp_path / "a_file"
    target.write_text("not a folder")
    proc = cli_process("run", "durham_2022", "-r", "1", "--out", str(target))
    assert proc.wait(timeout=120) == 2
    err = proc.stderr.read()
    assert err.startswith("error: ") and "Traceback" not in err
    assert "it is a file, not a folder" in err and str(target) in err
    assert target.read_text() == "not a folder"


def test_a_real_full_file_system(tmp_path) -> None:
    """Where a small tmpfs can be mounted (root on Linux), fill it for real."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    mount = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", str(mnt)], capture_output=True
    )
    if mount.returncode != 0:
        pytest.skip("cannot mount a tmpfs here: the injected-error tests above stand in")
    try:
        res = runner.invoke(app, ["run", "durham_2022", "-r", "3", "-o", str(mnt), "-q"])
        assert res.exit_code == 2, res.output
        assert "no space left on the device" in res.output and "Traceback" not in res.output
        assert "replications are saved" in res.output
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


# --- reading what is not a results folder --------------------------------------------------


def test_reading_a_folder_that_is_not_results_is_the_librarys_error(tmp_path) -> None:
    (tmp_path / "manifest.json").write_text("{}")
    with pytest.raises(NotResultsError, match="scenario.yaml is missing"):
        hs.Results.load(tmp_path)
    for cmd in ("plot", "report"):
        res = runner.invoke(app, [cmd, str(tmp_path)])
        assert res.exit_code == 2 and res.output.startswith("error: "), res.output
        assert "not" in res.output or "missing" in res.output
    res = runner.invoke(app, ["plot", str(tmp_path / "nowhere")])
    assert res.exit_code == 2 and "no such results folder" in res.output


def test_dask_without_the_cluster_extra_says_how_to_install_it(monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("dask"):
            raise ImportError("No module named 'dask'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(HeartSimError, match=r"pip install 'heart-sim\[cluster\]'"):
        study.run(short_baseline(weeks=1), reps=2, dask="local")


def test_a_stopped_comparison_resumes_to_identical_results(tmp_path, monkeypatch) -> None:
    base = short_baseline(weeks=1)
    alt = base.model_copy(update={"name": "alt"})
    full = study.compare(base, [alt], reps=3, seed=2, out=tmp_path / "a")

    class Stop(Exception):
        pass

    def stop_at_four(_label: str, _done: int, _total: int, seen=[0]) -> None:  # noqa: B006
        seen[0] += 1
        if seen[0] == 4:
            raise Stop

    with pytest.raises(Stop):
        study.compare(base, [alt], reps=3, seed=2, out=tmp_path / "b", progress=stop_at_four)
    again = study.compare(base, [alt], reps=3, seed=2, out=tmp_path / "b")
    assert again.base.resumed + again.alts[0].resumed == 4
    a = pd.read_csv(full.folder / "comparison.csv")
    b = pd.read_csv(again.folder / "comparison.csv")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


# --- found by review: each of these once gave a traceback or a wrong answer ------------------


def test_an_out_name_too_long_for_the_file_system_is_one_line(tmp_path) -> None:
    res = runner.invoke(app, ["run", "durham_2022", "-r", "1", "-o", str(tmp_path / ("x" * 300))])
    assert res.exit_code == 2 and "the name is too long" in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_a_write_error_with_per_call_records_does_not_claim_checkpoints(
    tmp_path, monkeypatch
) -> None:
    _disk_full_at(monkeypatch, "summary.csv")
    with pytest.raises(ResultsWriteError) as err:
        hs.simulate(short_baseline(weeks=1), reps=2, out=tmp_path, keep_calls=True)
    assert "no space left" in str(err.value) and "checkpoints" not in str(err.value)


def test_a_forced_rewrite_leaves_no_file_of_the_earlier_run(tmp_path) -> None:
    sc = short_baseline(weeks=1)
    first = hs.simulate(sc, reps=1, seed=1, out=tmp_path, keep_calls=True)
    assert (first.folder / "calls.csv").exists()
    (first.folder / "plots").mkdir(exist_ok=True)  # a dated run writes plots/monthly.png
    (first.folder / "plots" / "old.png").write_bytes(b"old")
    again = hs.simulate(sc, reps=1, seed=1, out=tmp_path, force=True)
    assert again.folder == first.folder
    assert not (again.folder / "calls.csv").exists()
    assert sorted(p.name for p in (again.folder / "plots").iterdir()) == ["monthly.png"]
    assert hs.Results.load(again.folder).calls is None


def test_a_plot_the_disk_cannot_take_is_one_line(tmp_path, monkeypatch) -> None:
    import heart_sim.reports._plots as plots

    folder = hs.simulate(short_baseline(weeks=1), reps=2, out=tmp_path).folder

    def full(path, writer):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(plots, "atomic_write_bytes", full)
    res = runner.invoke(app, ["plot", str(folder)])
    assert res.exit_code == 2 and "cannot write: no space left on the device" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_a_checkpoint_cut_short_is_simulated_again(tmp_path) -> None:
    sc = short_baseline(weeks=2)
    ref = study.run(sc, reps=3, seed=4, out=tmp_path / "ref").folder
    out = tmp_path / "o"
    folder = run_folder(out, sc, run_manifest(sc, 4, 3, {}))
    ckpt = Checkpoints(folder, sc, 4)
    from heart_sim.study._replication import run_replication

    ckpt.save(0, run_replication(sc, 4, 0))
    ckpt._path(1).write_bytes(b"")  # a power loss mid-write
    res = study.run(sc, reps=3, seed=4, out=out)
    assert res.resumed == 1
    for name in FILES:
        assert (res.folder / name).read_bytes() == (ref / name).read_bytes(), name


def test_a_dask_address_that_is_not_one_is_the_librarys_error() -> None:
    pytest.importorskip("dask.distributed")
    with pytest.raises(HeartSimError, match="cannot reach the Dask scheduler at not an address"):
        study.run(short_baseline(weeks=1), reps=1, dask="not an address")


def test_a_comparison_needs_an_alternative() -> None:
    with pytest.raises(StudyError, match="at least one alternative"):
        hs.compare("durham_2022", reps=2)

"""Nothing lost: a run killed partway (SIGTERM or SIGKILL) resumes and ends with results
identical to an uninterrupted run; killed writes leave old files or none, never half."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
import yaml
from builders import baseline_dict, cli_process

from heart_sim.core._fileio import atomic_write

FILES = ("summary.csv", "summary.json", "replications.csv", "by_hour.csv", "quantiles.csv")
REPS = "8"


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory) -> Path:
    data = baseline_dict()
    data["name"] = "resume"
    f = tmp_path_factory.mktemp("scen") / "resume.yaml"
    f.write_text(yaml.safe_dump(data))
    return f


@pytest.fixture(scope="module")
def reference(scenario_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("ref")
    proc = cli_process(
        "run", str(scenario_file), "--reps", REPS, "--seed", "5", "--out", str(out), "-q"
    )
    assert proc.wait(timeout=300) == 0, proc.stderr.read()
    return out / "resume"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_killed_run_resumes_to_identical_results(sig, scenario_file, reference, tmp_path) -> None:
    args = ("run", str(scenario_file), "--reps", REPS, "--seed", "5", "--out", str(tmp_path), "-q")
    proc = cli_process(*args)
    pattern = "resume-*/.checkpoints/*/rep_*.zip"  # the run's own folder, before any link
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob(pattern))) < 2:
        assert proc.poll() is None, "the run finished before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(sig)
    assert proc.wait(timeout=60) != 0
    done_before = len(list(tmp_path.glob(pattern)))
    assert 2 <= done_before < int(REPS)
    assert not list(tmp_path.glob("resume*/summary.csv"))  # no partial results
    assert not (tmp_path / "resume").exists()  # and no link to them

    rerun = cli_process(*args)
    assert rerun.wait(timeout=300) == 0, rerun.stderr.read()
    for name in FILES:
        assert (tmp_path / "resume" / name).read_bytes() == (reference / name).read_bytes(), name
    assert not list(tmp_path.glob("resume-*/.checkpoints"))  # removed once results are written


def test_atomic_write_leaves_the_old_file_when_the_writer_dies(tmp_path, monkeypatch) -> None:
    import heart_sim.core._fileio as fileio

    target = tmp_path / "summary.csv"
    atomic_write(target, "old\n")

    def die(_fd):  # the write is interrupted after the data, before the rename
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "fsync", die)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new\n" * 1000)
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.csv"]  # no temp file left

"""Studies in worker processes: the folder the CLI writes, errors as one line, Cancel."""

from __future__ import annotations

import time
from pathlib import Path

import heart_sim as hs
from heart_sim.app._jobs import Job


def _wait(job: Job, seconds: float = 300) -> Job:
    end = time.monotonic() + seconds
    while job.running and time.monotonic() < end:
        job.poll()
        time.sleep(0.1)
    return job


def test_a_run_writes_the_cli_folder_and_its_report(tmp_path: Path) -> None:
    tiny = hs.vary("durham_2022", {"horizon_weeks": 1}, name="tiny")
    job = _wait(
        Job("run", {"scenarios": [tiny], "reps": 2, "seed": 3, "out": str(tmp_path)}).start()
    )
    assert job.error is None and job.finished_after is not None
    folder = Path(job.folder or "")
    assert (folder / "report.html").exists()
    same = hs.simulate(tiny, reps=2, seed=3)
    assert hs.open(folder).summary["mean"].equals(same.summary["mean"])
    again = _wait(
        Job("run", {"scenarios": [tiny], "reps": 2, "seed": 3, "out": str(tmp_path)}).start()
    )
    assert again.folder == job.folder  # the same inputs, the same folder


def test_bad_input_is_one_line_and_cancel_stops_the_worker(tmp_path: Path) -> None:
    bad = _wait(Job("run", {"scenarios": ["no_such_scenario"], "out": str(tmp_path)}).start())
    assert bad.error is not None and "no_such_scenario" in bad.error
    assert "Traceback" not in bad.error
    job = Job("run", {"scenarios": ["durham_2022"], "reps": 50, "out": str(tmp_path)}).start()
    job.cancel()
    assert job.cancelled and not job.running
    assert not job._process.is_alive()


def test_an_opened_folder_runs_nothing(tmp_path: Path) -> None:
    job = Job.opened(tmp_path).start()
    assert not job.running and job.folder == str(tmp_path) and job._process is None

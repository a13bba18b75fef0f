"""Studies in warm worker processes: the folder the CLI writes, errors as one line, Cancel
and a stopping server leave no process behind and lose no finished replication, two tabs
run at once, a worker is reused."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from processes import HAS_PROC, descendants, left_after

import heart_sim as hs
from heart_sim.app._jobs import Job, _work
from heart_sim.app._workers import Workers

TINY = {"horizon_weeks": 1}
QUARTER = {"horizon_weeks": 13}  # replications long enough to stop between them


@pytest.fixture
def workers():
    pool = Workers(_work)
    yield pool
    pool.stop_all()


def _wait(job: Job, seconds: float = 300) -> Job:
    end = time.monotonic() + seconds
    while job.running and time.monotonic() < end:
        job.poll()
        time.sleep(0.05)
    return job


def test_a_run_writes_the_cli_folder_and_its_report_in_a_reused_worker(
    tmp_path: Path, workers: Workers
) -> None:
    tiny = hs.vary("durham_2022", TINY, name="tiny")
    args = {"scenarios": [tiny], "reps": 2, "seed": 3, "out": str(tmp_path), "jobs": 2}
    job = Job("run", dict(args)).start(workers)
    first = job._worker
    _wait(job)
    assert job.error is None and job.finished_after is not None
    folder = Path(job.folder or "")
    assert (folder / "report.html").exists()
    same = hs.simulate(tiny, reps=2, seed=3)
    assert hs.open(folder).summary["mean"].equals(same.summary["mean"])
    again = Job("run", dict(args)).start(workers)
    assert again._worker is first  # the warm worker, not a new interpreter
    _wait(again)
    assert again.folder == job.folder  # the same inputs, the same folder
    assert again.reused == 0  # a finished folder's checkpoints are cleared


def test_bad_input_is_one_line_and_the_worker_serves_on(tmp_path: Path, workers) -> None:
    bad = Job("run", {"scenarios": ["no_such_scenario"], "out": str(tmp_path)})
    _wait(bad.start(workers))
    assert bad.error is not None and "no_such_scenario" in bad.error
    assert "Traceback" not in bad.error and "\n" not in bad.error
    assert len(workers._idle) == 1 and workers._idle[0].alive


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc (Linux)")
def test_cancel_stops_the_worker_and_its_replication_processes(tmp_path: Path, workers) -> None:
    quarter = hs.vary("durham_2022", QUARTER, name="quarter")
    args = {"scenarios": [quarter], "reps": 40, "out": str(tmp_path), "jobs": 2}
    job = Job("run", args).start(workers)
    worker = job._worker
    while job.done < 1 and job.running:
        job.poll()
        time.sleep(0.02)
    below = descendants(worker.process.pid)
    assert len(below) >= 3  # the fork server and the study's two replication processes
    job.cancel()
    assert job.cancelled and not job.running and not worker.alive
    assert left_after(below) == {}
    assert workers._idle == []  # a stopped worker is not reused


@pytest.mark.slow  # the browser test runs two tabs at once too
def test_two_tabs_run_at_once_in_workers_of_their_own(tmp_path: Path, workers) -> None:
    one = hs.vary("durham_2022", TINY, name="one")
    two = hs.vary("durham_2022", {**TINY, "demand.multiplier": 1.2}, name="two")
    a = Job("run", {"scenarios": [one], "reps": 3, "seed": 1, "out": str(tmp_path)})
    b = Job("compare", {"scenarios": [one, two], "reps": 2, "seed": 1, "out": str(tmp_path)})
    a.start(workers)
    b.start(workers)
    assert a._worker is not b._worker
    while a.running or b.running:
        a.poll()
        b.poll()
        time.sleep(0.05)
    assert a.error is None and b.error is None, (a.error, b.error)
    assert hs.open(a.folder).reps == 3 and hs.open(b.folder).base.reps == 2
    assert Path(a.folder).parent == Path(b.folder).parent == tmp_path
    assert a.folder != b.folder
    assert len(workers._idle) == 2  # both kept for the next studies


STOPPED_SERVER = """
import sys, time
from pathlib import Path
from heart_sim import vary
from heart_sim.app._jobs import Job
job = Job("run", {"scenarios": [vary("durham_2022", %r, name="quarter")], "reps": 12,
                  "seed": 4, "out": sys.argv[1], "jobs": 2}).start()
while job.done < 2:
    job.poll()
    time.sleep(0.02)
def below(pid):
    kids = [int(k) for t in Path(f"/proc/{pid}/task").glob("*")
            for k in (t / "children").read_text().split()]
    return [p for k in kids for p in (k, *below(k))]
print(job.done, job._worker.process.pid, *below(job._worker.process.pid), flush=True)
sys.exit(0)  # the server stops: its exit handler stops the workers
"""


@pytest.mark.slow  # the browser test stops a real server in mid-run too
@pytest.mark.skipif(not HAS_PROC, reason="reads /proc (Linux)")
def test_a_stopped_server_loses_no_finished_replication(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", STOPPED_SERVER % QUARTER, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 0, done.stderr
    finished, *pids = (int(x) for x in done.stdout.split())
    assert len(pids) >= 3  # the worker, its fork server, the replication processes
    assert left_after(set(pids)) == {}  # none outlived the server
    quarter = hs.vary("durham_2022", QUARTER, name="quarter")
    again = hs.simulate(quarter, reps=12, seed=4, out=tmp_path)  # as the restarted app runs it
    assert again.resumed >= finished  # every replication finished before the stop, reused
    whole = hs.simulate(quarter, reps=12, seed=4)
    assert again.summary["mean"].equals(whole.summary["mean"])


def test_an_opened_folder_runs_nothing(tmp_path: Path, workers) -> None:
    job = Job.opened(tmp_path).start(workers)
    assert not job.running and job.folder == str(tmp_path) and job._worker is None
    assert workers._idle == [] and workers._busy == set()


@pytest.mark.skipif(not HAS_PROC, reason="reads /proc (Linux)")
def test_a_worker_ends_when_its_server_is_killed(tmp_path: Path) -> None:
    """However the server ends (here SIGKILL: no exit handler runs), its workers end."""
    script = (
        "import time\n"
        "from heart_sim.app._jobs import WORKERS\n"
        "WORKERS.warm()\n"
        "worker = WORKERS._idle[0]\n"
        "worker.outbox.get(timeout=120)\n"
        "print(worker.process.pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    pid = int(server.stdout.readline()) if server.stdout else 0
    below = descendants(pid) | {pid}
    assert len(below) >= 2  # the worker and its fork server
    server.kill()
    server.wait(10)
    assert left_after(below) == {}

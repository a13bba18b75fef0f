"""Same scenario and seed: identical results, serially or in parallel; other seeds differ."""

from __future__ import annotations

import pandas as pd
from builders import short_baseline

from heart_sim.report import write_results
from heart_sim.runner import run

FILES = ("summary.csv", "summary.json", "by_hour.csv", "replications.csv", "report.md")


def test_same_seed_gives_byte_identical_files(tmp_path) -> None:
    sc = short_baseline(weeks=3)
    a = write_results(run(sc, reps=3, seed=42), tmp_path / "a")
    b = write_results(run(sc, reps=3, seed=42), tmp_path / "b")
    for name in FILES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_different_seeds_differ() -> None:
    sc = short_baseline(weeks=3)
    a = run(sc, reps=2, seed=1).replications
    b = run(sc, reps=2, seed=2).replications
    assert not a.equals(b)
    assert (a["calls_total"] != b["calls_total"]).any()


def test_process_pool_matches_serial() -> None:
    sc = short_baseline(weeks=3)
    serial = run(sc, reps=4, seed=8, jobs=1)
    parallel = run(sc, reps=4, seed=8, jobs=2)
    pd.testing.assert_frame_equal(serial.replications, parallel.replications, check_exact=True)
    pd.testing.assert_frame_equal(serial.by_hour, parallel.by_hour, check_exact=True)


def test_replication_results_do_not_depend_on_how_many_run() -> None:
    sc = short_baseline(weeks=3)
    two = run(sc, reps=2, seed=8).replications
    four = run(sc, reps=4, seed=8).replications
    pd.testing.assert_frame_equal(two, four.iloc[:2], check_exact=True)

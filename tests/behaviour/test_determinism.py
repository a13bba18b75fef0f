"""Same scenario and seed: identical results, serially or in parallel; other seeds differ."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import short_baseline

from heart_sim.study._results import write_results
from heart_sim.study._studies import run

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


def test_dask_local_cluster_matches_serial_and_process_pool() -> None:
    """The three execution paths give identical results, to the last digit."""
    pytest.importorskip("dask.distributed")
    sc = short_baseline(weeks=3)
    serial = run(sc, reps=4, seed=8)
    pool = run(sc, reps=4, seed=8, jobs=2)
    cluster = run(sc, reps=4, seed=8, jobs=2, dask="local")  # LocalCluster, 2 worker processes
    for other in (pool, cluster):
        pd.testing.assert_frame_equal(serial.replications, other.replications, check_exact=True)
        pd.testing.assert_frame_equal(serial.by_hour, other.by_hour, check_exact=True)
        pd.testing.assert_frame_equal(serial.quantiles, other.quantiles, check_exact=True)
        pd.testing.assert_frame_equal(serial.summary, other.summary, check_exact=True)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch) -> None:
    pytest.importorskip("dask.distributed")
    from heart_sim.core._errors import HeartSimError
    from heart_sim.study import _cluster as cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 2)
    sc = short_baseline(weeks=1)
    with pytest.raises(HeartSimError, match="cannot reach the Dask scheduler"):
        run(sc, reps=1, dask="tcp://127.0.0.1:1")


def test_aggregation_order_does_not_matter() -> None:
    """Outputs arriving in any order are folded in replication order."""
    from heart_sim.study._aggregate import Aggregator
    from heart_sim.study._replication import run_replication

    sc = short_baseline(weeks=2)
    outs = {r: run_replication(sc, 3, r) for r in range(4)}
    a, b = Aggregator(), Aggregator()
    for r in range(4):
        a.add(r, outs[r])
    for r in (2, 0, 3, 1):
        b.add(r, outs[r])
    ra, rb = a.result(sc, 3), b.result(sc, 3)
    pd.testing.assert_frame_equal(ra.replications, rb.replications, check_exact=True)
    pd.testing.assert_frame_equal(ra.quantiles, rb.quantiles, check_exact=True)


def test_batched_scenarios_match_one_at_a_time() -> None:
    """compare and sweep run all scenarios as one batch of tasks; the pool must not mix
    them up."""
    from heart_sim.study._studies import compare

    base = short_baseline(weeks=2)
    alt = base.model_copy(
        update={"name": "alt", "demand": base.demand.model_copy(update={"multiplier": 1.3})}
    )
    batched = compare(base, [alt], reps=3, seed=4, jobs=2)
    for result, sc in ((batched.base, base), (batched.alts[0], alt)):
        alone = run(sc, reps=3, seed=4)
        pd.testing.assert_frame_equal(result.replications, alone.replications, check_exact=True)

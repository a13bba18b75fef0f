"""Sweeps: parsing, the tidy table, plots, and resuming where a stopped sweep left off."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import baseline_dict

from heart_sim.errors import ResultsExistError
from heart_sim.study import sweep as run_sweep
from heart_sim.sweep import SweepError, grid, parse_vary


def test_parse_vary() -> None:
    assert parse_vary("crt.units=1:4") == ("crt.units", [1, 2, 3, 4])
    assert parse_vary("demand.multiplier=1:1.5:0.25") == ("demand.multiplier", [1, 1.25, 1.5])
    assert parse_vary("ccd.units=1,2,3") == ("ccd.units", [1, 2, 3])
    for bad in ("crt.units", "crt.units=a:b", "crt.units=5:1", "x=1:2:0", "=1,2", "x="):
        with pytest.raises(SweepError):
            parse_vary(bad)
    assert len(grid([("a", [1, 2]), ("b", [1, 2, 3])])) == 6


def _base() -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = 2
    return data


VARIES = [("crt.units", [1, 2, 3])]


def test_sweep_table_and_monotone_response(tmp_path) -> None:
    res = run_sweep(_base(), "durham_2022.yaml", VARIES, tmp_path, reps=3, seed=1)
    t = res.table
    assert list(t["crt.units"]) == [1, 2, 3]
    assert {"diversion_rate", "diversion_rate_ci_low", "diversion_rate_ci_high"} <= set(t)
    assert t["crt_response_time"].is_monotonic_decreasing  # more teams, shorter waits
    assert t["diversion_rate"].is_monotonic_increasing
    assert (res.folder / "sweep.csv").exists()


def test_a_stopped_sweep_resumes_with_identical_results(tmp_path) -> None:
    full = run_sweep(_base(), "d.yaml", VARIES, tmp_path / "a", reps=2, seed=4).table

    class Stop(Exception):
        pass

    def stop_after_two(_label: str, done: int, _n: int) -> None:
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        run_sweep(
            _base(), "d.yaml", VARIES, tmp_path / "b", reps=2, seed=4, progress=stop_after_two
        )
    resumed = run_sweep(_base(), "d.yaml", VARIES, tmp_path / "b", reps=2, seed=4)
    assert resumed.ran == 1  # two points came from disk
    pd.testing.assert_frame_equal(full, resumed.table, check_exact=True)


def test_other_arguments_need_force(tmp_path) -> None:
    run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=1)
    with pytest.raises(ResultsExistError):
        run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=2)
    res = run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=2, force=True)
    assert res.ran == 3


def test_bad_vary_path_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SweepError, match="--vary demand.nope"):
        run_sweep(_base(), "d.yaml", [("demand.nope.x", [1])], tmp_path, reps=2)

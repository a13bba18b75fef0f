"""Sweeps: parsing, the tidy table, plots, and resuming where a stopped sweep left off."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import baseline_dict

from heart_sim.study._studies import sweep as run_sweep
from heart_sim.study._sweep import SweepError, grid, parse_vary


def test_parse_vary() -> None:
    assert parse_vary("crt.units=1:4") == ("crt.units", [1, 2, 3, 4])
    assert parse_vary("demand.multiplier=1:1.5:0.25") == ("demand.multiplier", [1, 1.25, 1.5])
    assert parse_vary("ccd.units=1,2,3") == ("ccd.units", [1, 2, 3])
    assert parse_vary("programs.crt.area=pilot,city") == ("programs.crt.area", ["pilot", "city"])
    assert parse_vary("programs.crt.shifts[0].end=17:00,19:00")[1] == ["17:00", "19:00"]
    assert parse_vary("crt.end=21:00")[1] == ["21:00"]  # a time, not the range 21..0
    assert parse_vary("crt.patience_min=10,null")[1] == [10, None]
    for bad in ("crt.units", "crt.units=5:1", "x=1:2:0", "=1,2", "x=", "a..b=1"):
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
    assert resumed.ran == 1 and resumed.resumed == 4  # two points (4 replications) from disk
    pd.testing.assert_frame_equal(full, resumed.table, check_exact=True)


def test_each_grid_gets_its_own_folder(tmp_path) -> None:
    a = run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=1)
    b = run_sweep(_base(), "d.yaml", [("crt.units", [1, 2])], tmp_path, reps=2, seed=1)
    assert a.folder != b.folder and (a.folder / "sweep.csv").exists()
    assert (tmp_path / "sweep_durham_2022").resolve() == b.folder
    c = run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=1)
    assert c.folder == a.folder and c.ran == 0  # the same grid again: read back, not rerun


def test_full_paths_and_categorical_values(tmp_path) -> None:
    varies = [("programs.crt.area", ["pilot", "city"]), ("programs.crt.shifts[0].units", [1, 2])]
    t = run_sweep(_base(), "d.yaml", varies, tmp_path, reps=2, seed=1).table
    assert list(t["programs.crt.area"]) == ["pilot", "pilot", "city", "city"]
    by = t.set_index(["programs.crt.area", "programs.crt.shifts[0].units"])
    # A city-wide CRT answers more calls than a pilot-area one, with the same teams.
    assert by.loc[("city", 2), "crt_served_share"] > by.loc[("pilot", 2), "crt_served_share"]


def test_bad_vary_path_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(SweepError, match="--vary demand.nope"):
        run_sweep(_base(), "d.yaml", [("demand.nope.x", [1])], tmp_path, reps=2)


def test_a_new_grid_says_how_it_differs_from_the_previous_sweep(tmp_path) -> None:
    run_sweep(_base(), "d.yaml", VARIES, tmp_path, reps=2, seed=1)
    b = run_sweep(_base(), "d.yaml", [("crt.units", [1, 2])], tmp_path, reps=2, seed=1)
    assert b.notes == [
        "inputs differ from the previous sweep: --vary crt.units [1, 2, 3] -> [1, 2]"
    ]

"""Calibration by history matching, and runs over its posterior draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import mmc_dict
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.calibration._calibrate import CalibrationError, calibrate
from heart_sim.calibration._history import Space, identifiability
from heart_sim.calibration._targets import Targets, load_targets
from heart_sim.cli import app
from heart_sim.core._errors import HeartSimError, Interrupted, StudyError
from heart_sim.scenario._schema import Unknown
from heart_sim.scenario._variants import minimal_changes
from heart_sim.study._posterior import load_posterior

TRUE_DEMAND, TRUE_SERVICE = 411.4, 30.0  # calls a week; minutes (rho = 0.6 on 2 units)


def _truth_scenario() -> dict:
    data = mmc_dict(2, 0.6, weeks=4, warmup=1)
    data["calibration"] = {
        "demand.calls_per_week": {"low": 100, "high": 500},
        "programs.crt.on_scene_time.mean": {"low": 10, "high": 60},
        # CoR has no shifts: its patience changes nothing, so no target can pin it down
        "programs.cor.patience_min": {"low": 5, "high": 50},
    }
    return data


def _targets(truth: dict) -> Targets:
    """The truth scenario's own outputs as published figures (a synthetic truth)."""
    s = hs.simulate(truth, reps=8, seed=99).summary.set_index("metric")["mean"]
    return Targets.model_validate(
        {
            "name": "synthetic_truth",
            "targets": [
                {
                    "metric": "calls_per_week",
                    "value": float(s["calls_per_week"]),
                    "sd": 5,
                    "source": "truth",
                },
                {
                    "metric": "crt_utilization",
                    "value": float(s["crt_utilization"]),
                    "sd": 0.02,
                    "source": "truth",
                },
            ],
        }
    )


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    truth = _truth_scenario()
    out = tmp_path_factory.mktemp("cal")
    return calibrate(truth, "truth.yaml", _targets(truth), out, points=24, reps=3, waves=3, seed=5)


def test_calibration_recovers_the_truth_inside_its_non_implausible_region(calibrated) -> None:
    ident = calibrated.identifiability.set_index("unknown")
    for path, truth in (
        ("demand.calls_per_week", TRUE_DEMAND),
        ("programs.crt.on_scene_time.mean", TRUE_SERVICE),
    ):
        assert ident.loc[path, "nroy_low"] <= truth <= ident.loc[path, "nroy_high"], path
        assert ident.loc[path, "verdict"] == "pinned down"
    # the region is much narrower than the prior for the identified unknowns
    width = ident["nroy_high"] - ident["nroy_low"]
    assert width["demand.calls_per_week"] < 0.35 * 400
    # ...and the unknown with no effect is reported as such
    assert ident.loc["programs.cor.patience_min", "verdict"] == "not pinned down"
    assert calibrated.facts["targets_never_met"] == []
    assert calibrated.facts["pairs_never_met_together"] == []
    post = calibrated.posterior
    assert list(post.columns) == calibrated.paths and len(post) == calibrated.facts["nroy_points"]


def test_every_point_is_judged_against_every_target_by_the_three_sigma_rule(calibrated) -> None:
    pts = calibrated.points
    for m in ("calls_per_week", "crt_utilization"):
        assert {m, f"{m}_sd", f"{m}_I"} <= set(pts.columns)
    assert (pts["max_I"] == pts[["calls_per_week_I", "crt_utilization_I"]].max(axis=1)).all()
    assert (pts["nroy"] == (pts["max_I"] <= 3)).all()
    # implausibility by hand for one point: |z - mean| / sqrt(obs^2 + s^2 (1 + 1/reps))
    target = _targets(_truth_scenario()).targets[0]
    r = pts.iloc[0]
    by_hand = (
        abs(target.centre - r["calls_per_week"])
        / (target.obs_sd**2 + r["calls_per_week_sd"] ** 2 * (1 + 1 / 3)) ** 0.5
    )
    assert r["calls_per_week_I"] == pytest.approx(by_hand)
    assert calibrated.facts["cutoff"] == 3.0


def test_the_calibrated_scenario_extends_the_input_and_runs(calibrated, tmp_path) -> None:
    text = (calibrated.folder / "calibrated.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["name"].endswith("_calibrated") and "Calibrated by heart-sim calibrate" in text
    best = calibrated.best
    assert best is not None
    assert data["demand"]["calls_per_week"] == pytest.approx(best["demand.calls_per_week"])
    assert data["programs"]["crt"]["on_scene_time"]["dist"] == "exponential"  # whole


def test_targets_that_cannot_be_met_together_are_named(tmp_path) -> None:
    truth = _truth_scenario()
    # 300 calls a week and 1,600 calls in the 4 measured weeks (400 a week) conflict
    targets = Targets.model_validate(
        {
            "name": "conflict",
            "targets": [
                {"metric": "calls_per_week", "value": 300, "sd": 5, "source": "a"},
                {"metric": "calls_total", "value": 1600, "sd": 20, "source": "b"},
            ],
        }
    )
    res = calibrate(truth, "truth.yaml", targets, tmp_path, points=16, reps=2, waves=2, seed=1)
    assert res.facts["nroy_points"] == 0
    assert res.facts["pairs_never_met_together"] == [["calls_per_week", "calls_total"]]
    assert "never together" in (res.folder / "calibration.md").read_text()


def test_an_interrupted_calibration_resumes_from_the_saved_points(tmp_path) -> None:
    truth = _truth_scenario()
    t = _targets(truth)
    whole = calibrate(truth, "truth.yaml", t, tmp_path / "whole", points=8, reps=2, waves=2, seed=3)

    def stop_after_five(label: str, done: int, total: int) -> None:
        if label == "wave 2" and done == 5:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="re-run the same command to resume"):
        calibrate(
            truth,
            "truth.yaml",
            t,
            tmp_path,
            points=8,
            reps=2,
            waves=2,
            seed=3,
            progress=stop_after_five,
        )
    again = calibrate(truth, "truth.yaml", t, tmp_path, points=8, reps=2, waves=2, seed=3)
    assert again.facts["resumed_replications"] >= 2 * (8 + 5)  # wave 1 and 5 points of 2
    pd.testing.assert_frame_equal(whole.points, again.points)
    # finished: the same command again reads the results back, simulating nothing
    done = calibrate(truth, "truth.yaml", t, tmp_path, points=8, reps=2, waves=2, seed=3)
    pd.testing.assert_frame_equal(done.points, again.points, check_dtype=False)


def test_serial_and_parallel_calibrations_agree(tmp_path) -> None:
    truth = _truth_scenario()
    t = _targets(truth)
    a = calibrate(truth, "truth.yaml", t, tmp_path / "a", points=8, reps=2, waves=1, seed=4)
    b = calibrate(truth, "truth.yaml", t, tmp_path / "b", points=8, reps=2, waves=1, seed=4, jobs=2)
    pd.testing.assert_frame_equal(a.points, b.points)


def test_bad_calibrations_are_refused_with_the_key_path(tmp_path) -> None:
    truth = _truth_scenario()
    t = _targets(truth)
    plain = {k: v for k, v in truth.items() if k != "calibration"}
    with pytest.raises(CalibrationError, match="no calibration: block"):
        calibrate(plain, "plain.yaml", t, tmp_path)
    bad = truth | {"calibration": {"programs.crt.patiense_min": {"low": 1, "high": 9}}}
    with pytest.raises(CalibrationError, match="did you mean 'patience_min'"):
        calibrate(bad, "bad.yaml", t, tmp_path)
    out_of_range = truth | {"calibration": {"demand.calls_per_week": {"low": -5, "high": 9}}}
    with pytest.raises(CalibrationError, match="calls_per_week = -5"):
        calibrate(out_of_range, "bad.yaml", t, tmp_path)


def test_a_targets_file_gets_clear_errors(tmp_path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("targets:\n  - {metric: calls_per_week, value: 5, source: x}\n")
    with pytest.raises(HeartSimError, match=r"t.yaml: targets\[0\]: give the figure's uncertainty"):
        load_targets(f)
    f.write_text("targets:\n  - {metric: nope, value: 5, sd: 1, source: x}\n")
    with pytest.raises(HeartSimError, match="'nope' is not a run metric"):
        load_targets(f)
    f.write_text("targets:\n  - {metric: calls_per_week, interval: [10, 20], source: x}\n")
    t = load_targets(f).targets[0]
    assert (t.centre, t.obs_sd) == (15, 2.5)


def test_unit_cube_maps_priors_and_integers_both_ways() -> None:
    space = Space.of(
        {
            "a": Unknown(low=1, high=100, prior="loguniform"),
            "b": Unknown(low=1, high=3, integer=True),
            "c": Unknown(low=-1, high=1),
        }
    )
    u = np.array([[0.5, 0.0, 0.25], [1.0, 0.99, 1.0]])
    v = space.values(u)
    np.testing.assert_allclose(v, [[10, 1, -0.5], [100, 3, 1]])
    np.testing.assert_allclose(space.values(space.units(v)), v)
    ratio, words = identifiability(np.random.default_rng(0).uniform(size=(400, 1)))
    assert words == ["not pinned down"] and ratio[0] == pytest.approx(1, abs=0.08)


def test_minimal_changes_keep_what_extends_merges() -> None:
    old = {"a": {"b": 1, "c": 2}, "d": {"dist": "lognormal", "mean": 1, "sd": 1}, "e": [1, 2]}
    new = {"a": {"b": 1, "c": 3}, "d": {"dist": "lognormal", "mean": 2, "sd": 1}, "e": [1, 5]}
    assert minimal_changes(old, new) == {"a": {"c": 3}, "d": new["d"], "e": [1, 5]}


def test_posterior_runs_are_paired_reproducible_and_parallel_safe(calibrated, tmp_path) -> None:
    path = calibrated.folder / "posterior.csv"
    truth = _truth_scenario()
    a = hs.simulate(truth, reps=4, seed=2, posterior=path)
    b = hs.simulate(truth, reps=4, seed=2, posterior=path, jobs=2)
    pd.testing.assert_frame_equal(a.replications, b.replications)
    plain = hs.simulate(truth, reps=4, seed=2)
    assert not a.replications["calls_per_week"].equals(plain.replications["calls_per_week"])
    assert any("parameters drawn from posterior.csv" in n for n in a.notes)
    post = load_posterior(path)
    # replication r runs at row order[r] of the draws: its demand is that row's
    for r in range(4):
        sc = post.scenario(hs.load(truth), r, 2)
        assert sc.demand.calls_per_week == pytest.approx(
            post.table.iloc[post.row(r, 2)]["demand.calls_per_week"]
        )
    # paired in a comparison: the same draw in replication r of every scenario
    alt = hs.vary(truth, {"crt.units": 3}, name="three")
    comp = hs.compare(truth, alt, reps=4, seed=2, posterior=path)
    pd.testing.assert_series_equal(
        comp.base.replications["calls_per_week"], comp.alts[0].replications["calls_per_week"]
    )
    # saved with the results, and part of the folder's inputs
    saved = hs.simulate(truth, reps=3, seed=2, posterior=path, out=tmp_path)
    assert (saved.folder / "sources" / "posterior.csv").read_text() == path.read_text()
    unsaved = hs.simulate(truth, reps=3, seed=2, out=tmp_path)
    assert unsaved.folder != saved.folder


def test_a_bad_posterior_file_is_one_clear_error(tmp_path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("x,y\n1,2\n")
    with pytest.raises(StudyError, match="no parameter columns"):
        load_posterior(f)
    f.write_text("programs.crt.patiense_min\n5\n")
    with pytest.raises(StudyError, match="row 1 does not apply"):
        hs.simulate(mmc_dict(1, 0.5, weeks=1), reps=1, posterior=f)


def test_calibrate_on_the_command_line(tmp_path) -> None:
    truth = _truth_scenario()
    scen, tfile = tmp_path / "truth.yaml", tmp_path / "t.yaml"
    scen.write_text(yaml.safe_dump(truth))
    tfile.write_text(yaml.safe_dump(_targets(truth).model_dump(exclude_none=True)))
    res = CliRunner().invoke(
        app,
        [
            "calibrate",
            str(scen),
            "--targets",
            str(tfile),
            "--points",
            "8",
            "-r",
            "2",
            "--waves",
            "1",
            "-o",
            str(tmp_path / "o"),
            "-q",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "non-implausible" in res.output and "what the targets pin down" in res.output
    folder = next((tmp_path / "o").glob("calibrate_*-*"))
    for name in (
        "calibration.csv",
        "posterior.csv",
        "waves.csv",
        "calibrated.yaml",
        "summary.json",
    ):
        assert (folder / name).is_file(), name
    res = CliRunner().invoke(
        app,
        [
            "run",
            str(scen),
            "-r",
            "2",
            "--posterior",
            str(folder / "posterior.csv"),
            "-o",
            str(tmp_path / "r"),
            "-q",
        ],
    )
    assert res.exit_code in (0, 2), res.output  # 2 when no point was non-implausible


def test_draws_that_would_undo_an_option_are_refused(calibrated) -> None:
    """An alternative that changes a key the posterior draws would be run at the drawn
    value, and compared with nothing: refused, naming the key."""
    path = calibrated.folder / "posterior.csv"
    truth = _truth_scenario()
    alt = hs.vary(truth, {"demand.calls_per_week": 300}, name="less_demand")
    with pytest.raises(
        StudyError, match="the draws set demand.calls_per_week, which 'less_demand'"
    ):
        hs.compare(truth, alt, reps=3, posterior=path)


def test_an_integer_unknown_takes_a_uniform_prior() -> None:
    with pytest.raises(ValueError, match="integer unknown takes a uniform prior"):
        Unknown(low=1, high=8, integer=True, prior="loguniform")

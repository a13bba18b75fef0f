"""heart-sim sensitivity: the design over the declared ranges, the indices (an unknown that
cannot change a measure gets exactly zero and ranks last; a strong one ranks first), the
same results serially and in processes, resuming, clear errors, the folder and its report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import baseline_dict
from SALib.analyze import morris as salib_morris
from SALib.sample import morris as salib_morris_sample
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.calibration._sensitivity import (
    RESAMPLES,
    SensitivityError,
    elementary_effects,
    morris_stats,
    run_unit,
    to_values,
)
from heart_sim.cli import app
from heart_sim.reports._sensitivity_page import sensitivity_html
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.scenario._schema import Unknown
from heart_sim.study._folders import folder_kind

runner = CliRunner()

# Police hours per call only price the calls sent to police after the simulation: it cannot
# change a response time. CRT's driving speed is most of a CRT response.
NO_EFFECT = "costs.police_hours_per_call"
STRONG = "programs.crt.travel_time.speed_mph"
UNITS = "programs.ccd.shifts[0].units"
UNKNOWNS = {
    NO_EFFECT: {"low": 0.25, "high": 1.0, "note": "ASSUMPTION: test range"},
    STRONG: {"low": 15, "high": 50, "prior": "loguniform"},
    UNITS: {"low": 1, "high": 3, "integer": True},
}


def _data(**calibration) -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = 1
    data["name"] = "short_unknowns"
    data["calibration"] = calibration or UNKNOWNS
    return data


def _file(tmp_path, data: dict) -> str:
    f = tmp_path / "short_unknowns.yaml"
    f.write_text(yaml.safe_dump(data))
    return str(f)


@pytest.fixture(scope="module")
def morris_result(tmp_path_factory):
    out = tmp_path_factory.mktemp("morris")
    return hs.sensitivity(_data(), trajectories=4, reps=2, seed=3, out=out)


def test_an_unknown_that_cannot_change_a_measure_is_exactly_zero_and_last(morris_result):
    ranked = morris_result.ranking("crt_response_time")
    assert list(ranked["parameter"])[-1] == NO_EFFECT
    last = ranked.iloc[-1]
    # Common random numbers: every point sees the same calls, so not noise but zero.
    assert last["mu_star"] == 0.0 and last["mu_star_conf"] == 0.0 and last["sigma"] == 0.0
    assert ranked.iloc[0]["parameter"] == STRONG  # the driving speed matters most
    assert ranked.iloc[0]["mu_star"] > 1  # minutes
    assert ranked.iloc[0]["mu"] < 0  # faster driving, shorter responses
    # ...and the police hours per call is what police time depends on most.
    assert morris_result.ranking("police_hours_per_year").iloc[0]["parameter"] == NO_EFFECT
    text = morris_result.finding("crt_response_time")
    assert text.startswith(f"CRT response time depends most on {STRONG} (mu* = ")
    assert text.endswith(f"{NO_EFFECT} does not affect it.")


def test_the_design_respects_priors_and_integers(morris_result):
    d = morris_result.design
    assert len(d) == 4 * (3 + 1)
    assert d[UNITS].dtype.kind == "i" and set(d[UNITS]) <= {1, 2, 3}
    assert d[STRONG].between(15, 50).all() and d[NO_EFFECT].between(0.25, 1.0).all()
    # loguniform: the 4 Morris levels are evenly spaced in log space
    levels = np.log(sorted(set(d[STRONG].round(9))))
    assert np.allclose(np.diff(levels), np.diff(levels)[0])
    assert {"crt_response_time", "diversion_rate", "calls_per_week"} <= set(d)


def test_to_values_gives_every_whole_number_its_share() -> None:
    u = np.linspace(0, 1, 30_001)[:, None]
    units = to_values(u, [Unknown(low=1, high=3, integer=True)])[:, 0]
    counts = pd.Series(units).value_counts(normalize=True)
    assert set(counts.index) == {1, 2, 3}
    assert np.allclose(counts.to_numpy(), 1 / 3, atol=1e-3)
    logs = to_values(u, [Unknown(low=1, high=100, prior="loguniform")])[:, 0]
    assert logs.min() == 1 and logs.max() == pytest.approx(100)
    assert np.median(logs) == pytest.approx(10, rel=1e-3)  # the geometric middle


def test_elementary_effects_equal_salibs_and_divide_by_the_step_run() -> None:
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}
    unit = salib_morris_sample.sample(problem, 6, num_levels=4, seed=1)
    unknowns = [Unknown(low=0, high=2), Unknown(low=1, high=10, prior="loguniform")]
    unknowns.append(Unknown(low=1, high=3, integer=True))
    x = to_values(unit, unknowns)
    y = 3 * x[:, 0] + x[:, 0] * np.log(x[:, 1]) + 5 * x[:, 2]
    ran = run_unit(x, unit, unknowns)
    ours = morris_stats(elementary_effects(unit, ran, y), seed=7)
    theirs = salib_morris.analyze(problem, unit, y, num_resamples=RESAMPLES, seed=7)
    for key in ("mu", "mu_star", "sigma", "mu_star_conf"):  # the continuous unknowns
        assert np.allclose(ours[key][:2], np.asarray(theirs[key])[:2], rtol=1e-12), key
    # The integer one: y moves 5 per unit, 10 over its range 1-3, whatever the rounding;
    # SALib's nominal step (2/3 of the range) would say otherwise.
    assert ours["mu_star"][2] == pytest.approx(10) and ours["sigma"][2] == pytest.approx(0)


def test_sobol_indices(tmp_path) -> None:
    res = hs.sensitivity(
        _data(), method="sobol", samples=8, reps=2, seed=3, metrics=["crt_response_time"]
    )
    assert len(res.design) == 8 * (3 + 2)
    ranked = res.ranking("crt_response_time")
    assert list(ranked.columns) == ["parameter", "rank", "ST", "ST_conf", "S1", "S1_conf"]
    assert ranked.iloc[0]["parameter"] == STRONG and ranked.iloc[0]["ST"] > 0.5
    last = ranked.iloc[-1]
    assert last["parameter"] == NO_EFFECT and last["ST"] == 0 and last["S1"] == 0
    assert "ST = " in res.finding("crt_response_time")


def test_same_results_serially_and_in_two_processes(tmp_path) -> None:
    kw = {"trajectories": 3, "reps": 2, "seed": 5, "metrics": ["crt_response_time"]}
    serial = hs.sensitivity(_data(), out=tmp_path / "a", **kw)
    parallel = hs.sensitivity(_data(), out=tmp_path / "b", jobs=2, **kw)
    pd.testing.assert_frame_equal(serial.design, parallel.design, check_exact=True)
    pd.testing.assert_frame_equal(serial.indices, parallel.indices, check_exact=True)
    assert serial.folder is not None and parallel.folder is not None
    assert serial.folder.name == parallel.folder.name  # the same inputs, the same key


def test_a_stopped_analysis_resumes_with_identical_results(tmp_path) -> None:
    kw = {"trajectories": 3, "reps": 2, "seed": 4, "metrics": ["crt_response_time"]}
    full = hs.sensitivity(_data(), out=tmp_path / "a", **kw)

    class Stop(Exception):
        pass

    def stop_after_five(_label: str, done: int, _n: int) -> None:
        if done == 5:
            raise Stop

    with pytest.raises(Stop):
        hs.sensitivity(_data(), out=tmp_path / "b", progress=stop_after_five, **kw)
    resumed = hs.sensitivity(_data(), out=tmp_path / "b", **kw)
    assert resumed.resumed == 10  # five points of two replications from checkpoints
    assert resumed.ran == resumed.distinct - 5
    pd.testing.assert_frame_equal(full.design, resumed.design, check_exact=True)
    pd.testing.assert_frame_equal(full.indices, resumed.indices, check_exact=True)
    assert resumed.folder is not None and not (resumed.folder / ".checkpoints").exists()
    again = hs.sensitivity(_data(), out=tmp_path / "b", **(kw | {"metrics": ["diversion_rate"]}))
    assert again.ran == 0  # read back and analysed for another measure, nothing simulated
    assert list(again.indices["metric"].unique()) == ["diversion_rate"]


def test_missing_calibration_block_and_bad_key_paths_are_clear_errors(tmp_path) -> None:
    data = _data()
    del data["calibration"]
    with pytest.raises(SensitivityError, match="has no calibration: block"):
        hs.sensitivity(data)
    bad = _data(**{"programs.crt.nope": {"low": 1, "high": 2}})
    with pytest.raises(SensitivityError, match=r"calibration: programs\.crt\.nope"):
        hs.sensitivity(bad)
    # A path that exists but whose range the scenario cannot take: said before any run.
    share = _data(**{"call_types.mental_health.ccd_transfer": {"low": 0.5, "high": 1.5}})
    with pytest.raises(SensitivityError, match="at its high value 1.5"):
        hs.sensitivity(share)
    with pytest.raises(SensitivityError, match="power of 2"):
        hs.sensitivity(_data(), method="sobol", samples=10)
    with pytest.raises(SensitivityError, match="--metric crt_respons_time"):
        hs.sensitivity(_data(), metrics=["crt_respons_time"])


def test_cli_errors_are_one_line_and_exit_2(tmp_path) -> None:
    data = _data()
    del data["calibration"]
    res = runner.invoke(app, ["sensitivity", _file(tmp_path, data), "-o", str(tmp_path)])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and "has no calibration: block" in lines[0]
    bad = _data(**{"programs.crt.nope": {"low": 1, "high": 2}})
    res = runner.invoke(app, ["sensitivity", _file(tmp_path, bad), "-o", str(tmp_path)])
    assert res.exit_code == 2 and "programs.crt.nope" in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_cli_writes_the_folder_and_its_report(tmp_path) -> None:
    scen = _file(tmp_path, _data())
    args = ["sensitivity", scen, "--trajectories", "2", "--reps", "2", "--seed", "1"]
    args += ["--metric", "crt_response_time", "-o", str(tmp_path / "out"), "-q", "--report"]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "CRT response time depends most on" in res.output
    folder = (tmp_path / "out" / "sensitivity_short_unknowns").resolve()
    assert folder_kind(folder) == "sensitivity"
    for name in ("design.csv", "indices.csv", "unknowns.csv", "ranking.md", "manifest.json"):
        assert (folder / name).is_file(), name
    assert (folder / "plots" / "tornado_crt_response_time.png").is_file()
    html = (folder / "report.html").read_text()
    assert "What the answer depends on" in html and "ASSUMPTION: test range" in html
    assert "does not affect it" in html
    res = runner.invoke(app, ["report", str(folder)])
    assert res.exit_code == 0 and (folder / "report.html").is_file()
    res = runner.invoke(app, ["plot", str(folder)])
    assert res.exit_code == 0 and (folder / "plots" / "tornado_crt_response_time.svg").is_file()


def test_report_of_a_sobol_folder(tmp_path) -> None:
    res = hs.sensitivity(
        _data(),
        method="sobol",
        samples=4,
        reps=2,
        seed=2,
        out=tmp_path,
        metrics=["cost_total_annual"],
    )
    assert res.folder is not None
    html = sensitivity_html(res.folder)
    assert "ST (total index)" in html and "Annual cost" in html
    ranges = html.split("<h2>The ranges used</h2>")[1].split("</table>")[0]
    ranges = ranges.replace("<wbr>", "")  # where a long name may break
    for name in UNKNOWNS:
        assert f"<code>{name}</code>" in ranges
    assert "<tr class='assumption'>" in ranges and "ASSUMPTION: test range" in ranges
    assert "1 to 3 (whole numbers)" in ranges  # the integer unknown


def test_the_shipped_durham_unknowns_are_valid_paths() -> None:
    from heart_sim.calibration._sensitivity import check_unknowns

    sc = hs.load("durham_2022_unknowns")
    assert len(check_unknowns(sc)) == 6
    assert scenario_from_dict(sc.model_dump(mode="json")).calibration == sc.calibration

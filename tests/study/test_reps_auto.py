"""--reps auto: replications added until every headline interval is within the target
precision over a look-ahead (Hoad, Robinson & Davies 2010), results identical to a run of
that many, the cap respected, and the CLI saying how many and which measure needed most."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import yaml
from builders import baseline_dict, mmc_dict, short_baseline
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.core._errors import Interrupted, StudyError
from heart_sim.measure._catalog import shown_in
from heart_sim.measure._metrics import t_interval
from heart_sim.measure._precision import AutoReps, parse_reps
from heart_sim.study import _execute as execute
from heart_sim.study import _studies as study
from heart_sim.study._studies import AUTO

runner = CliRunner()
SHORT = short_baseline(weeks=1)


def _width(values: pd.Series) -> float:
    mean, lo, hi, _ = t_interval(values.to_numpy(float))
    return (hi - lo) / 2 / abs(mean)


def _widest(reps: pd.DataFrame, n: int) -> float:
    return max(_width(reps[m].iloc[:n]) for m in shown_in("precision"))


def test_stops_once_every_interval_is_within_the_target_over_the_look_ahead() -> None:
    res = hs.simulate(SHORT, reps="auto", precision=0.05, seed=1)
    p = res.precision
    assert p is not None and p.reached and res.reps == p.reps
    n, k = res.reps, p.lookahead
    assert k == 5 and n >= 5 + k
    # Within the target with n replications and at each of the k counts before...
    for m in range(n - k, n + 1):
        assert _widest(res.replications, m) <= 0.05, m
    # ...and not one count before that window (else it would have stopped sooner).
    assert n - k - 1 >= 5, "the test scenario should need more than the minimum"
    assert _widest(res.replications, n - k - 1) > 0.05
    # The record agrees with the intervals recomputed here.
    assert p.widths["crt_response_time"] == pytest.approx(
        _width(res.replications["crt_response_time"])
    )
    assert list(p.history.index) == list(range(5, n + 1))
    assert p.last in shown_in("precision")
    assert p.history.loc[n - k - 1, p.last] > 0.05
    assert res.notes[0].startswith(f"replications: {n} (auto: every headline interval within ±5%")


def test_auto_gives_exactly_the_results_of_that_many_replications() -> None:
    auto = hs.simulate(SHORT, reps="auto", seed=1)
    fixed = hs.simulate(SHORT, reps=auto.reps, seed=1)
    pd.testing.assert_frame_equal(auto.replications, fixed.replications)
    pd.testing.assert_frame_equal(auto.summary, fixed.summary)
    pd.testing.assert_frame_equal(auto.by_hour, fixed.by_hour)
    pd.testing.assert_frame_equal(auto.quantiles, fixed.quantiles)
    assert fixed.precision is None and not fixed.notes


def test_the_number_chosen_does_not_depend_on_the_workers(monkeypatch) -> None:
    serial = hs.simulate(SHORT, reps="auto", seed=3)
    pooled = hs.simulate(SHORT, reps="auto", seed=3, jobs=2)  # a real process pool
    assert pooled.reps == serial.reps
    pd.testing.assert_frame_equal(serial.replications, pooled.replications)
    # Seven workers (run here in this process) get batches of at least seven, so the last
    # one runs past the count chosen: those replications are left out.
    ran: list[int] = []

    def outputs(tasks, jobs, keep_calls, dask):
        ran.extend(t.replication for t in tasks)
        return execute._serial(tasks, keep_calls)

    monkeypatch.setattr(study, "outputs", outputs)
    totals: list[int] = []
    wide = hs.simulate(SHORT, reps="auto", seed=3, jobs=7, progress=lambda *a: totals.append(a[2]))
    assert len(ran) > wide.reps == serial.reps
    pd.testing.assert_frame_equal(serial.replications, wide.replications)
    assert totals[0] == 10 and totals == sorted(totals) and totals[-1] == len(ran)


def test_the_cap_is_respected_and_reported() -> None:
    res = hs.simulate(SHORT, reps="auto", precision=0.005, max_reps=12, seed=1)
    assert res.reps == 12 and len(res.replications) == 12
    p = res.precision
    assert p is not None and not p.reached
    wide = p.outside()
    assert wide and wide[0][1] > 0.005
    assert res.notes[0].startswith("stopped at the cap of 12 replications: the interval of ")
    assert "is still ±" in res.notes[0] and "(target ±0.5%)" in res.notes[0]


def test_measures_with_no_relative_precision_are_not_judged_and_said_so() -> None:
    # An M/M/c queue: one program, no costs: the cost measures are not defined.
    res = hs.simulate(mmc_dict(2, 0.5, weeks=2), reps="auto", precision=0.1, seed=1)
    p = res.precision
    assert p is not None and p.reached
    assert "cost_total_annual" in p.not_judged
    assert any(n.startswith("not judged for precision") and "Annual cost" in n for n in res.notes)


def test_the_rule_itself() -> None:
    rule = AutoReps(0.05, max_reps=200)
    assert rule.lookahead(100) == 5 and rule.lookahead(200) == 10  # 5% of s past 100
    assert rule.decide({}, 0) == (None, 10, None)  # n0 = 5, then the look-ahead
    wide, ok = {"a": 0.09}, {"a": 0.04, "b": math.nan}  # NaN: not judged
    history = {n: (wide if n <= 11 else ok) for n in range(5, 13)}
    assert rule.decide(history, 12) == (None, 17, None)  # a miss at 11: from 12 on
    history |= {n: ok for n in range(13, 18)}
    assert rule.decide(history, 17) == (17, 17, 12)
    capped = AutoReps(0.05, max_reps=14)
    assert capped.decide(history, 14) == (14, 14, None)
    for bad in (0, 1, 2, -0.1, math.nan):
        with pytest.raises(StudyError, match="precision"):
            AutoReps(bad)
    with pytest.raises(StudyError, match="max-reps"):
        AutoReps(0.05, max_reps=4)
    assert parse_reps("auto") == "auto" and parse_reps(" 12 ") == 12
    with pytest.raises(StudyError, match="whole number"):
        parse_reps("abc")
    with pytest.raises(StudyError, match="applies only with --reps auto"):
        hs.simulate(SHORT, reps=3, precision=0.05)


def test_a_folder_is_the_one_of_that_many_replications_plus_precision_json(tmp_path) -> None:
    auto = hs.simulate(SHORT, reps="auto", seed=1, out=tmp_path)
    assert auto.folder is not None and (auto.folder / "precision.json").is_file()
    assert not (tmp_path / AUTO).exists()  # its checkpoints are gone once written
    record = json.loads((auto.folder / "precision.json").read_text())
    assert record["reps"] == auto.reps and record["reached"] is True
    assert set(record["relative_half_widths"]) == set(shown_in("precision"))
    manifest = json.loads((auto.folder / "manifest.json").read_text())
    assert manifest["reps"] == auto.reps
    fixed = hs.simulate(SHORT, reps=auto.reps, seed=1, out=tmp_path)
    assert fixed.folder == auto.folder  # the same inputs: the same folder


def test_an_interrupted_auto_run_resumes_from_its_checkpoints(tmp_path) -> None:
    def stop_at_12(_name: str, done: int, _total: int) -> None:
        if done == 12:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="re-run the same command to resume"):
        hs.simulate(SHORT, reps="auto", seed=1, out=tmp_path, progress=stop_at_12)
    assert (tmp_path / AUTO).is_dir()
    again = hs.simulate(SHORT, reps="auto", seed=1, out=tmp_path)
    assert again.resumed == 12
    whole = hs.simulate(SHORT, reps="auto", seed=1)
    pd.testing.assert_frame_equal(again.replications, whole.replications)
    assert not (tmp_path / AUTO).exists()


def test_compare_auto_judges_the_differences_too(tmp_path) -> None:
    base = SHORT
    more = hs.vary(base, {"programs.crt.shifts[0].end": "24:00"})  # CRT until midnight
    comp = hs.compare(base, more, reps="auto", precision=0.1, seed=1, out=tmp_path)
    p = comp.precision
    assert p is not None and p.reached and comp.base.reps == comp.alts[0].reps == p.reps
    alt = more.name
    assert f"{alt}: extra_diverted" in p.widths
    assert f"{alt}: marginal_cost_per_extra_diverted" in p.widths
    assert f"{base.name}: crt_response_time" in p.widths
    assert all(w <= 0.1 for w in p.widths.values() if not math.isnan(w))
    assert comp.notes[0].startswith(f"replications: {p.reps} (auto:")
    assert p.last is not None and p.labels[p.last] in comp.notes[0]
    assert comp.folder is not None and (comp.folder / "precision.json").is_file()
    assert json.loads((comp.folder / "manifest.json").read_text())["base"]["reps"] == p.reps
    fixed = hs.compare(base, more, reps=p.reps, seed=1)
    pd.testing.assert_frame_equal(comp.differences, fixed.differences)


def test_an_identical_alternative_is_not_judged_on_its_differences() -> None:
    same = hs.vary(SHORT, {"title": "the same system"}, name="same")
    comp = hs.compare(SHORT, same, reps="auto", seed=1)
    assert comp.precision is not None
    assert {"same: extra_diverted", "same: marginal_cost_per_extra_diverted"} <= set(
        comp.precision.not_judged
    )


def _scenario_file(tmp_path, name: str = "short", crt_units: int = 2) -> str:
    data = baseline_dict()
    data["horizon_weeks"] = 1
    data["programs"]["crt"]["shifts"][0]["units"] = crt_units
    del data["name"]  # named after the file
    f = tmp_path / f"{name}.yaml"
    f.write_text(yaml.safe_dump(data))
    return str(f)


def test_cli_says_how_many_replications_and_which_measure_needed_most(tmp_path) -> None:
    scen, out = _scenario_file(tmp_path), str(tmp_path / "o")
    res = runner.invoke(app, ["run", scen, "--reps", "auto", "-s", "1", "-o", out, "-q"])
    assert res.exit_code == 0, res.output
    note = next(line for line in res.output.splitlines() if line.startswith("note: replications:"))
    n = int(note.split()[2])
    assert f"short: {n} replications, seed 1" in res.output
    assert "the last to get there: " in note
    chosen = json.loads((tmp_path / "o" / "short" / "precision.json").read_text())
    assert chosen["reps"] == n and chosen["labels"][chosen["last"]] in note
    # --reps n afterwards: the same folder
    again = runner.invoke(app, ["run", scen, "-r", str(n), "-s", "1", "-o", out, "-q"])
    assert again.exit_code == 0 and "inputs differ" not in again.output
    # compare takes it too
    more = _scenario_file(tmp_path, "more", crt_units=4)
    res = runner.invoke(
        app, ["compare", scen, more, "-r", "auto", "--max-reps", "6", "-o", out, "-q"]
    )
    assert res.exit_code == 0, res.output
    assert "note: stopped at the cap of 6 replications" in res.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reps", "abc"], "--reps: expected a whole number of replications or 'auto'"),
        (["--reps", "0"], "--reps: expected 1 to 100,000 replications"),
        (["--reps", "auto", "--precision", "0"], "--precision"),
        (["--reps", "auto", "--precision", "2"], "--precision"),
        (["--precision", "0.05"], "--precision applies only with --reps auto"),
        (["--reps", "auto", "--max-reps", "3"], "--max-reps"),
    ],
)
def test_cli_refuses_bad_values_in_one_line(tmp_path, args, message) -> None:
    res = runner.invoke(app, ["run", "durham_2022", *args, "-o", str(tmp_path)])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]

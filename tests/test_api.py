"""The public Python API: DataFrames out, save / load round trip."""

from __future__ import annotations

import pandas as pd
import pytest
from builders import baseline_dict

import heart_sim as hs


def _short() -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = 2
    return data


def test_load_from_dict_name_and_file(tmp_path) -> None:
    assert hs.load(_short()).horizon_weeks == 2
    assert hs.load("durham_2022").name == "durham_2022"
    with pytest.raises(hs.ScenarioError):
        hs.load({"demand": {}})


def test_simulate_returns_dataframes_and_per_call_records() -> None:
    res = hs.simulate(_short(), reps=2, seed=1, keep_calls=True)
    assert isinstance(res.summary, pd.DataFrame) and "metric" in res.summary
    assert len(res.replications) == 2
    assert len(res.by_hour) == 168
    assert set(res.quantiles["metric"]) >= {"crt_response_time", "cn_followup_delay"}
    calls = res.calls
    assert set(calls["replication"]) == {0, 1}
    measured = calls[calls["measured"]]
    counts = measured.groupby("replication")["outcome"].value_counts().unstack(fill_value=0)
    for r, row in res.replications.iterrows():
        assert counts.loc[r, "crt_served"] == row["crt_served"]
        assert counts.loc[r].sum() == row["calls_total"]


def test_save_and_load_round_trip(tmp_path) -> None:
    res = hs.simulate(_short(), reps=2)
    folder = res.save(tmp_path)
    back = hs.Results.load(folder)
    assert back.scenario == res.scenario
    pd.testing.assert_frame_equal(back.replications, res.replications, check_dtype=False)
    pd.testing.assert_frame_equal(back.summary, res.summary, check_dtype=False)
    assert len(back.by_hour) == 168


def test_file_scenarios_carry_their_source_files() -> None:
    from heart_sim.scenario._load import scenario_sources

    src = scenario_sources("weekend_cor")
    assert list(src) == ["0_weekend_cor.yaml", "1_durham_2022.yaml"]
    assert "ASSUMPTION" in src["1_durham_2022.yaml"]


def test_compare_api(tmp_path) -> None:
    alt = _short() | {"name": "alt", "demand": _short()["demand"] | {"multiplier": 1.1}}
    comp = hs.compare(_short(), alt, reps=2, seed=1)
    assert set(comp.differences["scenario"]) == {"alt"}
    assert list(comp.costs["scenario"]) == ["durham_2022", "alt"]
    folder = comp.save(tmp_path)
    assert (folder / "comparison.xlsx").exists()


def test_results_and_comparison_have_a_short_repr_and_headline_cards_for_notebooks() -> None:
    from builders import short_baseline

    base = short_baseline(weeks=1)
    res = hs.simulate(base, reps=3, seed=1)
    text = repr(res)
    assert text.startswith("<Results durham_2022: 3 replications, seed 1, 1 week;")
    assert "HEART handled" in text and "%" in text and len(text) < 200
    page = res._repr_html_()
    assert page.count("class='card'") >= 6 and "Eligible calls HEART handled" in page
    rate = res.summary.set_index("metric").loc["heart_response_rate", "mean"]
    assert f"{100 * rate:.1f}%" in page
    comp = hs.compare(base, hs.vary(base, {"crt.units": 3}, name="three_teams"), reps=3, seed=1)
    assert repr(comp).startswith("<Comparison of three_teams with durham_2022: 3 paired")
    cards = comp._repr_html_()
    assert cards.count("class='card'") == 1 and "three_<wbr>teams" in cards
    assert "per extra call diverted" in cards


# --- one shape for every study -------------------------------------------------------------

STUDIES = ("simulate", "compare", "sweep", "sensitivity", "calibrate", "optimize", "budget")


@pytest.mark.parametrize("name", [*STUDIES, "fit", "open", "report", "load", "vary"])
def test_every_study_is_a_function_of_the_package(name: str) -> None:
    """``hs.calibrate`` was the module once (``TypeError: 'module' object is not callable``);
    every study is now the API's function, and no subpackage bears its name."""
    import inspect

    assert inspect.isfunction(getattr(hs, name))
    assert getattr(hs, name).__module__ == "heart_sim.api"


@pytest.mark.parametrize("name", STUDIES)
def test_every_study_takes_the_scenario_first_and_out_as_a_keyword_defaulting_to_none(
    name: str,
) -> None:
    import inspect

    params = inspect.signature(getattr(hs, name)).parameters
    first = next(iter(params.values()))
    assert first.name in ("scenario", "base")
    assert "ScenarioLike" in str(first.annotation)
    assert params["out"].kind is inspect.Parameter.KEYWORD_ONLY
    assert params["out"].default is None


def test_sweep_of_a_scenario_object_writes_nothing_without_out(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    base = hs.load(_short())
    res = hs.sweep(base, {"crt.units": [1, 2]}, reps=2, seed=3)
    assert isinstance(res, hs.SweepResult) and res.folder is None
    assert list(res.table["crt.units"]) == [1, 2]
    # one more CRT team on every shift serves at least as many calls, under the same seed
    served = res.table["crt_served_share"]
    assert served.iloc[1] >= served.iloc[0] > 0
    assert list(tmp_path.iterdir()) == []


def test_sweep_with_out_writes_the_folder_and_figures_the_cli_writes(tmp_path) -> None:
    res = hs.sweep(_short(), {"crt.units": [1, 2]}, reps=2, seed=3, out=tmp_path)
    assert res.folder is not None and (res.folder / "sweep.csv").is_file()
    assert (res.folder / "sweep_diversion_rate.png").is_file()  # what `heart-sim sweep` writes
    again = hs.open(res.folder)
    assert isinstance(again, hs.SweepResult)
    pd.testing.assert_frame_equal(again.table, pd.read_csv(res.folder / "sweep.csv"))


def test_budget_needs_one_limit_and_optimize_has_no_budget_mode() -> None:
    import inspect

    with pytest.raises(hs.HeartSimError, match="exactly one limit"):
        hs.budget(_short(), "scenarios/options/durham_fy26.yaml")
    with pytest.raises(hs.HeartSimError, match="exactly one limit"):
        hs.budget(_short(), "scenarios/options/durham_fy26.yaml", budget=1e6, fte=3)
    assert "budget" not in inspect.signature(hs.optimize).parameters
    assert inspect.signature(hs.optimize).return_annotation == "OptimizeResult"
    assert inspect.signature(hs.budget).return_annotation == "BudgetResult"


def test_open_refuses_a_folder_that_is_not_results(tmp_path) -> None:
    with pytest.raises(hs.HeartSimError, match="not a heart-sim results folder"):
        hs.open(tmp_path)

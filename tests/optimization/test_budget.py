"""optimize --budget / --fte: the chosen set against a brute force over every subset."""

from __future__ import annotations

import copy
import itertools
import json

import pandas as pd
import pytest
import yaml
from builders import ROOT, baseline_dict

import heart_sim as hs
from heart_sim.core._errors import HeartSimError, Interrupted
from heart_sim.optimization._budget import BudgetError, budget_study, read_budget
from heart_sim.optimization._budgetfile import load_options, options_from_dict

REPS, SEED, WEEKS = 4, 11, 3
EVENING = {"days": "daily", "start": "19:00", "end": "23:00", "units": 1}
WEEKEND = {"days": "weekends", "start": "09:00", "end": "17:00", "units": 1}
OPTIONS = {
    "name": "small",
    "options": {
        "crt_third": {"set": {"programs.crt.shifts[0].units": 3}, "source": "test"},
        "crt_evening": {"add": {"programs.crt.shifts": [EVENING]}},
        "ccd_third": {"set": {"programs.ccd.shifts[0].units": 3}},
        "ccd_weekend": {"add": {"programs.ccd.shifts": [WEEKEND]}},
    },
}


def _by_hand(data: dict, combo: tuple[str, ...]) -> dict:
    """The base with the options of ``combo`` applied, written out without heart_sim."""
    d = copy.deepcopy(data)
    crt, ccd = d["programs"]["crt"]["shifts"], d["programs"]["ccd"]["shifts"]
    if "crt_third" in combo:
        crt[0]["units"] = 3
    if "crt_evening" in combo:
        crt.append(dict(EVENING))
    if "ccd_third" in combo:
        ccd[0]["units"] = 3
    if "ccd_weekend" in combo:
        ccd.append(dict(WEEKEND))
    return d


def _base() -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = WEEKS
    return data


@pytest.fixture(scope="module")
def brute() -> pd.DataFrame:
    """Every subset of the options that does not put two changes on one shift list,
    simulated on its own with the same seed and replications."""
    base = _base()
    names = list(OPTIONS["options"])
    rows = []
    for k in range(len(names) + 1):
        for combo in itertools.combinations(names, k):
            if {"crt_third", "crt_evening"} <= set(combo):
                continue  # both change the CRT shift list
            if {"ccd_third", "ccd_weekend"} <= set(combo):
                continue
            reps = hs.simulate(_by_hand(base, combo), reps=REPS, seed=SEED).replications
            rows.append(
                {
                    "options": "+".join(combo) or "base",
                    "cost": reps["cost_total_annual"].mean(),
                    "measure": reps["diverted_per_year"].mean(),
                }
            )
    return pd.DataFrame(rows)


def _non_dominated(table: pd.DataFrame) -> set[str]:
    """The brute-force frontier, by definition: no other set as cheap and as good, one
    of them strictly."""
    out = set()
    for r in table.itertuples():
        beaten = any(
            o.cost <= r.cost
            and o.measure >= r.measure
            and (o.cost, o.measure) != (r.cost, r.measure)
            for o in table.itertuples()
        )
        if not beaten:
            out.add(r.options)
    return out


def _best_within(table: pd.DataFrame, limit: float) -> str:
    ok = table[table.cost <= limit].sort_values(["measure", "cost"], ascending=[False, True])
    return ok.iloc[0]["options"]


def _label(chosen: list[str] | None) -> str:
    assert chosen is not None
    return "+".join(chosen) or "base"


def test_the_chosen_set_is_the_best_on_the_brute_force_frontier(brute, tmp_path) -> None:
    assert len(brute) == 9  # 1 + 4 singles + 4 pairs across CRT and CCD
    base_cost = brute.set_index("options").loc["base", "cost"]
    limit = base_cost + 300_000  # room for CRT evenings and a CCD change, not CRT days
    want = _best_within(brute, limit)
    assert "+" in want, "the limit should make a combination the answer"
    frontier = _non_dominated(brute)
    assert want in frontier
    opts = options_from_dict(OPTIONS)
    res = budget_study(
        _base(), "base.yaml", opts, tmp_path, budget=limit, reps=REPS, seed=SEED, exhaustive_limit=0
    )
    assert "additive model" in res.facts["how"]  # the knapsack path, not all subsets
    assert _label(res.chosen) == want
    # every set it simulated has the very numbers of the independent runs (common seed)
    got = res.candidates.set_index("options")
    for r in brute.itertuples():
        if r.options in got.index:
            assert got.loc[r.options, "cost"] == pytest.approx(r.cost, rel=1e-12)
            assert got.loc[r.options, "measure"] == pytest.approx(r.measure, rel=1e-12)
    assert set(got.index) < set(brute.options)  # fewer than all: the knapsack chose
    # ...and the exhaustive path finds the brute-force frontier itself
    full = budget_study(_base(), "base.yaml", opts, tmp_path, budget=limit, reps=REPS, seed=SEED)
    assert "all 9 compatible sets" in full.facts["how"]
    assert set(full.frontier["options"]) == frontier
    assert _label(full.chosen) == want


def test_the_frontier_is_monotone_with_paired_intervals(tmp_path) -> None:
    opts = options_from_dict(OPTIONS)
    res = budget_study(_base(), "base.yaml", opts, tmp_path, budget=1e9, reps=REPS, seed=SEED)
    f = res.frontier
    assert f["cost"].is_monotonic_increasing and f["cost"].diff().dropna().gt(0).all()
    assert f["measure"].diff().dropna().gt(0).all()
    assert f.iloc[0]["options"] == "base"
    # the step gains add up to the gain over the base; each is a paired mean
    assert f["step_gain"].sum() == pytest.approx(f.iloc[-1]["gain"])
    inner = f.iloc[1:]
    assert (inner.step_gain_low <= inner.step_gain).all()
    assert (inner.step_gain <= inner.step_gain_high).all()
    # marginal cost per extra diverted call: the step's extra cost over its extra calls
    ok = inner[inner.marginal_cost_status == "ok"]
    assert len(ok) >= 1
    assert ok.marginal_cost.to_numpy() == pytest.approx(
        (ok.step_cost / ok.step_gain).to_numpy(), rel=1e-9
    )
    # with no limit to speak of, the best set of all is chosen: the frontier's last
    assert bool(f.iloc[-1]["chosen"]) and res.candidates["within_limit"].all()
    md = (res.folder / "budget.md").read_text()
    assert "Diverted calls" in md and "The efficient frontier" in md


def test_fte_mode_buys_the_best_set_within_the_extra_fte(brute, tmp_path) -> None:
    opts = options_from_dict(OPTIONS)
    res = budget_study(_base(), "base.yaml", opts, tmp_path, fte=2.0, reps=REPS, seed=SEED)
    c = res.candidates.set_index("options")
    # extra FTE by hand: 3 people x 52 weeks x relief 1.2 / 2,080 paid hours per FTE
    per_crt_hour = 3 * 52 * 1.2 / 2080
    assert c.loc["crt_evening", "extra_fte"] == pytest.approx(4 * 7 * per_crt_hour)  # 2.52
    assert c.loc["crt_third", "extra_fte"] == pytest.approx(10 * 7 * per_crt_hour)  # 6.3
    assert c.loc["ccd_third", "extra_fte"] == pytest.approx(8 * 5 * 52 * 1.2 / 2080)  # 1.2
    assert c.loc["ccd_weekend", "extra_fte"] == pytest.approx(8 * 2 * 52 * 1.2 / 2080)  # 0.48
    fits = [o for o in c.index if c.loc[o, "extra_fte"] <= 2.0]
    assert sorted(fits) == ["base", "ccd_third", "ccd_weekend"]
    want = max(fits, key=lambda o: brute.set_index("options").loc[o, "measure"])
    assert _label(res.chosen) == want
    assert res.facts["mode"] == "fte"
    assert "per extra FTE" in (res.folder / "budget.md").read_text()


def test_exclusive_options_are_never_bought_together(tmp_path) -> None:
    data = copy.deepcopy(OPTIONS)
    data["options"]["crt_evening"]["exclusive_with"] = ["ccd_weekend"]
    opts = options_from_dict(data)
    for limit in (0, 64):
        res = budget_study(
            _base(), "base.yaml", opts, tmp_path, budget=1e9, reps=REPS, seed=SEED,
            exhaustive_limit=limit,
        )  # fmt: skip
        for combo in res.candidates["options"]:
            parts = set(combo.split("+"))
            assert not {"crt_third", "crt_evening"} <= parts
            assert not {"ccd_third", "ccd_weekend"} <= parts
            assert not {"crt_evening", "ccd_weekend"} <= parts
        assert res.chosen is not None and not {"crt_evening", "ccd_weekend"} <= set(res.chosen)


def test_the_chosen_scenario_extends_the_input_and_runs(tmp_path) -> None:
    src = tmp_path / "small.yaml"
    src.write_text(yaml.safe_dump(_base(), sort_keys=False))  # call types in order
    opts = options_from_dict(OPTIONS)
    limit = 2.4e6
    res = budget_study(_base(), str(src), opts, tmp_path / "o", budget=limit, reps=REPS, seed=SEED)
    text = (res.folder / "chosen.yaml").read_text()
    data = yaml.safe_load(text)
    assert data["extends"] == "../../small.yaml" and data["name"] == "durham_2022_chosen"
    # the chosen scenario, run on its own with the same seed, gives the candidate's numbers
    run = hs.simulate(res.folder / "chosen.yaml", reps=REPS, seed=SEED)
    row = res.candidates.set_index("options").loc[_label(res.chosen)]
    assert run.replications["diverted_per_year"].mean() == pytest.approx(row["measure"])
    summary = json.loads((res.folder / "summary.json").read_text())
    assert summary["chosen"] == res.chosen
    again = read_budget(res.folder)
    pd.testing.assert_frame_equal(again.frontier, res.frontier, check_dtype=False)


def test_an_interrupted_study_resumes_from_its_checkpoints(tmp_path) -> None:
    opts = options_from_dict(OPTIONS)
    kw = {"budget": 2.4e6, "reps": REPS, "seed": SEED}
    whole = budget_study(_base(), "base.yaml", opts, tmp_path / "whole", **kw)

    def stop_after_four(label: str, done: int, total: int) -> None:
        if done == 4:
            raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="re-run the same command to resume"):
        budget_study(_base(), "base.yaml", opts, tmp_path, progress=stop_after_four, **kw)
    again = budget_study(_base(), "base.yaml", opts, tmp_path, **kw)
    assert again.facts["resumed_replications"] >= 4 * REPS
    pd.testing.assert_frame_equal(whole.candidates, again.candidates)
    # finished: the same command reads the folder back, simulating nothing
    done = budget_study(_base(), "base.yaml", opts, tmp_path, progress=stop_after_four, **kw)
    pd.testing.assert_frame_equal(done.candidates, again.candidates, check_dtype=False)
    assert not (again.folder / ".checkpoints").exists()


def test_bad_options_measures_and_limits_are_one_clear_line(tmp_path) -> None:
    base = _base()
    f = tmp_path / "opts.yaml"
    f.write_text("options:\n  oops:\n    set: {programs.crt.patiense_min: 5}\n")
    with pytest.raises(BudgetError) as err:
        budget_study(base, "base.yaml", load_options(f), tmp_path / "o", budget=1e6, reps=2)
    assert str(err.value).startswith(f"{f}: options.oops.set: ")
    assert "did you mean 'patience_min'" in str(err.value) and "\n" not in str(err.value)
    assert not (tmp_path / "o").exists()  # refused before anything ran
    f.write_text("options:\n  neg:\n    set:\n      programs.crt.shifts[0].units: -1\n")
    with pytest.raises(BudgetError, match=r"opts.yaml: options.neg: .*units"):
        budget_study(base, "base.yaml", load_options(f), tmp_path / "o", budget=1e6, reps=2)
    f.write_text("options:\n  x:\n    add: {demand.calls_per_week: [1]}\n")
    with pytest.raises(BudgetError, match="options.x.add: demand.calls_per_week is not a list"):
        budget_study(base, "base.yaml", load_options(f), tmp_path / "o", budget=1e6, reps=2)
    opts = options_from_dict(OPTIONS)
    with pytest.raises(BudgetError, match="not a run metric; e.g. .*diversion_rate"):
        budget_study(base, "b", opts, tmp_path, budget=1e6, maximize="diverted", reps=2)
    with pytest.raises(BudgetError, match="exactly one limit"):
        budget_study(base, "b", opts, tmp_path, budget=1e6, fte=3, reps=2)
    with pytest.raises(HeartSimError, match="exactly one limit"):
        budget_study(base, "b", opts, tmp_path, reps=2)


def test_a_lower_is_better_measure_is_minimised(brute, tmp_path) -> None:
    opts = options_from_dict(OPTIONS)
    res = budget_study(
        _base(), "b", opts, tmp_path, budget=1e9, maximize="police_calls_per_year", reps=REPS,
        seed=SEED,
    )  # fmt: skip
    assert res.facts["direction"] == "minimise"
    assert any("minimised" in n for n in res.notes)
    c = res.candidates
    assert _label(res.chosen) == c.loc[c["measure"].idxmin(), "options"]
    assert (res.frontier["measure"].diff().dropna() < 0).all()  # fewer police calls per step


def test_the_durham_options_apply_to_durham_2025() -> None:
    from heart_sim.optimization._budget import candidate
    from heart_sim.scenario._load import load_scenario

    base = load_scenario("durham_2025")
    opts = load_options(ROOT / "scenarios" / "options" / "durham_fy26.yaml")
    full = base.model_dump(mode="json")
    night = candidate(full, base, opts, ("crt_overnight",))
    # CRT 24/7: a team on duty at every hour of the week
    assert min(night.program("crt").schedule().units) >= 1
    assert min(base.program("crt").schedule().units) == 0  # nothing 00:00-09:00 before


def test_the_knapsack_and_its_frontier_match_a_brute_force() -> None:
    """choose() and additive_frontier() against every subset of small random instances,
    with exclusions, savings (negative costs) and options that lose value."""
    import numpy as np

    from heart_sim.optimization._frontier import (
        additive_frontier,
        best_within,
        choose,
        pareto_frontier,
    )

    rng = np.random.default_rng(7)
    for _ in range(60):
        n = int(rng.integers(1, 7))
        scale = 10.0 ** int(rng.integers(-2, 5))
        cost = rng.integers(-2, 20, n) * scale * 1000.0
        value = rng.integers(-3, 15, n) * scale
        pairs = [p for p in itertools.combinations(range(n), 2) if rng.random() < 0.25]
        subsets = [
            s
            for k in range(n + 1)
            for s in itertools.combinations(range(n), k)
            if not any(p in pairs for p in itertools.combinations(s, 2))
        ]
        c = np.array([cost[list(s)].sum() for s in subsets])
        v = np.array([value[list(s)].sum() for s in subsets])
        limit = float(rng.integers(0, 40)) * scale * 1000
        chosen = choose(cost, value, limit, pairs)
        best = best_within(c, v, limit)
        assert best is not None
        assert value[chosen].sum() == pytest.approx(v[best])
        assert cost[chosen].sum() == pytest.approx(c[best])
        steps = additive_frontier(cost, value, np.inf, pairs)
        front = pareto_frontier(c, v)
        got = np.array([(cost[s].sum(), value[s].sum()) for s in steps]).reshape(-1, 2)
        assert got == pytest.approx(np.array([(c[i], v[i]) for i in front]).reshape(-1, 2))
        assert all(cost[s].sum() <= limit for s in additive_frontier(cost, value, limit, pairs))
    assert pareto_frontier([1, 1, 2, 3, 0], [5, 5, 4, 6, float("nan")]) == [0, 3]
    assert best_within([1, 2], [3, 3], 5) == 0 and best_within([4], [1], 3) is None


def test_an_fte_frontier_drops_the_steps_a_later_step_beats_in_dollars() -> None:
    """Along FTE, sets A (1 FTE, $300k), B (2 FTE, $200k), C (3 FTE, $250k), D (4 FTE,
    $240k), E (5 FTE, $400k), each gaining more than the one before: B costs less than A
    and gains more, so A is dropped (beaten by B); D costs less than C: C dropped (by D).
    What is left rises in FTE, dollars and gain: no step costs less than the one before."""
    from heart_sim.optimization._frontier import pareto_frontier, rising_in

    fte = [1, 2, 3, 4, 5]
    dollars = [300e3, 200e3, 250e3, 240e3, 400e3]
    gain = [10, 20, 30, 40, 50]
    front = pareto_frontier(fte, gain)
    assert front == [0, 1, 2, 3, 4]  # every step is on the frontier in FTE alone
    kept, dropped = rising_in(dollars, front)
    assert kept == [1, 3, 4] and dropped == [(0, 1), (2, 3)]
    assert all(dollars[a] < dollars[b] for a, b in itertools.pairwise(kept))
    # The set chosen within the limit stays, even when a step beyond the limit beats it.
    kept, dropped = rising_in(dollars, front, keep=2)
    assert kept == [1, 2, 3, 4] and dropped == [(0, 1)]

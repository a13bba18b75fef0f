"""The metric catalog is the one declaration of every reported metric's label and unit."""

from __future__ import annotations

import ast
from pathlib import Path

import pandas as pd
from builders import short_baseline
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.measure._catalog import BY_HOUR, CATALOG, UNITS, VIEWS

PACKAGE = Path(__file__).resolve().parents[2] / "heart_sim"


def test_every_metric_in_summary_csv_has_a_label_and_a_unit(tmp_path) -> None:
    res = hs.simulate(short_baseline(weeks=2), reps=2, seed=1, out=tmp_path)
    written = pd.read_csv(res.folder / "summary.csv")["metric"]
    catalog = hs.metric_catalog()
    assert {"label", "unit", "description", "higher_is_better"} <= set(catalog.columns)
    missing = sorted(set(written) - set(catalog.index))
    assert missing == []
    for name in written:
        row = catalog.loc[name]
        assert row["label"].strip() and row["unit"] in UNITS and row["description"].strip(), name
    # ...and declares no run metric that a run does not write.
    runs = catalog[catalog["kind"] == "run"]
    assert sorted(set(runs.index) - set(written)) == []
    base = short_baseline(weeks=1)
    comp = hs.compare(base, hs.vary(base, {"crt.units": 3}), reps=2, out=tmp_path / "c")
    columns = set(pd.read_csv(comp.folder / "costs.csv").columns)
    # every column is a catalog metric, or its interval's bounds, or a ratio's status
    stems = {
        c.removesuffix("_ci_low").removesuffix("_ci_high").removesuffix("_status") for c in columns
    }
    assert sorted(stems - {"scenario"} - set(catalog.index)) == []
    # the positions are set by the schedules, not simulated: no interval
    positions = {"fte", "extra_fte", "head_count"}
    for name in VIEWS["costs"]:
        wanted = {name} if name in positions else {name, f"{name}_ci_low", f"{name}_ci_high"}
        assert wanted <= columns, name
    costs = pd.read_csv(comp.folder / "costs.csv").set_index("scenario")
    # one more CRT team on each of the base's CRT shifts: more FTE, none for the base row
    assert costs["extra_fte"].iloc[0] == 0 and costs["extra_fte"].iloc[1] > 0
    assert costs["head_count"].iloc[1] >= costs["head_count"].iloc[0]


def test_views_and_directions() -> None:
    catalog = hs.metric_catalog()
    assert list(catalog.index[catalog["headline"]]) == sorted(
        VIEWS["headline"], key=list(catalog.index).index
    )
    assert catalog.loc["diversion_rate", "higher_is_better"] == True  # noqa: E712
    assert catalog.loc["crt_response_time_p90", "higher_is_better"] == False  # noqa: E712
    assert catalog.loc["crt_response_time", "unit"] == "min"
    assert catalog.loc["cn_followup_delay", "unit"] == "h"
    assert catalog.loc["cost_total_annual", "format"] == "money"


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_no_other_module_declares_a_metric_label_or_unit() -> None:
    catalog = hs.metric_catalog()
    shorts = {m.short for m in CATALOG.values() if m.short}
    by_hour = {text for pair in BY_HOUR.values() for text in pair}
    declared = set(catalog["label"]) | set(UNITS.values()) - {"calls", "$"} | shorts | by_hour
    # core/_vocab.py names the outcomes themselves, which the catalog's outcome metrics reuse.
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("_catalog.py", "_vocab.py"):
            continue
        clash = sorted(declared & _string_constants(path))
        assert clash == [], (
            f"{path.name} declares {clash}: read them from heart_sim.measure._catalog"
        )


def test_heart_sim_metrics_prints_the_catalog() -> None:
    res = CliRunner().invoke(app, ["metrics"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    for name in ("diversion_rate", "crt_response_time_p90", "cost_per_diverted_call"):
        assert name in res.output
    assert "Diversion rate" in res.output and "higher" in res.output

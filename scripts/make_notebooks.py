"""Write notebooks/*.ipynb (without outputs) from the cells below, so they stay reviewable.

python scripts/make_notebooks.py
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = {
    "01_quickstart.ipynb": [
        "MD # heart-sim quick start\n\nRun the built-in Durham baseline (October 2022) and look "
        "at where demand meets staffing, hour by hour. Uses only the public API.",
        "import heart_sim as hs\nfrom heart_sim import reports\n\n"
        'baseline = hs.load("durham_2022")\nprint(baseline.description)',
        "# 5 replications of one simulated year each (about 2 seconds).\n"
        "res = hs.simulate(baseline, reps=5, seed=1)\n"
        'headline = ["diversion_rate", "heart_response_rate", "crt_response_time",\n'
        '            "crt_response_time_p90", "crt_utilization", "cost_per_diverted_call"]\n'
        'res.summary.set_index("metric").loc[headline, ["mean", "ci_low", "ci_high"]]',
        "MD A run shows its headline cards as a cell's output:",
        "res",
        "MD ## Demand and staffing by hour of week",
        "reports.demand_heatmap(res.by_hour)",
        "reports.staffing_heatmap(res.by_hour)",
        "MD ## Utilization, and the calls HEART could not take\n\nMost unmet demand is out of "
        "hours (evenings, nights) and out of the pilot area.",
        "reports.utilization_heatmap(res.by_hour)",
        "reports.unmet_heatmap(res.by_hour)",
        "reports.response_cdf_figure(res.quantiles, reports.targets_of(baseline))",
        "MD ## Per-call records\n\nAsk for them when you need them (they take memory).",
        "calls = hs.simulate(baseline, reps=1, seed=1, keep_calls=True).calls\n"
        'calls[calls.measured].groupby("call_type", observed=True)["outcome"]'
        ".value_counts(normalize=True).unstack().round(3)",
    ],
    "02_compare_options.ipynb": [
        "MD # Comparing expansion options\n\nWeekend Co-Response, city-wide service and 24/7 CRT "
        "against the 2022 baseline, with common random numbers (every option sees the same "
        "calls), costs, and paired 95% confidence intervals.",
        "import heart_sim as hs\nfrom heart_sim import reports\n\n"
        'comp = hs.compare("durham_2022", "weekend_cor", "citywide", "crt_24_7", '
        "reps=5, seed=1)",
        "MD ## What each option costs and what it buys (per year)\n\nThe comparison shows one "
        "card per option, best first by the calls it diverts:",
        "comp",
        'cols = ["scenario", "cost_total_annual", "diverted_per_year", '
        '"cost_per_diverted_call",\n'
        '        "extra_cost", "extra_diverted", "marginal_cost_per_extra_diverted",\n'
        '        "marginal_cost_per_extra_diverted_ci_low",\n'
        '        "marginal_cost_per_extra_diverted_ci_high", "police_hours_freed"]\n'
        "comp.costs[cols].round(1)",
        "summaries = {r.scenario.name: r.summary for r in (comp.base, *comp.alts)}\n"
        "reports.cost_figure(summaries)",
        "MD ## Paired differences\n\nA difference whose interval spans zero is marked "
        "not significant.",
        "d = comp.differences\n"
        'd[d.metric.isin(["diversion_rate", "crt_response_time", "cost_total_annual"])]',
        "reports.forest_figure(comp.differences, comp.base.scenario.name)",
        "reports.outcome_figure(summaries)",
    ],
    "03_sensitivity.ipynb": [
        "MD # Sensitivity: demand growth and unit counts\n\nHow diversion and CRT response times "
        "move when demand grows and when CRT teams are added.",
        "import tempfile\n\nimport pandas as pd\n\nimport heart_sim as hs\nfrom heart_sim import "
        'plots\n\nbase = hs.load("durham_2022")',
        "MD ## Demand growth with 2022 staffing",
        "MD A variant is made with `hs.vary`, which takes the key paths of the scenario YAML "
        "(the same as `heart-sim sweep --vary`) and validates the result like a scenario file.",
        "rows = []\nfor m in (1.0, 1.25, 1.5, 2.0):\n"
        '    sc = hs.vary(base, {"demand.multiplier": m}, name=f"demand_x{m}")\n'
        '    s = hs.simulate(sc, reps=3, seed=1).summary.set_index("metric")\n'
        '    rows.append({"demand.multiplier": m,\n'
        '                 **{f"{k}{suf}": s.loc[k, col] for k in ("diversion_rate", '
        '"crt_response_time", "fallback_no_unit_share")\n'
        '                    for suf, col in (("", "mean"), ("_ci_low", "ci_low"), '
        '("_ci_high", "ci_high"))}})\n'
        "growth = pd.DataFrame(rows)\ngrowth.round(3)",
        'reports.sweep_figure(growth, ["demand.multiplier"], "crt_response_time")',
        'reports.sweep_figure(growth, ["demand.multiplier"], "fallback_no_unit_share")',
        "MD ## More CRT teams (a resumable sweep)",
        "out = tempfile.mkdtemp()\n"
        'sw = hs.sweep("durham_2022", {"crt.units": [1, 2, 3, 4]}, reps=3, seed=1, out=out)\n'
        'sw.table[["crt.units", "diversion_rate", "crt_response_time", '
        '"crt_utilization", "cost_per_diverted_call"]].round(3)',
        'reports.sweep_figure(sw.table, sw.params, "diversion_rate")',
        'reports.sweep_figure(sw.table, sw.params, "cost_per_diverted_call")',
    ],
}


def main() -> None:
    folder = ROOT / "notebooks"
    folder.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook()
        nb.cells = [
            new_markdown_cell(c.removeprefix("MD ")) if c.startswith("MD ") else new_code_cell(c)
            for c in cells
        ]
        for i, cell in enumerate(nb.cells):  # stable ids, so a rerun changes only what changed
            cell["id"] = f"{name.split('_')[0]}-{i:02d}"
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, folder / name)
        print("wrote", folder / name)
    ruff = shutil.which("ruff")
    # The notebooks' code follows the project's style (checked by tests/behaviour/test_lint.py).
    if ruff:
        subprocess.run([ruff, "format", "-q", str(folder)], check=True)


if __name__ == "__main__":
    main()

"""Figures: plain tick labels ($, %, thousands separators; no scientific notation or
offsets), figures pyplot does not track, the cost-against-diversion figure, CDF bands."""

from __future__ import annotations

import re

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from builders import baseline_dict
from matplotlib.figure import Figure

import heart_sim as hs
from heart_sim.measure._catalog import metric
from heart_sim.reports import _plots as plots
from heart_sim.reports._plots import PlainFormatter, axis_formatter

LONG = "crt_expansion_option_alpha_plus"
SCIENTIFIC = re.compile(r"\de[+-]?\d|×10|\d+e\d", re.IGNORECASE)


def _short(data: dict, weeks: int = 2) -> dict:
    return data | {"horizon_weeks": weeks}


@pytest.fixture(scope="module")
def comp():
    data = _short(baseline_dict())
    crt = data["programs"]["crt"]
    more = [s | {"units": s["units"] + 1} for s in crt["shifts"]]
    alts = [
        data | {"name": "citywide", "programs": data["programs"] | {"crt": crt | {"area": "city"}}},
        data | {"name": LONG, "programs": data["programs"] | {"crt": crt | {"shifts": more}}},
    ]
    return hs.compare(data, *alts, reps=3, seed=3)  # 3: enough for intervals


@pytest.fixture(scope="module")
def run():
    return hs.simulate(_short(baseline_dict()), reps=2, seed=1)


@pytest.fixture(scope="module")
def sweep_table(tmp_path_factory):
    from heart_sim.study._studies import sweep as run_sweep

    res = run_sweep(
        _short(baseline_dict(), 1),
        "durham_2022.yaml",
        [("crt.units", [1, 2])],
        tmp_path_factory.mktemp("sweep"),
        reps=2,
    )
    return res.table, res.params


@pytest.fixture(scope="module")
def all_figures(run, comp, sweep_table):
    before = set(plt.get_fignums())
    figs = {
        **{f"run/{k}": f for k, f in plots.run_figures(run).items()},
        **{f"comparison/{k}": f for k, f in plots.comparison_figures(comp).items()},
        **{f"sweep/{k}": f for k, f in plots.sweep_figures(*sweep_table).items()},
    }
    assert set(plt.get_fignums()) == before  # nothing registered with pyplot
    return figs


def _ticks(axis) -> list[str]:
    """The tick labels drawn on an axis (of a drawn figure): those inside its view."""
    lo, hi = sorted(axis.get_view_interval())
    pad = (hi - lo) * 1e-9
    ticks = axis.get_major_ticks()
    return [t.label1.get_text() for t in ticks if lo - pad <= t.get_loc() <= hi + pad]


# --- tick labels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "locs", "labels"),
    [
        ("money", [0, 5e5, 1e6, 1.5e6], ["$0", "$0.5M", "$1.0M", "$1.5M"]),
        ("money", [2.1e6, 2.2e6, 2.3e6], ["$2.1M", "$2.2M", "$2.3M"]),
        ("money", [0, 2.5e5, 5e5], ["$0", "$250k", "$500k"]),
        ("money", [0, 25_000, 50_000], ["$0", "$25k", "$50k"]),
        ("money", [2_000, 4_000, 8_000], ["$2,000", "$4,000", "$8,000"]),
        ("money", [0, 200, 400], ["$0", "$200", "$400"]),
        ("money", [-2.5e5, 0, 2.5e5], ["\u2212$250k", "$0", "$250k"]),
        ("percent", [0, 0.25, 0.5, 1.0], ["0%", "25%", "50%", "100%"]),
        ("percent", [0, 0.025, 0.05], ["0.0%", "2.5%", "5.0%"]),
        ("points", [-0.05, 0, 0.05], ["\u22125 pp", "0 pp", "5 pp"]),
        ("number", [0, 5_000, 10_000, 15_000], ["0", "5,000", "10,000", "15,000"]),
        ("number", [1e6, 2e6], ["1,000,000", "2,000,000"]),
        ("number", [0.5, 1.0, 1.5], ["0.5", "1.0", "1.5"]),
        ("number", [-2400, -1600, 0], ["\u22122,400", "\u22121,600", "0"]),
    ],
)
def test_tick_labels_are_plain(kind, locs, labels) -> None:
    with plt.rc_context({"axes.unicode_minus": True}):
        assert PlainFormatter(kind).format_ticks(locs) == labels


def test_the_formatter_follows_the_catalog_format() -> None:
    assert axis_formatter("cost_total_annual").kind == "money"
    assert axis_formatter("cost_per_diverted_call").kind == "money"
    assert axis_formatter("diversion_rate").kind == "percent"
    assert axis_formatter("diversion_rate", difference=True).kind == "points"
    assert axis_formatter("police_hours_per_year").kind == "number"
    assert axis_formatter("crt.units").kind == "number"  # a sweep parameter
    assert plots.axis_label("diversion_rate") == "Diversion rate (% of calls)"
    assert plots.axis_label("cost_total_annual") == metric("cost_total_annual").axis_label


def test_no_figure_has_scientific_notation_or_offsets(all_figures) -> None:
    assert {"comparison/cost_vs_diverted", "run/response_cdf", "sweep/sweep_diversion_rate"} <= set(
        all_figures
    )
    for name, fig in all_figures.items():
        fig.draw_without_rendering()
        for ax in fig.axes:  # colour bars included
            for axis in (ax.xaxis, ax.yaxis):
                labels = _ticks(axis)
                assert not [t for t in labels if SCIENTIFIC.search(t)], (name, labels)
                assert axis.get_offset_text().get_text() == "", name


def test_money_ticks_are_dollars_and_shares_percent(all_figures) -> None:
    money_axes = {
        "comparison/cost_vs_diverted": lambda f: f.axes[0].yaxis,
        "sweep/sweep_cost_per_diverted_call": lambda f: f.axes[0].yaxis,
        "comparison/differences_forest": lambda f: next(
            a.xaxis for a in f.axes if a.get_title() == "Annual cost"
        ),
    }
    for name, get in money_axes.items():
        fig = all_figures[name]
        fig.draw_without_rendering()
        labels = _ticks(get(fig))
        assert labels and all(t.lstrip("\u2212-").startswith("$") for t in labels), labels
    share_axes = {
        "sweep/sweep_diversion_rate": lambda f: f.axes[0].yaxis,
        "run/outcomes": lambda f: f.axes[0].xaxis,
        "run/response_cdf": lambda f: f.axes[0].yaxis,
        "run/utilization_heatmap": lambda f: f.axes[-1].yaxis,  # the colour bar
    }
    for name, get in share_axes.items():
        fig = all_figures[name]
        fig.draw_without_rendering()
        axis = get(fig)
        labels = _ticks(axis)
        assert labels and all(t.endswith("%") for t in labels), (name, labels)
        assert "100%" in labels or name == "sweep/sweep_diversion_rate"
        assert "%" in axis.get_label_text(), name
    forest = all_figures["comparison/differences_forest"]
    rate = next(a for a in forest.axes if a.get_title() == "Diversion rate")
    assert all(t.endswith(" pp") for t in _ticks(rate.xaxis))
    assert rate.get_xlabel() == "difference (percentage points)"


def test_large_counts_have_thousands_separators() -> None:
    table = pd.DataFrame(
        {"crt.units": [1, 2, 3], "police_hours_per_year": [2500.0, 1800.0, 1200.0]}
    )
    fig = plots.sweep_figure(table, ["crt.units"], "police_hours_per_year")
    fig.draw_without_rendering()
    labels = _ticks(fig.axes[0].yaxis)
    assert any("," in t for t in labels) and not any(SCIENTIFIC.search(t) for t in labels)


# --- figures are not pyplot's --------------------------------------------------------------


def test_figures_are_not_left_in_pyplot(all_figures, tmp_path) -> None:
    assert all(isinstance(f, Figure) for f in all_figures.values())
    assert len(plt.get_fignums()) == 0
    png = next(iter(all_figures.values()))._repr_png_()  # a notebook shows it once, as this
    assert png.startswith(b"\x89PNG")
    written = plots.save(all_figures["run/response_cdf"], tmp_path / "cdf", ("png", "svg"))
    assert [p.suffix for p in written] == [".png", ".svg"]
    assert len(plt.get_fignums()) == 0


def test_the_style_is_applied(all_figures, tmp_path) -> None:
    fig = all_figures["sweep/sweep_diversion_rate"]
    plots.save(fig, tmp_path / "sweep")  # drawn again, outside the style's context
    ax = fig.axes[0]
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()
    grid = ax.xaxis.get_major_ticks()[0].gridline
    assert grid.get_visible() and grid.get_alpha() == pytest.approx(0.3)
    assert fig.dpi == 110


# --- cost against calls diverted -------------------------------------------------------


def _mean_ci(summary: pd.DataFrame, name: str) -> tuple[float, float, float]:
    row = summary.set_index("metric").loc[name]
    return float(row["mean"]), float(row["ci_low"]), float(row["ci_high"])


def test_cost_vs_diverted_has_one_point_per_scenario(comp) -> None:
    fig = plots.cost_vs_diverted_figure(comp)
    assert fig is not None
    ax = fig.axes[0]
    runs = [comp.base, *comp.alts]
    points = [ln for ln in ax.lines if ln.get_marker() in ("s", "o")]
    assert len(points) == len(runs)
    assert [ln.get_marker() for ln in points] == ["s"] + ["o"] * len(comp.alts)  # the base
    for line, r in zip(points, runs):
        x, x_lo, x_hi = _mean_ci(r.summary, "diverted_per_year")
        y, y_lo, y_hi = _mean_ci(r.summary, "cost_total_annual")
        assert (line.get_xdata()[0], line.get_ydata()[0]) == pytest.approx((x, y))
    # the error bars of the base: one horizontal and one vertical segment, the 95% CIs
    x, x_lo, x_hi = _mean_ci(comp.base.summary, "diverted_per_year")
    y, y_lo, y_hi = _mean_ci(comp.base.summary, "cost_total_annual")
    segments = [s.ravel().tolist() for c in ax.collections for s in c.get_segments()]
    assert any(s == pytest.approx([x_lo, y, x_hi, y]) for s in segments)
    assert any(s == pytest.approx([x, y_lo, x, y_hi]) for s in segments)
    # each point named, long names wrapped, the base said to be the base
    names = {t.get_text().replace("\n", ""): t.xy for t in ax.texts}
    assert set(names) == {f"{comp.base.scenario.name}(base)", "citywide", LONG}
    assert max(len(line) for t in ax.texts for line in t.get_text().split("\n")) <= 20
    for r in runs:
        key = next(k for k in names if k.startswith(r.scenario.name))
        assert names[key] == pytest.approx(
            (
                _mean_ci(r.summary, "diverted_per_year")[0],
                _mean_ci(r.summary, "cost_total_annual")[0],
            )
        )
    assert ax.get_xlabel() == metric("diverted_per_year").axis_label
    assert ax.get_ylabel() == metric("cost_total_annual").axis_label
    assert ax.get_title() == "Annual cost against calls diverted (95% intervals)"
    fig.draw_without_rendering()
    assert all(t.startswith("$") for t in _ticks(ax.yaxis))


def test_labels_of_close_points_do_not_overlap() -> None:
    def summary(x: float, y: float) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "metric": ["diverted_per_year", "cost_total_annual"],
                "mean": [x, y],
                "ci_low": [x - 100, y - 10_000],
                "ci_high": [x + 100, y + 10_000],
            }
        )

    fig = plots.cost_figure(
        {"base": summary(6000, 850_000), LONG: summary(6080, 856_000), "b": summary(6150, 846_000)}
    )
    assert fig is not None
    fig.draw_without_rendering()
    boxes = [t.get_window_extent() for t in fig.axes[0].texts]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_no_cost_figure_without_costs(comp) -> None:
    no_costs = {
        r.scenario.name: r.summary[~r.summary["metric"].isin(["cost_total_annual"])]
        for r in (comp.base, *comp.alts)
    }
    assert plots.cost_figure(no_costs) is None
    data = _short(baseline_dict(), 1)
    data.pop("costs")
    data["programs"] = {
        p: {k: v for k, v in c.items() if k != "cost"} for p, c in data["programs"].items()
    }
    alt = data | {"name": "other", "seed": data.get("seed", 0)}
    uncosted = hs.compare(data, alt, reps=2, seed=1)
    assert plots.cost_vs_diverted_figure(uncosted) is None
    assert "cost_vs_diverted" not in plots.comparison_figures(uncosted)


# --- response-time CDFs ------------------------------------------------------------------


def test_cdf_bands_never_go_below_zero() -> None:
    qs = range(0, 101, 10)
    rows = [
        {
            "metric": "crt_response_time",
            "q": q,
            "mean": q / 5,
            "ci_low": q / 5 - 10,
            "ci_high": q / 5 + 3,
        }
        for q in qs
    ]
    fig = plots.response_cdf_figure(pd.DataFrame(rows), {})
    ax = fig.axes[0]
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 0].min() >= 0
    assert ax.get_xlim()[0] > -1  # the axis does not reach for negative times
    fig.draw_without_rendering()
    assert not any(t.startswith(("\u2212", "-")) for t in _ticks(ax.xaxis))

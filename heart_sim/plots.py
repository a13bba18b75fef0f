"""Figures: tables in, matplotlib figures out, one consistent style.

Every figure has labelled axes with units and stays readable in grayscale (line styles and
markers differ as well as colours). Nothing here runs a simulation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from cycler import cycler
from matplotlib.ticker import MaxNLocator

from .catalog import BY_HOUR, CATALOG, metric, shown_in
from .dates import Calendar
from .fileio import atomic_write_bytes
from .folders import folder_kind, writing
from .results import Comparison, Results, read_comparison, read_results
from .schedules import DAY_NAMES
from .sweep import read_sweep
from .vocab import ENDINGS, FALLBACKS, PROGRAMS, Program

LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
STYLE: Any = {  # matplotlib rcParams
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=plt.get_cmap("viridis")([0.0, 0.35, 0.65, 0.9])),
}


def label(name: str) -> tuple[str, str]:
    """(title, unit text) of a metric for a figure, from the catalog; a name that is not a
    metric (a sweep parameter) is shown as written."""
    if name in CATALOG:
        m = metric(name)
        return m.label, m.unit_text
    return name, ""


def save(fig: plt.Figure, path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Save a figure atomically in each format and close it."""
    written = []
    try:
        for fmt in formats:
            target = Path(path).with_suffix(f".{fmt}")

            def write(tmp: Path, fmt: str = fmt) -> None:
                fig.savefig(tmp, format=fmt, bbox_inches="tight")

            with writing(target.parent):  # a full disk or a read-only folder: one line
                atomic_write_bytes(target, write)
            written.append(target)
    finally:
        plt.close(fig)
    return written


def sweep_figure(table: pd.DataFrame, params: list[str], metric: str) -> plt.Figure:
    """Metric against the first varied parameter, with its 95% CI band; one line per value
    of the second parameter (if any)."""
    x = params[0]
    title, unit = label(metric)
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6, 4))
        groups = [((), table)] if len(params) == 1 else table.groupby(params[1:], sort=True)
        for i, (key, g) in enumerate(groups):
            g = g.sort_values(x)
            name = (
                ", ".join(
                    f"{p}={v}"
                    for p, v in zip(params[1:], key if isinstance(key, tuple) else (key,))
                )
                or metric
            )
            ax.plot(g[x], g[metric], linestyle=LINESTYLES[i % 4], marker=MARKERS[i % 7], label=name)
            if f"{metric}_ci_low" in g:
                ax.fill_between(g[x], g[f"{metric}_ci_low"], g[f"{metric}_ci_high"], alpha=0.2)
        if pd.api.types.is_integer_dtype(table[x]):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel(x)
        ax.set_ylabel(f"{title} ({unit})" if unit else title)
        ax.set_title(f"{title} vs {x} (mean, 95% CI band)")
        if len(params) > 1:
            ax.legend(fontsize=8)
        fig.tight_layout()
    return fig


# --- single-run figures ----------------------------------------------------------------

HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo"]
DAY_LABELS = [d.title() for d in DAY_NAMES]


def _week_grid(by_hour: pd.DataFrame, column: str):
    import numpy as np

    return np.asarray(by_hour[column], dtype=float).reshape(7, 24)


def heatmap_figure(
    by_hour: pd.DataFrame,
    panels: list[tuple[str, str]],
    unit: str,
    title: str,
    vmax: float | None = None,
) -> plt.Figure:
    """7 x 24 hour-of-week heatmaps, one panel per (column, panel title), one shared scale."""
    import numpy as np

    grids = [_week_grid(by_hour, c) for c, _ in panels]
    top = (
        vmax
        if vmax is not None
        else max(float(np.nanmax(g)) if np.isfinite(g).any() else 0 for g in grids) or 1.0
    )
    n = len(panels)
    cols = 1 if n == 1 else 2
    rows = (n + cols - 1) // cols
    with plt.rc_context(STYLE | {"axes.grid": False}):
        fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 2.4 * rows + 0.6), squeeze=False)
        cmap = plt.get_cmap("cividis").with_extremes(bad="white")
        for ax, grid, (_, name) in zip(axes.flat, grids, panels):
            im = ax.imshow(
                np.ma.masked_invalid(grid),
                aspect="auto",
                cmap=cmap,
                vmin=0,
                vmax=top,
                interpolation="nearest",
            )
            ax.set_title(name)
            for side in ("top", "right"):
                ax.spines[side].set_visible(True)
            ax.set_yticks(range(7), DAY_LABELS)
            ax.set_xticks(range(0, 24, 3), [f"{h:02d}" for h in range(0, 24, 3)])
            ax.set_xlabel("hour of day")
        for ax in list(axes.flat)[n:]:
            ax.set_visible(False)
        fig.suptitle(title)
        fig.tight_layout()
        fig.colorbar(im, ax=axes, shrink=0.85, label=unit)
    return fig


def demand_heatmap(by_hour: pd.DataFrame) -> plt.Figure:
    return heatmap_figure(
        by_hour,
        [("arrivals", BY_HOUR["arrivals"][0])],
        BY_HOUR["arrivals"][1],
        "Demand by hour of week",
    )


def staffing_heatmap(by_hour: pd.DataFrame) -> plt.Figure:
    return heatmap_figure(
        by_hour,
        [(f"{p}_staffed_units", p.label) for p in PROGRAMS],
        BY_HOUR["staffed_units"][1],
        "Staffed units by hour of week",
    )


def utilization_heatmap(by_hour: pd.DataFrame) -> plt.Figure:
    return heatmap_figure(
        by_hour,
        [(f"{p}_utilization", p.label) for p in PROGRAMS],
        BY_HOUR["utilization"][1],
        "Utilization by hour of week",
        vmax=1.0,
    )


def unmet_heatmap(by_hour: pd.DataFrame) -> plt.Figure:
    return heatmap_figure(
        by_hour,
        [(o.key, o.label.removeprefix("police/EMS: ")) for o in FALLBACKS],
        BY_HOUR["fallbacks"][1],
        "Unmet demand by hour of week (fallback reason)",
    )


def response_cdf_figure(
    quantiles: pd.DataFrame, targets: dict[Program | None, float]
) -> plt.Figure:
    """Distribution (CDF) of each time, mean over replications with a 95% band, and the
    target where one is set."""
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, 2, figsize=(11, 7.5))
        for ax, name in zip(axes.flat, shown_in("cdf")):
            m = metric(name)
            q = quantiles[quantiles["metric"] == name]
            unit = m.unit_text
            ax.set_title(m.label.removesuffix(" (mean)"))
            ax.set_xlabel(unit)
            ax.set_ylabel("share of calls at or below")
            if q.empty or q["mean"].isna().all():
                ax.text(0.5, 0.5, "no calls", ha="center", va="center", transform=ax.transAxes)
                continue
            p = q["q"] / 100
            ax.plot(q["mean"], p, color="black", label="mean over replications")
            ax.fill_betweenx(
                p,
                q["ci_low"].fillna(q["mean"]),
                q["ci_high"].fillna(q["mean"]),
                color="0.6",
                alpha=0.5,
                label="95% CI",
            )
            target = targets.get(m.program) if m.program is not Program.CCD else None
            if target is not None:
                ax.axvline(target, linestyle="--", color="0.2", label=f"target {target:g} {unit}")
            ax.set_ylim(0, 1.01)
            ax.legend(loc="lower right", fontsize=8)
        fig.suptitle("Distribution of waits and response times")
        fig.tight_layout()
    return fig


def targets_of(scenario) -> dict[Program | None, float]:
    """Each program's target, in the unit of its CDF panel (CN hours, teams minutes)."""
    p = scenario.programs
    out: dict[Program | None, float] = {Program.CN: p.cn.target_hours}
    for name in (Program.CRT, Program.COR):
        t = scenario.field_team(name).response_target_min
        if t is not None:
            out[name] = t
    return out


def outcome_figure(summaries: dict[str, pd.DataFrame]) -> plt.Figure:
    """Where calls end, as stacked bars (share of eligible calls), one bar per scenario."""
    import numpy as np

    names = list(summaries)
    means = [s.set_index("metric")["mean"] for s in summaries.values()]
    shares = {o.key: [float(m[f"{o.key}_share"]) for m in means] for o in ENDINGS}
    with plt.rc_context(STYLE | {"axes.grid": False}):
        fig, ax = plt.subplots(figsize=(8.5, 2.2 + 0.55 * len(names)), layout="constrained")
        left = np.zeros(len(names))
        colors = plt.get_cmap("cividis")(np.linspace(0.05, 0.95, len(ENDINGS)))
        for i, o in enumerate(ENDINGS):
            k, lab = o.key, o.label
            ax.barh(
                names,
                shares[k],
                left=left,
                color=colors[i],
                hatch=HATCHES[i],
                edgecolor="white",
                linewidth=0.5,
                label=lab,
            )
            left += np.asarray(shares[k])
        ax.set_xlim(0, 1)
        ax.set_xlabel(metric("diversion_rate").unit_text)
        ax.invert_yaxis()
        ax.set_title("Where calls end")
        fig.legend(ncol=2, fontsize=8, loc="outside lower center", frameon=False)
    return fig


# --- comparison figures ----------------------------------------------------------------


def forest_figure(differences: pd.DataFrame, base: str) -> plt.Figure:
    """Each alternative's paired difference from the base with its 95% CI, per metric."""
    from matplotlib.ticker import FuncFormatter

    metrics = [m for m in shown_in("forest") if m in set(differences["metric"])]
    names = list(dict.fromkeys(differences["scenario"]))
    cols = min(3, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            rows, cols, figsize=(4.2 * cols, (1.2 + 0.45 * len(names)) * rows), squeeze=False
        )
        for ax, m in zip(axes.flat, metrics):
            d = differences[differences["metric"] == m].set_index("scenario").loc[names]
            y = list(range(len(d)))
            lo = d["diff_ci_low"].fillna(d["diff_mean"])
            hi = d["diff_ci_high"].fillna(d["diff_mean"])
            ax.errorbar(
                d["diff_mean"],
                y,
                xerr=[d["diff_mean"] - lo, hi - d["diff_mean"]],
                fmt="o",
                color="black",
                capsize=3,
            )
            ax.axvline(0, color="0.5", linestyle="--")
            ax.set_yticks(y, names)
            ax.set_ylim(len(names) - 0.5, -0.5)
            title, unit = label(m)
            if unit.startswith("$"):
                ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e3:,.0f}k"))
            ax.set_title(title, fontsize=10)
            ax.set_xlabel(f"difference ({unit})" if unit else "difference", fontsize=8)
        for ax in list(axes.flat)[len(metrics) :]:
            ax.set_visible(False)
        fig.suptitle(f"Paired difference from {base} (mean, 95% CI; dashed: no change)")
        fig.tight_layout()
    return fig


def cost_figure(summaries: dict[str, pd.DataFrame]) -> plt.Figure:
    """Annual cost against diverted calls per year, each with its 95% CI."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7, 4.8))
        for i, (name, s) in enumerate(summaries.items()):
            s = s.set_index("metric")
            x, y = s.loc["diverted_per_year"], s.loc["cost_total_annual"]
            ax.errorbar(
                x["mean"],
                y["mean"] / 1e6,
                xerr=[[x["mean"] - x["ci_low"]], [x["ci_high"] - x["mean"]]],
                yerr=[[(y["mean"] - y["ci_low"]) / 1e6], [(y["ci_high"] - y["mean"]) / 1e6]],
                fmt=MARKERS[i % 7],
                color="black",
                capsize=3,
                label=name,
            )
            ax.annotate(
                name,
                (x["mean"], y["mean"] / 1e6),
                textcoords="offset points",
                xytext=(6, 4),
                fontsize=8,
            )
        x_m, y_m = metric("diverted_per_year"), metric("cost_total_annual")
        ax.set_xlabel(x_m.axis_label)
        ax.set_ylabel(f"{y_m.label} (million {y_m.unit_text})")
        ax.set_title("Cost against calls diverted (95% CI bars)")
        fig.tight_layout()
    return fig


def monthly_figure(by_month: pd.DataFrame, marks: list[tuple[Any, str]]) -> plt.Figure:
    """HEART responses per calendar month by program, and the share of calls reached, with
    95% CI bands; holidays (ticks) and phase starts (dashed lines) marked. Months with
    only part of their days in the measured window are left out (their counts are partial)."""
    length = pd.to_datetime(by_month["month"] + "-01").dt.days_in_month
    full = by_month[by_month["days"] >= length]
    x = pd.to_datetime(full["month"] + "-15")
    with plt.rc_context(STYLE):
        fig, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6.5), sharex=True)
        keys = ("heart_responses", "ccd_resolved", "crt_served", "cor_served")
        for i, key in enumerate(keys):
            title, _ = label(key)
            top.plot(x, full[key], linestyle=LINESTYLES[i % 4], marker=MARKERS[i], label=title)
            top.fill_between(x, full[f"{key}_ci_low"], full[f"{key}_ci_high"], alpha=0.2)
        top.set_ylabel("calls per month")
        top.set_title("HEART responses per month (mean, 95% CI band)")
        top.legend(fontsize=8, ncol=2)
        top.set_ylim(bottom=0)
        for i, key in enumerate(("heart_response_rate", "diversion_rate")):
            title, unit = label(key)
            bottom.plot(x, full[key], linestyle=LINESTYLES[i], marker=MARKERS[i], label=title)
            bottom.fill_between(x, full[f"{key}_ci_low"], full[f"{key}_ci_high"], alpha=0.2)
        bottom.set_ylabel("share of eligible calls")
        bottom.set_ylim(0, 1)
        bottom.set_title("Share of eligible calls reached")
        holidays = [pd.Timestamp(d) for d, kind in marks if kind == "holiday"]
        if holidays:
            bottom.plot(
                holidays, [0.02] * len(holidays), "|", color="0.3", markersize=10, label="holiday"
            )
        for n, (d, _) in enumerate(m for m in marks if m[1] == "phase"):
            for ax in (top, bottom):
                ax.axvline(
                    pd.Timestamp(d),
                    color="0.3",
                    linestyle="--",
                    linewidth=1,
                    label="phase starts" if n == 0 and ax is bottom else None,
                )
        bottom.legend(fontsize=8, ncol=2)
        fig.autofmt_xdate()
        fig.tight_layout()
    return fig


def zone_figure(by_zone: pd.DataFrame) -> plt.Figure:
    """Per zone: the share of its calls HEART reached, and CRT's response and travel times,
    with 95% CI bars (a zone CRT does not serve has no bar on the right)."""
    names = by_zone["zone"].tolist()
    x = range(len(names))
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))

        def bars(ax, key: str, offset: float, width: float, hatch: str) -> None:
            mean = by_zone[key].to_numpy(dtype=float)
            err = [mean - by_zone[f"{key}_ci_low"], by_zone[f"{key}_ci_high"] - mean]
            title, _ = label(key)
            ax.bar(
                [i + offset for i in x],
                mean,
                width,
                yerr=err,
                capsize=3,
                label=title,
                hatch=hatch,
                edgecolor="0.2",
            )

        bars(left, "heart_response_rate", 0, 0.6, "")
        left.set_ylim(0, 1)
        left.set_ylabel("share of the zone's eligible calls")
        left.set_title("Share of calls reached, by zone (95% CI)")
        bars(right, "crt_response_time", -0.2, 0.4, "")
        bars(right, "crt_travel_time", 0.2, 0.4, "//")
        right.set_ylabel(label("crt_response_time")[1])
        right.set_title("CRT response and travel time, by zone (means, 95% CI)")
        right.legend(fontsize=8)
        for ax in (left, right):
            ax.set_xticks(list(x), names, rotation=20, ha="right")
        fig.tight_layout()
    return fig


def monthly_of(result: Results) -> plt.Figure | None:
    """The monthly figure of a dated run (None without start_date)."""
    if result.by_month is None:
        return None
    return monthly_figure(result.by_month, Calendar.of(result.scenario).marks())


def write_monthly(result: Results) -> list[Path]:
    """``plots/monthly.png`` of a dated run written to its folder (nothing otherwise)."""
    fig = monthly_of(result)
    if fig is None or result.folder is None:
        return []
    return save(fig, Path(result.folder) / "plots" / "monthly")


# --- whole results folders -------------------------------------------------------------


def run_figures(result: Results) -> dict[str, plt.Figure]:
    """The figures of one run, by file stem."""
    figs = {
        "demand_heatmap": demand_heatmap(result.by_hour),
        "staffing_heatmap": staffing_heatmap(result.by_hour),
        "utilization_heatmap": utilization_heatmap(result.by_hour),
        "unmet_demand_heatmap": unmet_heatmap(result.by_hour),
        "response_cdf": response_cdf_figure(result.quantiles, targets_of(result.scenario)),
        "outcomes": outcome_figure({result.scenario.name: result.summary}),
    }
    if result.by_zone is not None:
        figs["zones"] = zone_figure(result.by_zone)
    if (fig := monthly_of(result)) is not None:
        figs["monthly"] = fig
    return figs


def comparison_figures(comp: Comparison) -> dict[str, plt.Figure]:
    summaries = {r.scenario.name: r.summary for r in (comp.base, *comp.alts)}
    figs = {
        "outcomes": outcome_figure(summaries),
        "differences_forest": forest_figure(comp.differences, comp.base.scenario.name),
    }
    if all("cost_total_annual" in set(s["metric"]) for s in summaries.values()):
        figs["cost_vs_diverted"] = cost_figure(summaries)
    return figs


def sweep_figures(table: pd.DataFrame, params: list[str]) -> dict[str, plt.Figure]:
    return {f"sweep_{m}": sweep_figure(table, params, m) for m in shown_in("sweep") if m in table}


def folder_figures(folder: Path) -> dict[str, plt.Figure]:
    """Figures for a results folder of any kind: a run, a comparison or a sweep."""
    kind = folder_kind(folder)
    if kind == "comparison":
        return comparison_figures(read_comparison(folder))
    if kind == "sweep":
        _, table, params = read_sweep(folder)
        return sweep_figures(table, params)
    return run_figures(read_results(folder))


def write_plots(folder: Path, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write every figure of a results folder to ``folder/plots/``."""
    written: list[Path] = []
    for stem, fig in folder_figures(folder).items():
        written += save(fig, Path(folder) / "plots" / stem, formats)
    return written

"""Figures of ``heart-sim optimize``: what the targets require, what the shifts give, how
the search went, and (budget mode) what each next dollar buys.

Four kinds, drawn the way ``reports._plots`` draws every figure (its style, ``Figure``
objects pyplot does not track, ticks with no scientific notation, labels and units from
the metric catalog):

* ``requirement_figure``: one program's units by hour of the week -- the offered load the
  probe measured, the requirement the iterative staffing found, and the units the
  recommended and the input shifts put on duty -- as step lines over the 168 hours, with
  day separators and the hours the program may not open shaded;
* ``history_figure``: the schedule cost of every plan verified, step by step, marked by
  whether it met the targets (met, missed, not shown either way);
* ``hourly_check_figure``: for a target held each hour, the mean of each open hour with
  its 95% interval against the target, recommended and input shifts;
* ``frontier_figure``: a budget study's candidates (faint), its efficient frontier with
  95% intervals both ways, the chosen set and the limit.

Nothing here reads a folder beyond the library's own readers or runs a simulation.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, MaxNLocator

from ..core import Program
from ..measure import BY_HOUR, CATALOG, fmt_value
from ..optimization import COST, BudgetResult, OptimizeResult
from ..scenario import HOURS_PER_WEEK
from ._plots import (
    ALTERNATIVE,
    DAY_LABELS,
    STYLE,
    _finish,
    axis_label,
    format_axis,
    formatter,
    label,
    new_figure,
)

HOURS_PER_DAY = 24
UNITS_AXIS = BY_HOUR["staffed_units"][0]  # 'units on duty'
# How a plan's verdict on the targets is drawn: (marker, face colour, words).
VERDICT_STYLE = {
    "met": ("o", "black", "met every target (95% confidence)"),
    "unclear": ("D", "white", "not shown either way"),
    "missed": ("X", "0.55", "missed a target"),
}
LIMIT_COLOR = "#b5452b"  # the budget or FTE limit: one warm line the eye finds


def program_name(program: str) -> str:
    """'CRT', 'CCD', 'CoR' for a program key; anything else as written."""
    try:
        return Program(program).label
    except ValueError:
        return program


def _week_axis(ax: Any) -> None:
    """The x axis of an hour-of-week chart: a line between days, day names at their
    middles, hours 06/12/18 as small ticks."""
    ax.set_xlim(0, HOURS_PER_WEEK)
    ax.xaxis.set_major_locator(FixedLocator([d * HOURS_PER_DAY for d in range(8)]))
    ax.xaxis.set_major_formatter(formatter(None))
    ax.tick_params(axis="x", which="major", length=14, labelbottom=False)
    ax.set_xticks([d * HOURS_PER_DAY + 12 for d in range(7)], DAY_LABELS, minor=True)
    ax.tick_params(axis="x", which="minor", length=0, pad=4)
    ax.grid(axis="x", which="major", color="0.45", alpha=0.6, linewidth=0.8)
    for d in range(7):
        for h in (6, 18):
            ax.axvline(d * HOURS_PER_DAY + h, ymin=0, ymax=0.015, color="0.4", linewidth=0.6)
    ax.set_xlabel("hour of the week (small ticks: 06:00 and 18:00)")


def _closed_spans(open_hours: np.ndarray) -> list[tuple[int, int]]:
    """(first, end) of each run of hours the program may not open."""
    spans, start = [], None
    for h, is_open in enumerate(open_hours):
        if not is_open and start is None:
            start = h
        elif is_open and start is not None:
            spans.append((start, h))
            start = None
    if start is not None:
        spans.append((start, len(open_hours)))
    return spans


def requirement_figure(requirement: pd.DataFrame, program: str) -> Figure:
    """One program's units by hour of the week: offered load, the requirement, and the
    units the recommended and the input shifts schedule (step lines, 168 hours)."""
    r = requirement[requirement["program"] == program].sort_values("hour_of_week")
    edges = np.arange(HOURS_PER_WEEK + 1)
    name = program_name(program)
    with plt.rc_context(STYLE):
        fig, ax = new_figure((11, 3.9))
        for a, b in _closed_spans(r["open"].astype(bool).to_numpy()):
            ax.axvspan(a, b, color="0.92", zorder=0, linewidth=0)
        lines = (
            ("offered_load", "offered load (mean units busy, probe run)", "0.45", ":", 1.4),
            ("requirement", "requirement (iterative staffing)", "black", "-", 2.4),
            ("scheduled", "recommended shifts", ALTERNATIVE, "-", 1.6),
            ("input_scheduled", "input shifts", "#d08c2b", "--", 1.6),
        )
        for column, text, color, style, width in lines:
            ax.stairs(
                r[column].to_numpy(dtype=float),
                edges,
                label=text,
                color=color,
                linestyle=style,
                linewidth=width,
                baseline=None,
            )
        _week_axis(ax)
        top = float(r[["offered_load", "requirement", "scheduled", "input_scheduled"]].max().max())
        ax.set_ylim(0, max(1.0, top) * 1.12)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        format_axis(ax.yaxis, None)
        ax.set_ylabel(UNITS_AXIS)
        ax.set_title(f"{name}: units needed and scheduled by hour of the week (grey: may not open)")
        ax.legend(fontsize=8, ncol=4, loc="upper center", bbox_to_anchor=(0.5, -0.2))
        return _finish(fig)


def _goal_columns(history: pd.DataFrame, goals: list[str]) -> list[str]:
    return [g for g in goals if g in history]


def plan_verdicts(history: pd.DataFrame, goals: list[str]) -> pd.Series:
    """Each history row's verdict on all the targets together: 'met' when every target
    is met, 'missed' when one is missed, 'unclear' otherwise ('' for a row that verified
    nothing: probe, start, iterate)."""
    cols = _goal_columns(history, goals)

    def one(row: pd.Series) -> str:
        seen = [str(row[c]) for c in cols if isinstance(row[c], str)]
        if not seen:
            return ""
        if "missed" in seen:
            return "missed"
        return "met" if all(s == "met" for s in seen) else "unclear"

    return history.apply(one, axis=1) if len(history) else pd.Series(dtype=str)


def history_figure(
    history: pd.DataFrame,
    goals: list[str],
    chosen_cost: float | None = None,
    input_cost: float | None = None,
) -> Figure:
    """The schedule cost of every plan verified, by step of the search, marked by its
    verdict on the targets; the recommended plan ringed and the input's cost a line."""
    verdict = plan_verdicts(history, goals)
    rows = history.assign(verdict=verdict)
    rows = rows[rows["verdict"] != ""]
    priced = rows[rows["schedule_cost"].notna()]
    with plt.rc_context(STYLE):
        fig, ax = new_figure((8.5, 4.2))
        ax.plot(priced["step"], priced["schedule_cost"], color="0.75", linewidth=0.8, zorder=1)
        for key, (marker, face, text) in VERDICT_STYLE.items():
            these = priced[priced["verdict"] == key]
            if len(these):
                ax.scatter(
                    these["step"],
                    these["schedule_cost"],
                    marker=marker,
                    s=42,
                    facecolor=face,
                    edgecolor="black",
                    linewidth=0.8,
                    label=f"{text} ({len(these)})",
                    zorder=3,
                )
        if chosen_cost is not None and math.isfinite(chosen_cost):
            hit = priced[np.isclose(priced["schedule_cost"], chosen_cost, rtol=1e-9)]
            hit = hit[hit["verdict"] == "met"] if (hit["verdict"] == "met").any() else hit
            if len(hit):
                last = hit.iloc[-1]
                ax.scatter(
                    [last["step"]],
                    [last["schedule_cost"]],
                    s=260,
                    facecolor="none",
                    edgecolor=ALTERNATIVE,
                    linewidth=2,
                    label="recommended",
                    zorder=4,
                )
        if input_cost is not None and math.isfinite(input_cost) and input_cost > 0:
            ax.axhline(input_cost, color="#d08c2b", linestyle="--", label="input shifts")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        format_axis(ax.xaxis, None)
        format_axis(ax.yaxis, COST)
        ax.set_xlabel("step of the search")
        ax.set_ylabel(f"cost of the shifts ({CATALOG[COST].unit_label})")
        ax.set_title("The search: each plan verified, its shifts' cost and its verdict")
        ax.legend(fontsize=8, loc="best")
        return _finish(fig)


def hourly_check_figure(hourly: pd.DataFrame, goal: str, metric: str, target: float) -> Figure:
    """A target held each hour: the mean of each open hour with its 95% interval, for the
    recommended and the input shifts, against the target (a dashed line); hours missed
    marked."""
    g = hourly[hourly["goal"] == goal]
    title, _ = label(metric)
    with plt.rc_context(STYLE):
        fig, ax = new_figure((11, 3.9))
        for plan, color, marker, shift in (
            ("input", "#d08c2b", "s", -0.18),
            ("recommended", ALTERNATIVE, "o", 0.18),
        ):
            p = g[g["plan"] == plan].sort_values("hour_of_week")
            if p.empty:
                continue
            x = p["hour_of_week"].to_numpy(dtype=float) + 0.5 + shift
            mean = p["mean"].to_numpy(dtype=float)
            lo = p["low"].fillna(p["mean"]).to_numpy(dtype=float)
            hi = p["high"].fillna(p["mean"]).to_numpy(dtype=float)
            ax.errorbar(
                x,
                mean,
                yerr=[np.clip(mean - lo, 0, None), np.clip(hi - mean, 0, None)],
                fmt=marker,
                markersize=3,
                color=color,
                ecolor=color,
                elinewidth=0.8,
                alpha=0.9,
                label=f"{plan} shifts (mean, 95% interval)",
            )
            missed = p["status"].to_numpy() == "missed"
            if missed.any():
                ax.scatter(
                    x[missed],
                    mean[missed],
                    marker="x",
                    s=30,
                    color="black",
                    zorder=4,
                    label=f"{plan}: hour missed ({int(missed.sum())})",
                )
        ax.axhline(target, color="black", linestyle="--", linewidth=1.2, label="target")
        _week_axis(ax)
        format_axis(ax.yaxis, metric)
        ax.set_ylabel(axis_label(metric))
        ax.set_ylim(bottom=0)
        ax.set_title(f"{title}, hour by hour: {goal}")
        ax.legend(fontsize=8, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.2))
        return _finish(fig)


def frontier_figure(res: BudgetResult) -> Figure:
    """Every candidate simulated (faint), the efficient frontier (means with 95% intervals
    both ways, steps numbered as in the frontier table), the chosen set and the limit:
    cost (or extra FTE) against the measure."""
    s = res.facts
    m = str(s["maximize"])
    fte = s["mode"] == "fte"
    x_col = "extra_fte" if fte else "cost"
    cands, front = res.candidates, res.frontier.sort_values(x_col)
    with plt.rc_context(STYLE):
        fig, ax = new_figure((8.5, 5.2))
        ax.scatter(
            cands[x_col],
            cands["measure"],
            s=18,
            color="0.6",
            alpha=0.45,
            linewidth=0,
            label=f"every set simulated ({len(cands)})",
            zorder=1,
        )
        _frontier_steps(ax, front, x_col, fte)
        chosen = cands[cands["chosen"].astype(bool)]
        if len(chosen):
            ax.scatter(
                chosen[x_col],
                chosen["measure"],
                marker="*",
                s=320,
                color="#f2c14e",
                edgecolor="black",
                linewidth=0.9,
                label="chosen",
                zorder=5,
            )
        limit = float(s["limit"])
        said = f"{limit:g} FTE" if fte else fmt_value(COST, limit)
        ax.axvline(limit, color=LIMIT_COLOR, linestyle="--", linewidth=1.3, label=f"limit: {said}")
        format_axis(ax.yaxis, m)
        ax.set_ylabel(axis_label(m))
        if fte:
            format_axis(ax.xaxis, None)
            ax.set_xlabel("FTE added over the base")
        else:
            format_axis(ax.xaxis, COST)
            ax.set_xlabel(axis_label(COST))
        ax.margins(x=0.08, y=0.1)
        ax.set_title("What each step buys: the efficient frontier (numbers: steps)")
        ax.legend(fontsize=8, loc="upper left")
        return _finish(fig)


def _frontier_steps(ax: Any, front: pd.DataFrame, x_col: str, fte: bool) -> None:
    """The frontier's steps on ``ax``: a step line, each step's mean with its 95%
    intervals (the measure's; the cost's too unless the limit is in FTE, which is exact),
    and its number."""
    x = front[x_col].to_numpy(dtype=float)
    y = front["measure"].to_numpy(dtype=float)
    ylo = front["measure_low"].fillna(front["measure"]).to_numpy(dtype=float)
    yhi = front["measure_high"].fillna(front["measure"]).to_numpy(dtype=float)
    xerr = None
    if not fte:
        xlo = front["cost_low"].fillna(front["cost"]).to_numpy(dtype=float)
        xhi = front["cost_high"].fillna(front["cost"]).to_numpy(dtype=float)
        xerr = [np.clip(x - xlo, 0, None), np.clip(xhi - x, 0, None)]
    ax.plot(x, y, drawstyle="steps-post", color=ALTERNATIVE, linewidth=1, alpha=0.6)
    ax.errorbar(
        x,
        y,
        xerr=xerr,
        yerr=[np.clip(y - ylo, 0, None), np.clip(yhi - y, 0, None)],
        fmt="o",
        markersize=6,
        color=ALTERNATIVE,
        markeredgecolor="black",
        ecolor="0.3",
        capsize=3,
        label="efficient frontier (mean, 95% intervals)",
        zorder=3,
    )
    for xi, yi, step in zip(x, y, front["step"]):
        ax.annotate(
            str(int(step)),
            (xi, yi),
            xytext=(-6, 7),
            textcoords="offset points",
            fontsize=8,
            ha="right",
        )


# --- whole folders ---------------------------------------------------------------------


def optimize_figures(res: OptimizeResult) -> dict[str, Figure]:
    """The figures of an optimize folder, by file stem: requirement_<program> for each
    program, search_history, and hourly_<n> for each target held each hour."""
    s = res.facts
    figs = {
        f"requirement_{p}": requirement_figure(res.requirement, p)
        for p in s["programs"]
        if (res.requirement["program"] == p).any()
    }
    if len(res.history):
        figs["search_history"] = history_figure(
            res.history,
            list(s["goals"]),
            s.get("schedule_cost_annual"),
            s.get("input_schedule_cost_annual"),
        )
    goals = res.verification.drop_duplicates("goal").set_index("goal")
    for i, goal in enumerate(dict.fromkeys(res.hourly_check["goal"])):
        if goal in goals.index:
            row = goals.loc[goal]
            figs[f"hourly_{i + 1}"] = hourly_check_figure(
                res.hourly_check, str(goal), str(row["metric"]), float(row["target"])
            )
    return figs


def budget_figures(res: BudgetResult) -> dict[str, Figure]:
    return {"frontier": frontier_figure(res)}

"""Figures: tables in, matplotlib figures out, one consistent style.

Every figure has labelled axes with units and stays readable in grayscale (line styles and
markers differ as well as colours). Tick labels are plain numbers a reader can copy: no
scientific notation and no offset text; money is in dollars ($850, $250k, $1.2M), shares are
percentages, and counts and hours have thousands separators (``axis_formatter``).

Figures are ``matplotlib.figure.Figure`` objects that pyplot does not track: a notebook
shows a returned figure once (through its repr), and nothing piles up in pyplot's figure
manager. Nothing here runs a simulation.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import matplotlib.pyplot as plt  # colormaps, rc_context and closing; figures are Figure()
import pandas as pd
from cycler import cycler
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, MaxNLocator

from ..calibration import (
    IMPORTANCE,
    CalibrationResult,
    Method,
    effect_text,
)
from ..core import ENDINGS, FALLBACKS, PROGRAMS, Program, atomic_write_bytes, real_folder
from ..measure import BY_HOUR, CATALOG, Format, fmt_value, metric, shown_in
from ..model import Calendar
from ..scenario import DAY_NAMES
from ..study import (
    Comparison,
    Results,
    writing,
)

LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
STYLE: Any = {  # matplotlib rcParams, active while a figure is built
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.formatter.useoffset": False,  # no "1e6" above an axis, should any axis be missed
    "axes.formatter.limits": (-9, 12),  # and no scientific notation
    "axes.prop_cycle": cycler(color=plt.get_cmap("viridis")([0.0, 0.35, 0.65, 0.9])),
}
ALTERNATIVE = plt.get_cmap("viridis")(0.35)  # an alternative scenario's points (the base: black)

# --- tick labels and axis labels ---------------------------------------------------------

TickKind = Literal["money", "percent", "points", "number"]
_TICK_KIND: dict[str, TickKind] = {"money": "money", "share": "percent"}  # others: number


class PlainFormatter(Formatter):
    """Tick labels with no scientific notation and no offset text, as few decimals as tell
    the ticks apart, and thousands separators.

    ``kind``: ``money`` -- one rule everywhere: an axis whose largest tick is under $10,000
    is in dollars ($850, $1,250), up to a million in thousands ($250k), from a million in
    millions ($1.2M); ``percent`` -- a share (0-1) as 0-100%; ``points`` -- a difference of
    shares in percentage points; ``number`` -- counts, hours, minutes (12,500)."""

    def __init__(self, kind: TickKind = "number") -> None:
        self.kind = kind
        self._scale, self._suffix, self._decimals = 1.0, "", 0
        self._fitted = False  # to an axis's ticks

    def set_locs(self, locs: list[float]) -> None:
        self._fit([float(v) for v in locs if math.isfinite(v)])
        self._fitted = True

    def _fit(self, values: list[float]) -> None:
        top = max((abs(v) for v in values), default=0.0)
        self._scale, self._suffix = _scale(self.kind, top)
        self._decimals = _decimals([v / self._scale for v in values])

    def __call__(self, x: float, pos: int | None = None) -> str:
        if not math.isfinite(x):
            return ""
        if not self._fitted:  # used outside an axis: fit the one value
            self._fit([x])
        return self.fix_minus(self.text(x))

    def text(self, x: float) -> str:
        number = f"{abs(x) / self._scale:,.{self._decimals}f}"
        if float(number.replace(",", "")) == 0:
            return "$0" if self.kind == "money" else f"{number}{self._suffix}"
        sign = "-" if x < 0 else ""
        if self.kind == "money":
            return f"{sign}${number}{self._suffix}"
        return f"{sign}{number}{self._suffix}"


def _scale(kind: TickKind, top: float) -> tuple[float, str]:
    if kind == "money":
        if top >= 1e6:
            return 1e6, "M"
        return (1e3, "k") if top >= 1e4 else (1.0, "")
    if kind == "percent":
        return 0.01, "%"
    if kind == "points":
        return 0.01, " pp"
    return 1.0, ""


def _decimals(values: list[float], most: int = 4) -> int:
    """The fewest decimals (up to ``most``) that write every value exactly."""
    for d in range(most + 1):
        if all(abs(v * 10**d - round(v * 10**d)) < 1e-6 * max(1.0, abs(v) * 10**d) for v in values):
            return d
    return most


def formatter(fmt: Format | None, difference: bool = False) -> PlainFormatter:
    """The tick formatter of a catalog format (``None``: a plain number); ``difference``:
    an axis of differences (a difference of shares is in percentage points)."""
    kind = _TICK_KIND.get(fmt or "number", "number")
    return PlainFormatter("points" if difference and kind == "percent" else kind)


def axis_formatter(name: str, difference: bool = False) -> PlainFormatter:
    """The tick formatter for an axis showing a metric, chosen by the metric's catalog
    format (money: $, share: %, the rest: plain numbers with separators). A name that is
    not a metric (a sweep parameter) gets plain numbers."""
    return formatter(CATALOG[name].format if name in CATALOG else None, difference)


def percent_text(unit: str) -> str:
    """A share's unit text said in percent: 'share of calls' -> '% of calls', 'busy share
    of unit-time' -> '% of unit-time busy', anything else -> '% ' + it."""
    head, of, tail = unit.partition("share of ")
    return f"% of {tail} {head.strip()}".rstrip() if of else f"% {unit}"


def unit_label(name: str, difference: bool = False) -> str:
    """A metric's unit for an axis, from the catalog ('' for a name that is not a metric);
    shares in % (differences of shares in percentage points)."""
    if name not in CATALOG:
        return ""
    m = metric(name)
    if m.format != "share":
        return m.unit_text
    return "percentage points" if difference else percent_text(m.unit_text)


def axis_label(name: str) -> str:
    """'CRT response time (mean) (minutes)', 'Diversion rate (% of calls)': the catalog's
    axis label (shares in %); a name that is not a metric is shown as written."""
    if name not in CATALOG:
        return name
    m = metric(name)
    return m.axis_label if m.format != "share" else f"{m.label} ({unit_label(name)})"


def format_axis(axis: Any, name: str | None, difference: bool = False) -> None:
    """Give a matplotlib axis (``ax.xaxis``, ``ax.yaxis``) the ticks of a metric."""
    axis.set_major_formatter(axis_formatter(name, difference) if name else formatter(None))


def label(name: str) -> tuple[str, str]:
    """(title, unit text) of a metric for a figure, from the catalog (shares in %); a name
    that is not a metric (a sweep parameter) is shown as written."""
    if name in CATALOG:
        return metric(name).label, unit_label(name)
    return name, ""


def wrap_name(name: str, width: int = 18) -> str:
    """A scenario name broken into lines of about ``width`` characters after its ``_``,
    ``-``, ``.`` or spaces (``crt_expansion_option_alpha_plus`` in two lines)."""
    lines: list[str] = []
    for part in re.split(r"(?<=[_\-. ])", name):
        if lines and len(lines[-1]) + len(part) <= width:
            lines[-1] += part
        else:
            lines.append(part)
    return "\n".join(line.rstrip() for line in lines if line)


# --- figures -------------------------------------------------------------------------------


class ReportFigure(Figure):
    """A Figure that pyplot does not track and that a notebook shows as a PNG through its
    repr: once, whether or not pyplot's inline backend is active."""

    def _repr_png_(self) -> bytes:
        buf = io.BytesIO()
        self.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()


def new_figure(
    figsize: tuple[float, float], nrows: int = 1, ncols: int = 1, **kw: Any
) -> tuple[Figure, Any]:
    """A Figure pyplot does not track, and its axes (``fig.subplots``). Call it inside
    ``plt.rc_context(STYLE)``: a figure takes the style active when it is built."""
    fig = ReportFigure(figsize=figsize, layout=kw.pop("layout", None))
    return fig, fig.subplots(nrows, ncols, **kw)


def _finish(fig: Figure) -> Figure:
    """Lay out and draw once while the style is active, so every tick, its label and its
    grid line is made with it (matplotlib makes them lazily, at drawing)."""
    if fig.get_layout_engine() is None:
        fig.tight_layout()
    fig.draw_without_rendering()
    return fig


def save(fig: Figure, path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Save a figure atomically in each format and release it."""
    written = []
    try:
        for fmt in formats:
            target = Path(path).with_suffix(f".{fmt}")

            def write(tmp: Path, fmt: str = fmt) -> None:
                fig.savefig(tmp, format=fmt, bbox_inches="tight")

            with writing(target.parent):  # a full disk or a read-only folder: one line
                real_folder(target.parent)  # plots/ as a link to elsewhere: replaced
                atomic_write_bytes(target, write)
            written.append(target)
    finally:
        plt.close(fig)  # a pyplot figure leaves pyplot; a Figure() needs nothing more
    return written


def sweep_figure(table: pd.DataFrame, params: list[str], metric: str) -> Figure:
    """Metric against the first varied parameter, with its 95% CI band; one line per value
    of the second parameter (if any)."""
    x = params[0]
    title, _ = label(metric)
    with plt.rc_context(STYLE):
        fig, ax = new_figure((6, 4))
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
        if pd.api.types.is_numeric_dtype(table[x]):  # words (pilot, city) keep their names
            format_axis(ax.xaxis, x)
        format_axis(ax.yaxis, metric)
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(axis_label(metric))
        ax.set_title(f"{title} vs {x} (mean, 95% CI band)")
        if len(params) > 1:
            ax.legend(fontsize=8)
        return _finish(fig)


# --- single-run figures ----------------------------------------------------------------

HATCHES = ["", "//", "..", "xx", "\\\\", "++", "--", "oo", "**"]  # one per ending
assert len(HATCHES) >= len(ENDINGS), "every way a call ends needs its hatch"
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
    fmt: Format | None = None,
) -> Figure:
    """7 x 24 hour-of-week heatmaps, one panel per (column, panel title), one shared scale;
    ``fmt``: the catalog format of the values (``share``: the colour bar in %)."""
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
        fig, axes = new_figure((6.2 * cols, 2.4 * rows + 0.6), rows, cols, squeeze=False)
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
        bar_label = percent_text(unit) if fmt == "share" else unit
        fig.colorbar(im, ax=axes, shrink=0.85, label=bar_label, format=formatter(fmt))
        fig.draw_without_rendering()  # not _finish: tight_layout cannot place the colour bar
    return fig


def demand_heatmap(by_hour: pd.DataFrame) -> Figure:
    return heatmap_figure(
        by_hour,
        [("arrivals", BY_HOUR["arrivals"][0])],
        BY_HOUR["arrivals"][1],
        "Demand by hour of week",
    )


def staffing_heatmap(by_hour: pd.DataFrame) -> Figure:
    return heatmap_figure(
        by_hour,
        [(f"{p}_staffed_units", p.label) for p in PROGRAMS],
        BY_HOUR["staffed_units"][1],
        "Staffed units by hour of week",
    )


def utilization_heatmap(by_hour: pd.DataFrame) -> Figure:
    return heatmap_figure(
        by_hour,
        [(f"{p}_utilization", p.label) for p in PROGRAMS],
        BY_HOUR["utilization"][1],
        "Utilization by hour of week",
        vmax=1.0,
        fmt="share",
    )


def unmet_heatmap(by_hour: pd.DataFrame) -> Figure:
    return heatmap_figure(
        by_hour,
        [(o.key, o.label.removeprefix("police/EMS: ")) for o in FALLBACKS],
        BY_HOUR["fallbacks"][1],
        "Unmet demand by hour of week (fallback reason)",
    )


def response_cdf_figure(quantiles: pd.DataFrame, targets: dict[Program | None, float]) -> Figure:
    """Distribution (CDF) of each time, mean over replications with a 95% band, and the
    target where one is set. Times are never negative: the band is clipped at zero."""
    with plt.rc_context(STYLE):
        fig, axes = new_figure((11, 7.5), 2, 2)
        for ax, name in zip(axes.flat, shown_in("cdf")):
            m = metric(name)
            q = quantiles[quantiles["metric"] == name]
            unit = m.unit_text
            ax.set_title(m.label.removesuffix(" (mean)"))
            ax.set_xlabel(unit)
            ax.set_ylabel("% of calls at or below")
            format_axis(ax.xaxis, name)
            ax.yaxis.set_major_formatter(formatter("share"))
            if q.empty or q["mean"].isna().all():
                ax.text(0.5, 0.5, "no calls", ha="center", va="center", transform=ax.transAxes)
                continue
            p = q["q"] / 100
            mean = q["mean"].clip(lower=0)
            ax.plot(mean, p, color="black", label="mean over replications")
            ax.fill_betweenx(
                p,
                q["ci_low"].fillna(q["mean"]).clip(lower=0),
                q["ci_high"].fillna(q["mean"]).clip(lower=0),
                color="0.6",
                alpha=0.5,
                label="95% CI",
            )
            target = targets.get(m.program) if m.program is not Program.CCD else None
            if target is not None:
                ax.axvline(target, linestyle="--", color="0.2", label=f"target {target:g} {unit}")
            right = ax.get_xlim()[1]  # a hair left of 0, so a line at 0 stays in sight
            ax.set_xlim(-0.015 * right, right)
            ax.set_ylim(0, 1.01)
            ax.legend(loc="center right", fontsize=8)  # clear of the curve's tails
        fig.suptitle("Distribution of waits and response times")
        return _finish(fig)


def targets_of(scenario) -> dict[Program | None, float]:
    """Each program's target, in the unit of its CDF panel (CN hours, teams minutes)."""
    p = scenario.programs
    out: dict[Program | None, float] = {Program.CN: p.cn.target_hours}
    for name in (Program.CRT, Program.COR):
        t = scenario.field_team(name).response_target_min
        if t is not None:
            out[name] = t
    return out


def outcome_figure(summaries: dict[str, pd.DataFrame]) -> Figure:
    """Where calls end, as stacked bars (share of eligible calls), one bar per scenario."""
    import numpy as np

    names = [wrap_name(n, 24) for n in summaries]
    means = [s.set_index("metric")["mean"] for s in summaries.values()]
    shares = {o.key: [float(m[f"{o.key}_share"]) for m in means] for o in ENDINGS}
    with plt.rc_context(STYLE | {"axes.grid": False}):
        fig, ax = new_figure((8.5, 2.2 + 0.55 * len(names)), layout="constrained")
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
        ax.xaxis.set_major_formatter(formatter("share"))
        ax.set_xlabel(unit_label("diversion_rate"))
        ax.invert_yaxis()
        ax.set_title("Where calls end")
        fig.legend(ncol=2, fontsize=8, loc="outside lower center", frameon=False)
        return _finish(fig)


# --- comparison figures ----------------------------------------------------------------


def forest_figure(differences: pd.DataFrame, base: str) -> Figure:
    """Each alternative's paired difference from the base with its 95% CI, per metric
    (the scenario names on the left of each row)."""
    metrics = [m for m in shown_in("forest") if m in set(differences["metric"])]
    names = list(dict.fromkeys(differences["scenario"]))
    cols = min(3, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    lines = max(n.count("\n") + 1 for n in map(wrap_name, names))
    with plt.rc_context(STYLE):
        fig, axes = new_figure(
            (3.4 * cols + 1.2, (1.3 + 0.3 * (lines + 1) * len(names)) * rows),
            rows,
            cols,
            squeeze=False,
        )
        for i, (ax, m) in enumerate(zip(axes.flat, metrics)):
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
            ax.set_yticks(y, [wrap_name(n) for n in names])
            ax.tick_params(axis="y", labelleft=i % cols == 0)
            ax.set_ylim(len(names) - 0.5, -0.5)
            format_axis(ax.xaxis, m, difference=True)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4))
            title, _ = label(m)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel(f"difference ({unit_label(m, difference=True)})", fontsize=8)
        for ax in list(axes.flat)[len(metrics) :]:
            ax.set_visible(False)
        fig.suptitle(f"Paired difference from {base} (mean, 95% CI; dashed: no change)")
        return _finish(fig)


def _mean_ci(summary: pd.DataFrame, name: str) -> tuple[float, float, float] | None:
    """(mean, CI low, CI high) of a metric in a summary; None if it is not there (a
    scenario without costs). A missing interval (one replication) is the mean."""
    row = summary[summary["metric"] == name]
    if row.empty or pd.isna(row["mean"].iloc[0]):
        return None
    mean = float(row["mean"].iloc[0])
    lo, hi = (float(row[c].iloc[0]) for c in ("ci_low", "ci_high"))
    return mean, mean if math.isnan(lo) else lo, mean if math.isnan(hi) else hi


Box = tuple[float, float, float, float]  # left, bottom, right, top, in points


def _overlap(a: Box, b: Box) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


# Where a label may go, by preference: (dx, dy) in points from its point, and its alignment.
# A thin leader line joins each label to its point, so two close points are never confused.
_OFFSETS = [
    (12, 8, "left", "bottom"),
    (12, -8, "left", "top"),
    (-12, 8, "right", "bottom"),
    (-12, -8, "right", "top"),
    (0, 14, "center", "bottom"),
    (0, -14, "center", "top"),
    (24, -20, "left", "top"),
    (-24, -20, "right", "top"),
]


def _label_box(x: float, y: float, w: float, h: float, ha: str, va: str) -> Box:
    """The box of a w x h label anchored at (x, y) with that alignment."""
    left = x - {"left": 0.0, "center": w / 2, "right": w}[ha]
    bottom = y - {"bottom": 0.0, "top": h}[va]
    return left, bottom, left + w, bottom + h


def place_labels(
    ax: Any,
    points: list[tuple[float, float]],
    texts: list[str],
    obstacles: Iterable[tuple[float, float, float, float]] = (),
    fontsize: float = 8,
) -> list[Any]:
    """Annotate each point with its text, at the first of a few offsets that keeps the
    label inside the axes and clear of the points, the ``obstacles`` (data boxes: x0, y0,
    x1, y1, such as error bars) and the labels placed before it (the least overlap if
    none is clear). Sizes are estimated from the text, so call it once the axes are laid
    out and their limits set."""
    fig = ax.get_figure()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    pos = ax.get_position()
    width, height = pos.width * fig.get_figwidth() * 72, pos.height * fig.get_figheight() * 72

    def pt(x: float, y: float) -> tuple[float, float]:
        return (x - x0) / (x1 - x0) * width, (y - y0) / (y1 - y0) * height

    taken: list[Box] = [(*pt(a, b), *pt(c, d)) for a, b, c, d in obstacles]
    taken = [
        (min(a, c) - 1.5, min(b, d) - 1.5, max(a, c) + 1.5, max(b, d) + 1.5) for a, b, c, d in taken
    ]
    for x, y in points:
        px, py = pt(x, y)
        taken.append((px - 5, py - 5, px + 5, py + 5))
    frame: Box = (0, 0, width, height)
    where = [pt(x, y) for x, y in points]
    out = []
    for i, ((x, y), text) in enumerate(zip(points, texts)):
        px, py = where[i]
        lines = text.split("\n")
        w, h = max(map(len, lines)) * 0.58 * fontsize, len(lines) * 1.22 * fontsize
        # Prefer the side away from the nearest other point, so leader lines never cross.
        others = [(qx - px, qy - py) for j, (qx, qy) in enumerate(where) if j != i]
        near = min(others, key=lambda d: d[0] ** 2 + d[1] ** 2, default=(0.0, 0.0))
        offsets = sorted(_OFFSETS, key=lambda o: o[0] * near[0] + o[1] * near[1])

        boxes = [_label_box(px + dx, py + dy, w, h, ha, va) for dx, dy, ha, va in offsets]
        clash = [
            round(w * h - _overlap(b, frame) + sum(_overlap(b, t) for t in taken))  # in pt^2
            for b in boxes
        ]
        best = clash.index(min(clash))  # ties: the first
        dx, dy, ha, va = offsets[best]
        taken.append(boxes[best])
        out.append(
            ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                arrowprops={"arrowstyle": "-", "color": "0.45", "lw": 0.6, "shrinkB": 4},
            )
        )
    return out


def cost_figure(summaries: dict[str, pd.DataFrame]) -> Figure | None:
    """Annual cost against diverted calls per year of each scenario (the first is the
    base), means with 95% intervals both ways, each point named; None if a scenario has no
    costs. ``cost_vs_diverted_figure`` draws it for a Comparison."""
    x_name, y_name = "diverted_per_year", "cost_total_annual"
    points = {n: (_mean_ci(s, x_name), _mean_ci(s, y_name)) for n, s in summaries.items()}
    if not points or any(x is None or y is None for x, y in points.values()):
        return None
    with plt.rc_context(STYLE):
        fig, ax = new_figure((7.5, 5))
        xy, texts, bars = [], [], []
        for i, (name, (xs, ys)) in enumerate(points.items()):
            assert xs is not None and ys is not None
            (x, x_lo, x_hi), (y, y_lo, y_hi) = xs, ys
            base = i == 0
            ax.errorbar(
                x,
                y,
                xerr=[[x - x_lo], [x_hi - x]],
                yerr=[[y - y_lo], [y_hi - y]],
                fmt="s" if base else "o",
                markersize=8 if base else 7,
                color="black" if base else ALTERNATIVE,
                markeredgecolor="black",
                ecolor="0.35",
                capsize=3,
                zorder=3,
            )
            xy.append((x, y))
            texts.append(wrap_name(name) + ("\n(base)" if base else ""))
            bars += [(x_lo, y, x_hi, y), (x, y_lo, x, y_hi)]
        format_axis(ax.xaxis, x_name)
        format_axis(ax.yaxis, y_name)
        ax.set_xlabel(axis_label(x_name))
        ax.set_ylabel(axis_label(y_name))
        ax.set_title("Annual cost against calls diverted (95% intervals)")
        ax.margins(x=0.22, y=0.15)
        fig.tight_layout()
        place_labels(ax, xy, texts, bars)
        fig.draw_without_rendering()
    return fig


def cost_vs_diverted_figure(comp: Comparison) -> Figure | None:
    """For each scenario of a comparison (base and alternatives): annual cost against
    diverted calls per year, means with 95% intervals both ways, the base a black square;
    None when the scenarios have no costs."""
    return cost_figure({r.scenario.name: r.summary for r in (comp.base, *comp.alts)})


def monthly_figure(by_month: pd.DataFrame, marks: list[tuple[Any, str]]) -> Figure:
    """HEART responses per calendar month by program, and the share of calls reached, with
    95% CI bands; holidays (ticks) and phase starts (dashed lines) marked. Months with
    only part of their days in the measured window are left out (their counts are partial)."""
    length = pd.to_datetime(by_month["month"] + "-01").dt.days_in_month
    full = by_month[by_month["days"] >= length]
    x = pd.to_datetime(full["month"] + "-15")
    with plt.rc_context(STYLE):
        fig, (top, bottom) = new_figure((8, 6.5), 2, 1, sharex=True)
        top.set_title("HEART responses per month (mean, 95% CI band)")
        top.set_ylabel("calls per month")
        top.yaxis.set_major_formatter(formatter("count"))
        bottom.set_title("Share of eligible calls reached")
        bottom.set_ylabel("% of eligible calls")
        bottom.yaxis.set_major_formatter(formatter("share"))
        bottom.set_ylim(0, 1)
        if full.empty:
            for ax in (top, bottom):
                ax.set_xticks([])
                ax.set_yticks([])
                ax.text(
                    0.5,
                    0.5,
                    "no whole calendar month in the measured window",
                    ha="center",
                    va="center",
                    transform=ax.transAxes,
                )
            return _finish(fig)
        keys = ("heart_responses", "ccd_resolved", "crt_served", "cor_served")
        for i, key in enumerate(keys):
            title, _ = label(key)
            top.plot(x, full[key], linestyle=LINESTYLES[i % 4], marker=MARKERS[i], label=title)
            top.fill_between(x, full[f"{key}_ci_low"], full[f"{key}_ci_high"], alpha=0.2)
        top.legend(fontsize=8, ncol=2)
        top.set_ylim(bottom=0)
        for i, key in enumerate(("heart_response_rate", "diversion_rate")):
            title, _ = label(key)
            bottom.plot(x, full[key], linestyle=LINESTYLES[i], marker=MARKERS[i], label=title)
            bottom.fill_between(x, full[f"{key}_ci_low"], full[f"{key}_ci_high"], alpha=0.2)
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
        if len(full) <= 18:  # a tick per month, at its point (the 15th): "Nov 2022"
            from matplotlib.dates import DateFormatter, MonthLocator

            bottom.xaxis.set_major_locator(MonthLocator(bymonthday=15))
            bottom.xaxis.set_major_formatter(DateFormatter("%b %Y"))
        fig.autofmt_xdate()
        return _finish(fig)


def zone_figure(by_zone: pd.DataFrame) -> Figure:
    """Per zone: the share of its calls HEART reached, and CRT's response and travel times,
    with 95% CI bars (a zone CRT does not serve has no bar on the right)."""
    names = by_zone["zone"].tolist()
    x = range(len(names))
    with plt.rc_context(STYLE):
        fig, (left, right) = new_figure((10, 3.8), 1, 2)

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
        left.set_ylabel("% of the zone's eligible calls")
        left.yaxis.set_major_formatter(formatter("share"))
        left.set_title("Share of calls reached, by zone (95% CI)")
        bars(right, "crt_response_time", -0.2, 0.4, "")
        bars(right, "crt_travel_time", 0.2, 0.4, "//")
        right.set_ylabel(unit_label("crt_response_time"))
        format_axis(right.yaxis, "crt_response_time")
        right.set_title("CRT response and travel time, by zone (means, 95% CI)")
        right.legend(fontsize=8)
        for i, served in enumerate(by_zone["crt_response_time"].notna()):
            if not served:
                right.text(
                    i,
                    0.03,
                    "no CRT calls",
                    ha="center",
                    fontsize=8,
                    color="0.3",
                    transform=right.get_xaxis_transform(),
                )
        for ax in (left, right):
            ax.set_xticks(list(x), names, rotation=20, ha="right")
            ax.set_xlim(-0.6, len(names) - 0.4)
        return _finish(fig)


def monthly_of(result: Results) -> Figure | None:
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


def run_figures(result: Results) -> dict[str, Figure]:
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


def comparison_figures(comp: Comparison) -> dict[str, Figure]:
    """The figures of a comparison, by file stem (cost_vs_diverted only with costs)."""
    summaries = {r.scenario.name: r.summary for r in (comp.base, *comp.alts)}
    figs = {
        "outcomes": outcome_figure(summaries),
        "differences_forest": forest_figure(comp.differences, comp.base.scenario.name),
    }
    if (fig := cost_vs_diverted_figure(comp)) is not None:
        figs["cost_vs_diverted"] = fig
    return figs


def sweep_figures(table: pd.DataFrame, params: list[str]) -> dict[str, Figure]:
    return {f"sweep_{m}": sweep_figure(table, params, m) for m in shown_in("sweep") if m in table}


# --- sensitivity -----------------------------------------------------------------------


def tornado_figure(indices: pd.DataFrame, name: str, method: Method) -> Figure:
    """What one measure depends on: a horizontal bar per unknown of its importance (Morris
    mu*, in the measure's unit; Sobol ST, a share of the variance, with S1 marked), the
    largest at the top, with 95% whiskers; an unknown with no effect at all says so."""
    rows = indices[indices["metric"] == name].sort_values("rank")
    imp = IMPORTANCE[method]
    vals = rows[imp].fillna(0).to_numpy(dtype=float)
    err = rows[f"{imp}_conf"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    labels = [wrap_name(str(p), 40) for p in rows["parameter"]]
    lines = max((lab.count("\n") + 1 for lab in labels), default=1)
    y = list(range(len(rows)))
    with plt.rc_context(STYLE):
        fig, ax = new_figure((7.0, 1.3 + 0.2 * (lines + 1) * len(rows)))
        ax.barh(y, vals, height=0.6, color=ALTERNATIVE, zorder=2)
        ax.errorbar(vals, y, xerr=err, fmt="none", ecolor="black", capsize=3, zorder=3)
        if method == "sobol":
            ax.plot(rows["S1"], y, "D", color="black", markersize=4, label="S1: alone", zorder=4)
            ax.legend(fontsize=8, loc="lower right")
        top = float(max((v + e for v, e in zip(vals, err)), default=0.0)) or 1.0
        for yi, v, e, raw in zip(y, vals, err, rows[imp]):
            text = "no effect" if raw == 0 else effect_text(name, float(raw), method)
            ax.text(v + e + 0.01 * top, yi, f" {text}", va="center", fontsize=8)
        ax.set_xlim(0, top * 1.3)
        ax.set_yticks(y, labels, fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)  # the largest at the top
        ax.grid(axis="y", visible=False)
        title, _ = label(name)
        if method == "morris":
            format_axis(ax.xaxis, name, difference=True)
            unit = unit_label(name, difference=True)
            ax.set_xlabel(f"mu*: mean change across each range ({unit}); whiskers: 95%")
        else:
            ax.xaxis.set_major_formatter(formatter("share"))
            ax.set_xlabel("ST: share of the variance it has a part in (%); whiskers: 95%")
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
        ax.set_title(f"{title.removesuffix(' (mean)')}: what it depends on", fontsize=10)
        return _finish(fig)


def sensitivity_figures(indices: pd.DataFrame, method: Method) -> dict[str, Figure]:
    """A tornado chart per measure analysed, by file stem (tornado_<metric>)."""
    names = list(dict.fromkeys(indices["metric"]))
    return {f"tornado_{m}": tornado_figure(indices, str(m), method) for m in names}


# --- calibration ---------------------------------------------------------------------------


def calibration_ranges_figure(cal: CalibrationResult) -> Figure:
    """Each unknown's range wave by wave: the prior (top), then per wave the box sampled
    (light) and the range of its non-implausible points (dark, with the points)."""
    waves = cal.waves
    paths = list(cal.paths)
    n_waves = int(waves["wave"].max()) if len(waves) else 0
    with plt.rc_context(STYLE):
        fig, axes = new_figure((8, 1.1 + 0.55 * (n_waves + 1) * len(paths)), len(paths), 1)
        axes = list(axes) if len(paths) > 1 else [axes]
        prior = cal.identifiability.set_index("unknown")
        for ax, path in zip(axes, paths):
            lo, hi = float(prior.loc[path, "prior_low"]), float(prior.loc[path, "prior_high"])
            ax.barh(0, hi - lo, left=lo, height=0.5, color="0.75")
            labels = ["prior"]
            for w in range(1, n_waves + 1):
                row = waves[(waves["wave"] == w) & (waves["unknown"] == path)].iloc[0]
                y = w
                ax.barh(
                    y,
                    row["sampled_high"] - row["sampled_low"],
                    left=row["sampled_low"],
                    height=0.5,
                    color="0.9",
                    edgecolor="0.6",
                )
                if row["nroy_points"] > 0:
                    ax.barh(
                        y,
                        row["nroy_high"] - row["nroy_low"],
                        left=row["nroy_low"],
                        height=0.3,
                        color=ALTERNATIVE,
                    )
                    here = cal.points[(cal.points["wave"] == w) & cal.points["nroy"].astype(bool)]
                    ax.plot(here[path], [y] * len(here), "|", color="black", markersize=8)
                labels.append(f"wave {w} ({int(row['nroy_points'])} of {int(row['points'])})")
            ax.set_yticks(range(n_waves + 1), labels)
            ax.set_ylim(n_waves + 0.6, -0.6)
            ax.set_xlim(lo - 0.03 * (hi - lo), hi + 0.03 * (hi - lo))
            ax.set_title(f"{path}: {prior.loc[path, 'verdict']}", fontsize=10, loc="left")
            ax.grid(axis="y", visible=False)
        fig.suptitle("Calibration: the range of each unknown, wave by wave (dark: non-implausible)")
        return _finish(fig)


def calibration_targets_figure(cal: CalibrationResult, targets: list[dict[str, Any]]) -> Figure:
    """Each target: the simulated means of every point (grey) and of the non-implausible
    ones (dark) against the published figure and its +-3 sd band."""
    with plt.rc_context(STYLE):
        fig, axes = new_figure((8, 0.9 + 0.9 * len(targets)), len(targets), 1)
        axes = list(axes) if len(targets) > 1 else [axes]
        ok = cal.points["nroy"].astype(bool)
        for ax, t in zip(axes, targets):
            m = t["metric"]
            band = 3 * t["sd_total"]
            ax.axvspan(t["value"] - band, t["value"] + band, color="0.9")
            ax.axvline(t["value"], color="black", linestyle="--")
            ax.plot(cal.points.loc[~ok, m], [0] * int((~ok).sum()), "o", color="0.7", ms=4)
            ax.plot(cal.points.loc[ok, m], [0] * int(ok.sum()), "o", color=ALTERNATIVE, ms=4)
            ax.set_yticks([])
            format_axis(ax.xaxis, m)
            shown = fmt_value(m, t["value"])
            ax.set_title(f"{label(m)[0]} (published: {shown})", fontsize=10, loc="left")
        fig.suptitle("Calibration targets: simulated points against each figure (band: +-3 sd)")
        return _finish(fig)


def calibration_figures(cal: CalibrationResult) -> dict[str, Figure]:
    targets = cal.facts.get("target_bands", [])
    figs = {"calibration_ranges": calibration_ranges_figure(cal)}
    if targets:
        figs["calibration_targets"] = calibration_targets_figure(cal, targets)
    return figs

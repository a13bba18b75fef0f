"""Figures: tables in, matplotlib figures out, one consistent style.

Every figure has labelled axes with units and stays readable in grayscale (line styles and
markers differ as well as colours). Nothing here runs a simulation.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .report import atomic_write_bytes  # noqa: E402

LINESTYLES = ["-", "--", "-.", ":"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]
STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 110,
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": matplotlib.cycler(color=plt.get_cmap("viridis")([0.0, 0.35, 0.65, 0.9])),
}

LABELS = {
    "diversion_rate": ("Diversion rate", "share of eligible calls"),
    "heart_response_rate": ("HEART response rate", "share of eligible calls"),
    "crt_response_time": ("CRT response time (mean)", "minutes"),
    "crt_response_time_p90": ("CRT response time (p90)", "minutes"),
    "cor_response_time": ("CoR response time (mean)", "minutes"),
    "ccd_answer_wait": ("CCD answer wait (mean)", "minutes"),
    "cn_followup_delay": ("CN follow-up delay (mean)", "hours"),
    "cn_followup_within_target": ("CN follow-ups within target", "share"),
    "cost_total_annual": ("Annual cost", "$ per year"),
    "cost_per_diverted_call": ("Cost per diverted call", "$"),
    "diverted_per_year": ("Diverted calls", "calls per year"),
    "police_hours_per_year": ("Police time on fallback calls", "officer hours per year"),
    "fallback_no_unit_share": ("Fallback: no unit available", "share of eligible calls"),
}


def label(metric: str) -> tuple[str, str]:
    if metric in LABELS:
        return LABELS[metric]
    if metric.endswith("_utilization"):
        return f"{metric.split('_')[0].upper()} utilization", "busy / staffed unit-time"
    if metric.endswith("_share"):
        return metric.removesuffix("_share").replace("_", " "), "share of eligible calls"
    return metric.replace("_", " "), ""


def save(fig: plt.Figure, path: Path, formats: tuple[str, ...] = ("png",)) -> list[Path]:
    """Save a figure atomically in each format and close it."""
    written = []
    for fmt in formats:
        target = Path(path).with_suffix(f".{fmt}")
        atomic_write_bytes(
            target, lambda tmp, f=fmt: fig.savefig(tmp, format=f, bbox_inches="tight")
        )
        written.append(target)
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

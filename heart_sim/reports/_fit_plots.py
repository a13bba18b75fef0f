"""Figures of a ``heart-sim fit`` report: the hour-of-week profile observed and fitted, the
daily counts with the days left out marked, and each duration's histogram with the fitted
densities beside a QQ plot of the chosen family.

Figures are ``matplotlib.figure.Figure`` objects that pyplot does not track, made in the
style of ``reports._plots``; axes say their units.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..fitting import WEEKDAYS, DemandFit, DurationFit, exclusion_kind
from ..measure import UNITS
from ._plots import LINESTYLES, MARKERS, STYLE, PlainFormatter, new_figure

GREY = "0.55"


def _done(fig: Figure) -> Figure:
    fig.tight_layout()
    fig.draw_without_rendering()
    return fig


def profile_figure(d: DemandFit) -> Figure:
    """Calls per hour in each hour of the week: observed on the days used, and the
    separable (24 hourly x 7 daily weights) fit; says which the YAML holds."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure((10, 3.8))
        x = np.arange(168)
        ax.step(
            np.append(x, 168),
            np.append(d.observed.ravel(), d.observed.ravel()[-1]),
            where="post",
            color="black",
            lw=1.2,
            label="observed: mean calls in the hour on the days used"
            + ("" if d.separable else " (the 168 weights written)"),
        )
        ax.plot(
            x + 0.5,
            d.fitted.ravel(),
            LINESTYLES[1],
            color=plt.get_cmap("viridis")(0.35),
            lw=1.6,
            label="separable fit: weekday x hour of day"
            + (" (the 24 + 7 weights written)" if d.separable else ""),
        )
        for k in range(1, 7):
            ax.axvline(24 * k, color=GREY, lw=0.6)
        ax.set_xticks([24 * k + 12 for k in range(7)], WEEKDAYS)
        ax.set_xlim(0, 168)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(PlainFormatter())
        ax.set_xlabel("hour of the week (Monday 00:00 first; one tick per day at noon)")
        ax.set_ylabel("calls per hour")
        test = d.test
        p = test.p_value
        verdict = "separable" if d.separable else "not separable"
        ax.set_title(
            f"Hour-of-week profile: hour x weekday {verdict} "
            f"(G2 = {test.deviance:.1f}, df {test.dof}, p = {p:.2g})"
        )
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        return _done(fig)


def daily_figure(d: DemandFit) -> Figure:
    """Eligible calls per day, the regression's expectation, and the days left out."""
    with plt.rc_context(STYLE):
        fig, ax = new_figure((10, 3.8))
        dates = (d.days + pd.Timedelta(hours=12)).to_pydatetime()  # a day's point at its noon
        used = d.used
        ax.plot(dates, d.expected_daily, ":", color=GREY, lw=1.2, label="expected (the regression)")
        ax.plot(
            dates[used],
            d.daily[used],
            "o",
            ms=3 if len(dates) < 200 else 1.5,
            color="black",
            label="days used",
        )
        kinds: dict[str, list[int]] = {}
        index = {day: i for i, day in enumerate(d.days.date)}
        for day, why in d.excluded.items():
            kinds.setdefault(exclusion_kind(why), []).append(index[day])
        for j, (kind, rows) in enumerate(sorted(kinds.items())):
            ax.plot(
                dates[rows],
                d.daily[rows],
                MARKERS[(j + 1) % len(MARKERS)],
                ms=6,
                mfc="none",
                color=plt.get_cmap("viridis")([0.0, 0.35, 0.65, 0.9][j % 4]),
                label=f"left out: {kind}",
            )
        for i, g in enumerate(x for x in d.gaps if x.kind == "gap"):
            assert g.after is not None and g.before is not None
            ax.axvspan(
                g.after.to_pydatetime(),
                g.before.to_pydatetime(),
                color=GREY,
                alpha=0.25,
                lw=0,
                label="no record in the log" if i == 0 else None,
            )
        locator = mdates.AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.yaxis.set_major_formatter(PlainFormatter())
        ax.set_ylim(bottom=0)
        ax.set_xlabel("date")
        ax.set_ylabel("eligible calls per day")
        ax.set_title(f"Daily counts: {int(used.sum())} days used, {int((~used).sum())} left out")
        ax.legend(loc="lower left", fontsize=8, frameon=False, ncol=2)
        return _done(fig)


def duration_figure(fit: DurationFit) -> Figure:
    """Histogram of the durations with each family's fitted density, and a QQ plot of the
    family chosen by AIC."""
    with plt.rc_context(STYLE):
        fig, (hist, qq) = new_figure((10, 3.8), 1, 2)
        x = fit.values
        top = float(np.quantile(x, 0.995)) if x.size else 1.0
        hist.hist(
            x[x <= top],
            bins=60,
            density=True,
            color="0.85",
            edgecolor="0.6",
            lw=0.4,
            label=f"observed (n = {fit.n:,}; the top 0.5% not shown)",
        )
        grid = np.linspace(top / 400, top, 400)
        best = fit.best
        for i, c in enumerate(sorted(fit.candidates, key=lambda c: c.aic)):
            delta = c.aic - best.aic if best else 0.0
            hist.plot(
                grid,
                c.frozen().pdf(grid),
                LINESTYLES[i % len(LINESTYLES)],
                lw=1.5,
                label=f"{c.family} (AIC +{delta:,.1f}, KS p = {c.p_value:.2g})",
            )
        hist.set_xlim(0, top)
        hist.set_xlabel(UNITS["min"])
        hist.set_ylabel("density (share of durations per minute)")
        hist.set_title(f"{fit.name}: written as {fit.chosen}")
        hist.legend(fontsize=8, frameon=False)
        if best is not None:
            m = min(x.size, 1000)
            probs = (np.arange(m) + 0.5) / m
            fitted = best.frozen().ppf(probs)
            observed = np.quantile(x, probs)
            qq.plot(fitted, observed, "o", ms=2.5, color="black", label="quantiles")
            lim = float(max(fitted.max(), observed.max()))
            qq.plot([0, lim], [0, lim], "--", color=GREY, lw=1, label="observed = fitted")
            qq.set_title(f"QQ plot against the {best.family} fit")
            qq.legend(fontsize=8, frameon=False, loc="upper left")
        qq.set_xlabel("fitted quantile (minutes)")
        qq.set_ylabel("observed quantile (minutes)")
        for ax in (qq,):
            ax.xaxis.set_major_formatter(PlainFormatter())
            ax.yaxis.set_major_formatter(PlainFormatter())
        hist.xaxis.set_major_formatter(PlainFormatter())
        return _done(fig)

"""How many replications: the sequential confidence-interval method with a look-ahead.

``--reps auto`` (``reps="auto"``) follows Hoad, Robinson & Davies, "Automated selection of
the number of replications for a discrete-event simulation", JORS 61(11), 2010: after n0
replications, add replications until every judged interval's relative half-width
(half-width / |mean|) is at most the target precision, and has stayed so over a look-ahead:
from some count s on, the precision holds at s, s + 1, ..., s + kLimit (kLimit = 5 while
s <= 100, then 5% of s, as in the paper's f(kLimit)). Hoad et al. recommend s and treat the
look-ahead replications as a check; here they are kept, so the study reports
N = s + kLimit replications, and the precision holds at N and at each of the kLimit counts
before it. N is the smallest such count: it depends only on the replications' numbers,
never on how many run at once (replications simulated past N in the last batch are left
out), so an auto run that chose N gives exactly the results of ``reps=N``.

The intervals judged are the 95% t-intervals of the ``precision`` view of the metric
catalog (the headline cards' measures), per scenario; a comparison adds, per alternative,
the paired difference in diverted calls per year and the marginal cost per extra diverted
call (Fieller's interval, half its width over the ratio). A measure whose mean is 0 or not
defined (no CoR calls, an option identical to the base) has no relative precision and is
not judged; an interval that is not defined yet (a ratio whose denominator's interval
reaches zero) counts as not precise enough. Nothing here runs a simulation: the study
runner asks ``AutoReps.decide`` what to run next and ``judge_run`` /
``judge_comparison`` how precise the replications so far are.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from ..core import StudyError
from ._catalog import label, shown_in
from ._metrics import MIN_REPS_FOR_INTERVAL, metric_interval, t_interval
from ._paired import fieller_interval

Reps = int | Literal["auto"]

DEFAULT_PRECISION = 0.05
DEFAULT_MAX_REPS = 200
N0 = 5  # replications before the first judgement (at least MIN_REPS_FOR_INTERVAL)
K_LIMIT = 5  # Hoad et al.'s kLimit: the look-ahead while s <= 100
PRECISION_FILE = "precision.json"  # in a results folder written by an auto study
PAIRED_MEASURES = ("extra_diverted", "marginal_cost_per_extra_diverted")

# Relative half-widths by replication count: {n: {measure key: width}}; a width is NaN
# where the measure is not judged (mean 0 or not defined), inf where its interval is not
# defined yet.
History = dict[int, dict[str, float]]


def parse_reps(text: str, least: int = 1, most: int = 100_000) -> Reps:
    """``--reps`` as typed: a whole number (``least`` to ``most``) or ``auto``."""
    word = text.strip().lower()
    if word == "auto":
        return "auto"
    try:
        reps = int(word)
    except ValueError:
        raise StudyError(
            f"--reps: expected a whole number of replications or 'auto', got {text!r}"
        ) from None
    if not least <= reps <= most:
        raise StudyError(f"--reps: expected {least} to {most:,} replications or 'auto', got {reps}")
    return reps


@dataclass(frozen=True)
class AutoReps:
    """The stopping rule: target relative half-width, the cap, n0 and kLimit."""

    precision: float = DEFAULT_PRECISION
    max_reps: int = DEFAULT_MAX_REPS
    n0: int = N0
    k_limit: int = K_LIMIT

    def __post_init__(self) -> None:
        p = self.precision
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 < p < 1:
            raise StudyError(
                "--precision (precision=): expected a share of the mean between 0 and 1, "
                f"such as 0.05 for intervals within ±5% of the mean, got {p!r}"
            )
        if self.n0 < MIN_REPS_FOR_INTERVAL:
            raise StudyError(f"n0 must be at least {MIN_REPS_FOR_INTERVAL}, got {self.n0}")
        m = self.max_reps
        if isinstance(m, bool) or not isinstance(m, int) or m < self.n0:
            raise StudyError(
                f"--max-reps (max_reps=): expected a whole number of at least {self.n0} (the "
                f"replications run before the first check), got {m!r}"
            )

    def lookahead(self, s: int) -> int:
        """Hoad et al.'s f(kLimit): kLimit while s <= 100, then kLimit percent of s."""
        return self.k_limit if s <= 100 else self.k_limit * s // 100

    def decide(self, history: History, done: int) -> Decision:
        """What to do with ``done`` replications judged (``history`` holds every count from
        n0 to ``done``): stop at the smallest count the rule is met at, or at the cap; else
        run on to the smallest count at which it could be met (at most the cap)."""
        ok = {n: all(not w > self.precision for w in history[n].values()) for n in history}
        for s in range(self.n0, done + 1):
            end = s + self.lookahead(s)
            if end > done:
                break
            if all(ok[n] for n in range(s, end + 1)):
                return Decision(end, end, s)
        misses = [n for n in range(self.n0, done + 1) if not ok[n]]
        s = (misses[-1] if misses else self.n0 - 1) + 1
        wanted = min(s + self.lookahead(s), self.max_reps)
        if wanted <= done:  # the cap: the rule is not met within it
            return Decision(self.max_reps, self.max_reps, None)
        return Decision(None, wanted, None)


class Decision(NamedTuple):
    """``stop``: the replications to use (None: run on to ``next``); ``start``: the count
    from which the precision held over the look-ahead (None: stopped by the cap)."""

    stop: int | None
    next: int
    start: int | None


def auto_rule(reps: Any, precision: float | None, max_reps: int | None) -> AutoReps | None:
    """The rule for ``reps="auto"``; None for a fixed number (which takes neither
    ``precision`` nor ``max_reps``)."""
    if reps == "auto":
        return AutoReps(
            DEFAULT_PRECISION if precision is None else precision,
            DEFAULT_MAX_REPS if max_reps is None else max_reps,
        )
    if isinstance(reps, bool) or not isinstance(reps, int | np.integer):
        raise StudyError(f"reps: expected a whole number of replications or 'auto', got {reps!r}")
    if precision is not None or max_reps is not None:
        given = "--precision" if precision is not None else "--max-reps"
        raise StudyError(f"{given} applies only with --reps auto (reps='auto' in Python)")
    return None


def most_reps(reps: Reps, rule: AutoReps | None) -> int:
    """The most replications a study may run: ``reps``, or the cap of an auto study."""
    if rule is not None:
        return rule.max_reps
    assert not isinstance(reps, str), "reps='auto' has a rule"
    return int(reps)


# --- how precise the replications so far are ---------------------------------------------


def relative_half_width(mean: float, lo: float, hi: float) -> float:
    """Half the interval's width over |mean|: NaN when the mean is 0 or not defined (not
    judged), inf when the interval is not."""
    if math.isnan(mean) or mean == 0:
        return math.nan
    if math.isnan(lo) or math.isnan(hi):
        return math.inf
    return (hi - lo) / 2 / abs(mean)


def _column(table: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in table:
        return np.full(n, math.nan)
    return table[name].to_numpy(float)[:n]


def judge_run(table: pd.DataFrame, n: int, prefix: str = "") -> dict[str, float]:
    """The relative half-width of each ``precision`` measure over the first n
    replications (rows of ``table``, one per replication)."""
    out = {}
    first = table.iloc[:n]
    for m in shown_in("precision"):  # judged as summary.csv reports them
        mean, lo, hi, _ = metric_interval(first, m)
        out[prefix + m] = relative_half_width(mean, lo, hi)
    return out


def judge_comparison(
    tables: Sequence[pd.DataFrame], names: Sequence[str], n: int
) -> dict[str, float]:
    """Every scenario's ``precision`` measures (keys ``<scenario>: <metric>``), and per
    alternative the paired difference in diverted calls per year and the marginal cost
    per extra diverted call."""
    out: dict[str, float] = {}
    for table, name in zip(tables, names):
        out |= judge_run(table, n, f"{name}: ")
    base = tables[0]
    for table, name in zip(tables[1:], names[1:]):
        extra = _column(table, "diverted_per_year", n) - _column(base, "diverted_per_year", n)
        cost = _column(table, "cost_total_annual", n) - _column(base, "cost_total_annual", n)
        mean, lo, hi, _ = t_interval(extra)
        out[f"{name}: extra_diverted"] = relative_half_width(mean, lo, hi)
        point, lo, hi, status = fieller_interval(cost, extra)
        width = math.nan if status == "no_change" else relative_half_width(point, lo, hi)
        out[f"{name}: marginal_cost_per_extra_diverted"] = width
    return out


def measure_label(key: str, base: str | None = None) -> str:
    """'CRT response time (mean)', or in a comparison 'CRT response time (mean) of
    citywide' and 'Extra diverted calls, citywide vs durham_2022'."""
    scenario, sep, metric = key.rpartition(": ")
    if not sep:
        return label(key)
    if metric in PAIRED_MEASURES:
        return f"{label(metric)}, {scenario} vs {base}" if base else f"{label(metric)}, {scenario}"
    return f"{label(metric)} of {scenario}"


def _pct(width: float) -> str:
    """±5%, ±2.5%, ±12%, ±140%; words where the interval is not defined."""
    if math.isinf(width):
        return "unbounded"
    x = 100 * width
    text = f"{x:.1f}".rstrip("0").rstrip(".") if x < 10 else f"{x:,.0f}"
    return f"±{text}%"


@dataclass
class Precision:
    """How ``--reps auto`` chose the replications: ``reps`` used, whether the target
    ``precision`` was ``reached`` (else the cap stopped it), ``widths`` (measure -> relative
    half-width at ``reps``; NaN: not judged), ``last`` (the measure that got within the
    target last; None when all were from the first check), and ``history`` (one row per
    replication count from n0, one column per measure)."""

    precision: float
    reps: int
    reached: bool
    max_reps: int
    n0: int
    lookahead: int
    history: pd.DataFrame
    last: str | None = None
    base: str | None = None  # a comparison's base scenario (for labels)
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls, rule: AutoReps, history: History, decision: Decision, base: str | None = None
    ) -> Precision:
        """The record of a sequential study that stopped as ``decision`` says."""
        assert decision.stop is not None
        reps = decision.stop
        kept = {n: w for n, w in history.items() if n <= reps}
        frame = pd.DataFrame.from_dict(kept, orient="index").sort_index()
        frame.index.name = "reps"
        misses = {n: [k for k, v in w.items() if v > rule.precision] for n, w in kept.items()}
        last_miss = max((n for n, keys in misses.items() if keys), default=None)
        last = None
        if last_miss is not None and decision.start is not None:
            last = max(misses[last_miss], key=lambda k: kept[last_miss][k])
        start = decision.start if decision.start is not None else reps
        return cls(
            precision=rule.precision,
            reps=reps,
            reached=decision.start is not None,
            max_reps=rule.max_reps,
            n0=rule.n0,
            lookahead=rule.lookahead(start),
            history=frame,
            last=last,
            base=base,
            labels={str(k): measure_label(str(k), base) for k in frame.columns},
        )

    @property
    def widths(self) -> dict[str, float]:
        """Each measure's relative half-width with ``reps`` replications."""
        if self.reps not in self.history.index:
            return {}
        return {str(k): float(v) for k, v in self.history.loc[self.reps].items()}

    @property
    def not_judged(self) -> list[str]:
        """Measures with no relative precision (mean 0 or not defined) at ``reps``."""
        return [k for k, w in self.widths.items() if math.isnan(w)]

    def outside(self) -> list[tuple[str, float]]:
        """Measures still wider than the target at ``reps``, widest first."""
        wide = [(k, w) for k, w in self.widths.items() if w > self.precision]
        return sorted(wide, key=lambda kw: -kw[1])

    def notes(self) -> list[str]:
        """What a reader should know, in words (for ``Results.notes``)."""
        target = _pct(self.precision)
        name = self.labels.get
        if self.reached:
            if self.last is None:
                how = "none was ever outside it"
            else:
                how = f"the last to get there: {name(self.last, self.last)}"
            since = self.reps - self.lookahead
            lines = [
                f"replications: {self.reps} (auto: every headline interval within {target} "
                f"of its mean from {since} replications on, checked over a look-ahead of "
                f"{self.lookahead} more; {how})"
            ]
        else:
            wide = self.outside()
            if wide:
                key, w = wide[0]
                still = (
                    "is still unbounded (its denominator's interval reaches zero)"
                    if math.isinf(w)
                    else f"is still {_pct(w)} of its mean"
                )
                more = ""
                if len(wide) > 1:
                    rest = ", ".join(f"{name(k, k)} {_pct(v)}" for k, v in wide[1:4])
                    more = f"; also outside {target}: {rest}{', ...' if len(wide) > 4 else ''}"
                lines = [
                    f"stopped at the cap of {self.reps} replications: the interval of "
                    f"{name(key, key)} {still} (target {target}){more}"
                ]
            else:
                lines = [
                    f"stopped at the cap of {self.reps} replications: every headline interval "
                    f"is within {target} of its mean now, but has not held over the look-ahead "
                    f"of {self.lookahead} replications"
                ]
        skipped = self.not_judged
        if skipped:
            lines.append(
                "not judged for precision (its mean is 0, as for an option identical to "
                f"the base, or not defined): {', '.join(name(k, k) for k in skipped)}"
            )
        return lines

    def to_json(self) -> dict[str, Any]:
        """What precision.json holds."""

        def clean(w: float) -> float | str | None:
            if math.isnan(w):
                return None
            return "inf" if math.isinf(w) else w

        return {
            "method": "sequential confidence intervals with a look-ahead (Hoad, Robinson & "
            "Davies, JORS 61(11), 2010)",
            "precision": self.precision,
            "reps": self.reps,
            "reached": self.reached,
            "max_reps": self.max_reps,
            "n0": self.n0,
            "lookahead": self.lookahead,
            "last": self.last,
            "relative_half_widths": {k: clean(w) for k, w in self.widths.items()},
            "not_judged": self.not_judged,
            "labels": self.labels,
            "history": [
                {"reps": int(n), **{str(k): clean(float(v)) for k, v in row.items()}}
                for n, row in zip(self.history.index, self.history.to_dict("records"))
            ],
        }

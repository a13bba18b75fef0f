"""Staffing by hour of the week: the modified-offered-load Erlang start and one step of
the iterative staffing algorithm; and a requirement written as shifts.

**Iterative staffing** (Feldman, Mandelbaum, Massey & Whitt, "Staffing of time-varying
queues to achieve time-stable performance", Management Science 54(2), 2008): simulate
the system with staffing s_n(h), observe the number of jobs in it L_n(h) (waiting or being
served), and set

    s_{n+1}(h) = min { s : P(L_n(h) >= s) <= alpha }

for every hour h; repeat until s stops changing. An arrival waits exactly when it finds
L >= s, so at the fixed point the chance of waiting is about alpha in every hour, however
demand varies and whatever lags service introduces (the hour-by-hour stationary Erlang
formula, SIPP, ignores the lag: Green, Kolesar & Whitt, POM 16(1), 2007). A whole-run
target (a 90th percentile, a share unanswered) is then met by choosing alpha.

**Start**: the modified offered load m(h), the mean number of jobs an infinite-server
copy of the system holds (every call served at once, so its lag is that of the real
service times), measured by simulating with ample units; then s_0(h) is the Erlang-C
staffing for load m(h): the fewest c > m(h) with C(c, m(h)) <= alpha (Jennings,
Mandelbaum, Massey & Whitt, Management Science 42(10), 1996). Since the first step from
infinitely many servers gives Poisson(m(h)) tails, this start is close to the fixed
point and the iterations are few.

Pure functions: occupancy tables in (``measure._occupancy``), units per hour out.
"""

from __future__ import annotations

import numpy as np

from ..scenario import DAY_NAMES, HOURS_PER_WEEK
from ._shiftcover import HOURS_PER_DAY, erlang_c

# The delay probabilities searched for a whole-run target, loosest first.
ALPHAS = (
    0.8,
    0.65,
    0.5,
    0.4,
    0.3,
    0.2,
    0.15,
    0.1,
    0.07,
    0.05,
    0.03,
    0.02,
    0.01,
    0.005,
    0.002,
    0.001,
)


def _bounded(s: np.ndarray, open_hours: np.ndarray, max_units: int) -> np.ndarray:
    """At least one unit in every open hour (an open program has someone on duty), none
    when closed, never more than max_units."""
    s = np.clip(s, 1, max_units)
    return np.where(open_hours, s, 0).astype(np.int64)


def mol_erlang(
    load: np.ndarray, alpha: float, open_hours: np.ndarray, max_units: int
) -> np.ndarray:
    """Per hour: the fewest c above the offered load m(h) with Erlang-C delay probability
    C(c, m(h)) <= alpha (1 in an open hour with no load)."""
    out = np.zeros(HOURS_PER_WEEK, dtype=np.int64)
    for h, m in enumerate(np.asarray(load, dtype=float)):
        c = int(np.floor(m)) + 1
        while c < max_units and erlang_c(c, m) > alpha:
            c += 1
        out[h] = c
    return _bounded(out, np.asarray(open_hours, bool), max_units)


def isa_step(
    occ: np.ndarray,
    alpha: float,
    open_hours: np.ndarray,
    max_units: int,
    least: np.ndarray | None = None,
) -> np.ndarray:
    """s(h) = min{s >= 1: P(L(h) >= s) <= alpha} from an occupancy table (168 x K of
    P(L(h) = k), the last bin L >= K - 1); max_units where even that is not enough; never
    below ``least`` (per hour), if given."""
    p = np.nan_to_num(np.asarray(occ, dtype=float))
    tail = np.cumsum(p[:, ::-1], axis=1)[:, ::-1]  # tail[h, k] = P(L >= k)
    ok = tail <= alpha + 1e-12
    ok[:, 0] = False  # s >= 1
    first = np.where(ok.any(axis=1), ok.argmax(axis=1), max_units)
    if least is not None:
        first = np.maximum(first, least)
    return _bounded(first, np.asarray(open_hours, bool), max_units)


def open_mask(
    hours: list[tuple[int, int]] | None, days: tuple[int, ...] = tuple(range(7))
) -> np.ndarray:
    """168 bools: open in [start, end) hours of each of ``days`` (end <= start: past
    midnight; (0, 24): all day); None: every hour of the week."""
    mask = np.zeros(HOURS_PER_WEEK, dtype=bool)
    if hours is None:
        mask[:] = True
        return mask
    for start, end in hours:
        length = (end - start) % HOURS_PER_DAY or HOURS_PER_DAY
        for d in days:
            first = d * HOURS_PER_DAY + start
            mask[np.arange(first, first + length) % HOURS_PER_WEEK] = True
    return mask


def _clock(hour: int) -> str:
    return f"{hour:02d}:00"


def staircase_shifts(s: np.ndarray) -> list[dict]:
    """Units by hour of the week as scenario shifts: level k is a one-unit crew on duty
    for each run of hours with s >= k, so a unit stays on while it is needed and the
    units above a level go off first. A run longer than a day is cut at midnight (a
    handover there); one covering the whole week is a single crew ``daily 00:00-24:00``."""
    s = np.asarray(s, dtype=np.int64)
    counts: dict[tuple[tuple[str, ...], str, str], int] = {}

    def add(days: tuple[int, ...], start: int, end: int) -> None:
        key = (tuple(DAY_NAMES[d] for d in days), _clock(start), _clock(end))
        counts[key] = counts.get(key, 0) + 1

    for k in range(1, int(s.max(initial=0)) + 1):
        on = s >= k
        if on.all():
            add(tuple(range(7)), 0, 24)
            continue
        starts = [h for h in range(HOURS_PER_WEEK) if on[h] and not on[h - 1]]
        for a in starts:
            n = 0
            while on[(a + n) % HOURS_PER_WEEK]:
                n += 1
            b = a + n  # the run is [a, b) in hours of the week, b may pass Sunday
            if n < HOURS_PER_DAY or (n == HOURS_PER_DAY and a % HOURS_PER_DAY == 0):
                add(((a // HOURS_PER_DAY) % 7,), a % HOURS_PER_DAY, b % HOURS_PER_DAY or 24)
                continue
            midnight = (a // HOURS_PER_DAY + 1) * HOURS_PER_DAY
            if a % HOURS_PER_DAY:
                add(((a // HOURS_PER_DAY) % 7,), a % HOURS_PER_DAY, 24)
            else:
                midnight = a
            full = tuple(
                ((midnight + i * 24) // HOURS_PER_DAY) % 7 for i in range((b - midnight) // 24)
            )
            if full:
                add(full, 0, 24)
            if (b - midnight) % HOURS_PER_DAY:
                add(((b // HOURS_PER_DAY) % 7,), 0, b % HOURS_PER_DAY)
    return [
        {"days": list(days), "start": start, "end": end, "units": units}
        for (days, start, end), units in counts.items()
    ]


def converged(previous: np.ndarray, current: np.ndarray) -> bool:
    """The iteration has settled: no hour's staffing changed."""
    return bool(np.array_equal(previous, current))

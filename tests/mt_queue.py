"""An independent M_t/M/s_t queue, for checking ``heart-sim optimize`` on time-varying
staffing (tests/optimization/test_time_varying.py). Nothing here imports heart_sim.

Calls arrive as a Poisson process whose rate is constant within each hour of the day;
service is exponential; the servers on duty follow a staffing level per hour of the day,
worked as continuous crews: where the level falls, free servers go off at once, and if
too few are free the servers of the longest-running calls finish them on overtime and go
(the servers who stay take the next calls). One FIFO queue, no abandonment.

References: Jennings, Mandelbaum, Massey & Whitt (1996), "Server staffing to meet
time-varying demand", Management Science 42(10) (the modified offered load); Feldman,
Mandelbaum, Massey & Whitt (2008), "Staffing of time-varying queues to achieve
time-stable performance", Management Science 54(2) (iterative staffing).
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from dataclasses import dataclass

import numpy as np

HOURS = 24
K = 60  # occupancy levels kept: P(L >= k) for k < K


@dataclass
class DayStats:
    """Per hour of the day: the share of arrivals that waited, the arrivals, the time
    with L jobs in system (hours x K) and the overtime server-hours a day."""

    p_delay: np.ndarray
    arrivals: np.ndarray
    occupancy: np.ndarray
    overtime_per_day: float

    def tail(self) -> np.ndarray:
        """P(L(h) >= k), hours x K."""
        p = self.occupancy / self.occupancy.sum(axis=1, keepdims=True)
        return np.cumsum(p[:, ::-1], axis=1)[:, ::-1]


def simulate(
    rates: np.ndarray,
    staffing: np.ndarray,
    service_min: float,
    days: int,
    seed: int,
    warmup_days: int = 2,
) -> DayStats:
    """``rates``: calls an hour in each hour of the day; ``staffing``: servers on duty in
    each hour of the day. Statistics over ``days`` days after ``warmup_days``."""
    rng = np.random.default_rng(seed)
    rates = np.asarray(rates, float)
    staffing = np.asarray(staffing, int)
    total = days + warmup_days
    counts = rng.poisson(np.tile(rates, total))
    hours = np.repeat(np.arange(total * HOURS), counts)
    arrivals = (hours + rng.random(hours.size)) * 60.0
    arrivals.sort()
    services = rng.exponential(service_min, arrivals.size)
    start = warmup_days * HOURS * 60.0

    waited = np.zeros(HOURS)
    came = np.zeros(HOURS)
    occ = np.zeros((HOURS, K))
    overtime = 0.0
    level = int(staffing[0])  # servers on shift
    on_shift: dict[int, float] = {}  # job -> start, the jobs on-shift servers hold
    over: set[int] = set()  # jobs held by servers whose shift ended (they go after it)
    queue: deque[int] = deque()  # waiting jobs (arrival index)
    done: list[tuple[float, int]] = []  # (completion time, job)
    now = 0.0
    i = 0
    boundary = 60.0
    end = total * HOURS * 60.0

    def credit(t: float) -> None:
        nonlocal overtime
        if t > start:
            a = max(now, start)
            h = int(now // 60) % HOURS
            jobs = len(on_shift) + len(over) + len(queue)
            occ[h, min(jobs, K - 1)] += t - a
            overtime += len(over) * (t - a)

    def serve(t: float) -> None:
        while len(on_shift) < level and queue:
            job = queue.popleft()
            on_shift[job] = t
            heapq.heappush(done, (t + services[job], job))

    while now < end:
        t_arr = arrivals[i] if i < arrivals.size else math.inf
        t_done = done[0][0] if done else math.inf
        t = min(t_arr, t_done, boundary)
        credit(t)
        now = t
        if t == boundary:
            level = int(staffing[int(round(t / 60)) % HOURS])
            boundary += 60.0
            # Free servers go off first; then the longest-running jobs' servers go on
            # finishing them, on overtime, and take no new call.
            for job in sorted(on_shift, key=on_shift.__getitem__)[: max(0, len(on_shift) - level)]:
                del on_shift[job]
                over.add(job)
            serve(t)
        elif t == t_done:
            _, job = heapq.heappop(done)
            if job in over:
                over.discard(job)
            else:
                del on_shift[job]
                serve(t)
        else:
            h = int(t // 60) % HOURS
            if t >= start:
                came[h] += 1
            if len(on_shift) < level:
                on_shift[i] = t
                heapq.heappush(done, (t + services[i], i))
            else:
                if t >= start:
                    waited[h] += 1
                queue.append(i)
            i += 1
    return DayStats(waited / np.maximum(came, 1), came, occ, overtime / 60.0 / days)


def mol_start(rates: np.ndarray, service_min: float, alpha: float) -> np.ndarray:
    """The modified-offered-load Erlang-C staffing: m(h), the mean busy servers of the
    infinite-server queue averaged over each hour (its periodic solution), and the fewest
    c > m(h) with Erlang C(c, m(h)) <= alpha."""
    mu = 60.0 / service_min  # services an hour
    m, avg = 0.0, np.zeros(HOURS)
    for _ in range(20):  # days, until periodic
        for h, lam in enumerate(rates):
            a = lam / mu
            avg[h] = a + (m - a) * (1 - math.exp(-mu)) / mu
            m = a + (m - a) * math.exp(-mu)
    out = np.zeros(HOURS, int)
    for h, load in enumerate(avg):
        c = int(load) + 1
        while _erlang_c(c, load) > alpha:
            c += 1
        out[h] = c
    return out


def _erlang_c(c: int, a: float) -> float:
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return 1.0 if a >= c else c * b / (c - a * (1 - b))


def iterative_staffing(
    rates: np.ndarray,
    service_min: float,
    alpha: float,
    days: int = 300,
    iterations: int = 8,
    seed: int = 1,
) -> np.ndarray:
    """s(h) <- min{s >= 1: P(L(h) >= s) <= alpha} on this module's simulation, from the
    MOL start, until it repeats (or ``iterations``)."""
    s = mol_start(rates, service_min, alpha)
    for it in range(iterations):
        tail = simulate(rates, s, service_min, days, seed + it).tail()
        ok = tail <= alpha
        ok[:, 0] = False
        new = np.where(ok.any(axis=1), ok.argmax(axis=1), K)
        if np.array_equal(new, s):
            break
        s = new
    return s

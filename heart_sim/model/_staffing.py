"""A pool of identical units (clinicians or teams) whose number on duty follows a schedule.

``StaffedPool`` is a small SimPy resource: a request is answered with a ``Unit`` when one
takes the job, or with None when the caller gave up (patience) or the program closed with
the call still waiting; the answer is a call to the request's ``then`` or, without one,
the request (an event) succeeding. Live calls' patience runs on one alarm per pool, at the
earliest deadline. When a shift ends, its crew's busy units finish
their job on overtime and then go off, its free units go off at once, and a shift starting
at that moment brings fresh units. Continuing crews are kept busy first: a dispatcher sends
the crews whose shift goes on, so only the busy units beyond them run into overtime (the
longest-running jobs). Staffing changes are URGENT events: at the instant a shift ends no
new job starts, and at the instant one begins its units are on duty before anything else.

Time away (a break, a CoR officer pulled for police work) is a request like a job's: a
unit takes it when free (``AWAY`` waits behind live calls; ``AWAY_NOW`` goes ahead of them)
and ``go_away`` marks the unit, so the meter counts it as away, not busy. A unit away when
its crew's shift ends just goes off (no overtime).
"""

from __future__ import annotations

import heapq
import math
import struct
from collections.abc import Callable, Iterable
from itertools import count, islice
from typing import cast

import numpy as np
import simpy

from ..scenario import MIN_PER_HOUR
from ._simpy_compat import after, at

AWAY_NOW = -1  # a break at its latest start, police duty: ahead of live calls
LIVE = 0  # live calls go first: LIVE + the call type's priority (0-9, lower first)
AWAY = 10  # a break in its window: when no live call needs the unit
FOLLOWUP = 11  # follow-up work waits for a unit no live call needs


class Unit:
    """A busy unit, handed to the job it serves and back to the pool when it is done."""

    __slots__ = ("free", "overtime", "away", "gone")

    def __init__(self, free: int) -> None:
        self.free = free  # units free when it took the job, itself included
        self.overtime = False
        self.away = False  # on a break or police duty
        self.gone = False  # its shift ended while away: nothing left to count


class Hold:
    """A job waiting for a unit whose requester goes on through ``then(unit)``: the Unit
    that took it, or None (gave up). The call is made at once when a unit takes the job
    or a live call's patience runs out: the requester's next step happens in the same
    event, as in one process. The answers that must wait for the rest of the instant (the
    program closed, or time away gave up) come ``later``: as a request's event
    succeeding would, after what is already due now. Not an event: nothing waits on it."""

    __slots__ = ("env", "priority", "persistent", "until", "then", "answered")

    def __init__(
        self,
        env: simpy.Environment,
        priority: int,
        persistent: bool,
        until: float,
        then: Callable[[Unit | None], object],
    ):
        self.env = env
        self.priority = priority
        self.persistent = persistent
        self.until = until  # time away: its crew's end, when no unit may take it any more
        self.then = then
        self.answered = False

    def answer(self, unit: Unit | None, later: bool = False) -> None:
        """Hand the requester its unit (or None), at once or ``later`` (scheduled now,
        exactly where ``Event.succeed`` would put the event)."""
        self.answered = True
        if later:
            after(self.env, 0, self._deliver, unit)
        else:
            self.then(unit)

    def _deliver(self, call) -> None:
        self.then(call.value)


class Request(simpy.Event):
    """A job waiting for a unit, for a SimPy process to yield: the event succeeds with the
    Unit that took it, or with None (gave up)."""

    def __init__(self, env: simpy.Environment, priority: int, persistent: bool, until: float):
        super().__init__(env)
        self.priority = priority
        self.persistent = persistent
        self.until = until
        self.answered = False

    def answer(self, unit: Unit | None, later: bool = False) -> None:
        self.answered = True
        self.succeed(unit)


Waiting = Hold | Request  # what the pool's queues hold


class PoolMeter:
    """Time integrals over the measured window [t0, t1), in unit-minutes per hour of the
    window (index 0 = the hour starting at t0; t0 is on the hour): ``staffed`` (units on
    duty), ``busy`` (busy units on duty), ``overtime`` (busy units past their shift's
    end), ``queue`` (jobs waiting) and ``away`` (units on duty away from calls).

    The pool reports each change of its levels (``advance``); the meter keeps them as they
    come, six numbers a span in one flat list (its end and the levels; it starts where the
    one before it ended: no object per span to allocate, and one pass to make an array
    of), and integrates them by hour only when an integral is read, so a change costs an
    extend, not a pass over the hours it spans."""

    __slots__ = ("t0", "t1", "h0", "n", "begin", "last", "spans", "_integrals")

    def __init__(self, t0: float, t1: float, begin: float = 0.0):
        self.t0, self.t1 = t0, t1
        self.h0 = int(t0 // MIN_PER_HOUR)
        self.n = int(-(-(t1 - t0) // MIN_PER_HOUR))
        self.begin = self.last = begin  # where the first span starts
        # to, staffed, busy, overtime, queue, away: the levels that held from the end of
        # the span before (or ``begin``) to ``to``, span after span
        self.spans: list[float] = []
        self._integrals: tuple[int, dict[str, np.ndarray]] = (0, {})  # (of spans, sums)

    def advance(
        self, now: float, staffed: int, on: int, over: int, queue: int, away: int = 0
    ) -> None:
        """The levels (counts: ints) that held since the last change up to ``now``: units
        on duty, busy units on duty, busy units on overtime, jobs waiting, units away."""
        last = self.last
        if now == last:
            return
        self.last = now
        self.spans.extend((now, staffed, on, over, queue, away))

    @property
    def staffed(self) -> np.ndarray:
        return self._by_hour()["staffed"]

    @property
    def busy(self) -> np.ndarray:
        return self._by_hour()["busy"]

    @property
    def overtime(self) -> np.ndarray:
        return self._by_hour()["overtime"]

    @property
    def queue(self) -> np.ndarray:
        return self._by_hour()["queue"]

    @property
    def away(self) -> np.ndarray:
        return self._by_hour()["away"]

    def _by_hour(self) -> dict[str, np.ndarray]:
        counted, sums = self._integrals
        if not sums or counted != len(self.spans):
            sums = _integrate_by_hour(self.spans, self.begin, self.t0, self.t1, self.h0, self.n)
            self._integrals = (len(self.spans), sums)
        return sums


_LEVELS = ("staffed", "busy", "overtime", "queue", "away")
SPAN = 1 + len(_LEVELS)  # numbers per span: its end, the levels
# A span as struct packs it and numpy reads it back: its end (a float), its levels (ints).
_SPAN_FORMAT = f"d{len(_LEVELS)}q"
_SPAN_RECORD = np.dtype([("to", "<f8"), ("levels", "<i8", (len(_LEVELS),))])
_CHUNK = 1024  # spans per struct call: a format this long is compiled once and stays small
_PACK_CHUNK = struct.Struct("<" + _SPAN_FORMAT * _CHUNK)


def _span_table(spans: list[float]) -> np.ndarray:
    """The flat span list as records (``to``, ``levels``). struct converts each number by
    its own type (the end as a double, a level as an int64: counts, so exact as floats),
    about twice as fast as ``np.fromiter`` making a float of every number."""
    step = SPAN * _CHUNK
    whole = len(spans) - len(spans) % step
    parts = [_PACK_CHUNK.pack(*spans[i : i + step]) for i in range(0, whole, step)]
    parts.append(struct.pack("<" + _SPAN_FORMAT * ((len(spans) - whole) // SPAN), *spans[whole:]))
    return np.frombuffer(b"".join(parts), dtype=_SPAN_RECORD)


def _integrate_by_hour(
    spans: list[float],
    begin: float,
    t0: float,
    t1: float,
    h0: int,
    n: int,
) -> dict[str, np.ndarray]:
    """Each level x time, summed per hour of [t0, t1) (read-only arrays): every span
    clipped to the window and cut at the hours it crosses, the pieces added in time order
    (``np.bincount`` with weights adds them one after another from 0.0, as ``np.add.at``
    would, so the sums are the very floats of adding them one by one; it is many times
    faster).

    The spans follow one another (each ends later than the one before: ``advance`` skips
    changes that take no time), so those in the window are one run of them, and its
    pieces are the run's boundaries with the hour marks inside spans merged in: a piece
    lasts from one boundary to the next, ``stop - start`` as cutting each span gives it."""
    out: dict[str, np.ndarray] = {name: np.zeros(n) for name in _LEVELS}
    table = _span_table(spans)
    ends = table["to"]
    lo = int(np.searchsorted(ends, t0, side="right"))  # the first span ending after t0
    hi = min(int(np.searchsorted(ends, t1)) + 1, len(ends))  # past the last starting before t1
    levels = table["levels"][lo:hi]
    if begin < t1 and levels.any():  # else all zero: no span in the window, or a pool unused
        start = ends[lo - 1] if lo else begin
        edges = np.clip(np.concatenate(([start], ends[lo:hi])), t0, t1)
        # the hour marks strictly inside the run, and where each goes among its edges
        first, end = int(edges[0] // MIN_PER_HOUR), int(-(-edges[-1] // MIN_PER_HOUR))
        marks = np.arange(first + 1, end) * float(MIN_PER_HOUR)
        at = np.searchsorted(edges, marks)
        cut = edges[at] != marks  # a mark that is not an edge already cuts a span in two
        bounds = np.insert(edges, at[cut], marks[cut])  # piece j: bounds[j] to bounds[j + 1]
        dt = np.diff(bounds)
        # each mark starts the next hour: the pieces of each hour, and of each span
        mark_at = at + np.cumsum(cut) - cut  # where each mark stands among the bounds
        per_hour = np.diff(np.concatenate(([0], mark_at, [len(dt)])))
        index = np.repeat(np.arange(first - h0, end - h0), per_hour)
        per_span = np.bincount(at[cut] - 1, minlength=len(levels)) + 1
        piece_levels = np.repeat(levels, per_span, axis=0)
        for k, name in enumerate(_LEVELS):
            out[name] = np.bincount(index, weights=piece_levels[:, k] * dt, minlength=n)
    for v in out.values():
        v.setflags(write=False)  # shared by every reader of the meter
    return out


class StaffedPool:
    """Units on duty per a list of staffing changes, serving a priority queue of requests.
    ``changes``: (time, units on duty from then, units whose shift ends then), in order
    (``rosters.staffing_changes``)."""

    def __init__(
        self,
        env: simpy.Environment,
        changes: Iterable[tuple[float, int, int]],
        meter: PoolMeter,
    ):
        self.env = env
        self.meter = meter
        self.staffed = 0  # units on duty
        self.busy = 0  # busy units on duty
        self.overtime = 0  # busy units whose shift has ended
        self.waiting = 0
        self.away = 0  # units on duty away from calls (counted in busy)
        self.waiting_away = 0  # of the waiting requests, time away (not jobs: not metered)
        self._busy_units: dict[Unit, None] = {}  # on-duty busy units, oldest job first
        # Two queues so that closing touches only live calls: follow-up work that carries
        # over (``persistent``) can pile up without slowing every shift end.
        self._live: list[tuple[int, int, Waiting]] = []
        self._kept: list[tuple[int, int, Waiting]] = []
        self._seq = count()
        # Live calls' give-up times, and the pending alarms that give them up: one alarm
        # for the earliest, not an event per call (most calls are served before).
        self._deadlines: list[tuple[float, int, Waiting]] = []
        self._alarms: list[float] = []
        self._changes = iter(changes)
        self._schedule_next_change()

    # -- the public protocol -------------------------------------------------------------

    def try_acquire(self) -> Unit | None:
        """Take a free unit now if there is one and nobody is queued; no event needed."""
        if self.busy < self.staffed and not self.waiting:
            self.touch()
            return self._take()
        return None

    def request(
        self,
        priority: int = LIVE,
        patience: float | None = None,
        persistent: bool = False,
        until: float = math.inf,
        then: Callable[[Unit | None], object] | None = None,
    ) -> Waiting:
        """Ask for a unit. ``patience``: longest wait before giving up (None = no limit).
        ``persistent`` jobs stay queued when the program closes (follow-up work). ``until``:
        no unit takes it from then on (time away of a crew whose shift has ended). ``then``:
        called with the answer (``Hold``); without it the answer is the ``Request`` event."""
        req: Waiting
        if then is None:
            req = Request(self.env, priority, persistent, until)
        else:
            req = Hold(self.env, priority, persistent, until, then)
        unit = self.try_acquire()
        if unit is not None:
            req.answer(unit)
        elif patience == 0:
            req.answer(None)
        else:
            self._queue(req, patience)
        return req

    def wait(
        self,
        then: Callable[[Unit | None], object],
        priority: int = LIVE,
        patience: float | None = None,
        persistent: bool = False,
    ) -> None:
        """A job that found no free unit (``try_acquire`` gave None) waits for one: as
        ``request`` with ``then``, without trying again (a live call, follow-up work)."""
        assert self.busy >= self.staffed or self.waiting, "a unit is free: try_acquire first"
        if patience == 0:
            then(None)
        else:
            self._queue(Hold(self.env, priority, persistent, math.inf, then), patience)

    def go_away(self, unit: Unit) -> None:
        """The unit just taken is away from calls (a break, police duty), not working one."""
        self.touch()
        unit.away = True
        self.away += 1

    def release(self, unit: Unit) -> None:
        """A unit finished its job: it goes off if its shift has ended, else takes the next."""
        if unit.gone:
            return
        self.touch()
        if unit.overtime:
            self.overtime -= 1
            return
        del self._busy_units[unit]
        self.busy -= 1
        if unit.away:
            self.away -= 1
        if self.waiting:
            self._serve_queue()

    def close_queues(self) -> None:
        """Forget waiting requests and the rest of the schedule (end of a replication)."""
        self._live, self._kept = [], []
        self._deadlines, self._alarms = [], []
        self._busy_units = {}
        self._changes = iter(())

    # -- internals -----------------------------------------------------------------------

    def touch(self) -> None:
        """Credit the current levels to the meter before any of them changes (``advance``,
        inlined: this runs a few times per call)."""
        now = self.env.now
        meter = self.meter
        last = meter.last
        if now == last:  # nothing has elapsed since the last credit
            return
        meter.last = now
        away = self.away
        meter.spans.extend(
            (
                now,
                self.staffed,
                self.busy - away,
                self.overtime,
                self.waiting - self.waiting_away,
                away,
            )
        )

    def _take(self) -> Unit:
        """A free unit takes a job (the meter touched at this instant)."""
        unit = Unit(self.staffed - self.busy)
        self.busy += 1
        self._busy_units[unit] = None
        return unit

    def _queue(self, req: Waiting, patience: float | None) -> None:
        """Queue a job (the meter touched first). Its patience (None: none) runs on the
        pool's alarm if it is a live call's or follow-up's with ``then``; time away's,
        and a SimPy process's, on a timer of its own."""
        self.touch()
        self.waiting += 1
        away = req.priority in (AWAY, AWAY_NOW)
        if away:
            self.waiting_away += 1
        seq = next(self._seq)
        heapq.heappush(self._kept if req.persistent else self._live, (req.priority, seq, req))
        if patience is None:
            pass
        elif away or req.__class__ is Request:
            after(self.env, patience, self._give_up, req)
        else:
            deadline = self.env.now + patience  # as the timeout would have it
            heapq.heappush(self._deadlines, (deadline, seq, req))
            self._set_alarm(deadline)

    def _serve_queue(self) -> None:
        """Free units take the jobs waiting, best first. Only after a change its caller
        has credited to the meter at this instant (so nothing more to credit now)."""
        live, kept = self._live, self._kept
        while self.busy < self.staffed and (live or kept):
            # The next job is the better head of the two queues (priority, then arrival).
            queue = live if not kept or (live and live[0] < kept[0]) else kept
            req = heapq.heappop(queue)[2]
            if req.answered:  # gave up earlier; lazily removed
                continue
            if self.waiting_away and req.until <= self.env.now:
                # Time away of a crew that has just gone off: not for the next crew.
                self._dequeued(req)
                req.answer(None, later=True)
                continue
            self._dequeued(req)
            req.answer(self._take())

    def _dequeued(self, req: Waiting) -> None:
        self.waiting -= 1
        if req.priority in (AWAY, AWAY_NOW):
            self.waiting_away -= 1

    def _give_up(self, timer) -> None:
        """A request's own patience timer ran out (time away, a request without ``then``):
        the answer waits for the rest of the instant."""
        req = cast(Waiting, timer.value)
        if not req.answered:
            self.touch()
            self._dequeued(req)
            req.answer(None, later=True)

    def _set_alarm(self, deadline: float) -> None:
        """Make sure an alarm rings at ``deadline`` or before."""
        if not self._alarms or self._alarms[0] > deadline:
            heapq.heappush(self._alarms, deadline)
            at(self.env, deadline, self._ring)

    def _ring(self, _alarm) -> None:
        """Give up the live calls whose patience has run out, in the order their own
        timeouts would have fired (deadline, then request); set the next alarm."""
        heapq.heappop(self._alarms)
        now, deadlines = self.env.now, self._deadlines
        while deadlines and (deadlines[0][2].answered or deadlines[0][0] <= now):
            req = heapq.heappop(deadlines)[2]
            if not req.answered:
                self.touch()
                self._dequeued(req)
                req.answer(None)
        if deadlines:
            self._set_alarm(deadlines[0][0])

    def _schedule_next_change(self) -> None:
        nxt = next(self._changes, None)
        if nxt is None:
            return
        t, units, ending = nxt
        after(self.env, t - self.env.now, self._change, (units, ending), urgent=True)

    def _change(self, change) -> None:
        self._set_staffed(*change.value)

    def _set_staffed(self, units: int, ending: int) -> None:
        """Shifts end (``ending`` units) and start, leaving ``units`` on duty."""
        self.touch()
        continuing = self.staffed - ending
        to_overtime = self.busy - continuing
        if to_overtime > 0:  # busy units of ending crews finish on overtime
            if self.away:  # units away go off first, and without overtime
                engaged = [u for u in self._busy_units if u.away]
                engaged += [u for u in self._busy_units if not u.away]
                leaving = engaged[:to_overtime]
            else:
                leaving = list(islice(self._busy_units, to_overtime))
            for unit in leaving:
                del self._busy_units[unit]
                if unit.away:
                    unit.gone = True
                    self.away -= 1
                else:
                    unit.overtime = True
                    self.overtime += 1
            self.busy -= to_overtime
        self.staffed = units
        if units == 0:
            # Program closes: live calls still waiting fall back; follow-up work carries over.
            for _, _, req in self._live:
                if not req.answered:  # their next steps come after the instant's changes
                    self._dequeued(req)
                    req.answer(None, later=True)
            self._live = []
        else:
            self._serve_queue()
        self._schedule_next_change()

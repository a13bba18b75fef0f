"""A pool of identical units (clinicians or teams) whose number on duty follows a schedule.

``StaffedPool`` is a small SimPy resource: a request is an event that succeeds with True
when a unit takes the job, or with False when the caller gave up (patience) or the program
closed with the call still waiting. At a shift end, units that are busy finish their job
(overtime) and then go off; free units go off at once. Staffing changes are scheduled as
URGENT events, so at the instant a shift ends no new job can start, and at the instant it
begins the new units are on duty before anything else happens at that time.
"""

from __future__ import annotations

import heapq
from itertools import count

import simpy
from simpy.events import URGENT

from .schedules import HOURS_PER_WEEK, MIN_PER_HOUR, WeeklySchedule

LIVE = 0  # live calls go first
FOLLOWUP = 1  # follow-up work waits for a unit no live call needs


class Request(simpy.Event):
    """A job waiting for a unit. Succeeds with True (a unit took it) or False (gave up)."""

    __slots__ = ("priority", "persistent", "t_request")

    def __init__(self, env: simpy.Environment, priority: int, persistent: bool):
        super().__init__(env)
        self.priority = priority
        self.persistent = persistent
        self.t_request = env.now


class _UrgentTimeout(simpy.Event):
    """Like ``env.timeout`` but processed before ordinary events at the same instant."""

    def __init__(self, env: simpy.Environment, delay: float):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay)


class PoolMeter:
    """Time integrals over the measured window [t0, t1), by hour of week (unit-minutes)."""

    __slots__ = ("t0", "t1", "last", "staffed", "busy", "overtime", "queue")

    def __init__(self, t0: float, t1: float):
        self.t0, self.t1 = t0, t1
        self.last = 0.0
        self.staffed = [0.0] * HOURS_PER_WEEK
        self.busy = [0.0] * HOURS_PER_WEEK  # busy units that are on shift
        self.overtime = [0.0] * HOURS_PER_WEEK  # busy units past their shift's end
        self.queue = [0.0] * HOURS_PER_WEEK  # jobs waiting

    def advance(self, now: float, staffed: int, busy: int, queue: int) -> None:
        """Credit the levels that held since the last change up to ``now``."""
        last = self.last
        if now == last:
            return
        self.last = now
        a = last if last > self.t0 else self.t0
        b = now if now < self.t1 else self.t1
        if b <= a:
            return
        on = busy if busy < staffed else staffed
        over = busy - on
        while True:  # usually one pass: most intervals lie inside one hour
            hour = int(a // MIN_PER_HOUR)
            stop = (hour + 1) * MIN_PER_HOUR
            if stop > b:
                stop = b
            h = hour % HOURS_PER_WEEK
            dt = stop - a
            if staffed:
                self.staffed[h] += staffed * dt
            if on:
                self.busy[h] += on * dt
            if over:
                self.overtime[h] += over * dt
            if queue:
                self.queue[h] += queue * dt
            if stop >= b:
                return
            a = stop


class StaffedPool:
    """Units on duty per a weekly schedule, serving a priority queue of requests."""

    def __init__(
        self, env: simpy.Environment, schedule: WeeklySchedule, meter: PoolMeter, t_end: float
    ):
        self.env = env
        self.meter = meter
        self.staffed = 0
        self.busy = 0
        self.waiting = 0
        # Two queues so that closing touches only live calls: follow-up work that carries
        # over (``persistent``) can pile up without slowing every shift end.
        self._live: list[tuple[int, int, Request]] = []
        self._kept: list[tuple[int, int, Request]] = []
        self._seq = count()
        self._changes = iter(schedule.changes(t_end))
        self._schedule_next_change()

    @property
    def is_open(self) -> bool:
        return self.staffed > 0

    # -- the public protocol -------------------------------------------------------------

    def try_acquire(self) -> bool:
        """Take a free unit now if there is one and nobody is queued; no event needed."""
        if self.busy < self.staffed and not self.waiting:
            self._touch()
            self.busy += 1
            return True
        return False

    def request(
        self, priority: int = LIVE, patience: float | None = None, persistent: bool = False
    ) -> Request:
        """Ask for a unit. ``patience``: longest wait before giving up (None = no limit).
        ``persistent`` jobs stay queued when the program closes (follow-up work)."""
        req = Request(self.env, priority, persistent)
        if self.try_acquire():
            req.succeed(True)
        elif patience == 0:
            req.succeed(False)
        else:
            self._touch()
            self.waiting += 1
            queue = self._kept if persistent else self._live
            heapq.heappush(queue, (priority, next(self._seq), req))
            if patience is not None:
                timer = self.env.timeout(patience)
                timer.callbacks.append(lambda _ev, r=req: self._give_up(r))
        return req

    def release(self) -> None:
        """A unit finished its job: it goes off if its shift has ended, else takes the next."""
        self._touch()
        self.busy -= 1
        self._serve_queue()

    def close_queues(self) -> None:
        """Forget waiting requests and the rest of the schedule (end of a replication)."""
        self._live, self._kept = [], []
        self._changes = iter(())

    # -- internals -----------------------------------------------------------------------

    def _touch(self) -> None:
        """Credit the current levels to the meter before any of them changes."""
        self.meter.advance(self.env.now, self.staffed, self.busy, self.waiting)

    def _serve_queue(self) -> None:
        live, kept = self._live, self._kept
        while self.busy < self.staffed and (live or kept):
            # The next job is the better head of the two queues (priority, then arrival).
            queue = live if not kept or (live and live[0] < kept[0]) else kept
            req = heapq.heappop(queue)[2]
            if req.triggered:  # gave up earlier; lazily removed
                continue
            self._touch()
            self.waiting -= 1
            self.busy += 1
            req.succeed(True)

    def _give_up(self, req: Request) -> None:
        if not req.triggered:
            self._touch()
            self.waiting -= 1
            req.succeed(False)

    def _schedule_next_change(self) -> None:
        nxt = next(self._changes, None)
        if nxt is None:
            return
        t, units = nxt
        ev = _UrgentTimeout(self.env, t - self.env.now)
        ev.callbacks.append(lambda _ev, u=units: self._set_staffed(u))

    def _set_staffed(self, units: int) -> None:
        self._touch()
        self.staffed = units
        if units == 0:
            # Program closes: live calls still waiting fall back; follow-up work carries over.
            for _, _, req in self._live:
                if not req.triggered:
                    self.waiting -= 1
                    req.succeed(False)
            self._live = []
        else:
            self._serve_queue()
        self._schedule_next_change()

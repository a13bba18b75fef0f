"""The places heart-sim reaches inside SimPy, kept here so an upgrade breaks one file.

SimPy keeps its scheduled events in a heap, ``Environment._queue``, of (time, priority,
event id, event), the id from the counter ``Environment._eid``: events at one instant go
in order of priority (``URGENT`` first), then of scheduling. Its loop pops the heap, sets
``Environment._now``, and calls each callback of the event with the event.

- ``Environment``: SimPy's, with its clock ``now`` a plain attribute instead of a property
  over ``_now`` (which becomes the property, for SimPy's own methods).
- ``after`` / ``at``: a timed callback, ordered exactly as ``env.timeout(delay, value)``
  with the callback appended would be (``at``: at that very time, which ``env.timeout(t -
  now)`` can miss by a rounding; ``urgent``: ahead of ordinary events at that instant, as
  SimPy's own initialisation events). A ``_Call`` is the least SimPy's loop needs of an
  event, so making one costs a few attribute writes, not ``Event.__init__`` and
  ``Environment.schedule``: the model makes one per step of a call's journey.
- ``Arrivals``, ``Timetable`` and ``run_until``: ``env.run(until=...)`` as one loop, which
  also fires a sorted list of arrival times and a timetable of callbacks known before the
  run without putting them on the heap. Each arrival is ordered exactly as a timeout
  scheduled when the one before it fired (``env.timeout(t - now)``): same time to the bit,
  same event id drawn at the same moment; each timetable entry as ``after`` would have put
  it on the heap. So it is the very run a chain of timeouts would make, without an event
  per call, on a heap no longer than the events in flight.
- ``drop_pending_events``: forget every scheduled event at the end of a replication, so no
  reference cycle through callbacks outlives it.

``tests/model/test_simpy_compat.py`` checks that these internals exist and behave as
SimPy's own calls do; simpy is pinned below 5 in pyproject.toml.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from typing import Any

import simpy
from simpy.events import NORMAL, URGENT


class Environment(simpy.Environment):
    """SimPy's environment with its clock a plain attribute: the model reads ``now`` at
    almost every step of a call's journey, and SimPy's ``now`` is a property over
    ``_now``. Here ``_now`` is the property (SimPy's own methods still read and write it,
    rarely) and ``now`` the attribute; ``run_until`` sets it directly."""

    now: float = 0.0  # an attribute, not SimPy's property

    @property
    def _now(self) -> float:
        return self.now

    @_now.setter
    def _now(self, t: float) -> None:
        self.now = t


class _Call:
    """A scheduled callback: what SimPy's loop reads of an event (its callbacks, whether
    it succeeded) and the value the callback reads, as of a Timeout. ``run_until`` calls
    ``fn`` directly; ``callbacks`` is there for SimPy's own loop (``env.run``)."""

    __slots__ = ("fn", "value", "done")
    _ok = True

    def __init__(self, callback: Callable[[Any], object], value: object) -> None:
        self.fn = callback
        self.value = value
        self.done = False

    @property
    def callbacks(self) -> tuple[Callable[[Any], object], ...] | None:
        return None if self.done else (self.fn,)  # (a tuple: nothing can be added)

    @callbacks.setter
    def callbacks(self, value: None) -> None:  # SimPy's loop: processed
        self.done = True


def after(
    env: simpy.Environment,
    delay: float,
    callback: Callable[[Any], object],
    value: object = None,
    urgent: bool = False,
) -> None:
    """``callback(event)`` in ``delay`` minutes, ``event.value`` being ``value``: as
    ``env.timeout(delay, value).callbacks.append(callback)``, ahead of ordinary events at
    that instant if ``urgent``."""
    heappush(
        _heap(env),
        (env.now + delay, URGENT if urgent else NORMAL, next(env._eid), _Call(callback, value)),
    )


def at(
    env: simpy.Environment, time: float, callback: Callable[[Any], object], value: object = None
) -> None:
    """``callback(event)`` at ``time`` exactly (not before now), as an ordinary event."""
    if time < env.now:
        raise ValueError(f"time {time} is before now ({env.now})")
    heappush(_heap(env), (time, NORMAL, next(env._eid), _Call(callback, value)))


# (time, priority, event id) or the same with the event: how SimPy orders its events
Key = tuple[float, int, float]
NEVER: Key = (math.inf, int(NORMAL), math.inf)  # the key of an arrival or plan after the last


def _heap(env: simpy.Environment) -> list[Any]:
    """SimPy's heap of scheduled events (typed for its events; it holds ``_Call`` too)."""
    return env._queue


class Arrivals:
    """``callback(i)`` at each of ``times`` (sorted), outside SimPy's heap: ``run_until``
    fires them. Make it when the first arrival would be scheduled: each arrival takes its
    event id when the one before it has been handled (the first: now)."""

    __slots__ = ("times", "callback", "i", "key")

    def __init__(
        self, env: simpy.Environment, times: Sequence[float], callback: Callable[[int], object]
    ) -> None:
        self.times = times
        self.callback = callback
        self.i = 0
        self.key: Key = NEVER  # of arrival i
        self._next(env)

    def _next(self, env: simpy.Environment) -> None:
        """Schedule arrival ``i`` as ``env.timeout(times[i] - now)`` would."""
        if self.i < len(self.times):
            now = env.now
            self.key = (now + (self.times[self.i] - now), NORMAL, next(env._eid))
        else:
            self.key = NEVER


class Timetable:
    """Timed callbacks all known before the run starts (time away over a year, thousands),
    kept off SimPy's heap so that they do not make every push and pop of the run dearer:
    ``run_until`` walks them in order. Each is keyed as ``after`` would key it when added."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.entries: list[tuple[float, int, int, _Call]] = []

    def after(self, delay: float, callback: Callable[[Any], object], value: object = None) -> None:
        """As ``after(env, delay, callback, value)``, on the timetable."""
        env = self.env
        self.entries.append((env.now + delay, NORMAL, next(env._eid), _Call(callback, value)))


def run_until(
    env: Environment,
    until: float,
    arrivals: Arrivals | None = None,
    timetable: Timetable | None = None,
) -> None:
    """``env.run(until=until)``, with ``arrivals`` and the ``timetable`` (which it empties)
    fired in their turn: always the earliest of the heap's head, the next arrival and the
    next entry of the timetable, by (time, priority, event id) as SimPy orders events."""
    if not isinstance(env, Environment):
        raise TypeError("run_until needs simpy_compat.Environment (its clock is set directly)")
    if until <= env.now:
        raise ValueError(f"until ({until}) must be greater than the current simulation time")
    stop = _Call(_no_op, None)  # as env.run does: an urgent event at ``until``
    queue = _heap(env)
    eid = env._eid
    heappush(queue, (env.now + (until - env.now), URGENT, next(eid), stop))
    if arrivals is None:
        arrivals = Arrivals(env, (), _no_op)
    planned: list[Any] = []
    if timetable is not None:
        planned.extend(sorted(timetable.entries))
        timetable.entries.clear()
    planned.append(NEVER)
    k = 0
    # the arrivals, as locals: the next one's key, and what makes the one after
    times, arrive, i, key = arrivals.times, arrivals.callback, arrivals.i, arrivals.key
    n = len(times)
    try:
        while True:
            first = queue[0]  # never empty: the stop is there
            plan = planned[k]
            if plan < first:
                first = plan
            if key < first:  # an arrival, as a timeout scheduled by the one before it
                now = env.now = key[0]
                arrive(i)
                i += 1
                # (as Arrivals._next: a timeout scheduled now, its id drawn now)
                key = (now + (times[i] - now), NORMAL, next(eid)) if i < n else NEVER
                continue
            if first is plan:
                k += 1
                env.now, event = plan[0], plan[3]
            else:
                env.now, _, _, event = heappop(queue)
                if event is stop:
                    return
            if event.__class__ is _Call:  # (forgotten once called: no need to mark it done)
                event.fn(event)
                continue
            callbacks, event.callbacks = event.callbacks, None
            for callback in callbacks:
                callback(event)
            if not event._ok and not hasattr(event, "_defused"):
                raise event._value  # a failed event nobody handled: SimPy would crash too
    finally:
        arrivals.i, arrivals.key = i, key


def _no_op(_event: object) -> None:
    pass


def drop_pending_events(env: simpy.Environment) -> None:
    """Forget all scheduled events (end of a replication)."""
    env._queue.clear()  # simpy keeps pending events in this heap

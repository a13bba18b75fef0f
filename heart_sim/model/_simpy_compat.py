"""The three places heart-sim reaches inside SimPy, kept here so an upgrade breaks one file.

- ``urgent_timeout``: a timeout processed before ordinary events at the same instant (SimPy
  has URGENT priority for its own initialisation events, but no public urgent timeout).
  It sets ``Event._ok`` / ``Event._value`` the way ``simpy.Timeout`` does.
- ``timeout_at``: a timeout at an exact time (``env.timeout(t - env.now)`` fires at
  ``now + (t - now)``, which can be one rounding away from t): it pushes the event onto
  ``Environment._queue`` as ``Environment.schedule`` does, with ``Environment._eid``.
- ``drop_pending_events``: forget every scheduled event at the end of a replication
  (``Environment._queue``), so no reference cycle through callbacks outlives it.

``tests/model/test_simpy_compat.py`` checks that these internals exist and behave; simpy is
pinned below 5 in pyproject.toml.
"""

from __future__ import annotations

from heapq import heappush

import simpy
from simpy.events import NORMAL, URGENT


class _UrgentTimeout(simpy.Event):
    """Like ``env.timeout`` but processed before ordinary events at the same instant."""

    def __init__(self, env: simpy.Environment, delay: float):
        super().__init__(env)
        self._ok = True
        self._value = None
        env.schedule(self, URGENT, delay)


def urgent_timeout(env: simpy.Environment, delay: float) -> simpy.Event:
    """An event that fires ``delay`` from now, ahead of ordinary events at that time."""
    return _UrgentTimeout(env, delay)


class _TimeoutAt(simpy.Event):
    """Like ``env.timeout`` but at time ``at``, exactly."""

    def __init__(self, env: simpy.Environment, at: float, value: object):
        super().__init__(env)
        self._ok = True
        self._value = value
        heappush(env._queue, (at, NORMAL, next(env._eid), self))  # as env.schedule does


def timeout_at(env: simpy.Environment, at: float, value: object = None) -> simpy.Event:
    """An ordinary timeout that fires at ``at`` (not before now), to the last bit."""
    if at < env.now:
        raise ValueError(f"time {at} is before now ({env.now})")
    return _TimeoutAt(env, at, value)


def drop_pending_events(env: simpy.Environment) -> None:
    """Forget all scheduled events (end of a replication)."""
    env._queue.clear()  # simpy keeps pending events in this heap

"""The two places heart-sim reaches inside SimPy, kept here so an upgrade breaks one file.

- ``urgent_timeout``: a timeout processed before ordinary events at the same instant (SimPy
  has URGENT priority for its own initialisation events, but no public urgent timeout).
  It sets ``Event._ok`` / ``Event._value`` the way ``simpy.Timeout`` does.
- ``drop_pending_events``: forget every scheduled event at the end of a replication
  (``Environment._queue``), so no reference cycle through callbacks outlives it.

``tests/model/test_simpy_compat.py`` checks that these internals exist and behave; simpy is
pinned below 5 in pyproject.toml.
"""

from __future__ import annotations

import simpy
from simpy.events import URGENT


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


def drop_pending_events(env: simpy.Environment) -> None:
    """Forget all scheduled events (end of a replication)."""
    env._queue.clear()  # simpy keeps pending events in this heap

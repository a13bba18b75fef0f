"""The SimPy internals heart_sim relies on (behind heart_sim.model._simpy_compat) still exist and
behave: a SimPy release that changes them fails here, not as wrong numbers elsewhere."""

from __future__ import annotations

import simpy
from simpy.events import NORMAL, URGENT

from heart_sim.model._simpy_compat import drop_pending_events, timeout_at, urgent_timeout


def test_the_internals_exist() -> None:
    env = simpy.Environment()
    assert isinstance(env._queue, list)  # the heap of scheduled events
    assert next(env._eid) < next(env._eid)  # the counter that orders ties
    t = env.timeout(1)  # urgent_timeout sets these two the way Timeout does
    assert t._ok is True and t._value is None
    assert URGENT < NORMAL
    assert simpy.__version__.split(".")[0] == "4"


def test_an_urgent_timeout_fires_before_ordinary_events_at_the_same_instant() -> None:
    env = simpy.Environment()
    log: list[tuple[float, str]] = []
    env.timeout(5).callbacks.append(lambda _ev: log.append((env.now, "ordinary")))
    urgent_timeout(env, 5).callbacks.append(lambda _ev: log.append((env.now, "urgent")))
    env.timeout(3).callbacks.append(lambda _ev: log.append((env.now, "earlier")))
    env.run()
    assert log == [(3, "earlier"), (5, "urgent"), (5, "ordinary")]


def test_an_urgent_timeout_succeeds_with_none_like_a_timeout() -> None:
    env = simpy.Environment()
    ev = urgent_timeout(env, 2)
    env.run()
    assert ev.triggered and ev.ok and ev.value is None and env.now == 2


def test_dropping_pending_events_ends_the_run() -> None:
    env = simpy.Environment()
    fired: list[float] = []
    for t in (1, 2, 3):
        env.timeout(t).callbacks.append(lambda _ev: fired.append(env.now))
    env.run(until=1.5)
    drop_pending_events(env)
    env.run()
    assert fired == [1] and env._queue == []


def test_a_timeout_at_fires_at_that_very_time_and_in_order_of_scheduling() -> None:
    env = simpy.Environment(initial_time=0.2)
    at = 0.9  # 0.2 + (0.9 - 0.2) is 0.8999999999999999: a delay would miss it
    assert env.now + (at - env.now) != at
    log: list[tuple[float, str]] = []
    timeout_at(env, at, "first").callbacks.append(lambda ev: log.append((env.now, ev.value)))
    env.timeout(at - env.now).callbacks.append(lambda _ev: log.append((env.now, "delay")))
    timeout_at(env, at, "second").callbacks.append(lambda ev: log.append((env.now, ev.value)))
    env.run()
    assert log == [(0.8999999999999999, "delay"), (0.9, "first"), (0.9, "second")]


def test_a_timeout_at_a_past_time_is_refused() -> None:
    env = simpy.Environment(initial_time=5)
    try:
        timeout_at(env, 4)
    except ValueError as e:
        assert "before now" in str(e)
    else:
        raise AssertionError("no error")

"""The SimPy internals heart_sim relies on (behind heart_sim.model._simpy_compat) still exist and
behave: a SimPy release that changes them fails here, not as wrong numbers elsewhere. Each
shortcut is checked against the SimPy calls it stands for."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy
from simpy.events import NORMAL, URGENT

from heart_sim.model._simpy_compat import (
    Arrivals,
    Environment,
    Timetable,
    after,
    at,
    drop_pending_events,
    run_until,
)


def test_the_internals_exist() -> None:
    env = simpy.Environment()
    assert isinstance(env._queue, list)  # the heap of scheduled events
    assert next(env._eid) < next(env._eid)  # the counter that orders ties
    assert env._now == env.now == 0
    t = env.timeout(1)  # a _Call has what SimPy's loop reads of a Timeout
    assert t._ok is True and t._value is None and t.callbacks == []
    assert URGENT < NORMAL
    assert simpy.__version__.split(".")[0] == "4"


def test_an_urgent_call_fires_before_ordinary_events_at_the_same_instant() -> None:
    env = simpy.Environment()
    log: list[tuple[float, str]] = []
    env.timeout(5).callbacks.append(lambda _ev: log.append((env.now, "ordinary")))
    after(env, 5, lambda ev: log.append((env.now, ev.value)), "urgent", urgent=True)
    after(env, 3, lambda ev: log.append((env.now, ev.value)), "earlier")
    env.run()  # SimPy's own loop processes them too
    assert log == [(3, "earlier"), (5, "urgent"), (5, "ordinary")]


def test_a_call_at_a_time_fires_at_that_very_time_and_in_order_of_scheduling() -> None:
    env = Environment(initial_time=0.2)
    t = 0.9  # 0.2 + (0.9 - 0.2) is 0.8999999999999999: a delay would miss it
    assert env.now + (t - env.now) != t
    log: list[tuple[float, str]] = []
    at(env, t, lambda ev: log.append((env.now, ev.value)), "first")
    env.timeout(t - env.now).callbacks.append(lambda _ev: log.append((env.now, "delay")))
    at(env, t, lambda ev: log.append((env.now, ev.value)), "second")
    run_until(env, 2)
    assert log == [(0.8999999999999999, "delay"), (0.9, "first"), (0.9, "second")]


def test_a_call_at_a_past_time_is_refused() -> None:
    env = simpy.Environment(initial_time=5)
    with pytest.raises(ValueError, match="before now"):
        at(env, 4, print)


def _processes(env: simpy.Environment) -> list[tuple[float, str]]:
    """Two processes sharing a SimPy resource, with timeouts, an event and an urgent
    interrupt: the log of what happened when, run by SimPy's own ``env.run``."""
    log: list[tuple[float, str]] = []
    desk = simpy.Resource(env, 1)
    signal = env.event()

    def worker(name: str, start: float) -> Generator[simpy.Event, Any, None]:
        yield env.timeout(start)
        with desk.request() as req:
            yield req
            log.append((env.now, f"{name} at the desk"))
            yield env.timeout(1.5)
        if name == "a":
            signal.succeed("go")
        else:
            value = yield signal
            log.append((env.now, f"{name} heard {value}"))

    def sleeper() -> Generator[simpy.Event, Any, None]:
        try:
            yield env.timeout(10)
        except simpy.Interrupt:
            log.append((env.now, "woken"))

    env.process(worker("a", 0.5))
    env.process(worker("b", 0.25))
    s = env.process(sleeper())
    env.timeout(2.75).callbacks.append(lambda _ev: s.interrupt())
    env.run(until=6)
    log.append((env.now, "end"))
    return log


def test_the_environment_with_a_plain_clock_runs_simpy_as_simpy_does() -> None:
    ours, theirs = Environment(initial_time=0), simpy.Environment(initial_time=0)
    assert _processes(ours) == _processes(theirs)
    assert ours.now == ours._now == 6  # SimPy's own code reads and writes the clock too
    later = Environment(initial_time=3.5)
    assert later.now == 3.5 and later.timeout(1).env is later


def test_dropping_pending_events_ends_the_run() -> None:
    env = Environment()
    fired: list[float] = []
    for t in (1, 2, 3):
        after(env, t, lambda _ev: fired.append(env.now))
    run_until(env, 1.5)
    assert env.now == 1.5
    drop_pending_events(env)
    env.run()
    assert fired == [1] and env._queue == []


def _journeys(times: list[float], ours: bool) -> list[tuple[float, str, int]]:
    """A small model with ties: each arrival starts a job of 0, 0.5 or 1 minute, the
    same instants recur, and urgent and ordinary events meet them; the log of who ran
    when, made with SimPy's calls (a chain of timeouts, env.run) or with ours (ordinary
    ticks and breaks on a timetable)."""
    env = Environment(initial_time=0.1) if ours else simpy.Environment(initial_time=0.1)
    log: list[tuple[float, str, int]] = []
    timetable = Timetable(env)

    def job_done(ev) -> None:
        log.append((env.now, "done", ev.value))

    def arrive(i: int) -> None:
        log.append((env.now, "arrive", i))
        if ours:
            after(env, (i % 3) / 2, job_done, i)
        else:
            env.timeout((i % 3) / 2, i).callbacks.append(job_done)

    def tick(ev) -> None:
        log.append((env.now, "tick", ev.value))

    for k in range(1, 6):  # ticks on the whole minutes, some urgent
        if ours and k % 2 == 0:
            after(env, k - 0.1, tick, k, urgent=True)
        elif ours:
            timetable.after(k - 0.1, tick, k)
        else:
            ev = simpy.Event(env)
            ev._ok, ev._value = True, k
            env.schedule(ev, URGENT if k % 2 == 0 else NORMAL, k - 0.1)
            ev.callbacks.append(tick)
    for k in (3, 1, 2):  # breaks at the jobs' and arrivals' instants, added out of order
        if ours:
            timetable.after(k - 0.1, tick, -k)
        else:
            env.timeout(k - 0.1, -k).callbacks.append(tick)
    if isinstance(env, Environment):  # ours
        run_until(env, 4.5, Arrivals(env, times, arrive), timetable)
    else:
        state = {"i": 0}

        def schedule_next() -> None:
            i = state["i"]
            if i < len(times):
                env.timeout(times[i] - env.now, i).callbacks.append(on_arrival)

        def on_arrival(ev) -> None:
            arrive(ev.value)
            state["i"] = ev.value + 1
            schedule_next()

        schedule_next()
        env.run(until=4.5)
    log.append((env.now, "end", 0))
    return log


def test_arrivals_and_the_loop_run_as_a_chain_of_timeouts_and_env_run() -> None:
    rng = np.random.default_rng(3)
    times = sorted([0.3, 1.0, 1.0, 2.0, 2.5, 3.0, 4.5, 5.0] + rng.uniform(0.1, 5, 30).tolist())
    ours, simpys = _journeys(times, ours=True), _journeys(times, ours=False)
    assert ours == simpys
    arrived = sum(1 for _, what, _ in ours if what == "arrive")
    assert arrived == sum(t < 4.5 for t in times)  # up to the end, not at it
    assert ours[-1][0] == 4.5


def test_the_loop_refuses_an_end_not_after_now_and_a_plain_simpy_environment() -> None:
    with pytest.raises(ValueError, match="greater than the current"):
        run_until(Environment(initial_time=3), 3)
    with pytest.raises(TypeError, match="simpy_compat.Environment"):
        run_until(simpy.Environment(), 3)  # type: ignore[arg-type]

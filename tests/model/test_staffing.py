"""Scripted tests of ``StaffedPool``, in the style of SimPy's own resource tests.

A few small processes share one ``simpy.Environment``, log ``(env.now, what happened)``
and each test checks the exact log, the pool's counters (probed between events) and the
``PoolMeter`` integrals. They guard the trickiest code in the simulation: handovers,
overtime, patience, closing with calls waiting and the priority of live calls, where a
mistake shifts KPIs without failing anything else. Times are minutes; t = 0 is Monday 00:00.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from heart_sim.model._staffing import FOLLOWUP, LIVE, PoolMeter, StaffedPool, Unit
from heart_sim.scenario._schedules import MIN_PER_DAY, ShiftSpec, build_weekly

H = 60
MON, TUE = 0, 1


def make_pool(
    env: simpy.Environment, shifts: list[ShiftSpec], days: int = 1
) -> tuple[StaffedPool, PoolMeter]:
    """A pool following ``shifts``, measured over the first ``days`` days."""
    meter = PoolMeter(0, days * MIN_PER_DAY)
    changes = build_weekly(shifts).changes(days * MIN_PER_DAY)
    return StaffedPool(env, changes, meter), meter


def counters(pool: StaffedPool) -> str:
    return (
        f"staffed={pool.staffed} busy={pool.busy} overtime={pool.overtime} waiting={pool.waiting}"
    )


def probe(env: simpy.Environment, pool: StaffedPool, log: list, times: list[int]):
    """Log the pool's counters at each of ``times`` (ordinary events)."""
    for t in times:
        yield env.timeout(t - env.now)
        log.append((env.now, counters(pool)))


def job(env, pool, log, name, at, hold, priority=LIVE, patience=None, persistent=False):
    """Ask for a unit at ``at``; if one comes, hold it for ``hold`` minutes."""
    yield env.timeout(at - env.now)
    unit = yield pool.request(priority, patience, persistent)
    if unit is None:
        log.append((env.now, f"{name} gets None"))
        return
    log.append((env.now, f"{name} starts"))
    yield env.timeout(hold)
    pool.release(unit)
    log.append((env.now, f"{name} ends {'on overtime' if unit.overtime else 'on shift'}"))


def what(unit: Unit | None) -> str:
    return "None" if unit is None else type(unit).__name__


def nonzero(integral: np.ndarray) -> dict[int, float]:
    """A meter's per-hour-of-week integral, hours with nothing left out."""
    return {h: v for h, v in enumerate(integral) if v}


def test_shift_end_busy_unit_finishes_on_overtime_then_goes_off() -> None:
    env = simpy.Environment()
    log: list = []

    def late_caller():
        yield env.timeout(17 * H)  # the very instant the shift ends
        log.append((env.now, f"late try_acquire -> {pool.try_acquire()}"))
        unit = yield pool.request(LIVE, patience=60)
        log.append((env.now, f"late request -> {unit}"))

    # Started before the pool, so the caller's 17:00 event is scheduled before the shift
    # change: only the change's URGENT priority keeps the free unit from taking the call.
    env.process(late_caller())
    pool, meter = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=2)])
    env.process(job(env, pool, log, "job", 16 * H, 90))
    env.process(probe(env, pool, log, [16 * H - 1, 17 * H - 1, 17 * H + 1, 17 * H + 29,
                                       17 * H + 31, 18 * H + 1]))  # fmt: skip
    env.run(until=20 * H)
    pool.touch()

    assert log == [
        (16 * H - 1, "staffed=2 busy=0 overtime=0 waiting=0"),
        (16 * H, "job starts"),
        (17 * H - 1, "staffed=2 busy=1 overtime=0 waiting=0"),
        (17 * H, "late try_acquire -> None"),
        (17 * H + 1, "staffed=0 busy=0 overtime=1 waiting=1"),
        (17 * H + 29, "staffed=0 busy=0 overtime=1 waiting=1"),
        (17 * H + 30, "job ends on overtime"),
        (17 * H + 31, "staffed=0 busy=0 overtime=0 waiting=1"),  # the late call still waits
        (18 * H, "late request -> None"),
        (18 * H + 1, "staffed=0 busy=0 overtime=0 waiting=0"),
    ]
    assert nonzero(meter.staffed) == {h: 2 * 60.0 for h in range(9, 17)}
    assert nonzero(meter.busy) == {16: 60.0}
    assert nonzero(meter.overtime) == {17: 30.0}  # exactly the 30-minute overrun
    assert nonzero(meter.queue) == {17: 60.0}


def test_handover_fresh_unit_takes_a_call_while_the_old_job_runs_on_overtime() -> None:
    env = simpy.Environment()
    log: list = []
    shifts = [
        ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=1),  # A
        ShiftSpec(days=(MON,), start_min=17 * H, end_min=1 * H, units=1),  # B, to Tue 01:00
    ]
    pool, meter = make_pool(env, shifts, days=2)
    env.process(job(env, pool, log, "old job", 16 * H + 30, 60))
    env.process(job(env, pool, log, "new call", 17 * H + 5, 20, patience=30))
    env.process(probe(env, pool, log, [17 * H - 1, 17 * H, 17 * H + 6, 17 * H + 26,
                                       17 * H + 31, 25 * H + 1]))  # fmt: skip
    env.run(until=26 * H)
    pool.touch()

    assert log == [
        (16 * H + 30, "old job starts"),
        (17 * H - 1, "staffed=1 busy=1 overtime=0 waiting=0"),
        (17 * H, "staffed=1 busy=0 overtime=1 waiting=0"),  # B's unit is on, and free
        (17 * H + 5, "new call starts"),  # no wait
        (17 * H + 6, "staffed=1 busy=1 overtime=1 waiting=0"),
        (17 * H + 25, "new call ends on shift"),
        (17 * H + 26, "staffed=1 busy=0 overtime=1 waiting=0"),
        (17 * H + 30, "old job ends on overtime"),
        (17 * H + 31, "staffed=1 busy=0 overtime=0 waiting=0"),
        (25 * H + 1, "staffed=0 busy=0 overtime=0 waiting=0"),  # B ended at Tue 01:00
    ]
    assert sum(meter.staffed) == 16 * H  # 09:00 to 01:00, one unit throughout
    assert nonzero(meter.busy) == {16: 30.0, 17: 20.0}
    assert nonzero(meter.overtime) == {17: 30.0}
    assert nonzero(meter.queue) == {}


def test_request_out_of_patience_gets_none_and_a_served_one_never_does() -> None:
    env = simpy.Environment()
    log: list = []
    pool, meter = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=1)])
    served: dict[str, simpy.Event] = {}

    def patient():
        yield env.timeout(10 * H + 10)
        req = served["C"] = pool.request(LIVE, patience=30)  # gives up at 10:40, if waiting
        unit = yield req
        log.append((env.now, f"C starts with a {what(unit)}"))
        yield env.timeout(20)  # still holding the unit when its patience runs out
        pool.release(unit)
        log.append((env.now, "C ends"))

    env.process(job(env, pool, log, "A", 10 * H, 30))
    env.process(job(env, pool, log, "B", 10 * H + 5, 10, patience=10))
    env.process(patient())
    env.process(probe(env, pool, log, [10 * H + 12, 10 * H + 16, 10 * H + 31, 10 * H + 41,
                                       10 * H + 51]))  # fmt: skip
    env.run(until=12 * H)
    pool.touch()

    assert log == [
        (10 * H, "A starts"),
        (10 * H + 12, "staffed=1 busy=1 overtime=0 waiting=2"),
        (10 * H + 15, "B gets None"),  # exactly 10 minutes after asking
        (10 * H + 16, "staffed=1 busy=1 overtime=0 waiting=1"),
        (10 * H + 30, "A ends on shift"),
        (10 * H + 30, "C starts with a Unit"),
        (10 * H + 31, "staffed=1 busy=1 overtime=0 waiting=0"),
        (10 * H + 41, "staffed=1 busy=1 overtime=0 waiting=0"),  # C's timer changed nothing
        (10 * H + 50, "C ends"),
        (10 * H + 51, "staffed=1 busy=0 overtime=0 waiting=0"),
    ]
    assert isinstance(served["C"].value, Unit)
    assert nonzero(meter.queue) == {10: 10.0 + 20.0}  # B waited 10 minutes, C 20
    assert nonzero(meter.busy) == {10: 50.0}


def test_closing_turns_live_calls_away_and_carries_follow_ups_to_the_next_day() -> None:
    env = simpy.Environment()
    log: list = []
    pool, meter = make_pool(
        env, [ShiftSpec(days=(MON, TUE), start_min=9 * H, end_min=17 * H, units=1)], days=2
    )
    env.process(job(env, pool, log, "J", 16 * H, 90))  # runs on overtime to 17:30
    env.process(job(env, pool, log, "L1", 16 * H + 10, 30))
    env.process(job(env, pool, log, "F1", 16 * H + 20, 30, FOLLOWUP, persistent=True))
    env.process(job(env, pool, log, "L2", 16 * H + 30, 30))
    env.process(job(env, pool, log, "F2", 16 * H + 40, 30, FOLLOWUP, persistent=True))
    env.process(job(env, pool, log, "P", 16 * H + 50, 30, LIVE, persistent=True))
    tue = MIN_PER_DAY
    env.process(probe(env, pool, log, [17 * H - 5, 17 * H + 1, 17 * H + 31, tue + 9 * H - 1,
                                       tue + 9 * H + 1, tue + 10 * H + 31]))  # fmt: skip
    env.run(until=2 * MIN_PER_DAY)
    pool.touch()

    assert log == [
        (16 * H, "J starts"),
        (17 * H - 5, "staffed=1 busy=1 overtime=0 waiting=5"),
        (17 * H, "L1 gets None"),  # turned away at the closing instant
        (17 * H, "L2 gets None"),
        (17 * H + 1, "staffed=0 busy=0 overtime=1 waiting=3"),
        (17 * H + 30, "J ends on overtime"),
        (17 * H + 31, "staffed=0 busy=0 overtime=0 waiting=3"),  # no one served off shift
        (tue + 9 * H - 1, "staffed=0 busy=0 overtime=0 waiting=3"),
        (tue + 9 * H, "P starts"),  # priority first: the live persistent job
        (tue + 9 * H + 1, "staffed=1 busy=1 overtime=0 waiting=2"),
        (tue + 9 * H + 30, "P ends on shift"),
        (tue + 9 * H + 30, "F1 starts"),  # then the follow-ups in arrival order
        (tue + 10 * H, "F1 ends on shift"),
        (tue + 10 * H, "F2 starts"),
        (tue + 10 * H + 30, "F2 ends on shift"),
        (tue + 10 * H + 31, "staffed=1 busy=0 overtime=0 waiting=0"),
    ]
    assert nonzero(meter.overtime) == {17: 30.0}
    # L1 50 + L2 30 minutes until closing; P, F1, F2 until Tuesday 09:00, 09:30, 10:00.
    assert sum(meter.queue) == 50 + 30 + 970 + 1030 + 1040
    assert sum(meter.staffed) == 2 * 8 * H


def test_live_call_is_served_before_follow_up_work_queued_earlier() -> None:
    env = simpy.Environment()
    log: list = []
    pool, meter = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=1)])
    env.process(job(env, pool, log, "A", 10 * H, 30))
    env.process(job(env, pool, log, "follow-up", 10 * H + 5, 30, FOLLOWUP, persistent=True))
    env.process(job(env, pool, log, "live", 10 * H + 10, 30, LIVE))
    env.process(probe(env, pool, log, [10 * H + 11, 10 * H + 31, 11 * H + 1, 11 * H + 31]))
    env.run(until=12 * H)
    pool.touch()

    assert log == [
        (10 * H, "A starts"),
        (10 * H + 11, "staffed=1 busy=1 overtime=0 waiting=2"),
        (10 * H + 30, "A ends on shift"),
        (10 * H + 30, "live starts"),
        (10 * H + 31, "staffed=1 busy=1 overtime=0 waiting=1"),
        (11 * H, "live ends on shift"),
        (11 * H, "follow-up starts"),
        (11 * H + 1, "staffed=1 busy=1 overtime=0 waiting=0"),
        (11 * H + 30, "follow-up ends on shift"),
        (11 * H + 31, "staffed=1 busy=0 overtime=0 waiting=0"),
    ]
    assert nonzero(meter.queue) == {10: 55.0 + 20.0}  # follow-up 10:05-11:00, live 10:10-10:30


def test_units_are_on_duty_at_the_instant_the_shift_begins() -> None:
    env = simpy.Environment()
    log: list = []

    def grab(name: str, at: int):
        yield env.timeout(at)
        log.append((env.now, f"{name} try_acquire -> {what(pool.try_acquire())}"))

    def ask(name: str, at: int):
        yield env.timeout(at)
        unit = yield pool.request(LIVE, patience=5)
        log.append((env.now, f"{name} request -> {what(unit)}"))

    # Started before the pool, so their 09:00 events are scheduled before the shift change:
    # only the change's URGENT priority puts the units on duty first.
    env.process(grab("early", 9 * H - 1))
    env.process(grab("X", 9 * H))
    env.process(ask("Y", 9 * H))
    pool, meter = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=2)])
    env.process(probe(env, pool, log, [9 * H + 1]))
    env.run(until=10 * H)
    pool.touch()

    assert log == [
        (9 * H - 1, "early try_acquire -> None"),
        (9 * H, "X try_acquire -> Unit"),
        (9 * H, "Y request -> Unit"),  # zero wait
        (9 * H + 1, "staffed=2 busy=2 overtime=0 waiting=0"),
    ]
    assert nonzero(meter.queue) == {}  # Y never waited
    assert nonzero(meter.busy) == {9: 2 * 60.0}


def test_try_acquire_gives_none_while_requests_are_queued() -> None:
    env = simpy.Environment()
    log: list = []
    pool, _ = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=17 * H, units=1)])

    def first():
        yield env.timeout(10 * H)
        unit = pool.try_acquire()
        log.append((env.now, f"A try_acquire -> {what(unit)}"))
        yield env.timeout(30)
        pool.release(unit)  # the unit goes straight to B, who is queued, before B resumes
        log.append((env.now, f"A released, try_acquire -> {pool.try_acquire()}"))

    def queued():
        yield env.timeout(10 * H + 10)
        log.append((env.now, f"B try_acquire -> {pool.try_acquire()}"))
        unit = yield pool.request()
        log.append((env.now, f"B request -> {what(unit)}"))

    def bystander():
        yield env.timeout(10 * H + 20)
        log.append((env.now, f"C try_acquire -> {pool.try_acquire()} ({counters(pool)})"))

    env.process(first())
    env.process(queued())
    env.process(bystander())
    env.process(probe(env, pool, log, [10 * H + 31]))
    env.run(until=11 * H)

    assert log == [
        (10 * H, "A try_acquire -> Unit"),
        (10 * H + 10, "B try_acquire -> None"),
        (10 * H + 20, "C try_acquire -> None (staffed=1 busy=1 overtime=0 waiting=1)"),
        (10 * H + 30, "A released, try_acquire -> None"),
        (10 * H + 30, "B request -> Unit"),
        (10 * H + 31, "staffed=1 busy=1 overtime=0 waiting=0"),
    ]


def test_then_answers_come_at_once_and_give_ups_at_their_exact_deadlines() -> None:
    """Requests answered through ``then``: a unit comes inside the release that frees it,
    a live call gives up at the very time its own timeout would have fired (one alarm
    for the earliest deadline, a later request with an earlier deadline included), and
    the calls served before their deadline never give up."""
    env = simpy.Environment(initial_time=0.2)
    pool, meter = make_pool(env, [ShiftSpec(days=(MON,), start_min=0, end_min=17 * H, units=1)])
    log: list = []

    def ask(name: str, at: float, patience: float) -> None:
        def answered(unit: Unit | None) -> None:
            log.append((env.now, name, what(unit)))
            if unit is not None:  # hold it 30 minutes
                env.timeout(30).callbacks.append(lambda _ev: pool.release(unit))

        def now(_ev) -> None:
            pool.request(LIVE, patience, then=answered)

        env.timeout(at - env.now).callbacks.append(now)

    ask("A", 10 * H, 5)  # a unit at once
    ask("B", 10 * H + 1, 40)  # served at 10:30, before its deadline at 10:41
    ask("C", 10 * H + 2, 9.7)  # gives up at 10:11.7
    ask("D", 10 * H + 3, 0.7)  # later, but gives up first: 10:03.7
    ask("E", 10 * H + 4, 100)  # served at 11:00
    env.run(until=12 * H)
    pool.touch()

    t = 10 * H
    assert log == [
        (t, "A", "Unit"),
        (t + 3 + 0.7, "D", "None"),
        (t + 2 + 9.7, "C", "None"),
        (t + 30, "B", "Unit"),  # inside A's release: no event in between
        (t + 60, "E", "Unit"),
    ]
    # each deadline to the bit: now + patience, as a timeout would have computed it
    assert log[1][0] == (t + 3) + 0.7 and log[2][0] == (t + 2) + 9.7
    assert sum(meter.queue) == pytest.approx(29 + 9.7 + 0.7 + 56)  # B, C, D, E waited
    assert nonzero(meter.busy) == {10: 60.0, 11: 30.0}


@pytest.mark.parametrize(
    ("begin", "stop"),
    [(0.0, 32 * H), (4 * H + 10, 20 * H)],  # the window inside the run; the run inside it
)
def test_the_meter_sums_hour_by_hour_as_adding_each_piece_in_turn(
    begin: float, stop: float
) -> None:
    """The meter's integrals, computed from the spans when read, are the very floats of
    crediting each span's pieces hour by hour in time order (the way a meter updated at
    every change would); spans outside the window count nothing."""
    rng = np.random.default_rng(5)
    t0, t1 = 2 * H, 30 * H + 20
    times = np.concatenate(([2 * H, 3 * H, 9 * H, 9 * H, 31 * H], rng.uniform(0, 32 * H, 300)))
    times = np.concatenate(([begin], np.sort(times[(times > begin) & (times <= stop)])))
    levels = rng.integers(0, 4, (len(times) - 1, 5))
    meter = PoolMeter(t0, t1, begin)
    for b, lv in zip(times[1:], levels):
        meter.advance(float(b), *(int(x) for x in lv))

    expected = [[0.0] * meter.n for _ in range(5)]
    for a, b, lv in zip(times[:-1], times[1:], levels):
        a, b = max(float(a), t0), min(float(b), t1)
        while a < b:
            stop = min((a // H + 1) * H, b)
            for k in range(5):
                expected[k][int(a // H) - t0 // H] += int(lv[k]) * (stop - a)
            a = stop
    got = [meter.staffed, meter.busy, meter.overtime, meter.queue, meter.away]
    assert [g.tolist() for g in got] == expected
    assert sum(meter.staffed) == pytest.approx(
        float(levels[:, 0] @ np.diff(np.clip(times, t0, t1)))
    )


def test_calls_left_waiting_at_closing_hear_so_in_the_order_they_queued() -> None:
    """A program closes with three live calls waiting: two SimPy processes (their
    requests are events) and, between them, a call that waits through ``then`` (a Hold,
    answered with ``simpy_compat.after`` at no delay). All three hear None at the closing
    instant, after the rest of it, in the order they queued: the Hold's answer is
    scheduled exactly where an event succeeding would be."""
    env = simpy.Environment()
    pool, _ = make_pool(env, [ShiftSpec(days=(MON,), start_min=9 * H, end_min=10 * H, units=1)])
    log: list = []
    env.process(job(env, pool, log, "busy", 9 * H, 2 * H))  # holds the only unit past 10:00
    env.process(job(env, pool, log, "A", 9 * H + 10, 5))

    def hold(_ev) -> None:
        assert pool.try_acquire() is None
        pool.wait(lambda unit: log.append((env.now, f"B hears {what(unit)}")))

    env.timeout(9 * H + 20).callbacks.append(hold)
    env.process(job(env, pool, log, "C", 9 * H + 30, 5))
    env.timeout(10 * H).callbacks.append(lambda _ev: log.append((env.now, "an event at 10:00")))
    env.run(until=12 * H)
    assert log == [
        (9 * H, "busy starts"),
        (10 * H, "an event at 10:00"),  # scheduled before the closing's answers
        (10 * H, "A gets None"),
        (10 * H, "B hears None"),
        (10 * H, "C gets None"),
        (11 * H, "busy ends on overtime"),
    ]

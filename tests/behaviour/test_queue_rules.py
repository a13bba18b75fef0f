"""Who goes first and who gives up: call-type priorities, patience per call type and as a
distribution, and CCD as a phone queue whose callers hang up (Erlang-A)."""

from __future__ import annotations

import numpy as np
import pytest
from builders import mmc_dict
from theory import erlang_a

from heart_sim.core._vocab import Outcome
from heart_sim.measure._metrics import replication_kpis, t_interval
from heart_sim.model._engine import simulate
from heart_sim.scenario._load import scenario_from_dict


def ccd_queue(c: int, lam_per_min: float, phone_mean: float, patience_mean: float) -> dict:
    """CCD alone, 24/7 with c clinicians: every call goes to it and is resolved by phone;
    exponential phone time and caller patience, 911 never takes a call back."""
    d = mmc_dict(c, 0.5, weeks=20)
    d["demand"] = {"calls_per_week": lam_per_min * 7 * 24 * 60}
    d["call_types"]["any"]["ccd_transfer"] = 1.0
    d["programs"]["crt"]["shifts"] = []
    d["programs"]["ccd"] = {
        "area": "city",
        "shifts": [{"days": "daily", "start": "00:00", "end": "24:00", "units": c}],
        "phone_time": {"dist": "exponential", "mean": phone_mean},
        "caller_patience_min": {"dist": "exponential", "mean": patience_mean},
    }
    return d


@pytest.mark.parametrize(
    ("c", "lam", "phone", "patience"),
    [(1, 0.04, 20.0, 10.0), (2, 0.1, 20.0, 10.0), (4, 0.25, 15.0, 5.0)],
)
def test_ccd_hang_ups_follow_erlang_a(c: int, lam: float, phone: float, patience: float) -> None:
    theory = erlang_a(c, lam, 1 / phone, 1 / patience)
    sc = scenario_from_dict(ccd_queue(c, lam, phone, patience))
    ks = [replication_kpis(simulate(sc, 5, r), sc) for r in range(8)]
    sent = np.array([k["ccd_assessed"] + k["ccd_unanswered"] for k in ks], float)
    abandon = np.array([k["caller_hung_up"] for k in ks]) / sent
    p_wait = np.array([k["ccd_p_wait"] for k in ks])
    served_wait = np.array([k["ccd_answer_wait"] for k in ks])
    for name, values, expected in (
        ("abandonment", abandon, theory["p_abandon"]),
        ("p(wait)", p_wait, theory["p_wait"]),
        ("served wait", served_wait, theory["served_wait"]),
    ):
        _, lo, hi, _ = t_interval(values)
        assert lo <= expected <= hi, (name, expected, lo, hi)
    # Every call sent to CCD ends answered or hung up: 911 never takes one back here.
    assert all(k["ccd_unanswered"] == k["caller_hung_up"] for k in ks)


def test_hang_ups_and_take_backs_are_told_apart() -> None:
    """A 911 hold limit of 2 minutes and callers who hang up after 1-4 (uniform): a caller
    out of patience first hangs up; otherwise 911 takes the call back and dispatches it."""
    d = ccd_queue(1, 0.1, 20.0, 10.0)
    d["programs"]["ccd"]["answer_patience_min"] = 2.0
    d["programs"]["ccd"]["caller_patience_min"] = {
        "dist": "triangular",
        "low": 1.0,
        "mode": 2.5,
        "high": 4.0,
    }
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    c = rec.calls
    unanswered = ~np.isnan(c.ccd_wait) & ~c.ccd_answered
    hung_up = c.outcome == Outcome.CALLER_HUNG_UP
    assert hung_up.sum() > 100 and (unanswered & ~hung_up).sum() > 100
    k = replication_kpis(rec, sc)
    assert k["ccd_taken_back"] + k["caller_hung_up"] == k["ccd_unanswered"]
    assert k["ccd_taken_back"] == int((unanswered & ~hung_up & _measured(rec)).sum())
    assert np.all(c.ccd_wait[hung_up] < 2.0)  # hung up before the 2-minute hold limit
    np.testing.assert_allclose(c.ccd_wait[unanswered & ~hung_up], 2.0)  # taken back at 2
    # Triangular(1, 2.5, 4): P(patience < 2) = (2 - 1)^2 / ((4 - 1)(2.5 - 1)) = 2/9 of those
    # who were not answered within their patience (all that waited that long, here).
    waited = unanswered.sum()
    assert hung_up.sum() / waited == pytest.approx(2 / 9, abs=0.04)


def _measured(rec) -> np.ndarray:
    c = rec.calls
    return (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)


def two_types(priority_a: int, priority_b: int, weeks: int = 30) -> dict:
    """Two call types sharing one busy CRT pool (M/M/2 at load 0.85), half each."""
    d = mmc_dict(2, 0.85, service_mean=30.0, weeks=weeks)
    one = d["call_types"]["any"]
    d["call_types"] = {
        "a": one | {"share": 0.5, "priority": priority_a},
        "b": one | {"share": 0.5, "priority": priority_b},
    }
    return d


def waits_by_type(d: dict, reps: int = 6) -> tuple[np.ndarray, np.ndarray]:
    sc = scenario_from_dict(d)
    wa, wb = [], []
    for r in range(reps):
        c = simulate(sc, 2, r).calls
        ok = ~np.isnan(c.dispatch_wait)
        wa.append(c.dispatch_wait[ok & (c.call_type == 0)].mean())
        wb.append(c.dispatch_wait[ok & (c.call_type == 1)].mean())
    return np.array(wa), np.array(wb)


def test_a_higher_priority_call_type_waits_less() -> None:
    wa, wb = waits_by_type(two_types(0, 1))
    assert wa.max() < wb.min()
    # Non-preemptive priority M/M/2 (Cobham): the high class waits W0 / (1 - rho_a), the
    # low class W0 / ((1 - rho_a)(1 - rho)), W0 = C(2, 1.7) / (2 mu) ... the ratio is
    # 1 / (1 - rho) = 1 / 0.15.
    _, lo, hi, _ = t_interval(wb / wa)
    assert lo <= 1 / 0.15 <= hi, (lo, hi)


def test_equal_priorities_wait_alike() -> None:
    wa, wb = waits_by_type(two_types(3, 3))
    _, lo, hi, _ = t_interval(wa - wb)
    assert lo <= 0 <= hi


def test_patience_per_call_type_and_as_a_distribution() -> None:
    """Type a waits at most a fixed 5 minutes; type b an exponential 20-minute patience
    (the program's 60 minutes applies to neither)."""
    d = two_types(0, 0, weeks=10)
    d["programs"]["crt"]["patience_min"] = 60
    d["call_types"]["a"]["patience_min"] = 5
    d["call_types"]["b"]["patience_min"] = {"dist": "exponential", "mean": 20}
    c = simulate(scenario_from_dict(d), 1, 0).calls
    gave_up = c.outcome == Outcome.FALLBACK_NO_UNIT
    a, b = gave_up & (c.call_type == 0), gave_up & (c.call_type == 1)
    np.testing.assert_allclose(c.dispatch_wait[a], 5.0)
    waits_b = c.dispatch_wait[b]
    assert waits_b.max() > 20 and waits_b.min() < 5  # not one number
    assert np.all(c.dispatch_wait[~gave_up & ~np.isnan(c.dispatch_wait)] <= 60)


def test_call_to_arrival_counts_call_taking_the_wait_and_travel() -> None:
    """Fixed 3-minute call-taking and 10-minute travel: call to arrival = 3 + the wait for
    a team + 10, call by call; the response time (request to arrival) leaves out the 3."""
    d = mmc_dict(2, 0.8, weeks=4)
    d["call_taking_time"] = {"dist": "fixed", "value": 3}
    d["programs"]["crt"]["travel_time"] = {"dist": "fixed", "value": 10}
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    c = rec.calls
    served = ~np.isnan(c.t_unit_start)
    np.testing.assert_allclose(
        c.t_unit_start[served] - c.t_arrive[served] - 3, c.dispatch_wait[served]
    )
    k = replication_kpis(rec, sc)
    assert k["crt_call_to_arrival"] == pytest.approx(3 + k["crt_queue_wait"] + 10)
    assert k["crt_response_time"] == pytest.approx(k["crt_queue_wait"] + 10)


def test_calls_that_fell_back_after_waiting_are_timed() -> None:
    """Patience 15 minutes, no CCD: a no-unit fallback waited exactly 15 minutes."""
    d = mmc_dict(1, 1.2, patience=15.0, weeks=2)
    sc = scenario_from_dict(d)
    rec = simulate(sc, 1, 0)
    k = replication_kpis(rec, sc)
    assert k["fallback_no_unit"] > 100
    assert k["fallback_no_unit_wait"] == pytest.approx(15.0)
    assert k["fallback_no_unit_wait_p90"] == pytest.approx(15.0)


def test_care_navigation_retries_and_counts_referrals_outside_its_area() -> None:
    """Every served call is referred; CN reaches a person at an attempt with chance 0.5, up
    to 3 attempts: reached 1 - 0.5^3 = 0.875, attempts per referral 1(0.5) + 2(0.25) +
    3(0.25) = 1.75. CN serves the pilot zone only: referrals from the rest are counted."""
    d = mmc_dict(2, 0.3, weeks=10)
    d["zones"] = {"in": {"share": 0.5, "pilot": True}, "out": {"share": 0.5}}
    del d["call_types"]["any"]["pilot_area_share"]
    d["programs"]["crt"]["cn_referral_prob"] = 1.0
    d["programs"]["cn"] = {
        "area": "pilot",
        "shifts": [{"days": "daily", "start": "00:00", "end": "24:00", "units": 5}],
        "contact_time": {"dist": "fixed", "value": 10},
        "contact_success_prob": 0.5,
        "retry_hours": 2,
        "max_attempts": 3,
    }
    sc = scenario_from_dict(d)
    k = replication_kpis(simulate(sc, 1, 0), sc)
    assert k["cn_reached_share"] == pytest.approx(0.875, abs=0.03)
    assert k["cn_attempts_per_referral"] == pytest.approx(1.75, abs=0.05)
    # Half the served calls are outside CN's area (about as many as it was referred).
    assert k["cn_referrals_out_of_area"] == pytest.approx(k["cn_referrals"], rel=0.1)


def test_callers_on_hold_when_ccd_closes_are_taken_back_not_counted_as_hang_ups() -> None:
    """CCD 09:00-17:00 with one clinician, callers patient for 30 minutes: a caller still
    holding at 17:00 is taken back by 911 and dispatched, not a hang-up (found in review)."""
    d = ccd_queue(1, 0.1, 20.0, 30.0)
    d["programs"]["ccd"]["shifts"] = [
        {"days": "weekdays", "start": "09:00", "end": "17:00", "units": 1}
    ]
    d["programs"]["ccd"]["caller_patience_min"] = 30.0
    c = simulate(scenario_from_dict(d), 1, 0).calls
    hung_up = c.outcome == Outcome.CALLER_HUNG_UP
    assert hung_up.sum() > 20
    np.testing.assert_allclose(c.ccd_wait[hung_up], 30.0)  # only after the full 30 minutes


def test_travel_counts_every_unit_free_when_several_come_on_together() -> None:
    """1 CRT unit all day (busy: a queue waits), 3 more from 12:00: the first call taken then
    has 3 free units to come from, the next 2, then 1 (each used to see 1)."""
    d = mmc_dict(1, 3.0, weeks=1, warmup=0)
    d["programs"]["crt"]["shifts"].append(
        {"days": "daily", "start": "12:00", "end": "24:00", "units": 3}
    )
    d["zones"] = {"all": {"share": 1.0, "area_sq_mi": 16.0}}
    del d["call_types"]["any"]["pilot_area_share"]
    d["programs"]["crt"]["travel_time"] = {"model": "square_root", "speed_mph": 60}
    c = simulate(scenario_from_dict(d), 1, 0).calls
    at_noon = np.isclose(c.t_unit_start, 12 * 60) & (c.dispatch_wait > 0)
    # 0.627 sqrt(16 / n) miles at a mile a minute.
    n = (np.sqrt(np.pi / 8) * 4 / c.travel_time[at_noon]) ** 2
    assert sorted(np.round(n).astype(int).tolist(), reverse=True)[:3] == [3, 2, 1]

"""911 routing (sent_to_heart), Co-Response triage (triage_share), transports and on-scene
time by call type: each does what it says and nothing else, checked on the per-call
records of one replication against binomial intervals and exact identities."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import baseline_dict

from heart_sim.core import Outcome, Program
from heart_sim.measure import replication_kpis
from heart_sim.model import calls_frame, simulate
from heart_sim.scenario import scenario_from_dict


def _scenario(weeks: int = 8, **change):
    data = baseline_dict() | {"horizon_weeks": weeks, "warmup_weeks": 1}
    for t in data["call_types"].values():
        t["ccd_transfer"] = 1.0  # every call on duty meets 911's choice once
    for path, value in change.items():
        node = data
        *parents, last = path.split(".")
        for key in parents:
            node = node[key]
        node[last] = value
    return scenario_from_dict(data)


def _within(k: int, n: int, p: float) -> bool:
    """k of n within 4 binomial standard errors of p (a false alarm about 1 in 16,000)."""
    return abs(k / n - p) <= 4 * math.sqrt(p * (1 - p) / n)


def test_a_routing_share_of_0_7_sends_30_percent_of_in_hours_calls_to_police() -> None:
    sc = _scenario(**{f"call_types.{t}.sent_to_heart": 0.7 for t in baseline_dict()["call_types"]})
    rec = simulate(sc, 5, 0)
    c = rec.calls
    window = (c.t_arrive >= rec.t0) & (c.t_arrive < rec.t1)
    on_duty = window & (c.ccd_open | c.team_open)
    not_sent = c.outcome == Outcome.FALLBACK_NOT_SENT
    n, k = int(on_duty.sum()), int((on_duty & not_sent).sum())
    assert n > 1000 and _within(k, n, 0.3), (k, n)
    assert not (not_sent & window & ~on_duty).any()  # only calls a program was on duty for
    kpis = replication_kpis(rec, sc)
    assert kpis["fallback_not_sent"] == int((window & not_sent).sum())
    assert kpis["fallback_not_sent_share"] == pytest.approx(k / int(window.sum()))
    # with everything sent (the default), no call is kept from HEART
    base = simulate(_scenario(), 5, 0).calls
    assert not (base.outcome == Outcome.FALLBACK_NOT_SENT).any()


def test_co_response_triage_sends_its_share_of_the_higher_risk_calls_and_no_other() -> None:
    always = [{"days": "daily", "start": "00:00", "end": "24:00", "units": 2}]
    sc = _scenario(
        **{
            "programs.cor.triage_share": 0.25,
            "programs.cor.shifts": always,
            "programs.ccd.shifts": [],
        }
    )
    rec = simulate(sc, 6, 0)
    frame = calls_frame(rec, list(sc.call_types), ["pilot", "rest"])
    frame = frame[frame.measured & frame.team_on_duty]
    cor = frame[frame.call_type == "higher_risk"]
    k = int((cor.outcome == "fallback_not_sent").sum())
    assert len(cor) > 200 and _within(k, len(cor), 0.75), (k, len(cor))
    assert not (frame[frame.call_type != "higher_risk"].outcome == "fallback_not_sent").any()


def test_a_transport_adds_its_time_to_the_teams_job_and_nothing_else() -> None:
    many = [{"days": "daily", "start": "00:00", "end": "24:00", "units": 60}]
    fixed = {"dist": "fixed", "value": 12}  # (square-root travel depends on the free units)
    plain = _scenario(**{"programs.crt.shifts": many, "programs.crt.travel_time": fixed})
    moved = _scenario(
        **{
            "programs.crt.shifts": many,
            "programs.crt.travel_time": fixed,
            "programs.crt.transport": {"share": 0.4, "time": {"dist": "fixed", "value": 30}},
        }
    )
    a, b = simulate(plain, 3, 0).calls, simulate(moved, 3, 0).calls
    crt = a.outcome == Outcome.CRT_SERVED
    assert crt.sum() > 500
    np.testing.assert_array_equal(a.outcome, b.outcome)  # no call ends otherwise
    np.testing.assert_array_equal(a.response_time, b.response_time)  # nor waits longer
    extra = (b.t_unit_free - b.t_unit_start) - (a.t_unit_free - a.t_unit_start)
    np.testing.assert_allclose(extra[crt], np.where(b.transported[crt], 30.0, 0.0), atol=1e-9)
    assert not b.transported[~crt].any()
    assert _within(int(b.transported[crt].sum()), int(crt.sum()), 0.4)


def test_a_call_types_own_on_scene_time_is_used_for_that_type_only() -> None:
    many = [{"days": "daily", "start": "00:00", "end": "24:00", "units": 60}]
    sc = _scenario(
        **{
            "programs.crt.shifts": many,
            "programs.crt.on_scene_time_by_type": {"mental_health": {"dist": "fixed", "value": 95}},
            "programs.crt.wrap_up_time": {"dist": "fixed", "value": 0},
        }
    )
    rec = simulate(sc, 4, 0)
    c = rec.calls
    names = list(sc.call_types)
    crt = c.outcome == Outcome.CRT_SERVED
    mh = crt & (c.call_type == names.index("mental_health"))
    on_scene = c.t_unit_free - c.t_unit_start - c.travel_time
    assert mh.sum() > 50
    np.testing.assert_allclose(on_scene[mh], 95.0, atol=1e-9)
    assert not np.isclose(on_scene[crt & ~mh], 95.0).any()


def test_an_on_scene_time_for_an_unknown_call_type_is_refused() -> None:
    from heart_sim.core import ScenarioError

    with pytest.raises((ScenarioError, ValueError), match="on_scene_time_by_type: nosuch"):
        _scenario(
            **{"programs.crt.on_scene_time_by_type": {"nosuch": {"dist": "fixed", "value": 1}}}
        )


def test_reach_in_operating_hours_counts_only_calls_a_program_was_on_duty_for() -> None:
    sc = _scenario()
    rec = simulate(sc, 8, 0)
    frame = calls_frame(rec, list(sc.call_types), ["pilot", "rest"])
    k = replication_kpis(rec, sc)
    m = frame[frame.measured]
    on = m[m.ccd_on_duty | m.team_on_duty]
    heart = on.outcome.isin(["ccd_resolved", "crt_served", "cor_served"])
    assert k["heart_response_rate_in_hours"] == pytest.approx(heart.mean())
    assert k["heart_response_rate_in_hours"] > k["heart_response_rate"]
    ccd_on = m[m.ccd_on_duty]  # ccd_transfer is 1 for every type here
    assert k["ccd_reach_in_hours"] == pytest.approx(ccd_on.ccd_answered.mean())
    cor = m[(m.call_type == "higher_risk") & m.team_on_duty]
    assert k["cor_reach_in_hours"] == pytest.approx((cor.outcome == "cor_served").mean())
    assert Program.COR.label == "CoR"

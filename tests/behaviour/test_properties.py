"""Property-based tests on random small scenarios (hypothesis)."""

from __future__ import annotations

import copy

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heart_sim.core._vocab import ENDINGS, Outcome
from heart_sim.measure._metrics import replication_kpis, t_interval
from heart_sim.model._engine import simulate
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.study._studies import run

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


@st.composite
def shifts(draw, max_units: int = 3):
    out = []
    for _ in range(draw(st.integers(0, 2))):
        start = draw(st.integers(0, 23))
        # start == end is rejected as zero length; a full day is written 00:00-24:00.
        length = draw(st.integers(1, 24 if start == 0 else 23))
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
        end = (start + length) % 24
        out.append(
            {
                "days": days,
                "start": f"{start:02d}:00",
                "end": "24:00" if end == 0 else f"{end:02d}:00",
                "units": draw(st.integers(0, max_units)),
            }
        )
    return out


def _normalised(draw, n: int) -> list[float]:
    w = [draw(st.integers(1, 10)) for _ in range(n)]
    return [x / sum(w) for x in w]


means = st.floats(1, 60)
patience = st.one_of(st.none(), st.floats(0, 60))


@st.composite
def scenarios(draw) -> dict:
    n_types = draw(st.integers(1, 3))
    shares = _normalised(draw, n_types)
    call_types = {}
    for k in range(n_types):
        d = _normalised(draw, 4)
        call_types[f"t{k}"] = {
            "share": shares[k],
            "pilot_area_share": draw(st.floats(0, 1)),
            "ccd_transfer": draw(st.floats(0, 1)),
            "ccd_decision": dict(zip(("resolve", "crt", "cor", "refer"), d)),
            "direct": draw(st.sampled_from(["crt", "cor"])),
            "priority": draw(st.integers(0, 9)),
        }
    # Shares must sum to 1 exactly enough: fix the last one.
    last = f"t{n_types - 1}"
    call_types[last]["share"] = 1 - sum(v["share"] for k, v in call_types.items() if k != last)
    for t in call_types.values():
        dec = t["ccd_decision"]
        dec["refer"] = 1 - dec["resolve"] - dec["crt"] - dec["cor"]

    def team():
        return {
            "area": draw(st.sampled_from(["pilot", "city"])),
            "shifts": draw(shifts()),
            "travel_time": {"dist": "exponential", "mean": draw(means)},
            "on_scene_time": {"dist": "exponential", "mean": draw(means)},
            "patience_min": draw(patience),
            "cn_referral_prob": draw(st.floats(0, 1)),
        }

    return {
        "name": "prop",
        "horizon_weeks": 1,
        "warmup_weeks": draw(st.integers(0, 1)),
        "demand": {"calls_per_week": draw(st.floats(20, 400))},
        "call_types": call_types,
        "programs": {
            "ccd": {
                "shifts": draw(shifts()),
                "phone_time": {"dist": "exponential", "mean": draw(means)},
                "answer_patience_min": draw(patience),
                "caller_patience_min": draw(
                    st.one_of(
                        st.none(), st.builds(lambda m: {"dist": "exponential", "mean": m}, means)
                    )
                ),
                "followup_prob": draw(st.floats(0, 1)),
                "followup_time": {"dist": "exponential", "mean": draw(means)},
            },
            "crt": team(),
            "cor": team(),
            "cn": {
                "shifts": draw(shifts()),
                "contact_time": {"dist": "exponential", "mean": draw(means)},
                "contact_success_prob": draw(st.floats(0.05, 1)),
                "retry_hours": draw(st.floats(0, 48)),
            },
        },
        "call_taking_time": draw(
            st.one_of(st.none(), st.builds(lambda m: {"dist": "fixed", "value": m}, means))
        ),
    }


PROPS = settings(
    max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPS
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_calls_are_conserved(data, seed) -> None:
    sc = scenario_from_dict(data)
    rec = simulate(sc, seed, 0)
    k = replication_kpis(rec, sc)
    assert set(np.unique(rec.calls.outcome)) <= {int(o) for o in Outcome}
    assert k["in_system"] + sum(k[key] for key in (o.key for o in ENDINGS)) == k["calls_total"]
    for p in ("ccd", "crt", "cor", "cn"):
        util = k[f"{p}_utilization"]
        assert np.isnan(util) or 0 <= util <= 1 + 1e-9


def _with_units(data: dict, program: str, extra: int) -> dict:
    out = copy.deepcopy(data)
    for s in out["programs"][program]["shifts"]:
        s["units"] += extra
    return out


@PROPS
@given(scenarios())
def test_adding_a_unit_never_raises_the_mean_wait_beyond_noise(data) -> None:
    """Under common random numbers: the paired difference (c+1 minus c) of CRT's mean wait
    is never significantly positive."""
    base = run(scenario_from_dict(data), reps=4, seed=1).replications
    more = run(scenario_from_dict(_with_units(data, "crt", 1)), reps=4, seed=1).replications
    diff = (more["crt_mean_wait_all"] - base["crt_mean_wait_all"]).dropna().to_numpy()
    if diff.size >= 2 and np.ptp(diff) > 0:
        _, lo, _, _ = t_interval(diff)
        assert lo <= 1e-9, diff
    elif diff.size:
        assert diff.max() <= 1e-9, diff


@PROPS
@given(scenarios())
def test_zero_units_sends_every_call_to_police(data) -> None:
    for p in ("ccd", "crt", "cor", "cn"):
        for s in data["programs"][p]["shifts"]:
            s["units"] = 0
    sc = scenario_from_dict(data)
    k = replication_kpis(simulate(sc, 3, 0), sc)
    # (a call still with the 911 call-taker at the horizon has no outcome yet)
    fallen = k["fallback_out_of_hours"] + k["fallback_no_unit"]
    assert fallen + k["in_system"] == k["calls_total"]


@PROPS
@given(scenarios())
def test_a_program_never_on_shift_serves_nothing(data) -> None:
    data["programs"]["cor"]["shifts"] = []
    sc = scenario_from_dict(data)
    k = replication_kpis(simulate(sc, 5, 0), sc)
    assert k["cor_served"] == 0 and k["cor_staffed_hours"] == 0 and k["cor_requests"] == 0

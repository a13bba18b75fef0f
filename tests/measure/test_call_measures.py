"""Each call's measures, defined once: the whole-run metrics and the hour-by-hour ones
are the same per-call values, grouped differently."""

from __future__ import annotations

import numpy as np
import pytest
from builders import baseline_dict

from heart_sim.core import Program
from heart_sim.measure import replication_kpis
from heart_sim.measure._call_measures import (
    by_hour,
    call_measures,
    hour_of_week,
    percentile_by_group,
)
from heart_sim.measure._occupancy import hourly_metric
from heart_sim.model import calls_frame, simulate
from heart_sim.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def run():
    data = baseline_dict() | {"horizon_weeks": 3, "warmup_weeks": 1}
    data["programs"]["ccd"]["shifts"] = [
        {"days": "daily", "start": "00:00", "end": "24:00", "units": 1}
    ]
    data["programs"]["crt"]["response_target_min"] = 30
    sc = scenario_from_dict(data)
    rec = simulate(sc, 7, 0)
    calls = calls_frame(rec, list(sc.call_types), ["pilot", "rest"])
    return sc, rec, calls


def test_the_whole_run_metrics_are_the_calls_measures_as_the_call_records_show_them(run):
    sc, rec, calls = run
    k = replication_kpis(rec, sc)
    measured = calls[calls.measured]
    crt = measured[measured.dispatched_to == "crt"]
    served = crt[crt.response_time_min.notna()]
    waited = crt[crt.dispatch_wait_min.notna()]
    ccd = measured[measured.ccd_wait_min.notna()]
    assert len(served) > 50 and len(ccd) > 50  # enough calls for the checks to mean something
    assert k["crt_response_time"] == pytest.approx(served.response_time_min.mean(), rel=1e-12)
    assert k["crt_response_time_p90"] == pytest.approx(
        np.percentile(served.response_time_min, 90), rel=1e-12
    )
    assert k["crt_response_within_target"] == pytest.approx((served.response_time_min <= 30).mean())
    assert k["crt_p_wait"] == pytest.approx((waited.dispatch_wait_min > 0).mean())
    assert k["crt_mean_wait_all"] == pytest.approx(waited.dispatch_wait_min.mean())
    assert k["ccd_p_wait"] == pytest.approx((ccd.ccd_wait_min > 0).mean())
    assert k["ccd_unanswered_share"] == pytest.approx((~ccd.ccd_answered).mean())
    assert k["ccd_answered_share"] == pytest.approx(ccd.ccd_answered.mean())
    assert 0 < k["ccd_answered_share"] < 1
    answered = ccd[ccd.ccd_answered]
    assert k["ccd_answer_wait"] == pytest.approx(answered.ccd_wait_min.mean(), rel=1e-12)


@pytest.mark.parametrize(
    "name",
    [
        "ccd_p_wait",
        "ccd_unanswered_share",
        "ccd_answered_share",
        "heart_response_rate",
        "crt_p_wait",
        "crt_response_within_target",
        "crt_lost_share",
        "crt_reached_within_target",
    ],
)
def test_the_hours_add_up_to_the_whole_run(run, name):
    """Each hour's share weighted by its calls is the run's share: one set of calls, one
    definition, two groupings."""
    sc, rec, _ = run
    m = call_measures(rec, sc)
    hourly = hourly_metric(m, name)
    calls = np.bincount(m[name].hour, minlength=168)
    assert calls.sum() == m[name].values.size
    assert np.isnan(hourly[calls == 0]).all()
    whole = np.nansum(hourly * calls) / calls.sum()
    assert whole == pytest.approx(replication_kpis(rec, sc, m)[name], rel=1e-12)


def test_a_field_team_call_is_tagged_with_the_hour_911_asked_for_a_team(run):
    sc, rec, _ = run
    c = rec.calls
    m = call_measures(rec, sc)["crt_response_time"]
    served = (
        (c.t_arrive >= rec.t0)
        & (c.t_arrive < rec.t1)
        & (c.dispatched_to == Program.CRT.dispatch_code)
        & ~np.isnan(c.t_unit_start)
    )
    asked_at = c.t_unit_start[served] - c.dispatch_wait[served]
    assert list(m.hour) == [int(t // 60) % 168 for t in asked_at]
    assert (hour_of_week(np.array([0.0, 59.9, 60.0, 10080.0 + 61])) == [0, 0, 1, 1]).all()


def test_hour_of_week_is_the_floor_division_even_a_hair_either_side_of_the_hour():
    marks = np.arange(3 * 168) * 60.0
    t = np.concatenate(
        [marks, np.nextafter(marks, -1), np.nextafter(marks, np.inf)]
        + [np.random.default_rng(6).uniform(0, 3 * 10080, 100_000)]
    )
    assert (hour_of_week(t) == (t // 60).astype(np.int64) % 168).all()


def test_by_hour_takes_the_mean_or_a_percentile_of_each_hours_calls():
    from heart_sim.measure import PerCall

    m = PerCall(np.array([1.0, 3.0, 10.0, 20.0, 30.0]), np.array([5, 5, 7, 7, 7]))
    mean, p50 = by_hour(m), by_hour(m, 50)
    assert mean[5] == 2.0 and mean[7] == 20.0 and p50[7] == 20.0
    assert np.isnan(np.delete(mean, [5, 7])).all()
    with pytest.raises(ValueError, match="cannot be computed hour by hour"):
        hourly_metric({}, "cost_total_annual")
    with pytest.raises(ValueError, match="needs programs.cor.response_target_min"):
        hourly_metric({}, "cor_response_within_target")


@pytest.mark.parametrize("q", [0, 12.5, 50, 90, 95, 100])
def test_percentile_by_group_gives_the_floats_of_np_percentile(q):
    """Groups empty, of one value, with ties, with a NaN, and a hundred of any size: each
    group's percentile is the float np.percentile gives for it, bit for bit."""
    rng = np.random.default_rng(3)
    sizes = np.concatenate(([0, 1, 2, 7, 0, 3], rng.integers(0, 60, 100)))
    values = rng.exponential(20.0, sizes.sum())
    values[3:10] = np.round(values[3] / 10)  # ties: the group of 7
    values[10 + 1] = np.nan  # in the group of 3
    bounds = np.concatenate(([0], np.cumsum(sizes)))
    expected = [
        np.percentile(values[a:b], q) if b > a else np.nan for a, b in zip(bounds, bounds[1:])
    ]
    assert percentile_by_group(values, bounds, q).tobytes() == np.array(expected).tobytes()


def test_the_quantile_function_is_np_percentile_at_every_point_of_the_grid():
    from heart_sim.measure import PerCall
    from heart_sim.measure._call_measures import QUANTILE_GRID

    def per_call(values: np.ndarray) -> PerCall:
        return PerCall(values, np.zeros(values.size, np.int64))

    rng = np.random.default_rng(4)
    for values in (rng.exponential(20.0, 5000), rng.exponential(20.0, 7), np.array([3.0])):
        expected = np.percentile(values, QUANTILE_GRID)
        assert per_call(values).quantile_function.tobytes() == expected.tobytes()
    assert np.isnan(per_call(np.array([1.0, np.nan])).quantile_function).all()
    assert np.isnan(per_call(np.array([])).quantile_function).all()


def test_every_request_counts_in_the_lost_share_and_the_share_reached_in_time(run):
    """A response-time target sees served calls only; these two count every CRT request,
    a call lost to police/EMS as lost and as not reached (from the call records)."""
    sc, rec, calls = run
    k = replication_kpis(rec, sc)
    crt = calls[calls.measured & (calls.dispatched_to == "crt") & calls.dispatch_wait_min.notna()]
    lost = crt.outcome == "fallback_no_unit"
    assert lost.sum() > 0  # the check means something: some requests were lost
    assert k["crt_lost_share"] == pytest.approx(lost.mean())
    in_time = crt.response_time_min <= 30  # NaN (lost) compares False: a miss
    assert k["crt_reached_within_target"] == pytest.approx(in_time.mean())
    assert k["crt_reached_within_target"] < k["crt_response_within_target"]

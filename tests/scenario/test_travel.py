"""The square-root law of travel (heart_sim.scenario._travel) against a spatial Monte Carlo written
here, and in the model: more area, longer travel; more free teams, shorter."""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import mmc_dict

from heart_sim.model._engine import simulate
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.scenario._travel import SquareRootTravel


def nearest_distance_mc(n: int, metric: str, trials: int, rng: np.random.Generator) -> float:
    """Mean distance from a random call to the nearest of n random units in a unit square
    wrapped into a torus (no edge effects, as the law assumes), by simulation."""
    calls = rng.random((trials, 1, 2))
    units = rng.random((trials, n, 2))
    gap = np.abs(units - calls)
    gap = np.minimum(gap, 1 - gap)  # the shorter way round the torus
    dist = gap.sum(axis=2) if metric == "right_angle" else np.sqrt((gap**2).sum(axis=2))
    return float(dist.min(axis=1).mean())


@pytest.mark.parametrize("metric", ["right_angle", "euclidean"])
@pytest.mark.parametrize("n", [16, 64, 256])
def test_square_root_law_matches_a_spatial_monte_carlo(metric: str, n: int) -> None:
    rng = np.random.default_rng(11)
    simulated = nearest_distance_mc(n, metric, 640_000 // n, rng)
    law = SquareRootTravel(metric=metric, speed_mph=30).mean_distance(1.0, n)
    # Poisson-field constants, derived independently: P(D > r) = exp(-n |ball(r)|).
    c = math.sqrt(math.pi / 8) if metric == "right_angle" else 0.5
    assert law == pytest.approx(c / math.sqrt(n))
    # n fixed points rather than a Poisson field: P(D > r) = (1 - |ball(r)|)^n is a little
    # below exp(-n |ball(r)|), so the law is asymptotic: within a few per cent from n = 16
    # (at n = 4 the simulated mean is 8% lower).
    assert simulated == pytest.approx(law, rel=0.04), (simulated, law)


def test_minutes_are_overhead_plus_distance_over_speed() -> None:
    model = SquareRootTravel(speed_mph=30, overhead_min=2)
    # 0.627 * sqrt(100 / 4) = 3.13 miles at 30 mph = 6.27 min, + 2 min overhead.
    assert model.minutes(100.0, 4, 1.0) == pytest.approx(2 + math.sqrt(math.pi / 8) * 5 * 2)
    assert model.minutes(100.0, 0, 1.0) == model.minutes(100.0, 1, 1.0)  # at least one unit


def test_random_factors_have_mean_one_and_the_given_cv() -> None:
    f = SquareRootTravel(speed_mph=30, cv=0.6).factors(np.random.default_rng(2), 200_000)
    assert f.mean() == pytest.approx(1, abs=0.01)
    assert f.std() / f.mean() == pytest.approx(0.6, rel=0.03)


def _travel(area_sq_mi: float, units: int, calls_per_week: float = 20.0) -> float:
    """Mean travel of the calls one 24/7 program serves over one zone of the given area."""
    d = mmc_dict(units, 0.1, weeks=20)
    d["demand"] = {"calls_per_week": calls_per_week}
    d["zones"] = {"all": {"share": 1.0, "area_sq_mi": area_sq_mi}}
    del d["call_types"]["any"]["pilot_area_share"]
    d["programs"]["crt"]["area"] = "city"
    d["programs"]["crt"]["travel_time"] = {"model": "square_root", "speed_mph": 30}
    rec = simulate(scenario_from_dict(d), 1, 0)
    t = rec.calls.travel_time
    return float(np.nanmean(t))


def test_in_the_model_double_the_area_is_sqrt2_the_travel_and_more_teams_less() -> None:
    # A quiet program (20 calls a week, 30-minute jobs): nearly every team is free.
    one = _travel(50.0, 4)
    assert _travel(100.0, 4) / one == pytest.approx(math.sqrt(2), rel=0.02)
    # Twice the teams free: 1/sqrt(2) of the distance.
    assert _travel(50.0, 8) / one == pytest.approx(1 / math.sqrt(2), rel=0.02)


def test_a_busy_system_drives_further() -> None:
    quiet = _travel(50.0, 4, calls_per_week=20)
    busy = _travel(50.0, 4, calls_per_week=700)  # load 0.52: often 1-2 teams free
    assert busy > 1.15 * quiet


def test_the_same_calls_land_in_the_same_zones_whatever_the_staffing() -> None:
    """Common random numbers: zones come from their own stream, so two scenarios that
    differ only in staffing put every call in the same zone."""
    from builders import baseline_dict

    def run(units: int):
        d = baseline_dict()
        d["horizon_weeks"] = 2
        d["programs"]["crt"]["shifts"][0]["units"] = units
        return simulate(scenario_from_dict(d), 4, 1).calls

    a, b = run(2), run(5)
    np.testing.assert_array_equal(a.t_arrive, b.t_arrive)
    np.testing.assert_array_equal(a.zone, b.zone)
    assert 0.3 < a.zone.mean() < 0.8  # both zones occur (0.6 of calls outside the pilot)


def test_by_zone_outcomes_add_up_to_each_zones_calls() -> None:
    import heart_sim as hs
    from heart_sim.core._vocab import ENDINGS

    res = hs.simulate(hs.load("durham_2022").model_copy(update={"horizon_weeks": 4}), reps=2)
    z = res.by_zone.set_index("zone")
    ended = sum(z[o.key] for o in ENDINGS if o.key in z)
    in_system = z["calls_total"] - ended
    assert (in_system >= 0).all() and (in_system <= 5).all()  # a few still open at the end
    assert z["calls_total"].sum() == pytest.approx(
        res.summary.set_index("metric").loc["calls_total", "mean"]
    )

"""Where calls are (model._zones): the zone table of a scenario, the zones a program serves,
and each call's zone drawn from its type, its hour of the week and its uniform."""

from __future__ import annotations

import math

import numpy as np
from builders import mmc_dict

from heart_sim.model._zones import IMPLICIT, ZoneTable, draw_zones
from heart_sim.scenario._load import scenario_from_dict


def _zoned(**north) -> dict:
    data = mmc_dict(2, 0.5)
    data["call_types"]["any"].pop("pilot_area_share")
    data["call_types"]["other"] = {**data["call_types"]["any"], "share": 0.0}
    data["call_types"]["any"]["share"] = 1.0
    data["zones"] = {
        "north": {"share": 0.25, "area_sq_mi": 10, "pilot": True, **north},
        "south": {"share": 0.75, "area_sq_mi": 30, "share_by_type": {"other": 0.25}},
        "east": {"share": 0.0},  # no area given
    }
    data["zones"]["north"].setdefault("share_by_type", {"other": 0.75})
    return data


def test_the_zone_table_and_the_zones_a_program_serves() -> None:
    data = _zoned()
    data["programs"]["crt"]["area"] = ["south", "east"]
    sc = scenario_from_dict(data)
    table = ZoneTable.of(sc)
    assert table.names == ("north", "south", "east") and table.explicit
    assert table.pilot.tolist() == [True, False, False]
    assert table.served(sc, "crt").tolist() == [False, True, True]
    assert table.area_served(sc, "crt") == 30  # east has no area: counts as none
    data["programs"]["crt"]["area"] = "city"
    city = scenario_from_dict(data)
    assert ZoneTable.of(city).area_served(city, "crt") == 40


def test_without_zones_there_are_the_pilot_area_and_the_rest() -> None:
    data = mmc_dict(2, 0.5)
    data["call_types"]["any"]["pilot_area_share"] = 0.3
    data["programs"]["crt"]["area"] = "pilot"
    sc = scenario_from_dict(data)
    table = ZoneTable.of(sc)
    assert table.names == IMPLICIT and not table.explicit
    assert table.served(sc, "crt").tolist() == [True, False]
    assert math.isnan(table.area[0]) and table.area_served(sc, "crt") == 0
    u = (np.arange(1000) + 0.5) / 1000
    zone = draw_zones(sc, table, np.zeros(1000, int), np.zeros(1000), u)
    assert (zone == 0).sum() == 300  # in the pilot area with the type's share


def test_calls_land_in_zones_by_their_types_share() -> None:
    sc = scenario_from_dict(_zoned())
    table = ZoneTable.of(sc)
    n = 4000
    u = (np.arange(n) + 0.5) / n
    t = np.zeros(n)
    for type_index, expected in ((0, [1000, 3000, 0]), (1, [3000, 1000, 0])):
        zone = draw_zones(sc, table, np.full(n, type_index), t, u)
        assert np.bincount(zone, minlength=3).tolist() == expected


def test_hour_of_week_weights_move_calls_between_zones() -> None:
    # North's calls twice as likely as its share says in the first half of the week (weight
    # 3 over a mean of 2: x1.5) and half as likely (1/2 = x0.5) in the second.
    sc = scenario_from_dict(_zoned(hour_of_week_weights=[3.0] * 84 + [1.0] * 84))
    table = ZoneTable.of(sc)
    n = 21_000
    u = (np.arange(n) + 0.5) / n
    types = np.zeros(n, int)
    early = draw_zones(sc, table, types, np.full(n, 60.0 * 10), u)  # Monday 10:00
    late = draw_zones(sc, table, types, np.full(n, 60.0 * 150), u)  # Saturday 06:00
    # north: 0.25 x 1.5 against south 0.75: 1/3; then 0.25 x 0.5 against 0.75: 1/7.
    assert (early == 0).sum() == n // 3
    assert (late == 0).sum() == n // 7

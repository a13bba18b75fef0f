"""Where calls arise and where programs serve (scenario._zones): each check's message, the
key path it names, and which fault is named first when a scenario has several."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from heart_sim.core._errors import ScenarioError
from heart_sim.scenario._load import scenario_from_dict
from heart_sim.scenario._zones import Zone, zones_served


def _zoned() -> dict:
    """Two call types over three zones; CRT (square-root travel) serves the city, CoR two
    zones by name."""
    team = {"on_scene_time": {"dist": "exponential", "mean": 30}}
    decision = {"ccd_transfer": 0.0, "ccd_decision": {"resolve": 1.0}}
    return {
        "name": "zoned",
        "demand": {"calls_per_week": 100},
        "call_types": {
            "a": {"share": 0.6, "direct": "crt", **decision},
            "b": {"share": 0.4, "direct": "cor", **decision},
        },
        "zones": {
            "north": {"share": 0.25, "area_sq_mi": 10, "pilot": True, "share_by_type": {"b": 0.75}},
            "south": {"share": 0.75, "area_sq_mi": 30, "share_by_type": {"b": 0.25}},
            "east": {"share": 0.0},
        },
        "programs": {
            "crt": {
                "area": ["north", "south"],
                "shifts": [{"days": "daily", "start": "00:00", "end": "24:00", "units": 2}],
                "travel_time": {"model": "square_root", "speed_mph": 30},
                **team,
            },
            "cor": {
                "area": "pilot",
                "shifts": [{"days": "mon-fri", "start": "08:00", "end": "16:00", "units": 1}],
                "travel_time": {"dist": "fixed", "value": 5},
                **team,
            },
        },
    }


def _no_zones(d: dict) -> None:
    del d["zones"]
    d["call_types"]["a"]["pilot_area_share"] = 0.5
    d["call_types"]["b"]["pilot_area_share"] = 0.5
    d["programs"]["crt"]["travel_time"] = {"dist": "fixed", "value": 5}


def _zone(zone: str, key: str, value: object) -> Callable[[dict], None]:
    return lambda d: d["zones"][zone].__setitem__(key, value)


def _program(p: str, key: str, value: object) -> Callable[[dict], None]:
    return lambda d: d["programs"][p].__setitem__(key, value)


def _share_in_pilot(call_type: str, share: float) -> Callable[[dict], None]:
    return lambda d: d["call_types"][call_type].__setitem__("pilot_area_share", share)


def _rename_east_pilot(d: dict) -> None:
    d["zones"]["pilot"] = d["zones"].pop("east")


def _weights(zone: str, weights: list[float]) -> Callable[[dict], None]:
    return _zone(zone, "hour_of_week_weights", weights)


NO_WEIGHT_AT_10 = [0.0] * 10 + [1.0] * 158

CASES: list[tuple[str, list[Callable[[dict], None]], str]] = [
    (
        "a type without pilot_area_share and no zones",
        [_no_zones, lambda d: d["call_types"]["b"].pop("pilot_area_share")],
        "call_types.b.pilot_area_share: required without zones: (the share of the type's "
        "calls inside the pilot area)",
    ),
    (
        "pilot_area_share beside zones",
        [_share_in_pilot("b", 0.5)],
        "call_types.b.pilot_area_share: with zones: the zones give where calls are (share, "
        "share_by_type, pilot); drop pilot_area_share",
    ),
    (
        "a type's shares over the zones",
        [lambda d: d["zones"]["south"]["share_by_type"].__setitem__("b", 0.5)],
        "zones: the shares of b calls over the zones sum to 1.25, not 1",
    ),
    (
        "a share for a type there is not",
        [_zone("east", "share_by_type", {"zz": 0.0, "a": 0.0})],
        "zones.east.share_by_type: ['zz'] are not call types (a, b)",
    ),
    (
        "a zone's weights sum to zero",
        [_weights("north", [0.0] * 168)],
        "zones.north.hour_of_week_weights: sum to zero",
    ),
    (
        "a zone named as an area keyword",
        [lambda d: d["zones"].__setitem__("city", {"share": 0.0})],
        "zones.city: pilot and city are area keywords; name the zone otherwise (mark pilot "
        "zones with pilot: true)",
    ),
    (
        "an hour no zone takes calls in",
        [_weights("north", NO_WEIGHT_AT_10), _weights("south", NO_WEIGHT_AT_10)],
        "zones: every zone has weight 0 in hour 0 of the week (Monday 00:00 = 0): calls "
        "arriving then would have no zone",
    ),
    (
        "an area of zones without zones",
        [_no_zones],
        "programs.crt.area: a list of zones needs a zones: block",
    ),
    (
        "an area naming a zone there is not (checked before the travel to it)",
        [_program("crt", "area", ["west", "north"])],
        "programs.crt.area: ['west'] is not a zone (zones: north, south, east; or pilot, city)",
    ),
    (
        "an empty area",
        [_program("crt", "area", [])],
        "programs.crt.area: an empty list serves nothing (zones: north, south, east; or "
        "pilot, city)",
    ),
    (
        "the pilot area with no pilot zone",
        [_zone("north", "pilot", False)],
        "programs.cor.area: pilot, but no zone has pilot: true",
    ),
    (
        "square-root travel without zones",
        [
            _no_zones,
            _program("crt", "area", "city"),
            _program("crt", "travel_time", {"model": "square_root", "speed_mph": 30}),
        ],
        "programs.crt.travel_time: the square-root model needs zones: with area_sq_mi",
    ),
    (
        "square-root travel over a zone without its area",
        [_program("crt", "area", "city")],
        "programs.crt.travel_time: the square-root model needs zones.east.area_sq_mi",
    ),
    # Several faults: the checks run in a fixed order, so the same one is named first.
    (
        "pilot_area_share before the shares",
        [_zone("north", "share", 0.5), _share_in_pilot("a", 0.5)],
        "call_types.a.pilot_area_share: with zones: the zones give where calls are (share, "
        "share_by_type, pilot); drop pilot_area_share",
    ),
    (
        "the shares before each zone",
        [_rename_east_pilot, _zone("north", "share", 0.5)],
        "zones: the shares of a calls over the zones sum to 1.25, not 1",
    ),
    (
        "a zone's checks in their order",
        [_rename_east_pilot, _zone("pilot", "share_by_type", {"zz": 0.0})],
        "zones.pilot.share_by_type: ['zz'] are not call types (a, b)",
    ),
    (
        "the zones in their order",
        [
            _rename_east_pilot,
            _zone("pilot", "share_by_type", {"zz": 0.0}),
            _weights("south", [0.0] * 168),
        ],
        "zones.south.hour_of_week_weights: sum to zero",
    ),
    (
        "the zones before the programs",
        [
            _zone("north", "pilot", False),
            _weights("north", NO_WEIGHT_AT_10),
            _weights("south", NO_WEIGHT_AT_10),
        ],
        "zones: every zone has weight 0 in hour 0 of the week (Monday 00:00 = 0): calls "
        "arriving then would have no zone",
    ),
    (
        "the programs in their order",
        [_program("crt", "area", "city"), _program("cor", "area", ["moon"])],
        "programs.crt.travel_time: the square-root model needs zones.east.area_sq_mi",
    ),
]


@pytest.mark.parametrize(("changes", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_zone_check_names_its_key_path(changes, message) -> None:
    data = _zoned()
    scenario_from_dict(data)  # valid before the changes
    for change in changes:
        change(data)
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data, source="zoned.yaml")
    assert str(err.value) == f"zoned.yaml: {message}"


def test_the_zones_an_area_covers() -> None:
    zones = {
        "north": Zone(share=0.25, pilot=True),
        "south": Zone(share=0.75),
        "east": Zone(share=0.0, pilot=True),
    }
    assert zones_served(zones, "city") == ["north", "south", "east"]
    assert zones_served(zones, "pilot") == ["north", "east"]
    assert zones_served(zones, ["south", "north"]) == ["south", "north"]
    sc = scenario_from_dict(_zoned())
    assert sc.zone_names_served("crt") == ["north", "south"]
    assert sc.zone_names_served("cor") == ["north"]

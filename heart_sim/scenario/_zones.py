"""Zones (``zones:``): named parts of the city, and the checks that tie them to the rest
of the scenario.

A scenario says where calls arise either by each call type's ``pilot_area_share`` or by
zones (each zone's share of the calls, its area, whether it is in the pilot area). The
programs then serve the pilot area, the city or a list of zones, and the square-root
travel model reads the areas of the zones a team serves. The Scenario's ``_zones``
validator runs these checks one after another in a fixed order, so that a scenario with
several faults is always told about the same one first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated

from pydantic import Field

from ..core import Program
from ._fields import SUM_TOL, Frozen, NonNeg, Prob
from ._programs import _Program
from ._schedules import HOURS_PER_WEEK
from ._travel import SquareRootTravel


class Zone(Frozen):
    """A named part of the city (police districts, beats): its share of the calls, its area,
    and whether it is in the pilot area."""

    share: Prob = Field(description="share of all eligible calls arising in the zone")
    share_by_type: dict[str, Prob] = Field(
        default_factory=dict,
        description="share of each named call type's calls arising in the zone (overrides "
        "share for those types)",
    )
    area_sq_mi: Annotated[float, Field(gt=0, le=100_000, allow_inf_nan=False)] | None = Field(
        None, description="land area, square miles (needed by the square-root travel model)"
    )
    pilot: bool = Field(False, description="part of the pilot area (area: pilot)")
    hour_of_week_weights: list[NonNeg] | None = Field(
        None,
        min_length=168,
        max_length=168,
        description="the zone's own demand shape by hour of week (Monday 00:00 first): a "
        "call at hour h is in the zone with probability proportional to share x weight[h] / "
        "mean weight (so share is then a relative weight, not exactly the share of calls)",
    )


def zones_served(zones: Mapping[str, Zone], area: str | list[str]) -> list[str]:
    """The names of the zones an area covers: the zones listed, the pilot zones or all."""
    if isinstance(area, list):
        return list(area)
    return [n for n, z in zones.items() if area == "city" or z.pilot]


def check_where_calls_arise(
    pilot_area_shares: Mapping[str, float | None], zones: Mapping[str, Zone] | None
) -> None:
    """Without zones every call type gives its pilot_area_share; with zones none does.
    ``pilot_area_shares``: each call type's, by name, in the scenario's order."""
    if zones is None:
        missing = [t for t, share in pilot_area_shares.items() if share is None]
        if missing:
            raise ValueError(
                f"call_types.{missing[0]}.pilot_area_share: required without zones: "
                "(the share of the type's calls inside the pilot area)"
            )
        return
    given = [t for t, share in pilot_area_shares.items() if share is not None]
    if given:
        raise ValueError(
            f"call_types.{given[0]}.pilot_area_share: with zones: the zones give where "
            "calls are (share, share_by_type, pilot); drop pilot_area_share"
        )


def check_zones(zones: Mapping[str, Zone], call_types: Sequence[str]) -> None:
    """The zones themselves: each call type's shares over them sum to 1, each zone is
    sound, and a call arriving in any hour of the week has a zone to be in. ``call_types``:
    the names of the call types, in the scenario's order."""
    _check_shares_sum_to_one(zones, call_types)
    for name, zone in zones.items():
        _check_zone(name, zone, call_types)
    _check_every_hour_has_a_zone(zones)


def _check_shares_sum_to_one(zones: Mapping[str, Zone], call_types: Sequence[str]) -> None:
    for t in call_types:
        total = sum(z.share_by_type.get(t, z.share) for z in zones.values())
        if abs(total - 1) > SUM_TOL:
            raise ValueError(
                f"zones: the shares of {t} calls over the zones sum to {total:.6g}, not 1"
            )


def _check_zone(name: str, z: Zone, call_types: Sequence[str]) -> None:
    unknown = sorted(set(z.share_by_type) - set(call_types))
    if unknown:
        raise ValueError(
            f"zones.{name}.share_by_type: {unknown} are not call types ({', '.join(call_types)})"
        )
    w = z.hour_of_week_weights
    if w is not None and sum(w) <= 0:
        raise ValueError(f"zones.{name}.hour_of_week_weights: sum to zero")
    if name in ("pilot", "city"):
        raise ValueError(
            f"zones.{name}: pilot and city are area keywords; name the zone "
            "otherwise (mark pilot zones with pilot: true)"
        )


def _check_every_hour_has_a_zone(zones: Mapping[str, Zone]) -> None:
    if not any(z.hour_of_week_weights is not None for z in zones.values()):
        return
    for h in range(HOURS_PER_WEEK):
        weight = sum(
            z.share * (z.hour_of_week_weights[h] if z.hour_of_week_weights else 1)
            for z in zones.values()
        )
        if weight <= 0:
            raise ValueError(
                f"zones: every zone has weight 0 in hour {h} of the week (Monday "
                "00:00 = 0): calls arriving then would have no zone"
            )


def check_program_zones(p: Program, cfg: _Program, zones: Mapping[str, Zone] | None) -> None:
    """A program's area names zones there are (or, for the pilot area, some pilot zone),
    and the square-root travel model knows the area of every zone the team serves."""
    _check_area(p, cfg, zones)
    _check_travel(p, cfg, zones)


def _check_area(p: Program, cfg: _Program, zones: Mapping[str, Zone] | None) -> None:
    area = cfg.area
    if isinstance(area, list):
        if zones is None:
            raise ValueError(f"programs.{p}.area: a list of zones needs a zones: block")
        unknown = [a for a in area if a not in zones]
        if unknown or not area:
            raise ValueError(
                f"programs.{p}.area: {unknown or 'an empty list'} "
                f"{'is not a zone' if unknown else 'serves nothing'} (zones: "
                f"{', '.join(zones)}; or pilot, city)"
            )
    elif (
        area == "pilot"
        and zones is not None
        and cfg.shifts
        and not any(z.pilot for z in zones.values())
    ):
        raise ValueError(f"programs.{p}.area: pilot, but no zone has pilot: true")


def _check_travel(p: Program, cfg: _Program, zones: Mapping[str, Zone] | None) -> None:
    travel = getattr(cfg, "travel_time", None)
    if not isinstance(travel, SquareRootTravel):
        return
    if zones is None:
        raise ValueError(
            f"programs.{p}.travel_time: the square-root model needs zones: with area_sq_mi"
        )
    no_area = [z for z in zones_served(zones, cfg.area) if zones[z].area_sq_mi is None]
    if no_area:
        raise ValueError(
            f"programs.{p}.travel_time: the square-root model needs zones.{no_area[0]}.area_sq_mi"
        )

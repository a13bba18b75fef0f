"""Where calls are: each call's zone, and which zones each program serves.

Without ``zones:`` there are two implicit zones, the pilot area and the rest of the city,
and a call is in the pilot area with its type's ``pilot_area_share`` (as before zones
existed, from the same stream, so the same calls land in the same places). With ``zones:``
a call of type t arriving in hour-of-week h is in zone z with probability proportional to
share(z, t) x weight_z(h) / mean weight_z, from the same uniform: two scenarios that
differ in staffing put the same calls in the same zones (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core import Program
from ..scenario import HOURS_PER_WEEK, MIN_PER_HOUR, Scenario

IMPLICIT = ("pilot", "rest_of_city")


@dataclass(frozen=True)
class ZoneTable:
    """The zones of a scenario: names, pilot flags, areas (NaN where not given)."""

    names: tuple[str, ...]
    pilot: np.ndarray
    area: np.ndarray
    explicit: bool  # False: the two implicit zones of a scenario without zones:

    @classmethod
    def of(cls, scenario: Scenario) -> ZoneTable:
        if scenario.zones is None:
            return cls(IMPLICIT, np.array([True, False]), np.full(2, np.nan), False)
        zs = scenario.zones
        area = [np.nan if z.area_sq_mi is None else z.area_sq_mi for z in zs.values()]
        return cls(
            tuple(zs),
            np.array([z.pilot for z in zs.values()]),
            np.array(area, dtype=float),
            True,
        )

    def served(self, scenario: Scenario, program: Program | str) -> np.ndarray:
        """Which zones a program serves, as a boolean per zone."""
        area = scenario.program(program).area
        if isinstance(area, list):
            return np.array([n in area for n in self.names])
        return np.ones(len(self.names), bool) if area == "city" else self.pilot.copy()

    def area_served(self, scenario: Scenario, program: Program | str) -> float:
        """Square miles of the zones a program serves."""
        return float(np.nansum(self.area[self.served(scenario, program)]))


def draw_zones(
    scenario: Scenario, table: ZoneTable, type_index: np.ndarray, t: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Each call's zone index from its type, its arrival time and its uniform."""
    types = list(scenario.call_types.values())
    if not table.explicit:
        pilot_share = np.array([ct.pilot_area_share for ct in types], dtype=float)
        return np.where(u < pilot_share[type_index], 0, 1).astype(np.int16)
    assert scenario.zones is not None
    zones = list(scenario.zones.values())
    names = list(scenario.call_types)
    share = np.array([[z.share_by_type.get(n, z.share) for z in zones] for n in names])
    p = share[type_index]  # (calls, zones)
    if any(z.hour_of_week_weights is not None for z in zones):
        w = np.ones((len(zones), HOURS_PER_WEEK))
        for k, z in enumerate(zones):
            if z.hour_of_week_weights is not None:
                zw = np.asarray(z.hour_of_week_weights, float)
                w[k] = zw / zw.mean()
        how = (t // MIN_PER_HOUR).astype(np.int64) % HOURS_PER_WEEK
        p = p * w[:, how].T
    cum = np.cumsum(p, axis=1)
    cum /= cum[:, -1:]
    zone = (u[:, None] >= cum).sum(axis=1)
    return np.minimum(zone, len(zones) - 1).astype(np.int16)

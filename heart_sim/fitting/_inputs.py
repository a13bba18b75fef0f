"""``heart-sim fit`` from end to end, without writing anything: read the export, decide
which rows are eligible calls, and fit demand, call-type and zone shares and durations.

Eligible calls are the rows whose nature the type map names (every row without a type
column or a map); rows of natures it does not name are counted and listed, and left out
unless ``unmapped_as`` names a call type for them. Demand is fitted to the eligible calls
with a usable time on the days used (see ``fitting._demand``; gaps are found from every
record); shares and durations use every eligible call, whatever the day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..scenario import Holidays, KeyPathError, expand, parse_path, set_path
from ._callfile import CallFile, Columns, DurationSpec, FitError, minutes_between, read_calls
from ._callfile import read_columns_file as read_columns_yaml
from ._demand import DemandFit, fit_demand, parse_holidays
from ._durations import DurationFit, fit_durations
from ._shares import Mapped, Share, apply_mapping, read_mapping, shares

NO_ZONE = "(no zone)"


@dataclass(frozen=True)
class FitOptions:
    """What ``heart-sim fit`` was asked to do (the CLI's options)."""

    time_column: str | None = None
    type_column: str | None = None
    zone_column: str | None = None
    durations: tuple[str, ...] = ()
    columns: Path | None = None
    time_format: str | None = None
    type_map: Path | None = None
    zone_map: Path | None = None
    unmapped_as: str | None = None
    holidays: str | None = "US"
    max_hours: float = 24.0
    extends: str | None = None


@dataclass
class Placed:
    """A fitted duration and where it goes: a key path of the scenario, or None (written
    as a comment for the user to place)."""

    fit: DurationFit
    spec: DurationSpec
    path: tuple[str | int, ...] | None


@dataclass
class Fitted:
    """Everything ``heart-sim fit`` found, for the YAML fragment and the report."""

    calls: CallFile
    options: FitOptions
    columns: Columns
    holidays: Holidays | None
    eligible_rows: np.ndarray  # bool: an eligible call (by nature)
    usable_time: np.ndarray  # bool
    types: Mapped | None
    type_shares: list[Share] | None
    zones: Mapped | None
    zone_shares: list[Share] | None
    no_zone: int
    demand: DemandFit
    durations: list[Placed] = field(default_factory=list)

    @property
    def eligible(self) -> int:
        return int(self.eligible_rows.sum())

    @property
    def eligible_with_time(self) -> int:
        return int((self.eligible_rows & self.usable_time).sum())


def resolve_columns(options: FitOptions) -> Columns:
    """The columns from --columns, with the command-line options over them."""
    given = read_columns_yaml(options.columns) if options.columns else {}
    specs = tuple(DurationSpec.parse(d) for d in options.durations) or given.get("durations", ())
    time = options.time_column or given.get("time")
    if not time:
        raise FitError("--time-column is required (or time: in the --columns file)")
    names = [s.name for s in specs]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise FitError(f"--duration: the name {twice[0]!r} is given twice")
    return Columns(
        time=time,
        type=options.type_column or given.get("type"),
        zone=options.zone_column or given.get("zone"),
        durations=specs,
        time_format=options.time_format or given.get("time_format"),
    )


def placement(name: str) -> tuple[str | int, ...] | None:
    """The key path a duration's NAME names, or None for a plain name (no dot, not a key)."""
    try:
        set_path({}, name, {"dist": "fixed", "value": 0})
    except KeyPathError as err:
        if "." in name:
            raise FitError(f"--duration ...:{name}: {err}") from None
        return None
    return expand(parse_path(name))


def fit_inputs(calls: Path, options: FitOptions) -> Fitted:
    """Read ``calls`` and fit everything ``options`` asks for."""
    columns = resolve_columns(options)
    if not (math.isfinite(options.max_hours) and options.max_hours > 0):
        raise FitError(
            f"--max-hours {options.max_hours:g}: give a number of hours more than 0 (24 keeps "
            "durations up to a day)"
        )
    holidays = parse_holidays(options.holidays)
    if options.type_map and not columns.type:
        raise FitError("--type-map needs --type-column (the column of CAD natures)")
    if options.zone_map and not columns.zone:
        raise FitError("--zone-map needs --zone-column")
    places = {s.name: placement(s.name) for s in columns.durations}
    data = read_calls(calls, columns)
    if data.rows == 0:
        raise FitError(
            f"{calls}: a header and no rows: nothing to fit (export the calls themselves, "
            "one row per call)"
        )
    usable = data.time.why.eq("").to_numpy()
    eligible = np.ones(data.rows, bool)
    types = type_shares = None
    if data.nature is not None:
        mapping = read_mapping(options.type_map, "--type-map") if options.type_map else None
        types = apply_mapping(data.nature, mapping)
        names = types.names.copy()
        if mapping is not None and options.unmapped_as:
            names[data.nature.isin(types.unmapped.index)] = options.unmapped_as
            types = Mapped(names, types.unmapped, types.not_eligible)
        eligible = names.ne("").to_numpy()
        if mapping is not None:
            order = list(dict.fromkeys(v for v in mapping.values() if v))
            if options.unmapped_as and options.unmapped_as not in order:
                order.append(options.unmapped_as)
            type_shares = shares(names[eligible], order)
    if not eligible.any():
        raise FitError(
            f"{calls}: no row is an eligible call: the type map names none of the natures in "
            f"column {columns.type!r}"
        )
    zones = zone_shares = None
    no_zone = 0
    if data.zone is not None:
        zmap = read_mapping(options.zone_map, "--zone-map") if options.zone_map else None
        zones = apply_mapping(data.zone, zmap)
        znames = zones.names[eligible]
        blank = znames.eq("") | data.zone[eligible].eq("")
        no_zone = int(blank.sum())
        zone_shares = shares(znames[~blank])
    times = data.time.times
    demand = fit_demand(times[eligible & usable], times[usable], holidays)
    placed = []
    for name, (spec, start, end) in data.durations.items():
        minutes, why = minutes_between(start, end)
        fit = fit_durations(
            name, minutes[eligible], why[eligible].reset_index(drop=True), options.max_hours * 60
        )
        placed.append(Placed(fit, spec, places[name]))
    return Fitted(
        calls=data,
        options=options,
        columns=columns,
        holidays=holidays,
        eligible_rows=eligible,
        usable_time=usable,
        types=types,
        type_shares=type_shares,
        zones=zones,
        zone_shares=zone_shares,
        no_zone=no_zone,
        demand=demand,
        durations=placed,
    )


def unmapped_rows(types: Mapped | None) -> int:
    """Rows whose nature the type map does not name."""
    return int(types.unmapped.sum()) if types is not None and len(types.unmapped) else 0

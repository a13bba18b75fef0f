"""The scenario fragment ``heart-sim fit`` writes: YAML that a scenario can ``extends:``,
with a comment above every number saying what it is, where it came from and how it was
computed, and the file, the period and the rows used and dropped at the top.

``fragment_yaml`` renders it; ``check_on`` merges it onto the scenario it extends (as
``extends:`` merges) and validates the result; ``write_new`` refuses to replace a file
unless told to, and writes atomically.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from ..core import ScenarioError, __version__, atomic_write, describe_os_error
from ..scenario import (
    builtin_scenarios,
    load_layers_of,
    load_scenario_dict,
    merge_layers,
    resolve_path,
    scenario_from_dict,
)
from ._callfile import FitError
from ._demand import MONTHS, WEEKDAYS, DemandFit, Estimate, p_text
from ._durations import DurationFit
from ._inputs import Fitted, unmapped_rows
from ._shares import Mapped, Share, rounded

WIDTH = 96


@dataclass(frozen=True)
class Leaf:
    """A value written on one line (in flow style)."""

    value: Any


@dataclass
class Doc:
    """A YAML mapping built key path by key path, with comments above keys and at the end
    of mappings."""

    data: dict[str, Any] = field(default_factory=dict)
    above: dict[tuple[str, ...], list[str]] = field(default_factory=dict)
    below: dict[tuple[str, ...], list[str]] = field(default_factory=dict)

    def put(self, path: Iterable[Any], value: Any, comments: Iterable[str] = ()) -> None:
        keys = tuple(str(p) for p in path)
        node = self.data
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = Leaf(value)
        self.note(keys, comments)

    def section(self, path: Iterable[Any], comments: Iterable[str] = ()) -> None:
        keys = tuple(str(p) for p in path)
        node = self.data
        for k in keys:
            node = node.setdefault(k, {})
        self.note(keys, comments)

    def note(self, keys: tuple[str, ...], comments: Iterable[str]) -> None:
        self.above.setdefault(keys, []).extend(comments)

    def end(self, keys: tuple[str, ...], comments: Iterable[str], raw: bool = False) -> None:
        """Comments after a mapping's keys; ``raw`` lines are kept as they are (no wrapping)."""
        self.below.setdefault(keys, []).extend(RAW + c if raw else c for c in comments)

    def lines(self) -> list[str]:
        out: list[str] = []
        self._emit(self.data, (), out)
        return out

    def _emit(self, node: dict[str, Any], where: tuple[str, ...], out: list[str]) -> None:
        pad = "  " * len(where)
        for key, value in node.items():
            keys = (*where, key)
            out += comment(self.above.get(keys, []), pad)
            head = f"{pad}{scalar(key)}:"
            if isinstance(value, Leaf):
                out.append(head + " " + flow(value.value, len(head) + 1))
            else:
                out.append(head)
                self._emit(value, keys, out)
        out += comment(self.below.get(where, []), pad)


RAW = "\x00"  # marks a comment line not to be wrapped


def comment(texts: Iterable[str], pad: str = "") -> list[str]:
    """Comment lines, each text wrapped at WIDTH with continuation lines indented."""
    out = []
    for text in texts:
        lead = f"{pad}# "
        if text.startswith(RAW):
            out += [(lead + line).rstrip() for line in text[1:].splitlines()]
            continue
        wrapped = textwrap.wrap(
            text,
            WIDTH - len(lead),
            subsequent_indent="  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        out += [(lead + w).rstrip() for w in wrapped or [""]]
    return out


def scalar(value: Any) -> str:
    """A key or scalar as YAML writes it ('4' quoted, plain words plain)."""
    if isinstance(value, bool) or value is None:
        return yaml.safe_dump(value).split("\n")[0]
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return repr(float(value))
    text = yaml.safe_dump(str(value), width=10_000).strip()
    return text.removesuffix("\n...").removesuffix("...").strip()


def flow(value: Any, column: int) -> str:
    """A value in flow style; long lists wrap with continuation lines under the first item."""
    if isinstance(value, dict):
        parts = []
        col = column + 1
        for k, v in value.items():
            text = f"{scalar(k)}: "
            parts.append(text + flow(v, col + len(text)))
            col += len(parts[-1]) + 2
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, list | tuple):
        items = [scalar(v) for v in value]
        lines, line = [], ""
        for item in items:
            piece = item if not line else f"{line}, {item}"
            if line and column + 1 + len(piece) > WIDTH:
                lines.append(line + ",")
                line = item
            else:
                line = piece
        lines.append(line)
        return "[" + ("\n" + " " * (column + 1)).join(lines) + "]"
    return scalar(value)


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _pct(x: float) -> str:
    return f"{100 * x:.2f}%" if x < 0.1 else f"{100 * x:.1f}%"


def _est(e: Estimate, digits: int = 3) -> str:
    return f"{e.value:.{digits}f} (95% interval {e.low:.{digits}f} to {e.high:.{digits}f})"


def _counts(items: Iterable[tuple[Any, int]]) -> str:
    return "; ".join(f"{k} {_n(v)}" for k, v in items)


def extends_ref(extends: str, out: Path) -> str:
    """What ``extends:`` says: a built-in's name, or the path relative to the fragment."""
    if extends in builtin_scenarios():
        return extends
    target = resolve_path(extends)
    if not target.is_file():
        raise FitError(f"--extends {extends}: no such file, nor a built-in scenario")
    return os.path.relpath(target.resolve(), Path(out).resolve().parent)


def _header(f: Fitted, out: Path) -> list[str]:
    d = f.demand
    calls = f.calls
    lost = calls.time_dropped()
    lost_text = (
        f"{_n(sum(lost.values()))} without a usable call time ({_counts(lost.items())})"
        if lost
        else "all with a usable call time"
    )
    lines = [
        f"Inputs fitted by heart-sim fit (heart-sim {__version__}) from call records: "
        f"{calls.path} ({_n(calls.rows)} rows; call time from column {f.columns.time!r}).",
        f"Period: {d.first:%Y-%m-%d %H:%M:%S} to {d.last:%Y-%m-%d %H:%M:%S} (the first and "
        "last usable timestamps of the log).",
    ]
    rows = f"Rows: {_n(calls.rows)} read, {lost_text}"
    if f.types is not None and f.options.type_map:
        gone = unmapped_rows(f.types)
        nulls = int(f.types.not_eligible.sum()) if len(f.types.not_eligible) else 0
        what = (
            f"counted as {f.options.unmapped_as}"
            if f.options.unmapped_as
            else "not eligible: left out, listed below"
        )
        rows += f"; {_n(gone)} of natures the type map does not name ({what})"
        if nulls:
            rows += f"; {_n(nulls)} of natures it maps to null (not eligible)"
    rows += f"; {_n(f.eligible)} eligible calls, {_n(f.eligible_with_time)} with a usable time."
    lines.append(rows)
    used, total = int(d.used.sum()), len(d.days)
    lines.append(
        f"Demand uses the {_n(d.calls_used)} eligible calls of the {used} days used "
        f"({total - used} of the {total} days in the log left out, listed below); call-type and "
        "zone shares and "
        "durations use every eligible call."
    )
    lines.append(
        "The comment above each number says how it was computed. A scenario that extends: this "
        "file adds what is not here (programs, costs...); keys it sets itself win."
    )
    return lines


def _days_left_out(d: DemandFit, f: Fitted) -> list[str]:
    lines = [
        "Days left out of the demand fit, whole days (and the public holidays below). Gaps "
        f"are judged on all {_n(int(f.usable_time.sum()))} records with a usable time (every "
        "nature): a run of hours with no record, or a day's total, whose chance is below 0.01 "
        "over the whole log given the records around it (allowing for day-to-day variation); "
        "a partial first or last day is such a run at the log's start or end."
    ]
    others = {day: why for day, why in d.excluded.items() if day not in d.holidays}
    if not others:
        lines.append("  none")
    for day, why in others.items():
        lines.append(f"  {day} ({WEEKDAYS[day.weekday()]}): {why}")
    if f.holidays is None:
        lines.append("Public holidays: not looked for (--holidays none).")
        return lines
    where = f.holidays.country + (f"-{f.holidays.subdivision}" if f.holidays.subdivision else "")
    if not d.holidays:
        lines.append(f"Public holidays ({where}, the holidays package): none in the period.")
        return lines
    parts = []
    for day, name in d.holidays.items():
        ratio = d.holiday_ratios.get(day)
        parts.append(f"{day} {name}" + (f" {ratio:.2f}" if ratio is not None else ""))
    lines.append(
        f"Public holidays ({where}, the holidays package), left out (with the day's calls as a "
        "share of the regression's expectation for it): " + "; ".join(parts) + "."
    )
    return lines


def _demand(doc: Doc, d: DemandFit) -> None:
    used = int(d.used.sum())
    seasons = d.monthly is not None
    doc.section(["demand"])
    where = (
        f"at the midpoint of the days used ({d.midpoint:%Y-%m-%d}), "
        "with the month-of-year weights averaging 1 over a year, "
        if seasons
        else ""
    )
    doc.put(
        ["demand", "calls_per_week"],
        round(d.calls_per_week.value, 1),
        [
            "Derived: eligible calls per week: the sum over the 7 weekdays of the mean calls "
            f"per day, {where}from a Poisson regression of the {used} daily counts on weekday"
            + (", month and time (years)" if seasons else "")
            + f"; {_est(d.calls_per_week, 1)}, the standard error scaled by the Pearson "
            f"dispersion ({d.dispersion:.2f})."
        ],
    )
    _profile_weights(doc, d)
    _seasonal_weights(doc, d)
    od, raw = d.overdispersion, d.overdispersion_raw
    doc.put(
        ["demand", "overdispersion"],
        round(od.value, 3),
        [
            "Derived: the cv of a gamma day-level rate multiplier, from variance = mean + cv^2 "
            f"mean^2 of the {used} daily counts about the regression's means ({d.glm_parameters} "
            f"parameters): {_est(od)} (the chi-square interval of the variance); about the overall "
            f"mean instead, as scripts/derive_profile.py computes it: {_est(raw)}."
        ],
    )


def _profile_weights(doc: Doc, d: DemandFit) -> None:
    """24 hourly x 7 daily weights if hour and weekday are separable, else 168 hour-of-week
    weights; the other keys cleared."""
    days = ", ".join(f"{WEEKDAYS[k]} {n}" for k, n in enumerate(d.days_by_weekday))
    test = d.test.describe()
    if d.separable:
        doc.put(
            ["demand", "hourly_weights"],
            d.hourly,
            [
                f"Derived: hour x weekday is separable: {test}; p >= 0.05, so 24 hourly x 7 daily "
                "weights. Hourly: calls per day in each hour 00..23, summed over the 7 weekdays "
                f"(days used of each weekday: {days}); bootstrap intervals of each share in the "
                "fit report."
            ],
        )
        doc.put(["demand", "daily_weights"], d.daily_weights, ["Derived: calls per day, Mon..Sun."])
        doc.put(
            ["demand", "hour_of_week_weights"],
            None,
            ["Cleared, so that a parent's hour-of-week weights are not kept beside these."],
        )
        return
    doc.put(
        ["demand", "hour_of_week_weights"],
        d.hour_of_week,
        [
            f"Derived: hour x weekday is not separable: {test}; p < 0.05, so 168 hour-of-week "
            "weights: the mean calls per day in each hour of the week, Monday 00:00 first "
            f"(days used of each weekday: {days}); bootstrap intervals of the shares in the "
            "fit report."
        ],
    )
    for key in ("hourly_weights", "daily_weights"):
        doc.put(
            ["demand", key],
            None,
            ["Cleared, so that a parent's weights are not kept beside these."]
            if key == "hourly_weights"
            else [],
        )


def _seasonal_weights(doc: Doc, d: DemandFit) -> None:
    """Month-of-year weights and annual growth, or why they are not written."""
    if d.monthly is None or d.growth is None:
        doc.end(("demand",), [f"monthly_weights and annual_growth not written: {d.seasons_note}."])
        return
    ranges = ", ".join(f"{MONTHS[m]} {e.low:.2f}-{e.high:.2f}" for m, e in enumerate(d.monthly))
    doc.put(
        ["demand", "monthly_weights"],
        [round(e.value, 3) for e in d.monthly],
        [
            "Derived: month-of-year weights Jan..Dec (mean 1) from the month effects of the "
            f"same regression; 95% intervals: {ranges}. Needs start_date in the scenario."
        ],
    )
    doc.put(
        ["demand", "annual_growth"],
        round(d.growth.value, 4),
        [
            "Derived: annual growth exp(b) - 1, b the regression's coefficient of time in "
            f"years: {_est(d.growth, 4)}."
        ],
    )


def _types(doc: Doc, f: Fitted, parent_types: list[str] | None, extends: str | None) -> list[str]:
    """The call_types section; returns the comment lines about natures left out."""
    if f.types is None or f.calls.nature is None:
        return []
    if f.type_shares is None:  # a type column but no map: only list the natures
        top = f.calls.nature[f.usable_time].value_counts()
        return [
            f"Natures in column {f.columns.type!r} (no --type-map, so every row is eligible and "
            f"no call_types are written): {len(top)} natures: "
            + _counts((str(k), int(v)) for k, v in top.items())
        ]
    shown = [s for s in f.type_shares]
    if parent_types is not None:
        shown += _parent_only_types(shown, parent_types, extends)
    doc.section(["call_types"], _type_share_lines(f, f.types, f.calls.nature, shown, parent_types))
    for share, s in zip(rounded([s.share for s in shown]), shown):
        doc.put(["call_types", s.name], {"share": share})
    return _natures_left_out(f, f.types)


def _parent_only_types(
    shown: list[Share], parent_types: list[str], extends: str | None
) -> list[Share]:
    """The parent scenario's call types the type map does not name, each with share 0; an
    error if the map names a call type the parent does not have."""
    unknown = [s.name for s in shown if s.name not in parent_types]
    if unknown:
        raise FitError(
            f"the type map names call type(s) {', '.join(unknown)} that {extends} does not "
            f"have (its call types: {', '.join(parent_types)}); map the natures to those"
        )
    return [Share(t, 0, 0.0, 0.0, 0.0) for t in parent_types if t not in {s.name for s in shown}]


def _type_share_lines(
    f: Fitted,
    types: Mapped,
    nature: pd.Series,
    shown: list[Share],
    parent_types: list[str] | None,
) -> list[str]:
    """The comment of the call_types section: each type's share, interval and natures."""
    eligible = f.eligible_rows
    pairs = pd.DataFrame({"type": types.names[eligible], "nature": nature[eligible]}).value_counts()
    lines = [
        f"Derived: shares of the {_n(f.eligible)} eligible calls by call type, natures from column "
        f"{f.columns.type!r} through the type map {f.options.type_map}, with Wilson 95% intervals:"
    ]
    mapped = {x.name for x in f.type_shares or []}
    for s in shown:
        if s.count == 0 and s.name in (parent_types or []) and s.name not in mapped:
            lines.append(f"  {s.name}: not in the type map: share 0, so that the shares sum to 1")
            continue
        sub = pairs[s.name] if s.name in pairs.index.get_level_values(0) else pd.Series(dtype=int)
        lines.append(
            f"  {s.name} {_pct(s.share)} ({_pct(s.low)}-{_pct(s.high)}): {_n(s.count)} calls: "
            + _counts((str(k), int(v)) for k, v in sub.items())
        )
    return lines


def _natures_left_out(f: Fitted, types: Mapped) -> list[str]:
    """Comment lines on the natures the type map does not name or maps to null."""
    out = []
    if len(types.unmapped):
        what = (
            f"counted as {f.options.unmapped_as} (--unmapped-as)"
            if f.options.unmapped_as
            else "not eligible: left out of demand, shares and durations"
        )
        out.append(
            f"Natures the type map does not name ({len(types.unmapped)} natures, "
            f"{_n(unmapped_rows(types))} rows; {what}): "
            + _counts((str(k), int(v)) for k, v in types.unmapped.items())
        )
    if len(types.not_eligible):
        out.append(
            "Natures the type map maps to null (not eligible): "
            + _counts((str(k), int(v)) for k, v in types.not_eligible.items())
        )
    return out


def _zones(doc: Doc, f: Fitted) -> None:
    if f.zone_shares is None or f.zones is None:
        return
    how = f" through the zone map {f.options.zone_map}" if f.options.zone_map else ""
    lines = [
        f"Derived: shares of the {_n(sum(s.count for s in f.zone_shares))} eligible calls with a "
        f"zone, by column {f.columns.zone!r}{how}, with Wilson 95% intervals"
        + (f"; {_n(f.no_zone)} eligible calls with no zone left out" if f.no_zone else "")
        + ": "
        + "; ".join(
            f"{s.name} {_pct(s.share)} ({_pct(s.low)}-{_pct(s.high)})" for s in f.zone_shares
        )
    ]
    if len(f.zones.unmapped):
        lines.append(
            "Zone values the zone map does not name (no zone): "
            + _counts((str(k), int(v)) for k, v in f.zones.unmapped.items())
        )
    doc.section(["zones"], lines)
    for share, s in zip(rounded([s.share for s in f.zone_shares]), f.zone_shares):
        doc.put(["zones", s.name], {"share": share})


def duration_comment(fit: DurationFit, start: str, end: str) -> list[str]:
    """What a fitted duration is, how many were used and dropped, and the fits' statistics."""
    dropped = _counts(fit.dropped.items()) if fit.dropped else "none"
    text = (
        f"Derived: minutes from {start!r} to {end!r} of the eligible calls: n = {_n(fit.n)} "
        f"used; dropped: {dropped}."
    )
    if fit.spread:
        text += (
            " Stamps are whole minutes: each duration spread uniformly over its minute (seeded)."
        )
    if not fit.candidates:
        return [text + " Too few to fit (fewer than 20): not written."]
    best = fit.best
    assert best is not None
    fits = "; ".join(
        f"{c.family} mean {c.mean:.2f} (se {c.se_mean:.2f}), sd {c.sd:.2f} (se {c.se_sd:.2f}), "
        f"AIC {c.aic:,.1f} (+{c.aic - best.aic:,.1f}), KS D {c.ks:.4f} p {p_text(c.p_value)}"
        for c in sorted(fit.candidates, key=lambda c: c.aic)
    )
    text += f" Maximum-likelihood fits (scipy.stats, loc 0): {fits}. Chosen by AIC: {best.family}"
    if fit.chosen == "empirical":
        values = (fit.distribution or {}).get("values", [])
        text += (
            f"; it fails the Kolmogorov-Smirnov test (p < 0.01), so empirical: {len(values)} "
            "equal-probability quantiles of the durations."
        )
    else:
        text += ", which the Kolmogorov-Smirnov test does not reject (p >= 0.01)."
    return [text]


def _durations(doc: Doc, f: Fitted) -> None:
    for placed in f.durations:
        fit, spec = placed.fit, placed.spec
        notes = duration_comment(fit, spec.start, spec.end)
        if fit.distribution is None:
            doc.end((), [f"{spec.name}: not written.", *[f"  {n}" for n in notes]])
        elif placed.path is None:
            head = f"{scalar(spec.name)}: "
            doc.end(
                (),
                [
                    f"{spec.name} (not a key path, so not placed: paste it where it belongs, or "
                    f"name it so, e.g. --duration {spec.start}:{spec.end}:crt.on_scene_time):",
                    *[f"  {n}" for n in notes],
                ],
            )
            doc.end((), [head + flow(fit.distribution, len(head) + 2)], raw=True)
        else:
            doc.put(placed.path, fit.distribution, notes)


def fragment_yaml(f: Fitted, out: Path, extends: str | None = None) -> str:
    """The YAML fragment for a fit; with ``extends`` it extends that scenario."""
    doc = Doc()
    parent_types = None
    if extends is not None:
        _, parent, _ = load_scenario_dict(extends)
        parent_types = [str(k) for k in (parent.get("call_types") or {})]
        doc.put(["extends"], extends_ref(extends, out), ["The scenario these inputs change."])
    _demand(doc, f.demand)
    left_out = _types(doc, f, parent_types, extends)
    _zones(doc, f)
    _durations(doc, f)
    if left_out:
        doc.end((), left_out)
    head = comment(_header(f, out)) + comment(_days_left_out(f.demand, f)) + [""]
    return "\n".join(head + doc.lines()) + "\n"


def check_on(text: str, out: Path, extends: str) -> None:
    """Merge the fragment onto ``extends`` as ``extends:`` does and validate the result;
    raise FitError naming what is wrong."""
    data = yaml.safe_load(text)
    data.pop("extends", None)
    parent = resolve_path(extends)
    layers = [(Path(out), data), *load_layers_of(parent)]
    merged = merge_layers(layers)
    try:
        scenario_from_dict(merged, source=str(out))
    except ScenarioError as err:
        raise FitError(
            f"{out}: not written: merged onto {extends} the fitted inputs are not a valid "
            f"scenario: {err}"
        ) from None


def check_new(out: Path, force: bool) -> None:
    """Refuse an output that exists unless ``force``; the output must be a .yaml file."""
    out = Path(out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise FitError(f"--out {out}: expected a .yaml file name (the scenario fragment)")
    if out.exists() and not force:
        raise FitError(f"{out} exists: not replaced (give --force to replace it and its report)")
    if out.exists() and not out.is_file():
        raise FitError(f"{out}: a folder is in the way (choose another --out)")


def write_new(out: Path, text: str, force: bool) -> Path:
    """Write ``text`` to ``out`` atomically, refusing to replace a file unless ``force``."""
    check_new(out, force)
    try:
        atomic_write(Path(out), text)
    except OSError as err:
        raise FitError(describe_os_error(err, out)) from None
    return Path(out)

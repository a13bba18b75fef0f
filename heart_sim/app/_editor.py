"""The scenario form: what planners change, as fields, and back to a scenario.

A form is a flat mapping of field id to the text in it. ``form_values`` fills one from a
scenario; ``edited`` turns one back into a validated scenario the way the CLI reads a file
(the same day forms, the same checks, the same one-line messages), keeping each problem
next to the field it is about; ``saved_yaml`` writes the what-if as a file that
``extends:`` its parent, as ``heart-sim init`` does, holding only what changed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..core import PROGRAMS, HeartSimError, ScenarioError
from ..scenario import Scenario, days_text, minimal_changes, scenario_from_dict, set_path

SHIFT_FIELDS = ("days", "start", "end", "units")
SPARE_ROWS = 1  # empty shift rows offered below each program's shifts


@dataclass(frozen=True)
class Field:
    """One form field: its id, label, the scenario key path it sets and how its text is
    read (``number``: a number; text otherwise)."""

    id: str
    label: str
    path: str
    number: bool = True


def fields(scenario: Scenario) -> list[Field]:
    """The fields other than shifts, for ``scenario`` (its call types and roles)."""
    out = [
        Field("demand_multiplier", "Demand multiplier (1 = as now)", "demand.multiplier"),
        Field("demand_growth", "Demand growth a year (0.03 = 3%)", "demand.annual_growth"),
    ]
    data = scenario.model_dump(mode="json")
    for p in PROGRAMS:
        prog = data["programs"][p.value]
        out.append(Field(f"{p}_area", f"{p.label} area", f"programs.{p}.area", number=False))
        if "patience_min" in prog and prog["patience_min"] is not None:
            out.append(
                Field(f"{p}_patience", f"{p.label} patience (min)", f"programs.{p}.patience_min")
            )
        out.append(
            Field(
                f"{p}_fixed_per_unit",
                f"{p.label} fixed cost per unit ($/year)",
                f"programs.{p}.cost.fixed_per_unit_annual",
            )
        )
    for ct in data["call_types"]:
        words = ct.replace("_", " ")
        out.append(
            Field(
                f"route_{ct}_ccd",
                f"{words}: share transferred to CCD",
                f"call_types.{ct}.ccd_transfer",
            )
        )
        out.append(
            Field(
                f"route_{ct}_heart",
                f"{words}: share 911 sends to HEART",
                f"call_types.{ct}.sent_to_heart",
            )
        )
    if data.get("costs"):
        for role in data["costs"]["roles"]:
            out.append(
                Field(
                    f"salary_{role}",
                    f"{role.replace('_', ' ')} salary ($/year)",
                    f"costs.roles.{role}.annual_salary",
                )
            )
        out.append(Field("cost_loading", "Benefits loading (1.35 = +35%)", "costs.loading"))
        out.append(Field("police_cost", "Police cost per hour ($)", "costs.police_cost_per_hour"))
    return out


def shift_id(program: str, row: int, part: str) -> str:
    return f"{program}_s{row}_{part}"


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _get(data: Any, path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


def form_values(scenario: Scenario) -> dict[str, str]:
    """Every field's text for ``scenario``, and ``<program>_rows``: its shift rows."""
    data = scenario.model_dump(mode="json")
    values = {f.id: _text(_get(data, f.path)) for f in fields(scenario)}
    for p in PROGRAMS:
        shifts = data["programs"][p.value]["shifts"]
        for i, s in enumerate(shifts):
            short = days_text(s["days"])
            values[shift_id(p.value, i, "days")] = short.strip("[]").replace(" ", "")
            for part in ("start", "end"):
                values[shift_id(p.value, i, part)] = s[part]
            values[shift_id(p.value, i, "units")] = str(s["units"])
        values[f"{p}_rows"] = str(len(shifts) + SPARE_ROWS)
    return values


def _number(text: str) -> Any:
    """A field's text as the number it says, or the text itself (so the schema names it)."""
    text = text.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _area(text: str) -> Any:
    text = text.strip()
    return [z.strip() for z in text.split(",") if z.strip()] if "," in text else text


def _shifts(program: str, values: dict[str, str]) -> list[dict[str, Any]]:
    """The program's shift rows, blank rows left out."""
    rows = int(values.get(f"{program}_rows", "0") or 0)
    out = []
    for i in range(rows):
        cells = {part: values.get(shift_id(program, i, part), "").strip() for part in SHIFT_FIELDS}
        if not any(cells.values()):
            continue
        out.append(
            {
                "days": cells["days"],
                "start": cells["start"],
                "end": cells["end"],
                "units": _number(cells["units"]),
            }
        )
    return out


@dataclass
class Edited:
    """What the form says: the validated scenario (None when invalid), the problems by
    field id (``""``: not about one field), and the key paths it changes."""

    scenario: Scenario | None
    problems: dict[str, list[str]] = field(default_factory=dict)
    changes: dict[str, Any] = field(default_factory=dict)


_SHIFT_PATH = re.compile(r"^programs\.(\w+)\.shifts\[(\d+)\]\.(\w+)$")
_SHIFTS_PATH = re.compile(r"^programs\.(\w+)\.shifts(\[(\d+)\])?$")


def _field_of(path: str, by_path: dict[str, str], rows: dict[str, list[int]]) -> str:
    """The id of the field a problem at key ``path`` is about ('' if none)."""
    if path in by_path:
        return by_path[path]
    m = _SHIFT_PATH.match(path)
    if m and m.group(3) in SHIFT_FIELDS:
        program, index = m.group(1), int(m.group(2))
        kept = rows.get(program, [])
        if index < len(kept):
            return shift_id(program, kept[index], m.group(3))
    m = _SHIFTS_PATH.match(path)
    if m:
        program = m.group(1)
        index = int(m.group(3)) if m.group(3) else 0
        kept = rows.get(program, [])
        if index < len(kept):
            return shift_id(program, kept[index], "days")
        return f"{program}_shifts"
    return ""


def edited(parent: Scenario, values: dict[str, str], name: str) -> Edited:
    """The scenario the form describes: ``parent`` with each changed field set, named
    ``name``, validated as a scenario file is (``ScenarioError``'s problems, by field)."""
    base = parent.model_dump(mode="json")
    base_values = form_values(parent)
    changes: dict[str, Any] = {}
    by_path = {}
    for f in fields(parent):
        by_path[f.path] = f.id
        text = values.get(f.id, base_values.get(f.id, ""))
        if text.strip() == base_values.get(f.id, "").strip():
            continue
        changes[f.path] = _number(text) if f.number else _area(text)
    rows: dict[str, list[int]] = {}
    for p in PROGRAMS:
        count = int(values.get(f"{p}_rows", "0") or 0)
        rows[p.value] = [
            i
            for i in range(count)
            if any(values.get(shift_id(p.value, i, part), "").strip() for part in SHIFT_FIELDS)
        ]
        shifts = _shifts(p.value, values)
        if shifts != _shifts(p.value, base_values):
            changes[f"programs.{p}.shifts"] = shifts
    data = base
    for path, value in changes.items():
        data = set_path(data, path, value)
    data["name"] = name if changes else parent.name
    try:
        return Edited(scenario_from_dict(data, source=name), changes=changes)
    except ScenarioError as err:
        problems: dict[str, list[str]] = {}
        for _, path, why in err.problems:
            where = _field_of(path, by_path, rows)
            problems.setdefault(where, []).append(f"{path or '<top>'}: {why}")
        return Edited(None, problems, changes)
    except HeartSimError as err:
        return Edited(None, {"": [str(err)]}, changes)


def saved_yaml(parent: Scenario, parent_ref: str, variant: Scenario, title: str) -> str:
    """The file ``heart-sim init`` would write for ``variant``, with what it changes from
    ``parent`` filled in: ``extends: parent_ref`` and only the differing keys."""
    old = parent.model_dump(mode="json", by_alias=True, exclude_none=True)
    new = variant.model_dump(mode="json", by_alias=True, exclude_none=True)
    changes = minimal_changes(old, new)
    for key in ("name", "title", "description"):
        changes.pop(key, None)
    for prog in changes.get("programs", {}).values():
        for shift in prog.get("shifts", []):
            short = days_text(shift["days"])  # a group or a range; a list stays a list
            shift["days"] = shift["days"] if short.startswith("[") else short
    head = {
        "extends": parent_ref,
        "name": variant.name,
        "title": title or variant.name.replace("_", " "),
        "description": f"What changes from {parent.name} (written by heart-sim app).",
    }
    lines = [
        f"# {variant.name}: a what-if based on {parent_ref} (written by heart-sim app).",
        "# Only what differs from the parent is here; every other key comes from it.",
        f"# `heart-sim show {variant.name}.yaml --diff` lists what it changes.",
    ]
    body = yaml.safe_dump(head, sort_keys=False, allow_unicode=True, width=100)
    if changes:
        body += yaml.safe_dump(changes, sort_keys=False, allow_unicode=True, width=100)
    return "\n".join(lines) + "\n" + body


def parent_reference(parent: str, builtin: bool, saved_in: Path) -> str:
    """What a file saved in folder ``saved_in`` names in ``extends:``: a built-in by its
    name, a file by its path relative to ``saved_in``."""
    if builtin:
        return parent
    return os.path.relpath(Path(parent).resolve(), saved_in.resolve())

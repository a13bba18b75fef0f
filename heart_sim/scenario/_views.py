"""Looking at a scenario the way it will run, and starting a new one from an existing one.

``resolved_yaml``: the scenario after ``extends:`` (every key, every default), as YAML.
``staffing_by_hour``: each program's units on duty by day and hour. ``parent_differences``:
the keys a file changes relative to the scenario it extends. ``starter_yaml``: an
editable what-if that ``extends:`` a scenario, with the most-edited keys shown commented.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import yaml

from ..core import PROGRAMS, ScenarioError, atomic_write
from ._days import days_text
from ._keypaths import differences
from ._load import (
    builtin_scenarios,
    load_layers_of,
    load_scenario,
    resolve_path,
    scenario_from_dict,
)
from ._schedules import DAY_NAMES, MIN_PER_HOUR
from ._schema import Scenario
from ._variants import merge_layers


def resolved_yaml(scenario: Scenario) -> str:
    return yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False)


def staffing_by_hour(scenario: Scenario) -> pd.DataFrame:
    """Mean units on duty in each hour: one row per (program, day), columns 0..23."""
    rows = []
    for p in PROGRAMS:
        schedule = scenario.program(p).schedule()
        for d, day in enumerate(DAY_NAMES):
            t0 = d * 24 * MIN_PER_HOUR
            units = [
                schedule.unit_minutes(t0 + h * MIN_PER_HOUR, t0 + (h + 1) * MIN_PER_HOUR)
                / MIN_PER_HOUR
                for h in range(24)
            ]
            row: dict[object, object] = {"program": p.label, "day": day.title()}
            rows.append(row | dict(enumerate(units)))
    return pd.DataFrame(rows).set_index(["program", "day"])


def parent_differences(name_or_path: str | Path) -> list[tuple[str, str, str]]:
    """(key path, the parent's value, this scenario's value) for every key that differs
    from the scenario it extends; empty for a scenario that extends nothing."""
    path = resolve_path(name_or_path)
    layers = load_layers_of(path)
    if len(layers) < 2:
        return []
    child = load_scenario(path).model_dump(mode="json")
    parent_data = merge_layers(layers[1:])
    parent = scenario_from_dict(parent_data, source=str(layers[1][0])).model_dump(mode="json")
    return differences(parent, child)


def _y(value: object) -> str:
    """A value as YAML writes it (null, quoted text where plain text would be misread)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return text.removesuffix("...").strip()


def starter_yaml(new: Path, parent: str | Path = "durham_2022") -> str:
    """The text of an editable scenario ``new`` that extends ``parent`` (a built-in name
    or a file), with the keys planners change most, commented, at the parent's values."""
    parent_path = resolve_path(parent)
    base = load_scenario(parent_path)
    if str(parent) in builtin_scenarios():
        ref = str(parent)
    else:
        ref = os.path.relpath(parent_path.resolve(), Path(new).resolve().parent)
    name = Path(new).stem
    d = base.model_dump(mode="json")
    lines = [
        f"# {name}: a what-if based on {ref} (written by heart-sim init).",
        "# Only what differs from the parent belongs here; every other key comes from it.",
        f"# `heart-sim show {Path(new).name}` prints the whole resolved scenario, and",
        f"# `heart-sim show {Path(new).name} --diff` what this file changes.",
        "# Cite a source for every number you change, or mark it ASSUMPTION with the range.",
        f"extends: {ref}",
        f"name: {_y(name)}",
        f"title: {_y(name.replace('_', ' '))}",
        "description: >-",
        f"  What changes from {base.name}, and why.",
        "",
        "# The keys changed most often, at the parent's values; uncomment to change them.",
        "# A program's shifts replace the parent's; add_shifts: adds to them instead.",
        "# Days: mon..sun, ranges such as mon-fri or fri-sun, daily, weekdays, weekends.",
        f"# horizon_weeks: {_y(d['horizon_weeks'])}",
        "# demand:",
        f"#   calls_per_week: {_y(d['demand']['calls_per_week'])}",
        f"#   multiplier: {_y(d['demand']['multiplier'])}",
        "# programs:",
    ]
    for p in PROGRAMS:
        prog = d["programs"][p.value]
        lines.append(f"#   {p.value}:  # {p.full_name}")
        lines.append(f"#     area: {_y(prog['area'])}")
        if "patience_min" in prog:
            lines.append(f"#     patience_min: {_y(prog['patience_min'])}")
        lines.append("#     shifts:" + ("" if prog["shifts"] else " []"))
        for s in prog["shifts"]:
            lines.append(
                f'#       - {{days: {days_text(s["days"])}, start: "{s["start"]}", '
                f'end: "{s["end"]}", units: {s["units"]}}}'
            )
    return "\n".join(lines) + "\n"


def write_starter(new: Path, parent: str | Path = "durham_2022", force: bool = False) -> Path:
    """Write ``starter_yaml`` to ``new`` after checking that it is a valid scenario; an
    existing file is not replaced unless ``force``."""
    new = Path(new)
    if new.suffix not in (".yaml", ".yml"):
        raise ScenarioError(str(new), [("", "a scenario file name ends in .yaml or .yml")])
    if new.exists() and not force:
        raise ScenarioError(str(new), [("", "the file exists; choose another name or --force")])
    if resolve_path(parent).resolve() == new.resolve():
        raise ScenarioError(str(new), [("extends", "a scenario cannot extend itself")])
    text = starter_yaml(new, parent)
    layers = [(new, yaml.safe_load(text)), *load_layers_of(resolve_path(parent))]
    scenario_from_dict(merge_layers(layers), source=str(new))  # e.g. a name with spaces
    try:
        atomic_write(new, text)
    except OSError as err:
        raise ScenarioError(str(new), [("", f"cannot write: {err.strerror}")]) from None
    return new

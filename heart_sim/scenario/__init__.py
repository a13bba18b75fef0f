"""A scenario: the validated schema, loading with ``extends:``, schedules and days,
distributions, travel, key paths and the views ``heart-sim show`` prints."""

from __future__ import annotations

from ._days import days_text
from ._jsonschema import scenario_json_schema
from ._keypaths import KeyPathError, expand, flatten, key_changes, parse_path, set_path, short, vary
from ._load import (
    SHIPPED_KINDS,
    builtin_files,
    builtin_scenarios,
    load_layers_of,
    load_scenario,
    load_scenario_dict,
    parse_yaml,
    read_yaml,
    resolve_file,
    resolve_path,
    scenario_from_dict,
    scenario_hash,
    scenario_sources,
)
from ._programs import Programs
from ._schedules import (
    DAY_NAMES,
    HOURS_PER_WEEK,
    MIN_PER_DAY,
    MIN_PER_HOUR,
    MIN_PER_WEEK,
    ShiftSpec,
)
from ._schema import CallType, CCDDecision, Holidays, Scenario, Unknown, key_path
from ._travel import SquareRootTravel
from ._variants import merge_layers, minimal_changes
from ._views import parent_differences, resolved_yaml, staffing_by_hour, write_starter

__all__ = [
    "scenario_json_schema",
    "CCDDecision",
    "CallType",
    "DAY_NAMES",
    "HOURS_PER_WEEK",
    "Holidays",
    "KeyPathError",
    "MIN_PER_DAY",
    "MIN_PER_HOUR",
    "MIN_PER_WEEK",
    "Programs",
    "Scenario",
    "ShiftSpec",
    "SquareRootTravel",
    "Unknown",
    "SHIPPED_KINDS",
    "builtin_files",
    "builtin_scenarios",
    "days_text",
    "expand",
    "flatten",
    "key_changes",
    "key_path",
    "load_layers_of",
    "load_scenario",
    "load_scenario_dict",
    "merge_layers",
    "minimal_changes",
    "parent_differences",
    "parse_path",
    "parse_yaml",
    "read_yaml",
    "resolve_file",
    "resolve_path",
    "resolved_yaml",
    "scenario_from_dict",
    "scenario_hash",
    "scenario_sources",
    "set_path",
    "short",
    "staffing_by_hour",
    "vary",
    "write_starter",
]

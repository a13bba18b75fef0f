"""The JSON Schema of scenario files, for editors with a YAML language server.

It is the pydantic models' own schema (the same fields, types, bounds and descriptions
``heart-sim validate`` reads) with what a *file* may hold beyond a Scenario: ``extends:``
names a parent, and then every mapping may be partial (the parent fills the rest), and a
program may ``add_shifts:``. A file without ``extends:`` is checked against the full
Scenario, required keys and all. What needs the whole scenario (shares that sum to 1,
zones that exist, dates in order) stays ``heart-sim validate``'s.
"""

from __future__ import annotations

import copy
from typing import Any

from ._schema import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PARTIAL = "_partial"  # suffix of the definitions a file with extends: is checked against


def _walk(node: Any, visit) -> None:
    """Call visit on every mapping in a JSON document, depth first."""
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _partial_defs(defs: dict[str, Any]) -> dict[str, Any]:
    """The definitions with nothing required, referring to each other's partial copies.

    Lists replace their parent's whole under ``extends:``, so an item of a list (a shift, a
    phase) keeps its required keys; only mappings merged key by key become optional."""
    out = {}
    for name, schema in defs.items():
        part = copy.deepcopy(schema)
        part.pop("required", None)
        out[name + PARTIAL] = part

    def rename(node: dict[str, Any]) -> None:
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            node["$ref"] = ref + PARTIAL

    def keep_list_items_whole(node: dict[str, Any]) -> None:
        items = node.get("items")
        if isinstance(items, dict) and str(items.get("$ref", "")).endswith(PARTIAL):
            items["$ref"] = items["$ref"][: -len(PARTIAL)]

    _walk(out, rename)
    _walk(out, keep_list_items_whole)
    return out


def _allow_add_shifts(defs: dict[str, Any]) -> None:
    """A program of a file with ``extends:`` may append shifts to its parent's."""
    for name, schema in defs.items():
        props = schema.get("properties", {})
        if name.endswith(PARTIAL) and "shifts" in props:
            props["add_shifts"] = copy.deepcopy(props["shifts"])
            props["add_shifts"]["description"] = "shifts appended to the parent's (extends:)"
            props["add_shifts"].pop("default", None)


def scenario_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario YAML file."""
    full = Scenario.model_json_schema(mode="validation")
    defs = full.pop("$defs")
    full.pop("title", None)
    defs["Scenario"] = full
    defs.update(_partial_defs(defs))
    _allow_add_shifts(defs)
    extends = {
        "type": "string",
        "minLength": 1,
        "description": "the parent scenario: a built-in name or a file relative to this one; "
        "this file then overrides only what it sets",
    }
    for name in ("Scenario", "Scenario" + PARTIAL):
        defs[name]["properties"] = {"extends": extends, **defs[name]["properties"]}
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "heart-sim scenario",
        "description": "A heart-sim scenario file (heart-sim validate checks it in full).",
        "type": "object",
        "$defs": defs,
        "if": {"required": ["extends"]},
        "then": {"$ref": "#/$defs/Scenario" + PARTIAL},
        "else": {"$ref": "#/$defs/Scenario"},
    }

"""Scenario variants: ``extends:`` with deep merge, and overrides addressed by key path.

A child file names its parent with ``extends:`` (a built-in scenario's name, or a path
relative to the child's folder, or an absolute path) and overrides only what changes.
Mappings merge key by key; a distribution (a mapping with ``dist:``) and lists replace,
except ``add_shifts:`` inside a program, which appends to the parent's shifts. A
validation error is attributed to the most derived file that sets the offending key.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core import ScenarioError, not_a_mapping

MAX_DEPTH = 16


def deep_merge(parent: Any, child: Any) -> Any:
    """Child over parent: mappings merge recursively, everything else is replaced. A
    mapping with a ``dist:`` key (a distribution) replaces the parent's whole, so a child
    can switch ``lognormal`` to ``fixed`` without inheriting ``mean`` and ``sd``; a travel
    model (a mapping with ``model:``) likewise."""
    is_distribution = isinstance(child, dict) and (
        isinstance(child.get("dist"), str) or isinstance(child.get("model"), str)
    )
    if not (isinstance(parent, dict) and isinstance(child, dict)) or is_distribution:
        return copy.deepcopy(child)
    out = copy.deepcopy(parent)
    for key, value in child.items():
        if key == "add_shifts":
            continue
        out[key] = deep_merge(out[key], value) if key in out else copy.deepcopy(value)
    if "add_shifts" in child:
        extra = child["add_shifts"]
        base = out.get("shifts", [])
        if not isinstance(extra, list) or not isinstance(base, list):
            out["add_shifts"] = extra  # left for validation to report as an unknown key
        else:
            out["shifts"] = base + copy.deepcopy(extra)
    return out


def _resolve_parent(ref: Any, child: Path, builtin: dict[str, Path]) -> Path:
    if not isinstance(ref, str) or not ref.strip():
        raise ScenarioError(str(child), [("extends", "must name a scenario file or built-in")])
    if ref in builtin:
        return builtin[ref]
    target = (child.resolve().parent / ref).resolve()  # relative to the child's folder
    if not target.is_file():
        shown = ", ".join(builtin) or "none"
        raise ScenarioError(
            str(child),
            [("extends", f"{ref!r}: no such file next to {child.name}, nor a built-in ({shown})")],
        )
    return target


def load_layers(path: Path, read, builtin: dict[str, Path]) -> list[tuple[Path, dict[str, Any]]]:
    """The chain of files from ``path`` up through its ``extends:``, most derived first."""
    layers: list[tuple[Path, dict[str, Any]]] = []
    seen: list[Path] = []
    current = path
    while True:
        if current.resolve() in seen:
            chain = " -> ".join(p.name for p in [*seen, current.resolve()])
            raise ScenarioError(str(path), [("extends", f"cycle: {chain}")])
        if len(seen) >= MAX_DEPTH:
            raise ScenarioError(str(path), [("extends", f"more than {MAX_DEPTH} levels")])
        seen.append(current.resolve())
        data = read(current)
        if not isinstance(data, dict):
            raise ScenarioError(str(current), [("", not_a_mapping(data))])
        layers.append((current, data))
        if "extends" not in data:
            return layers
        current = _resolve_parent(data["extends"], current, builtin)


def merge_layers(layers: list[tuple[Path, dict[str, Any]]]) -> dict[str, Any]:
    """Merge a chain (most derived first) into one mapping; the name is the child's own."""
    merged: dict[str, Any] = {}
    for _, data in reversed(layers):
        merged = deep_merge(merged, {k: v for k, v in data.items() if k != "extends"})
    child_path, child = layers[0]
    merged["name"] = child.get("name", child_path.stem)
    return merged


def has_key_path(data: Any, loc: Iterable[Any], merged: Any) -> bool:
    """Whether one file's mapping sets the key at ``loc`` of the merged scenario. Shifts
    appended with ``add_shifts`` are the last ones of the merged list."""
    loc = list(loc)
    for i, part in enumerate(loc):
        if _holds(data, part):
            data, merged = data[part], _child(merged, part)
        elif isinstance(data, dict) and part == "shifts" and "add_shifts" in data:
            added = data["add_shifts"]
            total = len(_child(merged, part) or [])
            if i + 1 == len(loc):
                return True
            nxt = loc[i + 1]
            offset = total - len(added) if isinstance(added, list) else 0
            if not (isinstance(nxt, int) and isinstance(added, list) and nxt >= offset):
                return False
            return has_key_path(added[nxt - offset], loc[i + 2 :], _child(merged, part)[nxt])
        else:
            return False
    return True


def _holds(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _child(node: Any, part: Any) -> Any:
    try:
        return node[part]
    except (KeyError, IndexError, TypeError):
        return None


def minimal_changes(old: Any, new: Any) -> Any:
    """What ``new`` changes from ``old`` as a mapping ``extends:`` merges: differing keys
    only; a list or a distribution (a mapping with dist:) whole, since those replace."""
    if isinstance(old, dict) and isinstance(new, dict) and "dist" not in new:
        out = {}
        for k, v in new.items():
            if k not in old:
                out[k] = v
            elif old[k] != v:
                out[k] = minimal_changes(old[k], v)
        return out
    return new

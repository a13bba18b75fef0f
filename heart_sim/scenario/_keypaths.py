"""Key paths into a scenario, written as in the YAML: ``programs.crt.patience_min``,
``programs.crt.shifts[0].units`` (or ``shifts.0.units``), ``demand.multiplier``.

Two shorthands: ``<program>.units`` sets the units of every shift of a program, and
``<program>.<key>`` means ``programs.<program>.<key>`` (``crt.patience_min``). A path to
a key the scenario does not set yet but may set (``programs.crt.response_target_min``) is
created; any other unknown key gets a "did you mean" from the keys allowed there. The same
paths serve ``heart-sim sweep --vary`` and ``hs.vary``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

from ..core import PROGRAMS, HeartSimError, brief, did_you_mean, known_keys
from ._load import scenario_from_dict
from ._schema import Scenario

PROGRAM_KEYS = {p.value for p in PROGRAMS}
_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class KeyPathError(HeartSimError):
    """A key path that does not lead to a key of the scenario."""


def parse_path(text: str) -> tuple[str | int, ...]:
    """'programs.crt.shifts[0].units' or 'programs.crt.shifts.0.units' -> the parts."""
    text = text.strip()
    if not text or text.startswith(".") or text.endswith(".") or ".." in text:
        raise KeyPathError(
            f"{text!r}: a key path is keys joined by dots, e.g. programs.crt.patience_min"
        )
    parts: list[str | int] = []
    pos = 0
    for m in _PART.finditer(text):
        gap = text[pos : m.start()]
        if gap not in ("", "."):
            raise KeyPathError(f"{text!r}: cannot read {gap!r} in a key path")
        pos = m.end()
        key, index = m.group(1), m.group(2)
        parts.append(int(index) if index is not None else int(key) if key.isdigit() else key)
    if pos != len(text):
        raise KeyPathError(f"{text!r}: cannot read {text[pos:]!r} in a key path")
    return tuple(parts)


def expand(parts: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Apply the ``<program>.<key>`` shorthand."""
    if parts and parts[0] in PROGRAM_KEYS and parts[0] not in Scenario.model_fields:
        return ("programs", *parts)
    return parts


def _show(parts: tuple[str | int, ...]) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the scenario mapping ``data`` with the key at ``path`` set to ``value``."""
    out = copy.deepcopy(data)
    parts = expand(parse_path(path))
    if len(parts) == 3 and parts[0] == "programs" and parts[2] == "units":
        _set_units(out, path, parts[1], value)
        return out
    node: Any = out
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        part = _step(node, part, parts[:i], path, last)
        if last:
            node[part] = value
        else:
            node = node[part]
    return out


def _set_units(data: dict[str, Any], path: str, program: str | int, value: Any) -> None:
    """The ``<program>.units`` shorthand: set the units of every shift of the program."""
    shifts = data.get("programs", {}).get(program, {}).get("shifts")
    if not shifts:
        raise KeyPathError(f"{path}: program {program} has no shifts to set units on")
    for shift in shifts:
        shift["units"] = value


def _step(
    node: Any, part: str | int, here: tuple[str | int, ...], path: str, last: bool
) -> str | int:
    """The key or index ``part`` of ``node`` (reached by ``here``), checked; on the way to
    the last key a mapping the scenario may have but does not set yet is created empty."""
    if isinstance(node, dict) and isinstance(part, int) and str(part) in node:
        part = str(part)  # a key made of digits (a call type "911"), not a list index
    if isinstance(node, list):
        if not isinstance(part, int) or not 0 <= part < len(node):
            which = f"use [0]..[{len(node) - 1}]" if node else "it is empty"
            raise KeyPathError(f"{path}: {_show(here)} is a list of {len(node)} ({which})")
    elif isinstance(node, dict):
        if part not in node:
            _check_allowed(node, part, here)
            if not last:
                node[part] = {}
    else:
        raise KeyPathError(f"{path}: {_show(here)} is a value, not a mapping of keys")
    return part


def _check_allowed(node: dict, part: str | int, here: tuple[str | int, ...]) -> None:
    """A key the mapping does not set is one the schema allows there."""
    allowed = known_keys(Scenario, here)
    if part not in allowed:  # neither set here nor allowed here
        choices = set(allowed) | {k for k in node if isinstance(k, str)}
        if not here:  # the <program>.<key> shorthand
            choices |= PROGRAM_KEYS
        why = did_you_mean(str(part), sorted(choices))
        raise KeyPathError(f"{_show((*here, part))}: {why}")


def _short_form(parts: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """programs.crt.x -> crt.x, for names."""
    return parts[1:] if parts[:1] == ("programs",) else parts


def vary(scenario: Scenario, changes: dict[str, Any], name: str | None = None) -> Scenario:
    """A validated variant of ``scenario`` with each key path set (``{"crt.units": 3}``).

    It gets its own ``name`` (given, or made from the changes: ``durham_2022__crt.units_3``)
    so that it can be compared with its parent; it is validated like a scenario file."""
    data = scenario.model_dump(mode="json")
    for path, value in changes.items():
        data = set_path(data, path, value)
    if name is not None:
        data["name"] = name
    elif "name" not in changes:
        label = "__".join(
            f"{_show(_short_form(expand(parse_path(p))))}_{v}" for p, v in changes.items()
        )
        made = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{scenario.name}__{label}")
        if len(made) > 80:  # keep names distinct when they would be cut
            digest = hashlib.sha256(made.encode()).hexdigest()[:8]
            made = f"{made[:70]}__{digest}"
        data["name"] = made
    shown = ", ".join(f"{p}={v!r}" for p, v in changes.items())
    return scenario_from_dict(data, source=f"{scenario.name} with {shown}")


# --- comparing two scenario mappings key by key -----------------------------------------


def flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """Key path -> value for every leaf of a mapping (lists of mappings are entered). A tuple
    is a list here (one side read from JSON, the other built in Python): equal values compare
    equal, so no change is reported where there is none."""
    if isinstance(data, tuple):
        data = [_plain(x) for x in data]
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out |= flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    if isinstance(data, list) and data and all(isinstance(x, dict) for x in data):
        out = {}
        for i, v in enumerate(data):
            out |= flatten(v, f"{prefix}[{i}]")
        return out
    return {prefix: data}


def _plain(value: Any) -> Any:
    """Tuples as lists, all the way down."""
    if isinstance(value, tuple | list):
        return [_plain(x) for x in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def short(value: Any) -> str:
    """A value in at most 40 characters; a large value is never rendered in full first."""
    if isinstance(value, str):
        text = value[:41]
    else:
        text = brief(value, 40) if isinstance(value, list | tuple | dict) else json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


def differences(old: dict, new: dict) -> list[tuple[str, str, str]]:
    """(key path, old value, new value), shortened, for every key that differs between two
    mappings; a key only one of them has is ``<unset>`` in the other."""
    a, b = flatten(old), flatten(new)
    keys = [k for k in dict.fromkeys([*a, *b]) if a.get(k, "<unset>") != b.get(k, "<unset>")]
    return [(k, short(a.get(k, "<unset>")), short(b.get(k, "<unset>"))) for k in keys]


def key_changes(old: dict, new: dict, most: int = 4) -> list[str]:
    """'programs.crt.patience_min 30 -> 20' for keys that differ between two mappings."""
    diffs = differences(old, new)
    shown = [f"{k} {a} -> {b}" for k, a, b in diffs]
    return shown[:most] + ([f"{len(diffs) - most} more"] if len(diffs) > most else [])

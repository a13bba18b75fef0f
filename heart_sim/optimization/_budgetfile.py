"""An options file: the candidate changes a budget may buy, validated like a scenario.

```yaml
name: durham_fy26_options
description: what the options are and for which scenario
options:
  crt_overnight:
    description: CRT 24/7 - an overnight team 00:00-09:00 every day
    add:                    # key path -> items appended to the list at that path
      programs.crt.shifts: [{days: daily, start: "00:00", end: "09:00", units: 1}]
    source: "ASSUMPTION: ..."
  ccd_third_seat:
    set:                    # key path -> the value that replaces what is there
      programs.ccd.shifts: [{days: daily, start: "09:00", end: "21:00", units: 3}]
    exclusive_with: [crt_overnight]   # optional: options never bought together
```

Key paths are the scenario's own, as for ``heart-sim sweep --vary`` (``programs.crt.x``,
``crt.x``, ``shifts[0].units``). Whether a path exists in the scenario is checked when the
options meet it (``optimization._budget``); here the file's form is checked. Two options that
touch the same part of the scenario cannot both be bought, since the second would undo or
redo the first: one that sets a path excludes every other option that sets or adds to that
path, a path inside it or a path it lies inside. Two that only add to the same list can be
combined (both sets of items are appended, in the file's order).
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ..core import PROGRAMS, ScenarioError, problems
from ..scenario import key_path, read_yaml, resolve_file

NAME = r"^[A-Za-z][A-Za-z0-9_-]{0,39}$"
BASE = "base"  # the label of the empty set of options: no option may take it
_PATH = re.compile(r"^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*$")
PATH_FORMS = (
    "keys joined by dots as in the scenario file, e.g. programs.crt.shifts or crt.patience_min"
)


class OptionsFileError(ScenarioError):
    """An options file that cannot be used: names the file, the key path and the reason."""


def path_parts(path: str) -> tuple[str | int, ...]:
    """A key path's parts, with ``crt.x`` read as ``programs.crt.x``, ``shifts.0`` as
    ``shifts[0]`` and ``<program>.units`` as the program's shifts (what it sets)."""
    parts: list[str | int] = []
    for token in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        text = token[1:-1] if token.startswith("[") else token
        parts.append(int(text) if text.isdigit() else text)
    programs = {p.value for p in PROGRAMS}
    if parts and parts[0] in programs:
        parts.insert(0, "programs")
    if len(parts) == 3 and parts[0] == "programs" and parts[2] == "units":
        parts[2] = "shifts"
    return tuple(parts)


def _overlap(a: str, b: str) -> bool:
    """One path is the other or lies inside it."""
    pa, pb = path_parts(a), path_parts(b)
    n = min(len(pa), len(pb))
    return pa[:n] == pb[:n]


def _check_paths(where: str, paths: list[str]) -> None:
    for p in paths:
        if not _PATH.match(p.strip()):
            raise ValueError(f"{where}: {p!r} is not a key path: use {PATH_FORMS}")


class Option(BaseModel):
    """One candidate change: key paths set and list items appended."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str = Field("", description="what the option is, in words")
    set: dict[str, Any] = Field(
        default_factory=dict, description="key path -> the value that replaces what is there"
    )
    add: dict[str, list[Any]] = Field(
        default_factory=dict, description="key path -> the items appended to the list there"
    )
    source: str = Field("", description="where the option and its figures come from")
    exclusive_with: list[str] = Field(
        default_factory=list, description="other options never bought together with this one"
    )

    @model_validator(mode="before")
    @classmethod
    def _add_lists(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("add"), dict):
            for path, items in data["add"].items():
                if not isinstance(items, list):
                    raise ValueError(
                        f"add.{path}: expected a list of the items to append (- item lines, "
                        f"or [a, b]); to replace a value use set: {path}: ..."
                    )
        return data

    @model_validator(mode="after")
    def _something(self) -> Option:
        if not self.set and not self.add:
            raise ValueError(
                "the option changes nothing: give set: (key path: new value) and/or add: "
                "(key path: [items to append])"
            )
        _check_paths("set", list(self.set))
        _check_paths("add", list(self.add))
        both = [a for a in self.add if any(_overlap(a, s) for s in self.set)]
        if both:
            raise ValueError(
                f"add.{both[0]}: that part of the scenario is also under set:; give the "
                "whole new value under set: instead"
            )
        return self

    def paths(self) -> list[str]:
        return [*self.set, *self.add]


def conflict(a: Option, b: Option) -> str | None:
    """Why two options cannot be combined (touching the same key path), or None."""
    for p in a.set:
        for q in [*b.set, *b.add]:
            if _overlap(p, q):
                return f"both change {p if len(path_parts(p)) <= len(path_parts(q)) else q}"
    for p in a.add:
        for q in b.set:
            if _overlap(p, q):
                return f"both change {q if len(path_parts(q)) <= len(path_parts(p)) else p}"
    return None


class OptionsFile(BaseModel):
    """The candidate changes, by name, in the file's order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    options: dict[str, Option] = Field(description="option name -> what it changes")
    _source: str = PrivateAttr("")

    @property
    def source(self) -> str:
        """The file the options came from (for messages)."""
        return self._source or f"options {self.name}"

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        opts = data.get("options") if isinstance(data, dict) else None
        if isinstance(opts, dict):
            if not opts:
                raise ValueError(
                    "options: no options given; list them as name: {description:, set: or add:}"
                )
            for name, body in opts.items():
                if not isinstance(name, str) or not re.match(NAME, name) or name == BASE:
                    raise ValueError(
                        f"{key_path(('options', name))}: {name!r} cannot be an option's "
                        "name: use 1-40 "
                        f"letters, digits, '_' or '-', starting with a letter (not {BASE!r})"
                    )
                if name == "exclusive_with" and isinstance(body, list):
                    raise ValueError(
                        "options.exclusive_with: exclusive_with: goes inside an option "
                        "(options.<name>.exclusive_with: [other names])"
                    )
        return data

    @model_validator(mode="after")
    def _exclusions_known(self) -> OptionsFile:
        for name, opt in self.options.items():
            for other in opt.exclusive_with:
                if other not in self.options or other == name:
                    known = ", ".join(n for n in self.options if n != name) or "none"
                    raise ValueError(
                        f"options.{name}.exclusive_with: {other!r} is not another option "
                        f"of this file (the others: {known})"
                    )
        return self

    @property
    def names(self) -> list[str]:
        return list(self.options)

    def exclusive_pairs(self) -> list[tuple[str, str, str]]:
        """(a, b, why) for every pair that cannot be bought together, a before b in the
        file's order: declared (exclusive_with) or touching the same key path."""
        out = []
        for a, b in itertools.combinations(self.names, 2):
            oa, ob = self.options[a], self.options[b]
            why = conflict(oa, ob) or conflict(ob, oa)
            if why is None and (b in oa.exclusive_with or a in ob.exclusive_with):
                why = "declared exclusive_with"
            if why is not None:
                out.append((a, b, why))
        return out

    def compatible(self, chosen: list[str] | tuple[str, ...]) -> bool:
        """No two of ``chosen`` exclude each other."""
        pairs = {(a, b) for a, b, _ in self.exclusive_pairs()}
        return not any((a, b) in pairs or (b, a) in pairs for a in chosen for b in chosen)

    def subsets(self, most: int | None = None) -> list[tuple[str, ...]] | None:
        """Every compatible set of options (the empty set first, then by size, in the
        file's order), or None when there are more than ``most`` of them (found without
        listing them all: a set is only grown from compatible ones)."""
        names = self.names
        bad = {frozenset((a, b)) for a, b, _ in self.exclusive_pairs()}
        found: list[tuple[int, ...]] = []
        stack: list[tuple[int, ...]] = [()]
        while stack:
            combo = stack.pop()
            found.append(combo)
            if most is not None and len(found) > most:
                return None
            start = combo[-1] + 1 if combo else 0
            for i in range(len(names) - 1, start - 1, -1):
                if not any(frozenset((names[i], names[j])) in bad for j in combo):
                    stack.append((*combo, i))
        found.sort(key=lambda c: (len(c), c))
        return [tuple(names[i] for i in c) for c in found]


def _where(loc: tuple[Any, ...], why: str) -> tuple[str, str]:
    """A problem's key path; a validator's message may begin with a finer path of its own
    (``add.programs.crt.shifts: ...``), which is appended."""
    path = key_path(loc)
    head, sep, rest = why.partition(": ")
    if sep and head.startswith("options"):
        return head, rest
    if sep and head.startswith(("add", "set")) and " " not in head:
        return f"{path}.{head}" if path else head, rest
    return path, why


def load_options(path: str | Path) -> OptionsFile:
    """A validated options file (a path, or a shipped one by name: ``durham_fy26``); every
    problem names the file and the key path."""
    path = resolve_file(path, "options")
    source = str(path)
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise OptionsFileError(
            source, [("", "an options file is a mapping with name:, description: and options:")]
        )
    data.setdefault("name", path.stem)
    return options_from_dict(data, source)


def options_from_dict(data: dict[str, Any], source: str = "<options>") -> OptionsFile:
    """An options file given as a mapping (in Python), validated as the file would be."""
    try:
        opts = OptionsFile.model_validate({"name": "options", **data})
        opts._source = source
        return opts
    except ValidationError as err:
        found = problems(err, OptionsFile)
        raise OptionsFileError(source, [_where(loc, why) for loc, why in found]) from None


def options_json_schema() -> dict[str, Any]:
    """The JSON Schema of an options file (optimize --budget/--fte --options), for editors."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **OptionsFile.model_json_schema(mode="validation"),
        "title": "heart-sim options (heart-sim optimize --options)",
    }

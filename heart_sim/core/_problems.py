"""Validation errors in a planner's words: the key path, what is wrong, what is accepted.

pydantic reports problems in its own vocabulary (``Input should be a valid string``,
``list[str]``, ``NoneType``, regexes, union branch names in the key path). Here each
error becomes (key path, reason) in the scenario's words, and an unknown key gets a
"did you mean" from the keys that are allowed at that place in the scenario.
"""

from __future__ import annotations

import difflib
import re
import reprlib
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

# Keys a scenario file may use besides the model's fields, by the model they sit in.
EXTRA_KEYS: dict[str, tuple[str, ...]] = {"Scenario": ("extends",), "_Program": ("add_shifts",)}

MISSING = "required key is missing"
_TYPE_WORDS = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "dict_type": "expected a mapping of keys (key: value lines)",
    "model_type": "expected a mapping of keys (key: value lines)",
    "model_attributes_type": "expected a mapping of keys (key: value lines)",
    "list_type": "expected a list (- item lines, or [a, b])",
    "finite_number": "expected a finite number (not nan or inf)",
}
_BRANCH = re.compile(
    r"^(list|dict|str|int|float|bool|none|function-\w+|tagged-union|nullable|distribution|"
    r"travel-model)(\[.*\])?$"
)


def describe(value: Any) -> str:
    """What kind of value a planner wrote: 'nothing', 'a list', 'text', 'a number'..."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a value of another kind"


def not_a_mapping(data: Any) -> str:
    """Why a file (or a dict given in Python) is not a scenario at all."""
    if data is None:
        return (
            "the file is empty: a scenario is a mapping of keys (name:, demand:, "
            "call_types:, programs:, ... or extends: another scenario)"
        )
    return f"expected a mapping of keys (name:, demand:, ...), got {describe(data)}"


def _members(tp: Any) -> list[Any]:
    """The alternatives of a Union / Optional / Annotated type (or the type itself)."""
    origin = get_origin(tp)
    if origin is Union or origin is types.UnionType:
        return [m for a in get_args(tp) for m in _members(a)]
    if origin is Annotated:
        return _members(get_args(tp)[0])
    return [tp]


def _step(tp: Any, part: Any) -> tuple[Any, str]:
    """The type reached by one key-path part, and what the part was: 'key', 'tag' (a
    distribution's dist: value, which pydantic puts in the path) or 'unknown'."""
    for m in _members(tp):
        origin = get_origin(m)
        if isinstance(m, type) and issubclass(m, BaseModel):
            if part in m.model_fields:
                return m.model_fields[part].annotation, "key"
        elif origin in (list, tuple) and isinstance(part, int):
            return get_args(m)[0], "key"
        elif origin is dict and isinstance(part, str):
            return get_args(m)[1], "key"
    for m in _members(tp):
        if isinstance(m, type) and issubclass(m, BaseModel):
            dist = m.model_fields.get("dist")
            if dist is not None and dist.default == part:
                return m, "tag"
    return tp, "unknown"


def known_keys(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at ``loc`` (the mapping that holds an unknown key)."""
    tp: Any = root
    for part in loc:
        tp, _ = _step(tp, part)
    keys: list[str] = []
    for m in _members(tp):
        if isinstance(m, type) and issubclass(m, BaseModel):
            keys += list(m.model_fields)
            for cls in m.__mro__:
                keys += EXTRA_KEYS.get(cls.__name__, ())
    return sorted(set(keys))


def did_you_mean(key: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(str(key), choices, n=1, cutoff=0.6)
    if close:
        return f"unknown key; did you mean {close[0]!r}?"
    shown = ", ".join(choices[:12]) + (", ..." if len(choices) > 12 else "")
    return f"unknown key (allowed here: {shown})" if choices else "unknown key"


def _literal_words(e: Any) -> str:
    expected = e.get("ctx", {}).get("expected", "")
    return f"must be {expected}" if expected else "is not one of the accepted values"


def reason(e: Any, root: type[BaseModel]) -> str:
    """One pydantic error in a planner's words."""
    kind = e["type"]
    loc = tuple(e["loc"])
    msg = " ".join(str(e["msg"]).removeprefix("Value error, ").split())
    got = e.get("input")
    if kind == "missing":
        return MISSING
    if kind == "extra_forbidden":
        return did_you_mean(str(loc[-1]), known_keys(root, _clean_loc(root, loc[:-1], tags=True)))
    if kind in _TYPE_WORDS:
        return f"{_TYPE_WORDS[kind]}, got {describe(got)} ({_shown(got)})"
    if kind == "literal_error":
        return f"{_literal_words(e)} (got {_shown(got)})"
    if kind == "union_tag_invalid":
        tags = e.get("ctx", {}).get("expected_tags", "")
        return f"dist {_shown(e.get('ctx', {}).get('tag'))} is not one of: {tags}"
    if kind == "union_tag_not_found":
        return (
            "a distribution needs dist: (exponential, lognormal, gamma, triangular, fixed "
            "or empirical)"
        )
    if kind == "string_pattern_mismatch" and loc[-1:] == ("name",):
        return (
            f"{_shown(got)} cannot be a name: use 1-80 letters, digits, '_', '.' or '-', "
            "starting with a letter, digit or '_' (no spaces: it names the results folder); "
            "put free text in title:"
        )
    msg = msg.replace("Input should be", "must be").replace("Value should have", "needs")
    msg = msg.replace("List should have", "the list needs")
    if kind != "value_error" and got is not None:
        msg += f" (got {_shown(got)})"
    return msg


def brief(value: Any, width: int = 60) -> str:
    """``repr(value)`` in at most ``width`` characters (longer: cut, ending "..."). It is
    cut short as it is rendered (a few items of a list, a few levels), never rendered in
    full first: a value of an alias-heavy file can be very large."""
    r = reprlib.Repr()  # attributes, not keywords: Python 3.10 and 3.11
    r.maxlevel = 3
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = 6
    r.maxstring = r.maxother = width
    text = r.repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _shown(value: Any) -> str:
    return brief(value, 63)


def _clean_loc(root: type[BaseModel], loc: tuple[Any, ...], tags: bool) -> tuple[Any, ...]:
    """The key path without what pydantic adds to it: union-branch names (``list[str]``,
    ``str``) that are not keys at that place, and (unless ``tags``) distribution tags, so
    that it reads as the scenario file has it. A call type named ``str`` stays a key."""
    tp: Any = root
    out = []
    for part in loc:
        new_tp, what = _step(tp, part)
        if what == "unknown" and isinstance(part, str) and _BRANCH.match(part):
            continue  # a branch name: the type stays where it was
        tp = new_tp
        if what != "tag" or tags:
            out.append(part)
    return tuple(out)


def display_loc(root: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """The key path as the scenario file has it."""
    return _clean_loc(root, loc, tags=False)


def problems(err: ValidationError, root: type[BaseModel]) -> list[tuple[tuple[Any, ...], str]]:
    """(key path, reason) per problem, key paths as written in the file, duplicates (one
    problem seen through several union branches) removed."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for e in err.errors():
        raw = tuple(e["loc"])
        if e["type"] == "extra_forbidden":  # the last part is the offending key itself
            loc = (*display_loc(root, raw[:-1]), raw[-1])
        else:
            loc = display_loc(root, raw)
        item = (loc, reason(e, root))
        if item not in out:
            out.append(item)
    return out

"""Day names as planners write them, read strictly: what is typed is what runs.

Accepted, in any case: a day's full or three-letter name (``Monday``, ``mon``), a range
(``mon-fri``; ``fri-sun`` and ``sat-mon`` wrap round the week), the groups ``daily``,
``weekdays`` and ``weekends``, a list of any of these, or one string of them separated by
commas. Anything else is an error that shows these forms: ``Mon-Fri`` is Monday to
Friday, never Monday alone.
"""

from __future__ import annotations

import copy
from typing import Any

from ._schedules import DAY_NAMES

FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
GROUPS = {"daily": DAY_NAMES, "weekdays": DAY_NAMES[:5], "weekends": DAY_NAMES[5:]}
ACCEPTED = (
    "mon..sun or monday..sunday (any case), a range such as mon-fri or fri-sun, "
    "or daily, weekdays, weekends"
)


def _any_case(word: str) -> str:
    """A regular expression matching word in any case (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)


def _token_pattern() -> str:
    day = "|".join(_any_case(d) for d in (*FULL_NAMES, *DAY_NAMES))
    group = "|".join(_any_case(g) for g in GROUPS)
    return rf"\s*(?:(?:{day})(?:\s*-\s*(?:{day}))?|{group})\s*"


_TOKEN = _token_pattern()
_DAYS_JSON_SCHEMA = {
    "anyOf": [
        {"type": "string", "pattern": f"^{_TOKEN}(?:,{_TOKEN})*$"},
        {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": f"^{_TOKEN}$"}},
    ],
    "description": f"days: {ACCEPTED}",
}


def days_json_schema(schema: dict[str, Any]) -> None:
    """The days a shift accepts, for editors (heart-sim schema): what parse_days reads, as
    one string of comma-separated tokens or a list of single tokens, in place of the list
    of canonical names it returns; a day listed twice is left to heart-sim validate."""
    schema.clear()
    schema.update(copy.deepcopy(_DAYS_JSON_SCHEMA))


def _day(token: str) -> str | None:
    t = token.strip().lower()
    if t in DAY_NAMES:
        return t
    if t in FULL_NAMES:
        return DAY_NAMES[FULL_NAMES.index(t)]
    return None


def _token(token: Any) -> list[str]:
    if not isinstance(token, str) or not token.strip():
        raise ValueError(f"{token!r} is not a day: use {ACCEPTED}")
    t = token.strip().lower()
    if t in GROUPS:
        return list(GROUPS[t])
    if _day(t):
        return [_day(t)]  # type: ignore[list-item]
    first, sep, last = t.partition("-")
    a, b = _day(first), _day(last)
    if sep and a and b:
        i, j = DAY_NAMES.index(a), DAY_NAMES.index(b)
        n = (j - i) % 7 + 1
        return [DAY_NAMES[(i + k) % 7] for k in range(n)]
    raise ValueError(f"{token!r} is not a day: use {ACCEPTED}")


def days_text(days: list[str]) -> str:
    """The shortest way to write canonical days: a group, a range (mon-fri) or a list."""
    for name, group in GROUPS.items():
        if list(days) == list(group):
            return name
    idx = [DAY_NAMES.index(d) for d in days]
    if len(idx) > 2 and all((b - a) % 7 == 1 for a, b in zip(idx, idx[1:])):
        return f"{days[0]}-{days[-1]}"
    return "[" + ", ".join(days) + "]"


def parse_days(value: Any) -> list[str]:
    """Canonical three-letter day names (mon..sun) in the order given."""
    if isinstance(value, str):
        tokens: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        tokens = list(value)
    else:
        raise ValueError(f"{value!r} is not a list of days: use {ACCEPTED}")
    days: list[str] = []
    for token in tokens:
        days += _token(token)
    if not days:
        raise ValueError(f"a shift needs at least one day: use {ACCEPTED}")
    twice = sorted({d for d in days if days.count(d) > 1}, key=DAY_NAMES.index)
    if twice:
        raise ValueError(f"{', '.join(twice)} listed twice (in {value!r})")
    return days

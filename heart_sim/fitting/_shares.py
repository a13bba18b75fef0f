"""Shares of calls by category (call type, zone) for ``heart-sim fit``, through a mapping
from the export's values (CAD natures, districts) to heart-sim's names.

A mapping file is YAML in either direction: ``NATURE: type_name`` lines, or
``type_name: [NATURE, NATURE, ...]``; a value mapped to ``null`` is named as not eligible.
Values are matched ignoring case and runs of spaces. Values the mapping does not name are
counted and listed, never dropped silently. Shares come with Wilson 95% intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ._callfile import FitError, read_small_yaml

Z95 = 1.959963984540054


def _key(value: str) -> str:
    return " ".join(str(value).split()).casefold()


def read_mapping(path: Path, option: str) -> dict[str, str | None]:
    """Export value (normalised) -> heart-sim name, or None for 'not eligible'."""
    data = read_small_yaml(path, option)
    out: dict[str, str | None] = {}

    def put(raw: object, name: str | None) -> None:
        k = _key(str(raw))
        if k in out and out[k] != name:
            raise FitError(f"{path}: {raw!r} is mapped to both {out[k]!r} and {name!r} ({option})")
        out[k] = name

    for key, value in data.items():
        if isinstance(value, list):  # name: [value, value]
            for raw in value:
                put(raw, str(key))
        elif value is None or isinstance(value, str | int | float):  # value: name
            put(key, None if value is None else str(value))
        else:
            raise FitError(
                f"{path}: {key!r}: expected a name (VALUE: name) or a list of values "
                f"(name: [VALUE, ...]) ({option})"
            )
    if not out:
        raise FitError(f"{path}: the mapping is empty ({option})")
    return out


@dataclass(frozen=True)
class Mapped:
    """Each row's heart-sim name ('' where none) and the values left out, with counts."""

    names: pd.Series
    unmapped: pd.Series  # raw value -> rows, most first
    not_eligible: pd.Series  # raw value -> rows mapped to null


def apply_mapping(raw: pd.Series, mapping: dict[str, str | None] | None) -> Mapped:
    """Map each row's value; without a mapping every value is its own name."""
    if mapping is None:
        empty = pd.Series(dtype="int64")
        return Mapped(raw.astype(str), empty, empty)
    codes, uniques = pd.factorize(raw.astype(str))
    keys = [_key(u) for u in uniques]
    named = np.array([mapping.get(k) or "" for k in keys], dtype=object)
    known = np.array([k in mapping for k in keys], dtype=bool)  # (bool even when empty)
    names = pd.Series(named[codes] if len(codes) else [], index=raw.index, dtype=object)
    counts = pd.Series(np.bincount(codes, minlength=len(uniques)), index=list(uniques))
    unmapped = counts[~known].sort_values(ascending=False, kind="stable")
    nulls = counts[known & (named == "")].sort_values(ascending=False, kind="stable")
    return Mapped(names, unmapped, nulls)


@dataclass(frozen=True)
class Share:
    """One category's count and share of the total, with a Wilson 95% interval."""

    name: str
    count: int
    share: float
    low: float
    high: float


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion k / n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def shares(names: pd.Series, order: list[str] | None = None) -> list[Share]:
    """Shares of each name among the rows (most common first, or in ``order``)."""
    counts = names.value_counts()
    n = int(counts.sum())
    keys = order if order is not None else [str(k) for k in counts.index]
    out = []
    for k in keys:
        c = int(counts.get(k, 0))
        lo, hi = wilson(c, n)
        out.append(Share(k, c, c / n if n else 0.0, lo, hi))
    return out


def rounded(values: list[float], digits: int = 4) -> list[float]:
    """Shares rounded to ``digits`` that still sum to 1 (the largest takes the rest)."""
    out = [round(v, digits) for v in values]
    if out:
        i = int(np.argmax(values))
        out[i] = round(1.0 - sum(out) + out[i], digits)
    return out

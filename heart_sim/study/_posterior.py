"""Parameter draws carried into a run: what is not known travels with the results.

``--posterior posterior.csv`` (or a calibration.csv: its non-implausible rows) gives one
parameter point per row, its columns the key paths of the unknowns. Replication r of a
run uses row ``order[r mod K]`` of the K rows, ``order`` a permutation fixed by the seed,
so the interval over replications holds both the simulation's noise and the spread of the
parameters still consistent with the targets; in a comparison replication r of every
scenario uses the same row and the same random numbers, so the differences stay paired.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core import HeartSimError, StudyError
from ..scenario import Scenario, expand, parse_path, vary
from ._folders import POSTERIOR_FILE as POSTERIOR_FILE

BOOKKEEPING = ("wave", "point", "draw", "nroy")


@dataclass
class Posterior:
    """K parameter points (rows: key path -> value) and the order replications take them."""

    source: str
    table: pd.DataFrame
    text: str  # the file as read, kept with the results (its hash keys their folder)
    # (id of the base, row) -> (the base, kept alive so its id stays its own; the variant)
    _cache: dict[tuple[int, int], tuple[Scenario, Scenario]] = field(
        default_factory=dict, repr=False
    )

    @property
    def paths(self) -> list[str]:
        return list(self.table.columns)

    def row(self, replication: int, seed: int) -> int:
        order = np.random.default_rng([seed, 0x504F5354]).permutation(len(self.table))
        return int(order[replication % len(self.table)])

    def scenario(self, base: Scenario, replication: int, seed: int) -> Scenario:
        """``base`` at the parameter point replication ``replication`` uses."""
        i = self.row(replication, seed)
        key = (id(base), i)
        if key not in self._cache:
            change = {str(p): _plain(self.table[p].iat[i]) for p in self.table.columns}
            try:
                self._cache[key] = (base, vary(base, change, name=base.name))
            except HeartSimError as err:
                raise StudyError(
                    f"{self.source}: row {i + 1} does not apply to scenario {base.name!r}: "
                    f"{str(err).splitlines()[0]}"
                ) from None
        return self._cache[key][1]

    def check_options(self, base: Scenario, alts: list[Scenario]) -> None:
        """Refuse draws that would undo what an option changes: an alternative that sets a
        key the posterior draws (say, more CRT units) would be run at the drawn value."""

        def value(data: Any, path: str) -> object:
            for part in expand(parse_path(path)):
                try:
                    data = data[part]
                except (KeyError, IndexError, TypeError):
                    return None
            return data

        base_data = base.model_dump(mode="json")
        for alt in alts:
            alt_data = alt.model_dump(mode="json")
            for path in self.paths:
                mine, theirs = value(alt_data, path), value(base_data, path)
                if mine != theirs:
                    raise StudyError(
                        f"{self.source}: the draws set {path}, which {alt.name!r} changes "
                        f"({theirs} in {base.name!r}, {mine} in it): run at the drawn values "
                        "the option would not be compared at all; drop that column from the "
                        "posterior file (or keep the option's change out of the unknowns)"
                    )

    def note(self) -> str:
        return (
            f"parameters drawn from {Path(self.source).name}: {len(self.table)} points, one a "
            "replication (the same one in replication r of every scenario compared), so the "
            "intervals include what the calibration left unknown"
        )

    def sha(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()[:16]


def _plain(v: object) -> object:
    if isinstance(v, np.integer):
        return int(v)
    return float(v) if isinstance(v, np.floating) else v


def load_posterior(path: str | Path) -> Posterior:
    """Read a posterior.csv (or a calibration.csv, keeping its non-implausible rows)."""
    path = Path(path)
    try:
        text = path.read_text()
        table = pd.read_csv(path)
    except OSError as err:
        raise StudyError(f"{path}: cannot read the posterior file: {err.strerror}") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise StudyError(f"{path}: not a CSV table of parameter draws ({err})") from None
    if "nroy" in table:
        table = table[table["nroy"].astype(bool)]
    paths = [c for c in table.columns if "." in c and c not in BOOKKEEPING]
    if not paths:
        raise StudyError(
            f"{path}: no parameter columns; a posterior file has one column per key path "
            "(demand.calls_per_week, programs.crt.patience_min, ...), as heart-sim "
            "calibrate writes posterior.csv"
        )
    table = table[paths].reset_index(drop=True)
    if table.empty:
        raise StudyError(f"{path}: no parameter points (no non-implausible rows)")
    bad = [p for p in paths if not pd.api.types.is_numeric_dtype(table[p])]
    if bad or table.isna().any().any():
        raise StudyError(f"{path}: every parameter value must be a number (see {bad or 'blanks'})")
    return Posterior(str(path), table, text)

"""What a run or a comparison produced, in memory (pandas DataFrames) and on disk.

A run's folder ``<out>/<scenario name>/`` holds summary.csv / .json, replications.csv,
by_hour.csv, quantiles.csv, scenario.yaml, the scenario's source files, report.md and,
written last, manifest.json. A comparison's folder holds each scenario's run folder plus
comparison.csv, costs.csv, comparison.md, comparison.xlsx and its manifest. Writers take
the folder with ``folders.claim`` (one writer at a time, no silent overwrite of other
inputs); every file is written atomically; a write that fails part-way removes the files
it wrote, so a folder holds a whole set of results with its manifest, or no manifest.
"""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ..core import (
    CHECKPOINTS,
    LOCK_NAME,
    PROGRAMS,
    NotResultsError,
    StudyError,
    atomic_write,
    atomic_write_bytes,
)
from ..measure import (
    PERCENTILES,
    TIME_METRICS,
    Precision,
    cards_html,
    cost_row,
    csv_text,
    fmt_summary,
    option_cards,
    paired_differences,
    people,
    run_cards,
    shown_in,
    summarise,
)
from ..scenario import Scenario, read_yaml, scenario_from_dict
from ._folders import (
    MANIFEST,
    claim,
    comparison_manifest,
    folder_kind,
    keyed_folder,
    published,
    read_manifest,
    require_files,
    run_manifest,
    writing,
)
from ._markdown import comparison_markdown, markdown_report
from ._workbook import write_workbook

RUN_FILES = ("scenario.yaml", "replications.csv", "by_hour.csv", "quantiles.csv")


@dataclass
class Results:
    """Everything a run produced, as pandas DataFrames.

    ``replications``: one row per replication, every metric. ``summary``: one row per
    metric, mean and 95% CI (computed once, on first use). ``by_hour``: 168 rows, per-week
    means by hour of week. ``quantiles``: each time's quantile function with CIs (for
    CDFs). ``calls``: per-call records, only when asked for. ``by_month``: one row per
    calendar month with 95% CIs (runs with a start_date). ``by_zone``: one row per zone
    (the pilot area and the rest of the city without zones:). ``sources``: the scenario
    file(s) as written, comments included, for the report.
    """

    scenario: Scenario
    seed: int
    reps: int
    replications: pd.DataFrame
    by_hour: pd.DataFrame
    quantiles: pd.DataFrame
    calls: pd.DataFrame | None = None
    sources: dict[str, str] = field(default_factory=dict)
    folder: Path | None = None  # where the results were written, if they were
    resumed: int = 0  # replications taken from checkpoints rather than simulated
    notes: list[str] = field(default_factory=list)  # what a reader should know of the run
    by_month: pd.DataFrame | None = None
    by_zone: pd.DataFrame | None = None
    precision: Precision | None = None  # how reps="auto" chose the replications

    @cached_property
    def summary(self) -> pd.DataFrame:
        return summarise(self.replications)

    def manifest(self) -> dict:
        return run_manifest(self.scenario, self.seed, self.reps, self.sources)

    def markdown(self) -> str:
        """report.md: the run's headline metrics with their intervals, in words."""
        return markdown_report(self.scenario, self.seed, self.reps, self.summary)

    def __repr__(self) -> str:
        reach = fmt_summary(_row(self.summary, "heart_response_rate"), "heart_response_rate")
        return (
            f"<Results {self.scenario.name}: {self.reps} replications, seed {self.seed}, "
            f"{self.scenario.horizon_weeks} week{'s' if self.scenario.horizon_weeks != 1 else ''}"
            f"; HEART handled {reach} of eligible calls>"
        )

    def _repr_html_(self) -> str:
        """Headline cards, for a notebook cell."""
        heading = f"{self.scenario.name}: {self.reps} replications, seed {self.seed}"
        return cards_html(run_cards(self.summary), heading)

    def save(self, out: Path | str, force: bool = False) -> Path:
        """Write the files ``heart-sim run`` writes to ``out/<name>-<input key>/`` and point
        ``out/<name>`` at them (see ``run_folder``)."""
        return write_results(self, Path(out), force=force)

    @classmethod
    def load(cls, folder: Path | str) -> Results:
        """Reopen results written by ``save`` or by ``heart-sim run``."""
        return read_results(Path(folder))


@dataclass
class Comparison:
    """Base and alternatives run with common random numbers; ``differences`` and ``costs``
    are computed once, on first use. Scenario names must differ: they name the folders."""

    base: Results
    alts: list[Results]
    folder: Path | None = None  # where the comparison was written, if it was
    notes: list[str] = field(default_factory=list)
    precision: Precision | None = None  # how reps="auto" chose the replications

    def __post_init__(self) -> None:
        require_distinct_names([r.scenario.name for r in (self.base, *self.alts)])

    @cached_property
    def differences(self) -> pd.DataFrame:
        """Tidy: one row per (alternative, headline metric)."""
        frames = []
        for alt in self.alts:
            d = paired_differences(self.base.replications, alt.replications, shown_in("headline"))
            d.insert(0, "scenario", alt.scenario.name)
            frames.append(d)
        return pd.concat(frames, ignore_index=True)

    @property
    def summary(self) -> pd.DataFrame:
        """The cost table: one row per scenario, base first (the protocol's summary)."""
        return self.costs

    @cached_property
    def costs(self) -> pd.DataFrame:
        """One row per scenario, base first: the budget measures with their intervals, and
        the positions each scenario's shifts need (FTE and head count, from the workforce
        arithmetic optimize uses; programs with a cost block)."""
        b = self.base.replications
        rows = [cost_row(r.scenario.name, b, r.replications) for r in (self.base, *self.alts)]
        staff = [people(r.scenario) for r in (self.base, *self.alts)]
        fte = [float(s["fte"].sum()) for s in staff]
        costed = [p.value for p in PROGRAMS if any((s["program"] == p.value).any() for s in staff)]
        for row, f, s in zip(rows, fte, staff):
            row |= {"fte": f, "extra_fte": f - fte[0], "head_count": int(s["head_count"].sum())}
            for p in costed:  # each program's positions (0 where a scenario has none)
                mine = s[s["program"] == p]
                row[f"{p}_fte"] = float(mine["fte"].sum())
                row[f"{p}_head_count"] = int(mine["head_count"].sum())
        return pd.DataFrame(rows)

    def manifest(self) -> dict:
        runs = [(r.scenario, r.sources) for r in (self.base, *self.alts)]
        return comparison_manifest(runs, self.base.seed, self.base.reps)

    def markdown(self) -> str:
        b = self.base
        return comparison_markdown(b.scenario.name, b.seed, b.reps, self.costs, self.differences)

    def __repr__(self) -> str:
        alts = ", ".join(a.scenario.name for a in self.alts)
        return (
            f"<Comparison of {alts} with {self.base.scenario.name}: {self.base.reps} paired "
            f"replications, seed {self.base.seed}>"
        )

    def _repr_html_(self) -> str:
        """One headline card per option, best first by diverted calls, for a notebook."""
        base = self.base.scenario.name
        heading = f"Options against {base}: {self.base.reps} paired replications"
        return cards_html(option_cards(self.costs, base), heading)

    def save(self, out: Path | str, force: bool = False) -> Path:
        """Write comparison.csv / .md / .xlsx and each scenario's results under ``out``."""
        return write_comparison(self, Path(out), force=force)

    @classmethod
    def load(cls, folder: Path | str) -> Comparison:
        return read_comparison(Path(folder))


def _row(summary: pd.DataFrame, name: str) -> pd.Series | None:
    rows = summary[summary["metric"] == name]
    return rows.iloc[0] if len(rows) else None


def require_distinct_names(names: list[str]) -> None:
    """Scenarios run together must have distinct names (each names its results folder)."""
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise StudyError(
            f"scenario names must differ, but {', '.join(repr(n) for n in twice)} is used "
            "more than once; give each scenario its own name (a variant made with "
            "model_copy keeps its parent's name)"
        )


# --- writing -------------------------------------------------------------------------------


def _clean(x: float) -> float | None:
    return None if isinstance(x, float) and math.isnan(x) else x


def summary_json(summary: pd.DataFrame) -> dict:
    """metric -> {mean, ci_low, ci_high, sd, n_reps[, unit, percentiles]}."""
    rows = {str(r.metric): r for r in summary.itertuples(index=False)}

    def entry(r: Any) -> dict:
        return {k: _clean(getattr(r, k)) for k in ("mean", "ci_low", "ci_high", "sd")} | {
            "n_reps": int(r.n_reps)
        }

    out: dict[str, dict] = {}
    pct_names = {f"{m}_p{q}" for m in TIME_METRICS for q in PERCENTILES}
    for name, r in rows.items():
        if name in pct_names:
            continue
        e = entry(r)
        if name in TIME_METRICS:
            e["unit"] = TIME_METRICS[name]
            e["percentiles"] = {
                f"p{q}": entry(rows[f"{name}_p{q}"]) for q in PERCENTILES if f"{name}_p{q}" in rows
            }
        out[name] = e
    return out


Put = Callable[[str, str], None]
PutBytes = Callable[[str, Callable[[Path], object]], None]


@contextmanager
def _file_set(folder: Path, keep: tuple[str, ...] = ()) -> Iterator[tuple[Put, PutBytes]]:
    """Write a folder's files as one set: the old manifest goes first (the folder stops
    claiming to hold whole results), then every other earlier file (calls.csv, sources/,
    plots/ of a forced rewrite must not pass for the new run's); the new manifest is
    written last by the caller; if any write fails, the files this set wrote are removed
    again. Checkpoints, the lock and the entries named in ``keep`` stay."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)
    for old in folder.iterdir():
        if old.name in (*keep, CHECKPOINTS, LOCK_NAME):
            continue
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)
        else:
            old.unlink(missing_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        atomic_write(folder / name, text)
        written.append(folder / name)

    def put_bytes(name: str, writer: Callable[[Path], object]) -> None:
        atomic_write_bytes(folder / name, writer)
        written.append(folder / name)

    try:
        yield put, put_bytes
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


def run_folder(out: Path, scenario: Scenario, manifest: dict) -> Path:
    """``out/<name>-<input key>``: one folder per set of inputs (``out/<name>`` is a link
    to the newest)."""
    return keyed_folder(Path(out), scenario.name, manifest)


def write_results(result: Results, out: Path, force: bool = False, exact: bool = False) -> Path:
    """Write a run's files to its own folder under ``out`` (``exact``: to ``out/<name>``,
    as inside a comparison) and return that folder. Notes in ``result.notes`` say how the
    inputs differ from the results ``out/<name>`` pointed to before."""
    name = result.scenario.name
    wanted = result.manifest()
    if exact:
        _write_run(result, Path(out) / name, wanted, force)
    else:
        scenarios = {name: result.scenario}
        with published(Path(out), name, wanted, result.notes, "results", scenarios) as folder:
            _write_run(result, folder, wanted, force)
    assert result.folder is not None
    return result.folder


def _write_run(result: Results, folder: Path, wanted: dict, force: bool) -> None:
    with claim(folder, wanted, force, {result.scenario.name: result.scenario}), writing(folder):
        summary = result.summary
        with _file_set(folder) as (put, _):
            put("summary.csv", csv_text(summary))
            put("summary.json", json.dumps(summary_json(summary), indent=2) + "\n")
            # Replications at full precision: summary statistics recomputed from them match.
            put("replications.csv", result.replications.to_csv(index=False))
            put("by_hour.csv", csv_text(result.by_hour))
            put("quantiles.csv", csv_text(result.quantiles))
            if result.by_month is not None:
                put("by_month.csv", csv_text(result.by_month))
            if result.by_zone is not None:
                put("by_zone.csv", csv_text(result.by_zone))
            if result.calls is not None:
                put("calls.csv", csv_text(result.calls))
            scenario = result.scenario.model_dump(mode="json")
            put("scenario.yaml", yaml.safe_dump(scenario, sort_keys=False))
            for file_name, text in result.sources.items():
                put(f"sources/{file_name}", text)
            put("report.md", result.markdown())
            put(MANIFEST, json.dumps(wanted, indent=2) + "\n")
    result.folder = folder


def comparison_stem(base: str, alternatives: list[str]) -> str:
    return f"compare_{base}__{'__'.join(alternatives)}"[:140]


def comparison_folder(out: Path, base: str, alternatives: list[str], manifest: dict) -> Path:
    """``out/compare_<base>__<alternatives>-<input key>`` (the stem links to the newest)."""
    return keyed_folder(Path(out), comparison_stem(base, alternatives), manifest)


def _workbook(comp: Comparison) -> Callable[[Path], None]:
    """comparison.xlsx (see ``study._workbook``): Read me, Options, Cost by program,
    each scenario's summary, Differences and the metric catalog."""

    def write(tmp: Path) -> None:
        write_workbook(tmp, comp)

    return write


def write_comparison(comp: Comparison, out: Path, force: bool = False) -> Path:
    """Write comparison.csv / .md / .xlsx and each scenario's own results under ``out``."""
    results = (comp.base, *comp.alts)
    stem = comparison_stem(comp.base.scenario.name, [a.scenario.name for a in comp.alts])
    wanted = comp.manifest()
    scenarios = {r.scenario.name: r.scenario for r in results}
    with published(Path(out), stem, wanted, comp.notes, "comparison", scenarios) as folder:
        with claim(folder, wanted, force, scenarios), writing(folder):
            (folder / MANIFEST).unlink(missing_ok=True)
            for result in results:
                write_results(result, folder, force=force, exact=True)
            with _file_set(folder, keep=tuple(scenarios)) as (put, put_bytes):
                put("comparison.csv", csv_text(comp.differences))
                put("costs.csv", csv_text(comp.costs))
                put("comparison.md", comp.markdown())
                put_bytes("comparison.xlsx", _workbook(comp))
                put(MANIFEST, json.dumps(wanted, indent=2) + "\n")
        comp.folder = folder
    return folder


# --- reading -------------------------------------------------------------------------------


def read_results(folder: Path) -> Results:
    """Reopen a results folder written by ``write_results`` (or ``heart-sim run``)."""
    folder = Path(folder)
    require_files(folder, RUN_FILES)
    meta = read_manifest(folder) or {}
    if not {"seed", "reps"} <= set(meta):
        raise NotResultsError(f"{folder}: {MANIFEST} is not a heart-sim run's manifest")
    scenario = scenario_from_dict(
        read_yaml(folder / "scenario.yaml"), source=str(folder / "scenario.yaml")
    )
    calls = folder / "calls.csv"
    by_month = folder / "by_month.csv"
    by_zone = folder / "by_zone.csv"
    src = folder / "sources"
    return Results(
        scenario=scenario,
        seed=meta["seed"],
        reps=meta["reps"],
        replications=pd.read_csv(folder / "replications.csv"),
        by_hour=pd.read_csv(folder / "by_hour.csv"),
        quantiles=pd.read_csv(folder / "quantiles.csv"),
        calls=pd.read_csv(calls) if calls.exists() else None,
        by_month=pd.read_csv(by_month, dtype={"month": str}) if by_month.exists() else None,
        by_zone=pd.read_csv(by_zone, dtype={"zone": str}) if by_zone.exists() else None,
        sources={p.name: p.read_text() for p in sorted(src.glob("*"))} if src.is_dir() else {},
        folder=folder,
    )


def read_comparison(folder: Path) -> Comparison:
    """Reopen a comparison folder written by ``write_comparison``."""
    folder = Path(folder)
    if folder_kind(folder) != "comparison":
        raise NotResultsError(f"{folder}: not a heart-sim comparison folder")
    meta = read_manifest(folder) or {}
    if "base" not in meta or "alternatives" not in meta:
        raise NotResultsError(f"{folder}: {MANIFEST} is not a heart-sim comparison's manifest")
    base = read_results(folder / meta["base"]["scenario"])
    alts = [read_results(folder / a["scenario"]) for a in meta["alternatives"]]
    return Comparison(base, alts, folder)

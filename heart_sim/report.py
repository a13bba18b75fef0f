"""Results on disk: CSV / JSON tables, a short Markdown report and a manifest.

Every file is written atomically (temporary file + rename), the manifest last, so an
interrupted write leaves the previous file or none. Results from different inputs are never
overwritten unless asked (``force``); the manifest records what produced them.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from . import __version__
from .errors import HeartSimError, ResultsExistError
from .metrics import HEADLINE, PERCENTILES, TIME_METRICS
from .runner import Results
from .scenario import scenario_from_dict, scenario_hash

FLOAT_FORMAT = "%.10g"
# Columns of the comparison's cost table that carry an interval: (mean, low, high).
COST_INTERVALS = (
    ("extra_diverted", "extra_diverted_ci_low", "extra_diverted_ci_high"),
    ("marginal_cost_per_extra_diverted", "marginal_ci_low", "marginal_ci_high"),
    ("police_hours_freed", "police_hours_freed_ci_low", "police_hours_freed_ci_high"),
)


def _file_mode() -> int:
    """The mode a newly created file gets here (0666 less the umask); mkstemp uses 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def atomic_write(path: Path, text: str) -> None:
    """Write text to path so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_manifest(scenario, seed: int, reps: int, sources: dict[str, str]) -> dict:
    """What produced a results folder: enough to reproduce every number in it."""
    source_hash = None
    if sources:
        h = hashlib.sha256()
        for name in sorted(sources):
            h.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
        source_hash = h.hexdigest()[:16]
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "source_files": sorted(sources),
        "source_sha256": source_hash,
        "seed": seed,
        "reps": reps,
        "heart_sim_version": __version__,
    }


def manifest(result: Results) -> dict:
    return run_manifest(result.scenario, result.seed, result.reps, result.sources)


def check_can_write(folder: Path, wanted: dict, force: bool) -> None:
    """Refuse to overwrite results that came from other inputs, unless forced."""
    existing = folder / "manifest.json"
    if force or not existing.exists():
        return
    try:
        old = json.loads(existing.read_text())
    except (OSError, ValueError):
        old = None
    if old != wanted:
        raise ResultsExistError(
            f"{folder}: holds results from other inputs (scenario, seed or reps differ); "
            "choose another --out or pass --force to replace them"
        )


def _clean(x: float) -> float | None:
    return None if isinstance(x, float) and math.isnan(x) else x


def summary_json(summary: pd.DataFrame) -> dict:
    """metric -> {mean, ci_low, ci_high, sd, n_reps[, unit, percentiles]}."""
    rows = {r.metric: r for r in summary.itertuples(index=False)}

    def entry(r) -> dict:
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


def _missing(x) -> bool:
    return x is None or x != x  # None or NaN


def fmt_num(x: float | None, digits: int = 3, money: bool = False) -> str:
    """A number for people: thousands separated, else ``digits`` significant digits."""
    if _missing(x):
        return "n/a"
    if money:
        return f"${x:,.0f}"
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.{digits}g}"


def fmt_interval(mean, lo, hi, digits: int = 3, money: bool = False) -> str:
    """'mean [lo, hi]', or just the mean when there is no interval."""
    if _missing(mean) or _missing(lo):
        return fmt_num(mean, digits, money)
    f = [fmt_num(x, digits, money) for x in (mean, lo, hi)]
    return f"{f[0]} [{f[1]}, {f[2]}]"


def fmt_record(r: dict, key: str, lo: str, hi: str, money: bool = False) -> str:
    """A mean and its interval stored under three keys of a table row."""
    return fmt_interval(r.get(key), r.get(lo), r.get(hi), money=money)


def fmt_ci(row: pd.Series | None, digits: int = 3) -> str:
    """A summary row's mean with its 95% CI."""
    if row is None:
        return "n/a"
    return fmt_interval(row["mean"], row["ci_low"], row["ci_high"], digits)


def headline_rows(summary: pd.DataFrame) -> list[tuple[str, str]]:
    """(metric, 'mean [95% CI]') for the headline metrics, in a fixed order."""
    idx = summary.set_index("metric")
    return [(m, fmt_ci(idx.loc[m] if m in idx.index else None)) for m in HEADLINE if m in idx.index]


def markdown_report(result: Results) -> str:
    s = result.scenario
    summary = result.summary
    idx = summary.set_index("metric")
    lines = [
        f"# heart-sim results: {s.name}",
        "",
        s.description.strip(),
        "",
        f"- replications: {result.reps}, seed: {result.seed}, heart-sim {__version__}",
        f"- measured: {s.horizon_weeks} weeks after a {s.warmup_weeks}-week warm-up "
        "(the warm-up is simulated and discarded)",
        "- values: mean over replications with a 95% t-interval in brackets",
        "",
        "## Headline",
        "",
        "| metric | mean [95% CI] |",
        "|---|---|",
    ]
    lines += [f"| {m} | {v} |" for m, v in headline_rows(summary)]
    lines += [
        "",
        "## Times (mean over replications of each percentile)",
        "",
        "| metric | unit | mean | p50 | p90 | p95 |",
        "|---|---|---|---|---|---|",
    ]
    for m, unit in TIME_METRICS.items():
        if m not in idx.index:
            continue
        cells = [fmt_ci(idx.loc[m])] + [
            fmt_ci(idx.loc[f"{m}_p{q}"]) if f"{m}_p{q}" in idx.index else "n/a" for q in PERCENTILES
        ]
        lines.append(f"| {m} | {unit} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Staffing",
        "",
        "| program | staffed h | overtime h | utilization |",
        "|---|---|---|---|",
    ]
    for p in ("ccd", "crt", "cor", "cn"):
        lines.append(
            f"| {p} | {fmt_ci(idx.loc[f'{p}_staffed_hours'], 6)} | "
            f"{fmt_ci(idx.loc[f'{p}_overtime_hours'])} | {fmt_ci(idx.loc[f'{p}_utilization'])} |"
        )
    lines += [
        "",
        "Files: summary.csv, summary.json, replications.csv, by_hour.csv, "
        "scenario.yaml (the resolved scenario), manifest.json.",
        "",
    ]
    return "\n".join(lines)


def write_results(result: Results, out: Path, force: bool = False) -> Path:
    """Write a run's files to ``out/<scenario name>/`` and return that folder."""
    folder = Path(out) / result.scenario.name
    check_can_write(folder, manifest(result), force)
    for stale in folder.glob(".*.tmp*"):  # left by a write that was killed
        stale.unlink(missing_ok=True)
    summary = result.summary

    def csv(df: pd.DataFrame) -> str:
        return df.to_csv(index=False, float_format=FLOAT_FORMAT)

    atomic_write(folder / "summary.csv", csv(summary))
    atomic_write(folder / "summary.json", json.dumps(summary_json(summary), indent=2) + "\n")
    # Replications at full precision: summary statistics recomputed from them match.
    atomic_write(folder / "replications.csv", result.replications.to_csv(index=False))
    atomic_write(folder / "by_hour.csv", csv(result.by_hour))
    atomic_write(folder / "quantiles.csv", csv(result.quantiles))
    if result.calls is not None:
        atomic_write(folder / "calls.csv", csv(result.calls))
    atomic_write(
        folder / "scenario.yaml",
        yaml.safe_dump(result.scenario.model_dump(mode="json"), sort_keys=False),
    )
    for name, text in result.sources.items():
        atomic_write(folder / "sources" / name, text)
    atomic_write(folder / "report.md", markdown_report(result))
    atomic_write(folder / "manifest.json", json.dumps(manifest(result), indent=2) + "\n")
    return folder


def read_results(folder: Path) -> Results:
    """Reopen a results folder written by ``write_results`` (or ``heart-sim run``)."""
    folder = Path(folder)
    mpath = folder / "manifest.json"
    if not mpath.exists():
        raise HeartSimError(f"{folder}: not a heart-sim results folder (no manifest.json)")
    meta = json.loads(mpath.read_text())
    scenario = scenario_from_dict(
        yaml.safe_load((folder / "scenario.yaml").read_text()), source=str(folder / "scenario.yaml")
    )
    calls = folder / "calls.csv"
    src = folder / "sources"
    return Results(
        scenario=scenario,
        seed=meta["seed"],
        reps=meta["reps"],
        replications=pd.read_csv(folder / "replications.csv"),
        by_hour=pd.read_csv(folder / "by_hour.csv"),
        quantiles=pd.read_csv(folder / "quantiles.csv"),
        calls=pd.read_csv(calls) if calls.exists() else None,
        sources={p.name: p.read_text() for p in sorted(src.glob("*"))} if src.is_dir() else {},
    )


# --- comparisons ------------------------------------------------------------------------


def atomic_write_bytes(path: Path, writer) -> None:
    """Like ``atomic_write`` for binary files produced by ``writer(temp_path)``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}"
    )
    os.close(fd)
    os.chmod(tmp, FILE_MODE)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def comparison_markdown(comp) -> str:
    base = comp.base
    lines = [
        f"# Comparison against {base.scenario.name}",
        "",
        f"{base.reps} replications each, seed {base.seed}, common random numbers (replication "
        "r of every scenario sees the same calls). Differences are alternative - base, paired "
        "by replication, with 95% t-intervals; a difference whose interval spans zero is "
        "marked not significant.",
        "",
        "## Costs and diverted calls (per year)",
        "",
        "| scenario | annual cost | diverted / year | cost per diverted call | extra cost "
        "| extra diverted / year [95% CI] | marginal cost per extra diverted call [95% CI] "
        "| police hours freed / year [95% CI] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in comp.costs.to_dict("records"):
        lines.append(
            f"| {r['scenario']} | {fmt_num(r.get('cost_total_annual'))} | "
            f"{fmt_num(r.get('diverted_per_year'))} | {fmt_num(r.get('cost_per_diverted_call'))} | "
            f"{fmt_num(r.get('extra_cost'))} | "
            + " | ".join(fmt_record(r, key, lo, hi) for key, lo, hi in COST_INTERVALS)
            + " |"
        )
    lines += ["", "## Paired differences", ""]
    diffs = comp.differences
    for name, d in diffs.groupby("scenario", sort=False):
        lines += [
            f"### {name} - {base.scenario.name}",
            "",
            "| metric | base | alternative | difference [95% CI] | |",
            "|---|---|---|---|---|",
        ]
        for r in d.itertuples(index=False):
            lines.append(
                f"| {r.metric} | {fmt_num(r.base_mean)} | {fmt_num(r.alt_mean)} | "
                f"{fmt_interval(r.diff_mean, r.diff_ci_low, r.diff_ci_high)} | {r.significance} |"
            )
        lines.append("")
    return "\n".join(lines)


def comparison_manifest(comp) -> dict:
    return comparison_manifest_for(
        [(r.scenario, r.sources) for r in (comp.base, *comp.alts)], comp.base.seed, comp.base.reps
    )


def comparison_manifest_for(scenarios: list, seed: int, reps: int) -> dict:
    """What produced a comparison: (scenario, sources) for the base, then each alternative."""
    runs = [run_manifest(sc, seed, reps, sources) for sc, sources in scenarios]
    return {"base": runs[0], "alternatives": runs[1:], "heart_sim_version": __version__}


def comparison_folder(out: Path, base: str, alternatives: list[str]) -> Path:
    return Path(out) / f"compare_{base}__{'__'.join(alternatives)}"[:150]


def write_comparison(comp, out: Path, force: bool = False) -> Path:
    """Write comparison.csv / .md / .xlsx and each scenario's own results under ``out``."""
    folder = comparison_folder(out, comp.base.scenario.name, [a.scenario.name for a in comp.alts])
    check_can_write(folder, comparison_manifest(comp), force)
    for result in (comp.base, *comp.alts):
        write_results(result, folder, force=force)
    diffs, costs = comp.differences, comp.costs
    atomic_write(folder / "comparison.csv", diffs.to_csv(index=False, float_format=FLOAT_FORMAT))
    atomic_write(folder / "costs.csv", costs.to_csv(index=False, float_format=FLOAT_FORMAT))
    atomic_write(folder / "comparison.md", comparison_markdown(comp))

    def xlsx(tmp: Path) -> None:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            costs.to_excel(xw, sheet_name="costs", index=False)
            diffs.to_excel(xw, sheet_name="differences", index=False)
            for r in (comp.base, *comp.alts):
                r.summary.to_excel(xw, sheet_name=f"summary {r.scenario.name}"[:31], index=False)

    atomic_write_bytes(folder / "comparison.xlsx", xlsx)
    atomic_write(folder / "manifest.json", json.dumps(comparison_manifest(comp), indent=2) + "\n")
    return folder


def read_comparison(folder: Path):
    """Reopen a comparison folder written by ``write_comparison``."""
    from .compare import Comparison

    folder = Path(folder)
    meta = json.loads((folder / "manifest.json").read_text())
    base = read_results(folder / meta["base"]["scenario"])
    alts = [read_results(folder / a["scenario"]) for a in meta["alternatives"]]
    return Comparison(base, alts)


def folder_kind(folder: Path) -> str:
    """'comparison', 'sweep' or 'run': what wrote a results folder."""
    folder = Path(folder)
    if (folder / "comparison.csv").exists():
        return "comparison"
    if (folder / "sweep.csv").exists():
        return "sweep"
    if (folder / "manifest.json").exists():
        return "run"
    raise HeartSimError(f"{folder}: not a heart-sim results folder (no manifest.json)")


def read_sweep(folder: Path) -> tuple[dict, pd.DataFrame, list[str]]:
    """A sweep folder's manifest, its tidy table, and the varied key paths."""
    folder = Path(folder)
    meta = json.loads((folder / "manifest.json").read_text())
    return meta, pd.read_csv(folder / "sweep.csv"), [p for p, _ in meta["varies"]]

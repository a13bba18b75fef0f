"""Results folders: what produced them (manifests), who may write them, and what kind they are.

A folder's ``manifest.json`` records the inputs behind every number in it: the scenario's
content hash, the hash of its source files, seed, replications and heart-sim version (for
a comparison, one such record per scenario; for a sweep, the grid). ``claim`` is how any
writer takes a folder: it creates it, takes its lock (one writer at a time) and refuses,
unless forced, to replace results that came from other inputs, saying which inputs
changed. ``writing`` turns the operating system's refusals into one line.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core import (
    FolderLock,
    HeartSimError,
    NotResultsError,
    ResultsExistError,
    ResultsWriteError,
    ScenarioError,
    __version__,
    atomic_write,
    describe_os_error,
    refuse_link,
)
from ..scenario import (
    Scenario,
    flatten,
    key_changes,
    read_yaml,
    scenario_hash,
    scenario_sources,
    short,
)

MANIFEST = "manifest.json"


POSTERIOR_FILE = "posterior.csv"  # a run's parameter draws, kept with its sources


def run_manifest(scenario: Scenario, seed: int, reps: int, sources: dict[str, str]) -> dict:
    """What produced a run's folder: enough to reproduce every number in it."""
    source_hash = None
    if sources:
        h = hashlib.sha256()
        for name in sorted(sources):
            h.update(name.encode() + b"\0" + sources[name].encode() + b"\0")
        source_hash = h.hexdigest()[:16]
    manifest = {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "source_files": sorted(sources),
        "source_sha256": source_hash,
        "seed": seed,
        "reps": reps,
        "heart_sim_version": __version__,
    }
    if POSTERIOR_FILE in sources:  # parameter draws change the numbers: part of the key
        text = sources[POSTERIOR_FILE].encode()
        manifest["posterior_sha256"] = hashlib.sha256(text).hexdigest()[:16]
    return manifest


def comparison_manifest(
    scenarios: list[tuple[Scenario, dict[str, str]]], seed: int, reps: int
) -> dict:
    """What produced a comparison: (scenario, sources) for the base, then each alternative."""
    runs = [run_manifest(sc, seed, reps, sources) for sc, sources in scenarios]
    return {"base": runs[0], "alternatives": runs[1:], "heart_sim_version": __version__}


def sweep_manifest(
    base: Scenario, varies: list[tuple[str, list[Any]]], seed: int, reps: int
) -> dict:
    """What produced a sweep: the base scenario, the grid, seed and replications."""
    return {
        "scenario": base.name,
        "scenario_hash": scenario_hash(base),
        "varies": [[p, v] for p, v in varies],
        "reps": reps,
        "seed": seed,
        "heart_sim_version": __version__,
    }


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest; None if there is none; {} if it cannot be read."""
    path = Path(folder) / MANIFEST
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --- saying what changed -------------------------------------------------------------------

_NAMES = {
    "scenario_hash": "scenario content",
    "source_sha256": "scenario file text",
    "source_files": "scenario files",
    "seed": "seed",
    "reps": "reps",
    "heart_sim_version": "heart-sim version",
    "varies": "--vary grid",
    "scenario": "scenario name",
}


def describe_changes(
    old: dict, new: dict, folder: Path | None = None, scenarios: Mapping[str, Scenario] = {}
) -> list[str]:
    """Which inputs differ between the manifest on disk and the one wanted, in words; with
    the scenarios about to be written (by name), which of their keys changed."""
    a, b = flatten(old), flatten(new)
    out: list[str] = []
    for key in dict.fromkeys([*b, *a]):
        if a.get(key) == b.get(key):
            continue
        owner, _, leaf = key.rpartition(".")
        name = a.get(f"{owner}.scenario" if owner else "scenario")
        what = _what(owner, leaf, name)
        if leaf == "scenario_hash":
            out.append(f"{what} changed{_hash_detail(folder, owner, name, scenarios)}")
        elif leaf == "varies" and isinstance(a.get(key), list) and isinstance(b.get(key), list):
            out += _vary_changes(a[key], b[key])
        elif leaf in ("source_sha256", "source_files"):
            if not any(x.startswith("scenario content") for x in out):
                out.append(f"{what} changed")
        else:
            out.append(f"{what} {short(a.get(key))} -> {short(b.get(key))}")
    return out


def _what(owner: str, leaf: str, name: Any) -> str:
    """The words for one manifest key: 'seed', 'seed of weekend_cor', 'base: seed'."""
    what = _NAMES.get(leaf, leaf)
    if owner:
        what = f"{what} of {name}" if name else f"{owner}: {what}"
    return what


def _hash_detail(
    folder: Path | None, owner: str, name: Any, scenarios: Mapping[str, Scenario]
) -> str:
    """Which keys of scenario ``name`` changed (``_key_detail``), when it is about to be
    written and its earlier scenario.yaml is at hand; else ''."""
    where = folder / name if folder and owner and name else folder
    if where is not None and isinstance(name, str) and name in scenarios:
        return _key_detail(where, scenarios[name])
    return ""


def _vary_changes(old: list, new: list) -> list[str]:
    """'--vary PATH OLD -> NEW' for each key path whose values differ between two grids."""
    va = {p: v for p, v in old if isinstance(p, str)}
    vb = {p: v for p, v in new if isinstance(p, str)}
    out = []
    for path in dict.fromkeys([*vb, *va]):
        if va.get(path) != vb.get(path):
            was, now = va.get(path, "not varied"), vb.get(path, "not varied")
            out.append(f"--vary {path} {short(was)} -> {short(now)}")
    return out


def _key_detail(folder: Path, scenario: Scenario) -> str:
    """': programs.crt.patience_min 30 -> 20' against the folder's scenario.yaml."""
    try:
        old = read_yaml(Path(folder) / "scenario.yaml")
    except ScenarioError:
        return ""
    if not isinstance(old, dict):
        return ""
    keys = key_changes(old, scenario.model_dump(mode="json"))
    return f": {', '.join(keys)}" if keys else ""


# --- one folder per set of inputs, and a link to the latest -------------------------------

_TEXT_ONLY = ("source_files", "source_sha256")  # comments and layout: no number depends on them


def _inputs(manifest: Any) -> Any:
    """What the numbers depend on: the manifest without the scenario files' text."""
    if isinstance(manifest, dict):
        return {k: _inputs(v) for k, v in manifest.items() if k not in _TEXT_ONLY}
    if isinstance(manifest, list | tuple):  # a tuple in memory is a list once read from JSON
        return [_inputs(v) for v in manifest]
    return manifest


def input_key(manifest: dict) -> str:
    """8 hex digits naming a set of inputs (scenario content, seed, reps, version...)."""
    text = json.dumps(_inputs(manifest), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def keyed_folder(out: Path, stem: str, manifest: dict) -> Path:
    """``out/<stem>-<input key>``: each set of inputs gets a folder of its own, so editing a
    scenario and running it again never needs --force and never replaces other results."""
    return Path(out) / f"{stem}-{input_key(manifest)}"


def latest_link(out: Path, stem: str) -> Path:
    return Path(out) / stem


def point_latest(out: Path, stem: str, folder: Path) -> str | None:
    """Make ``out/<stem>`` a link to ``folder`` (the newest results), atomically. Returns
    a note when that cannot be done (a real folder of that name is in the way, or the file
    system has no links)."""
    link = latest_link(out, stem)
    if link.exists() and not link.is_symlink():
        return (
            f"{link} is a folder (from an earlier heart-sim), not a link, so it was left as "
            f"it is; the new results are in {folder}"
        )
    tmp = link.with_name(f".{link.name}.latest-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)
        os.symlink(folder.name, tmp, target_is_directory=True)
        os.replace(tmp, link)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        return f"{link}: could not point it at the newest results ({err.strerror}); see {folder}"
    return None


def changes_from_latest(
    out: Path, stem: str, wanted: dict, scenarios: Mapping[str, Scenario] = {}
) -> list[str]:
    """How the inputs differ from those of the results ``out/<stem>`` points to now."""
    link = latest_link(out, stem)
    old = read_manifest(link) if link.is_dir() else None
    if not old or _inputs(old) == _inputs(wanted):
        return []
    return describe_changes(old, wanted, link.resolve(), scenarios)


@contextmanager
def published(
    out: Path,
    stem: str,
    wanted: dict,
    notes: list[str],
    what: str,
    scenarios: Mapping[str, Scenario] = {},
) -> Iterator[Path]:
    """The folder of these inputs (``keyed_folder``) for the caller to write; a note in
    ``notes`` says how the inputs differ from the ``what`` ``out/<stem>`` shows now, and
    once the body has finished without error ``out/<stem>`` points at the new folder."""
    changes = changes_from_latest(out, stem, wanted, scenarios)
    if changes:
        notes.append(f"inputs differ from the previous {what}: {'; '.join(changes)}")
    folder = keyed_folder(out, stem, wanted)
    yield folder
    note = point_latest(out, stem, folder)
    notes += [note] if note else []


# --- claiming a folder ---------------------------------------------------------------------


def check_can_write(
    folder: Path, wanted: dict, force: bool, scenarios: Mapping[str, Scenario] = {}
) -> None:
    """Refuse to overwrite results that came from other inputs, unless forced; say which
    inputs changed (and, given the scenarios by name, which of their keys)."""
    if force:
        return
    old = read_manifest(folder)
    if old is None or (old and _inputs(old) == _inputs(wanted)):
        return  # the same inputs (the scenario files' comments may differ): same numbers
    if old == {}:
        raise ResultsExistError(
            f"{folder}: holds a manifest.json that cannot be read; choose another --out or "
            "pass --force to replace what is there"
        )
    changes = describe_changes(old, wanted, Path(folder), scenarios)
    raise ResultsExistError(
        f"{folder}: holds results from other inputs ({'; '.join(changes) or 'manifest differs'}); "
        "choose another --out or pass --force to replace them"
    )


@contextmanager
def claim(
    folder: Path, wanted: dict, force: bool, scenarios: Mapping[str, Scenario] = {}
) -> Iterator[Path]:
    """Create ``folder``, hold its lock for the duration, and refuse (unless ``force``) if
    it holds results from other inputs."""
    folder = Path(folder)
    refuse_link(folder)
    with FolderLock(folder):
        check_can_write(folder, wanted, force, scenarios)
        yield folder


@contextmanager
def writing(folder: Path, after: str = "") -> Iterator[None]:
    """Turn an operating-system error while writing under ``folder`` into one line (with
    ``after`` appended: what was saved, what to do)."""
    try:
        yield
    except OSError as err:
        raise ResultsWriteError(describe_os_error(err, folder) + after) from None


SOURCES = "sources"


def extends_from(folder: Path, extends: str) -> str:
    """What a scenario written into ``folder`` (calibrated.yaml, recommended.yaml,
    chosen.yaml) names in ``extends:``: a scenario file by its path relative to the folder,
    so that the folder moves with the project; a built-in scenario by its name."""
    if Path(extends).suffix in (".yaml", ".yml") and Path(extends).exists():
        return os.path.relpath(Path(extends).resolve(), Path(folder).resolve())
    return extends


def write_sources(folder: Path, source: str) -> None:
    """Copy the scenario file ``source`` and each file it extends into ``folder/sources/``
    (as run folders keep them), so a report on the folder shows the assumptions the numbers
    came from even after the files change; a scenario given as a dict has none to copy."""
    try:
        sources = scenario_sources(source)
    except (HeartSimError, OSError):
        return
    for name, text in sources.items():
        atomic_write(Path(folder) / SOURCES / name, text)


def read_sources(folder: Path) -> dict[str, str]:
    """The scenario files ``write_sources`` kept in a folder ({} if none)."""
    src = Path(folder) / SOURCES
    return {p.name: p.read_text() for p in sorted(src.glob("*"))} if src.is_dir() else {}


# --- what kind of folder --------------------------------------------------------------------


def folder_kind(folder: Path) -> str:
    """'comparison', 'sweep', 'sensitivity', 'calibration', 'optimize' (heart-sim
    optimize with targets), 'budget' (optimize --budget/--fte), 'fit' (a fit's
    ``<stem>_fit_report/``) or 'run': what wrote a results folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotResultsError(f"{folder}: no such results folder")
    if (folder / "comparison.csv").exists():
        return "comparison"
    if (folder / "sweep.csv").exists():
        return "sweep"
    if (folder / "indices.csv").exists():
        return "sensitivity"
    if (folder / "calibration.csv").exists():
        return "calibration"
    if (folder / "requirement.csv").exists():
        return "optimize"
    if (folder / "candidates.csv").exists():
        return "budget"
    if (folder / "fit.csv").exists():
        return "fit"
    if (folder / MANIFEST).exists():
        return "run"
    raise NotResultsError(f"{folder}: not a heart-sim results folder (no {MANIFEST})")


def require_files(folder: Path, names: tuple[str, ...]) -> None:
    """Raise the library's error naming the first file a results folder lacks."""
    folder = Path(folder)
    if read_manifest(folder) is None:
        raise NotResultsError(f"{folder}: not a heart-sim results folder (no {MANIFEST})")
    for name in names:
        if not (folder / name).is_file():
            raise NotResultsError(
                f"{folder}: incomplete heart-sim results ({name} is missing); re-run the "
                "command that wrote it"
            )

"""stress_des.md: the STRESS-DES checklist filled from a results folder.

STRESS-DES (Monks, Currie, Onggo, Robinson, Kunc & Taylor 2018, "Strengthening the
reporting of empirical simulation studies: introducing the STRESS guidelines", Journal of
Simulation 13(1):55-67) lists what a report of a discrete-event simulation study must say
so that others can understand, judge and repeat it: 24 items in six sections. heart-sim
knows many of the answers for a run or a comparison it wrote: the objectives as the
scenario's description states them, the entities, activities, resources and queues of the
scenario, the sources and assumptions its files cite in their comments, warm-up, run
length, replications and seed, the random streams, the software. What only the author
knows (the background, the rationale, the pre-processing of the data, the machine) is
marked ``AUTHOR`` for them to fill.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from ..core import PROGRAMS, NotResultsError, Program, __version__, atomic_write
from ..measure import CATALOG, VIEWS
from ..scenario import Scenario, days_text, key_changes
from ..study import Comparison, Results, folder_kind, read_comparison, read_results, writing
from ._run_parts import _auto_reps

FILE = "stress_des.md"
AUTHOR = "**AUTHOR:**"  # marks what only the study's author can fill
CITATION = (
    "Monks T, Currie CSM, Onggo BS, Robinson S, Kunc M, Taylor SJE (2018). Strengthening "
    "the reporting of empirical simulation studies: introducing the STRESS guidelines. "
    "Journal of Simulation 13(1):55-67. doi:10.1080/17477778.2018.1442155"
)
KINDS = ("run", "comparison")

# The 24 items: (number, name, what the guideline asks, in brief).
ITEMS: tuple[tuple[str, str, str], ...] = (
    ("1.1", "Purpose of the model", "background and objectives"),
    (
        "1.2",
        "Model outputs",
        "every performance measure, how and when it is computed, and "
        "how its error (confidence interval) is computed",
    ),
    (
        "1.3",
        "Experimentation aims",
        "the scenarios (name, description, rationale), the "
        "design of experiments or the optimisation",
    ),
    ("2.1", "Base model overview diagram", "a diagram of the model"),
    ("2.2", "Base model logic", "the logic of the base model"),
    ("2.3", "Scenario logic", "how each scenario differs from the base"),
    ("2.4", "Algorithms", "the algorithms the model uses (sampling, routing, ...)"),
    ("2.5.1", "Components: entities", "what flows through the model"),
    ("2.5.2", "Components: activities", "what takes time, and its distribution"),
    ("2.5.3", "Components: resources", "what is needed and how much of it, when"),
    ("2.5.4", "Components: queues", "queue disciplines and what leaves a queue"),
    ("2.5.5", "Components: entry and exit", "how entities arrive and leave"),
    ("3.1", "Data sources", "where the data come from, with dates"),
    ("3.2", "Pre-processing", "how the data were prepared before use"),
    ("3.3", "Input parameters", "every input, with its value or distribution"),
    ("3.4", "Assumptions", "the assumptions made, and why"),
    ("4.1", "Initialisation", "how the model starts, and any warm-up"),
    ("4.2", "Run length", "how long each replication runs, and why"),
    ("4.3", "Estimation approach", "how many replications, and how that was chosen"),
    ("5.1", "Software or programming language", "the software and its version"),
    ("5.2", "Random sampling", "the random number streams and how they are used"),
    ("5.3", "Model execution", "the event-processing approach; any parallel running"),
    ("5.4", "System specification", "the computer the model ran on"),
    (
        "6.1",
        "Computer model sharing statement",
        "where the code and the inputs are, and under what licence",
    ),
)

_SOURCE = re.compile(r"\bsources?:|https?://|\b(19|20)\d\d\b", re.IGNORECASE)
_ASSUMPTION = re.compile(r"\bASSUMPTION\b")


def _comments(text: str) -> Iterator[str]:
    """Each comment of a YAML file: a block of whole-line comments as one, or an inline
    comment with the key it stands beside."""
    block: list[str] = []
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if stripped.startswith("#"):
            block.append(stripped.lstrip("#").strip())
            continue
        if block:
            yield " ".join(b for b in block if b)
            block = []
        if " #" in line and not stripped.startswith("#"):
            code, _, note = line.partition(" #")
            if "'" not in code and '"' not in code:  # not a # inside a quoted value
                yield f"`{code.strip()}` {note.strip()}"


def cited(sources: dict[str, str]) -> tuple[list[str], list[str]]:
    """(sources, assumptions): the comments of the scenario files that cite a source and
    those that state an ASSUMPTION, file by file, in the files' order."""
    found: list[str] = []
    assumed: list[str] = []
    seen: set[str] = set()  # a parent file copied beside each child says the same once
    for name, text in sources.items():
        for note in _comments(text):
            if note in seen:
                continue
            seen.add(note)
            entry = f"{note} ({re.sub(r'^[0-9]+_', '', name)})"
            if _ASSUMPTION.search(note):
                assumed.append(entry)
            elif _SOURCE.search(note):
                found.append(entry)
    return found, assumed


def _bullets(lines: list[str], empty: str) -> str:
    return "\n".join(f"- {line}" for line in lines) if lines else empty


def _hours(sc: Scenario, program: Program) -> list[str]:
    shifts = getattr(sc.program(program), "shifts", [])
    return [f"{days_text(s.days)} {s.start}-{s.end}: {s.units} unit(s)" for s in shifts]


def _distributions(node: Any, path: str = "") -> Iterator[str]:
    """'programs.crt.on_scene_time: lognormal (mean 45, sd 30)' for every distribution."""
    if isinstance(node, dict):
        kind = node.get("dist") or node.get("model")  # a distribution or a travel model
        if isinstance(kind, str):
            params = ", ".join(f"{k} {v}" for k, v in node.items() if k not in ("dist", "model"))
            yield f"`{path}`: {kind} ({params})"
            return
        for key, value in node.items():
            yield from _distributions(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _distributions(value, f"{path}[{i}]")


def _versions() -> str:
    found = []
    for package in ("simpy", "numpy", "scipy", "pandas", "pydantic"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            continue
    return ", ".join(found)


class _Study:
    """What a run or comparison folder says, as the checklist needs it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.kind = folder_kind(folder)
        if self.kind == "run":
            self.runs = [read_results(folder)]
        elif self.kind == "comparison":
            comp: Comparison = read_comparison(folder)
            self.runs = [comp.base, *comp.alts]
        else:
            raise NotResultsError(
                f"{folder}: --stress-des needs a run or comparison folder, not a "
                f"{self.kind or 'folder heart-sim did not write'}"
            )
        self.base: Results = self.runs[0]
        self.sc: Scenario = self.base.scenario
        self.sources, self.assumptions = cited(
            {n: t for r in self.runs for n, t in r.sources.items()}
        )

    def item(self, number: str) -> str:
        return getattr(self, "_i" + number.replace(".", "_"))()

    def _i1_1(self) -> str:
        told = [
            f"**{r.scenario.name}**"
            + (f" ({r.scenario.title})" if r.scenario.title else "")
            + f": {r.scenario.description.strip() or '(no description in the scenario)'}"
            for r in self.runs
        ]
        return (
            "As the scenario files state it:\n\n"
            + "\n".join(f"- {t}" for t in told)
            + f"\n\n{AUTHOR} the background: the service, the decision the study informs, "
            "and who asked."
        )

    def _i1_2(self) -> str:
        names = [m for m in self.base.summary["metric"] if m in CATALOG]
        head = [m for m in VIEWS["headline"] if m in names]
        rows = "\n".join(
            f"| `{m}` | {CATALOG[m].label} | {CATALOG[m].unit} | {CATALOG[m].description} |"
            for m in head
        )
        return (
            f"{len(names)} measures are in `summary.csv` (each defined in heart-sim's metric "
            "catalog: `heart-sim metrics`); the headline ones:\n\n"
            "| metric | label | unit | what it measures |\n| --- | --- | --- | --- |\n"
            f"{rows}\n\nEach is computed per replication over the measured weeks (after the "
            "warm-up) from every call's record; the value reported is the mean over "
            "replications with a 95% confidence interval from Student's t "
            "(mean ± t(0.975, n-1) · sd / √n)"
            + (
                "; differences between scenarios are paired by replication (common random "
                "numbers) and their intervals are those of the paired differences."
                if self.kind == "comparison"
                else "."
            )
        )

    def _i1_3(self) -> str:
        if self.kind == "run":
            return (
                f"One scenario, `{self.sc.name}`, run as it stands (scenario-based analysis "
                f"with one scenario).\n\n{AUTHOR} the question the run answers."
            )
        alts = ", ".join(f"`{r.scenario.name}`" for r in self.runs[1:])
        return (
            f"(A) Scenario-based analysis: the base `{self.sc.name}` against {alts}, each "
            "described under 1.1 and its changes under 2.3.\n\n"
            f"{AUTHOR} the rationale for choosing these scenarios."
        )

    def _i2_1(self) -> str:
        return (
            "The call journey of heart-sim's model: a 911 call eligible for HEART is "
            "taken by the call-taker, then either transferred to a CCD clinician in the 911 "
            "centre (who resolves it by phone or sends a field team), or dispatched to a CRT "
            "team or a Co-Response pair; a call no HEART unit takes within its patience goes "
            "to police/EMS; Care Navigation follows up after. The docs' explanation page "
            "(`docs/explanation/model.md`) draws it.\n\n"
            f"{AUTHOR} include the diagram in the report."
        )

    def _i2_2(self) -> str:
        lines = []
        for p in PROGRAMS:
            hours = _hours(self.sc, p)
            lines.append(f"{p.label}: " + ("; ".join(hours) if hours else "not staffed"))
        return (
            "Each program's units work the shifts below (hour of week, or by date with "
            "phases and holidays); a call goes to the program its call type is routed to, "
            "waits in that program's queue while a unit is busy, and falls back to police/"
            "EMS when its patience runs out or no unit is on duty:\n\n" + _bullets(lines, "")
        )

    def _i2_3(self) -> str:
        if self.kind == "run":
            return "Not applicable: one scenario (see 1.3)."
        base = self.sc.model_dump(mode="json")
        lines = []
        for r in self.runs[1:]:
            changes = key_changes(base, r.scenario.model_dump(mode="json"), most=12)
            lines.append(f"`{r.scenario.name}`: " + "; ".join(changes))
        return "Each alternative's changes from the base (key path: base -> alternative):\n\n" + (
            _bullets(lines, "")
        )

    def _i2_4(self) -> str:
        return (
            "Arrivals: a non-homogeneous Poisson process whose rate is the hour-of-week "
            "profile x the month's factor x a day-level gamma multiplier (`overdispersion`) x "
            "compound growth, generated exactly by the time-change theorem (no thinning); "
            f"here overdispersion {self.sc.demand.overdispersion:g}, annual growth "
            f"{self.sc.demand.annual_growth:g}. Routing: each call type's shares (a "
            "categorical draw per call). Durations and travel: the distributions under "
            "2.5.2 (travel by the square-root law of Kolesar & Blum 1973 where set). Queues: "
            "priority queues per program (2.5.4)."
        )

    def _i2_5_1(self) -> str:
        rows = [f"`{n}`: share {ct.share:g}" for n, ct in self.sc.call_types.items()]
        per_week = self.sc.demand.calls_per_week * self.sc.demand.multiplier
        return (
            f"Calls eligible for HEART, {per_week:g} a week on average, of "
            f"{len(rows)} call types:\n\n" + _bullets(rows, "")
        )

    def _i2_5_2(self) -> str:
        found = list(_distributions(self.sc.model_dump(mode="json")))
        return "Every duration, in minutes, as the scenario draws it:\n\n" + _bullets(
            found, "(none)"
        )

    def _i2_5_3(self) -> str:
        return (
            "The units of each program on duty (a CCD clinician, a CRT team, a Co-Response "
            "pair, a care navigator), by the shifts under 2.2; `scenario.yaml` holds each "
            "shift, break and absence in full."
        )

    def _i2_5_4(self) -> str:
        return (
            "One queue per program: live calls before follow-ups, then the call type's "
            "priority (0-9, lower first), first come first served within a priority. A caller "
            "waiting for CCD hangs up after `caller_patience_min`, or 911 takes the call back "
            "after `answer_patience_min` and dispatches it; a call waiting for a CRT or CoR "
            "team goes to police/EMS when its `patience_min` runs out or the program closes "
            "(reneging). A unit busy when its shift ends finishes the job (overtime)."
        )

    def _i2_5_5(self) -> str:
        return (
            "Calls enter at their arrival time (2.4) and leave when resolved by phone, "
            "served by a field team (after any transport) or handed to police/EMS; care "
            "navigation contacts follow and leave after their last attempt."
        )

    def _i3_1(self) -> str:
        return (
            "Cited in the scenario files' comments (a source, a year or a link):\n\n"
            + _bullets(self.sources, "(none cited)")
            + f"\n\n{AUTHOR} the dates the data cover and any source not in the files."
        )

    def _i3_2(self) -> str:
        return (
            f"{AUTHOR} how the data were prepared (heart-sim fit writes a fit report beside "
            "each fitted fragment: cite it if the demand or durations were fitted)."
        )

    def _i3_3(self) -> str:
        where = "" if self.kind == "run" else "<scenario>/"
        files = ", ".join(
            f"`{where.replace('<scenario>', r.scenario.name)}sources/{n}`"
            for r in self.runs
            for n in r.sources
        )
        return (
            f"Every input, resolved (after `extends:`, every default filled in), is in "
            f"`{where}scenario.yaml`; the files as written are {files or '(none)'}. "
            "The distributions are under 2.5.2, the staffing under 2.2."
        )

    def _i3_4(self) -> str:
        return "Stated in the scenario files (ASSUMPTION):\n\n" + _bullets(
            self.assumptions, "(none stated)"
        )

    def _i4_1(self) -> str:
        start = f", measuring from {self.sc.start_date}" if self.sc.start_date else ""
        return (
            f"Each replication starts empty and idle and runs a warm-up of "
            f"{self.sc.warmup_weeks} week(s) that is simulated but not measured{start}."
        )

    def _i4_2(self) -> str:
        return (
            f"{self.sc.horizon_weeks} measured weeks per replication.\n\n"
            f"{AUTHOR} why this length (a budget year, a season, ...)."
        )

    def _i4_3(self) -> str:
        paired = (
            " The scenarios share the seed and so their random streams (common random "
            "numbers), and differences are paired by replication."
            if self.kind == "comparison"
            else ""
        )
        auto = _auto_reps(self.folder)
        chosen = (
            f"How it was chosen: {auto.lstrip('; ')} (the sequential rule of Hoad, Robinson & "
            "Davies 2010, JORS 61(11); `precision.json` records each measure's precision at "
            "each count)."
            if auto
            else f"The number was set by `--reps` (the folder has no `precision.json`, which "
            f"`--reps auto` writes).\n\n{AUTHOR} why this number of replications."
        )
        return (
            f"{self.base.reps} replications, seed {self.base.seed}; 95% intervals over "
            f"replications (1.2).{paired}\n\n{chosen}"
        )

    def _i5_1(self) -> str:
        made = {str(m["heart_sim_version"]) for m in self._manifests() if "heart_sim_version" in m}
        return (
            f"heart-sim {', '.join(sorted(made)) or '(version not recorded)'} (the run), "
            f"Python, SimPy (process-based discrete-event simulation). This file was written "
            f"with heart-sim {__version__}, Python {platform.python_version()}, {_versions()}."
        )

    def _manifests(self) -> list[dict[str, Any]]:
        import json

        found = []
        for r in self.runs:
            path = None if r.folder is None else Path(r.folder) / "manifest.json"
            if path is not None and path.is_file():
                found.append(json.loads(path.read_text()))
        return found

    def _i5_2(self) -> str:
        return (
            "One NumPy stream (PCG64 via `SeedSequence`) per source of randomness, keyed "
            f"by (seed {self.base.seed}, replication, source), so a stream depends on "
            "nothing else: serial, parallel and cluster runs give the same numbers to the "
            "last digit, and scenarios compared share their streams (common random numbers)."
        )

    def _i5_3(self) -> str:
        return (
            "Process-based event scheduling (SimPy); replications run independently and may "
            "run in parallel (`--jobs`, `--dask`) with the same results."
        )

    def _i5_4(self) -> str:
        return (
            f"{AUTHOR} the computer the study ran on (processor, cores, memory, operating "
            f"system). This file was written on {platform.system()} {platform.release()} "
            f"({platform.machine()})."
        )

    def _i6_1(self) -> str:
        return (
            f"heart-sim {__version__} is open source under the MIT licence (LICENSE, "
            "CITATION.cff in its repository). The inputs are in this folder: `scenario.yaml`, "
            "`sources/` and `manifest.json` (seed, replications, version, file hashes).\n\n"
            f"{AUTHOR} where the code and this folder are deposited (repository, DOI)."
        )


def stress_des_markdown(folder: Path | str) -> str:
    """The STRESS-DES checklist of a run or comparison folder, as markdown."""
    study = _Study(Path(folder))
    parts = [
        f"# STRESS-DES checklist: {Path(folder).name}",
        "",
        f"The STRESS-DES reporting checklist ({CITATION}), filled by heart-sim from this "
        f"{study.kind} folder. Items marked {AUTHOR} are for the study's author to complete.",
    ]
    section = ""
    names = {"1": "Objectives", "2": "Logic", "3": "Data", "4": "Experimentation",
             "5": "Implementation", "6": "Code access"}  # fmt: skip
    for number, name, asks in ITEMS:
        if number[0] != section:
            section = number[0]
            parts += ["", f"## {section}. {names[section]}"]
        parts += ["", f"### {number} {name}", "", f"*Asks for: {asks}.*", "", study.item(number)]
    return "\n".join(parts) + "\n"


def write_stress_des(folder: Path | str) -> Path:
    """Write ``folder/stress_des.md`` for a run or comparison folder."""
    folder = Path(folder)
    text = stress_des_markdown(folder)
    target = folder / FILE
    with writing(folder):
        atomic_write(target, text)
    return target

"""The HTML pages of ``heart-sim optimize``: the recommended shifts (targets mode) and what a
budget buys (``--budget`` / ``--fte``), each one self-contained page a planner can forward.

An optimize page opens with whether every target is met with 95% confidence (or why no plan
within the limits meets them), the annual cost and the people of the recommended shifts
against the input's, then the targets, the shifts, the requirement against the schedule by
hour of the week (charts and tables), the people by role, how the plan was found and the
search step by step, what the result depends on (the input scenario's assumptions and
sources), recommended.yaml and a glossary.

A budget page opens with the answer in a sentence (the options bought, their cost, FTE and
the measure against the base), then the efficient frontier: each step with what it adds over
the step before and the marginal cost of each unit gained -- what each next dollar buys --
its chart, each option alone, every candidate simulated, and chosen.yaml.

Both are built from ``reports._html``'s blocks (page, cards, tables, embedded
figures), with every label, unit and number format from the metric catalog; the tables
are read with the library's own readers. ``write_report`` writes report.html for a folder
of any kind.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import HeartSimError, __version__
from ..measure import (
    CATALOG,
    GLOSSARY,
    NO_INTERVAL,
    RATIO_WORDS,
    Card,
    fmt_format,
    fmt_interval,
    fmt_value,
    header,
    metric,
)
from ..optimization import BASE, COST, BudgetResult, OptimizeResult, read_budget, read_optimization
from ..scenario import days_text, load_scenario, scenario_hash, scenario_sources
from ..study import read_manifest, read_sources
from ._html import (
    FIXED_ASSUMPTIONS,
    _assumptions_section,
    _cards,
    _cell,
    _e,
    _img,
    _name,
    _page,
    _row,
    _settings,
    _table,
)
from ._optimize_plots import (
    frontier_figure,
    history_figure,
    hourly_check_figure,
    plan_verdicts,
    program_name,
    requirement_figure,
)

# How a verdict is said: a target met or missed with 95% confidence, or neither shown.
STATUS_WORDS = {"met": "met", "missed": "missed", "unclear": "not shown either way"}
PLANS = ("recommended", "input", "confirmation")
OPTIMIZE_TERMS = {
    "offered load": "the mean number of units busy in an hour when there are always enough "
    "of them: the work arriving, measured by a probe run with the most units allowed on duty",
    "requirement": "the units needed on duty in each hour of the week for the targets to "
    "hold, found by iterative staffing on the full model",
    "alpha": "the chance that a call finds every unit busy, hour by hour, that the "
    "requirement is set for; the search looks, program by program, for the loosest alpha "
    "whose shifts still meet the targets",
    "iterative staffing": "simulate with the current requirement, read how many jobs are in "
    "the program in each hour, re-set the requirement from that, and repeat until it "
    "settles (Feldman, Mandelbaum, Massey & Whitt 2008)",
    "met / missed / not shown either way": "a target is met when the whole 95% interval of "
    "its mean lies on the right side of the target, missed when it lies wholly on the wrong "
    "side, and not shown either way otherwise (more replications may decide it)",
    "FTE": "full-time equivalents: the paid hours the schedule needs (unit-hours x people "
    "per unit x the paid hours per scheduled hour, (1 - absence) x the relief factor, as the "
    "cost model pays them) over one person's paid hours a year",
    "head count": "the people needed to fill the schedule, each a whole person",
    "efficient frontier": "the sets of options that no other set beats on both cost and the "
    "measure: each is the best that its cost (or FTE) buys",
    "marginal cost": "what a step along the frontier adds to the annual cost, divided by what "
    "it adds to the measure (Fieller's 95% interval for a ratio of paired means)",
}


def _glossary(extra: dict[str, str]) -> list[str]:
    """The report glossary with this page's own words first."""
    terms = extra | GLOSSARY
    return [
        "<h2>Glossary</h2><dl class='glossary'>",
        *(f"<dt>{_e(t)}</dt><dd>{_e(d)}</dd>" for t, d in terms.items()),
        "</dl>",
    ]


def _text(x: Any) -> str:
    """A table's text cell: '' for an empty one (read as NaN)."""
    return x if isinstance(x, str) else ""


def _ok(x: Any) -> bool:
    return isinstance(x, int | float) and not math.isnan(x)


def _iv(name: str, r: dict[str, Any], key: str = "mean", signed: bool = False) -> str:
    """'$1,234 ($1,200 to $1,260)' from a row's ``key``, ``low``/``high`` (or ``key_low``)."""
    lo = r.get(f"{key}_low", r.get("low")) if key != "mean" else r.get("low")
    hi = r.get(f"{key}_high", r.get("high")) if key != "mean" else r.get("high")
    return fmt_interval(name, r.get(key), lo, hi, signed=signed)


def _in_words(x: float, lo: float, hi: float, name: str) -> str:
    """'$1,234 more ($1,200 to $1,260)' or '... less': a difference said in words."""
    word = "more" if x >= 0 else "less"
    a, b = sorted((abs(lo), abs(hi))) if _ok(lo) and _ok(hi) else (math.nan, math.nan)
    inner = f" ({fmt_value(name, a)} to {fmt_value(name, b)})" if _ok(a) else ""
    return f"{fmt_value(name, abs(x))} {word}{inner}"


def _sources_of(extends: str, folder: Path, want_hash: str | None) -> tuple[dict[str, str], str]:
    """The input scenario's files: those the folder kept (``sources/``), else read again,
    with a note when they cannot be read or have changed since the study ran."""
    kept = read_sources(folder)
    if kept:  # the files as they were when the study ran
        return kept, ""
    where = Path(folder) / extends
    name: str | Path = where if where.suffix in (".yaml", ".yml") and where.is_file() else extends
    try:
        sources = scenario_sources(name)
        now = scenario_hash(load_scenario(name))
    except (HeartSimError, OSError) as err:
        return {}, f"The input scenario {extends} could not be read again ({err})."
    if want_hash and now != want_hash:
        return sources, (
            f"The input scenario {extends} has changed since this study ran: the assumptions "
            "below are those of its files as they are now, not necessarily those the numbers "
            "came from."
        )
    return sources, ""


def _extends(yaml_text: str | None) -> str | None:
    for line in (yaml_text or "").splitlines():
        if line.startswith("extends:"):
            return line.partition(":")[2].strip().strip("'\"")
    return None


def _depends_section(extends: str | None, folder: Path, manifest: dict[str, Any]) -> list[str]:
    head = [
        "<h2>What the result depends on</h2>",
        f"<p>{_e(FIXED_ASSUMPTIONS)} The plan is as good as the scenario's demand, "
        "durations, travel, availability and costs: read it with them.</p>",
    ]
    if not extends:
        return head
    sources, note = _sources_of(extends, folder, manifest.get("scenario_hash"))
    if note:
        head.append(f"<p class='note'>{_e(note)}</p>")
    if not sources:
        return head
    section = _assumptions_section(sources)
    return head + section[1:]  # its own heading replaced by this one


def _yaml_block(title: str, text: str, why: str) -> list[str]:
    return [f"<h2>{_e(title)}</h2>", f"<p>{_e(why)}</p>", f"<pre>{_e(text)}</pre>"]


# --- optimize (targets mode) -------------------------------------------------------------


def _goal_words(r: Mapping[Any, Any]) -> str:
    """'CRT response time (p90) at most 20.0 minutes': a target in words."""
    m = str(r["metric"])
    op = "at most" if "<=" in str(r["goal"]) else "at least"
    unit = metric(m).unit_label if m in CATALOG else ""
    value = fmt_value(m, r["target"])
    each = " in every open hour" if str(r["goal"]).endswith("each hour") else ""
    spaced = f" {unit}" if unit and not value.endswith("%") and not value.startswith("$") else ""
    label = metric(m).label if m in CATALOG else m
    return f"{label} {op} {value}{spaced}{each}"


def _verdict_sentence(r: dict[str, Any]) -> str:
    m = str(r["metric"])
    where = f" ({r['where']})" if isinstance(r.get("where"), str) else ""
    return (
        f"{_goal_words(r)}: {fmt_interval(m, r['mean'], r['low'], r['high'])}, "
        f"{STATUS_WORDS.get(str(r['status']), str(r['status']))}{where}"
    )


def _cost(s: dict[str, Any], plan: str, name: str = COST) -> dict[str, float]:
    return dict(s.get("cost", {}).get(plan, {}).get(name, {}))


def optimize_cards(res: OptimizeResult) -> list[Card]:
    """The headline cards of an optimize folder: the verdict, the annual cost and the
    people, recommended against input; every number from summary.json."""
    s = res.summary
    v = res.verification
    rec = v[v["plan"] == "recommended"].to_dict("records")
    inp = v[v["plan"] == "input"].to_dict("records")
    n_met = sum(r["status"] == "met" for r in rec)
    if s["feasible"]:
        verdict = Card(
            "Does the recommended plan meet every target?",
            "yes",
            f"with 95% confidence, in {s['reps']} replications",
            "; ".join(_verdict_sentence(r) for r in rec) + ".",
        )
    else:
        verdict = Card(
            "Does the recommended plan meet every target?",
            "no",
            f"{n_met} of {len(rec)} met with 95% confidence",
            f"{s.get('infeasible', '')[:1].upper()}{s.get('infeasible', '')[1:]}. "
            + "; ".join(_verdict_sentence(r) for r in rec)
            + ".",
        )
    cards = [verdict]
    c_rec, c_in = _cost(s, "recommended"), _cost(s, "input")
    if _ok(c_rec.get("mean")):
        lo, hi = c_rec.get("low"), c_rec.get("high")
        interval = (
            f"95% interval: {fmt_value(COST, lo)} to {fmt_value(COST, hi)}"
            if _ok(lo) and _ok(hi)
            else NO_INTERVAL
        )
        parts = [
            f"{program_name(p)} {fmt_interval(COST, d.get('mean'), d.get('low'), d.get('high'))}"
            for p in s["programs"]
            if _ok((d := _cost(s, "recommended", f"{p}_cost_annual")).get("mean"))
        ]
        against = ""
        if _ok(c_in.get("mean")):
            diff = c_rec["mean"] - c_in["mean"]
            was = fmt_interval(COST, c_in["mean"], c_in.get("low"), c_in.get("high"))
            against = (
                f" With the input shifts: {was}, "
                f"so the recommended plan costs {fmt_value(COST, abs(diff))} "
                f"{'more' if diff >= 0 else 'less'} a year."
            )
        cards.append(
            Card(
                "Annual cost of the programs, recommended shifts",
                fmt_value(COST, c_rec["mean"]),
                interval,
                "Simulated staff (with leave and overtime), vehicles and other fixed costs of "
                "every program" + (f"; of which {', '.join(parts)}." if parts else ".") + against,
            )
        )
    fte, heads = s.get("fte", {}), s.get("head_count", {})
    if "recommended" in fte:
        names = " and ".join(program_name(p) for p in s["programs"])
        cards.append(
            Card(
                f"People the {names} shifts need",
                f"{fte['recommended']:,.1f} FTE",
                f"{heads.get('recommended', 0):,} people",
                f"The input shifts need {fte.get('input', math.nan):,.1f} FTE, "
                f"{heads.get('input', 0):,} people: "
                f"{fte['recommended'] - fte.get('input', math.nan):+,.1f} FTE and "
                f"{heads.get('recommended', 0) - heads.get('input', 0):+,} people with the "
                "recommended shifts (by role below).",
            )
        )
    n_in = sum(r["status"] == "met" for r in inp)
    cards.append(
        Card(
            "Do the input shifts meet the targets?",
            "yes" if s.get("input_meets_goals") else "no",
            f"{n_in} of {len(inp)} met, in {s.get('input_reps', 0)} replications",
            "; ".join(_verdict_sentence(r) for r in inp) + ".",
        )
    )
    return cards


def _targets_table(res: OptimizeResult) -> str:
    v = res.verification
    rows = []
    for goal, g in v.groupby("goal", sort=False):
        first = g.iloc[0].to_dict()
        m = str(first["metric"])
        cells = [f"<td class='text'>{_e(_goal_words(first))}</td>"]
        for plan in PLANS:
            here = g[g["plan"] == plan]
            if here.empty:
                cells += ["<td></td>", "<td></td>"]
                continue
            r = here.iloc[0].to_dict()
            cells.append(_cell(m, r["mean"], r["low"], r["high"]))
            where = (
                f"<span class='ci'>{_e(r['where'])}</span>" if isinstance(r["where"], str) else ""
            )
            cells.append(
                f"<td class='text'>{_e(STATUS_WORDS.get(str(r['status']), r['status']))}"
                f" ({int(r['reps'])} replications){where}</td>"
            )
        rows.append(_row(f"<code>{_name(goal)}</code>", cells))
    return _table(
        [
            "target as given",
            "in words",
            "recommended: mean (95% interval)",
            "recommended",
            "input: mean (95% interval)",
            "input",
            "recommended, another seed: mean (95% interval)",
            "another seed",
        ],
        rows,
    )


def _whole(x: Any) -> str:
    """Unit-hours, units: whole numbers with thousands separators."""
    return f"{float(x):,.0f}" if _ok(float(x)) else ""


def _money(x: Any) -> str:
    return fmt_format(x, "money")


def _shifts_table(res: OptimizeResult) -> str:
    rows = []
    for r in res.shifts.to_dict("records"):
        days = str(r["days"])
        shown = days if "," not in days else days_text(days.split(",")).strip("[]")
        rows.append(
            _row(
                _e(program_name(str(r["program"]))),
                [
                    f"<td class='text'>{_e(shown)}</td>",
                    f"<td>{_e(r['start'])}</td>",
                    f"<td>{_e(r['end'])}</td>",
                    f"<td>{int(r['units'])}</td>",
                    f"<td>{int(r['days_a_week'])}</td>",
                    f"<td>{_whole(r['unit_hours_per_week'])}</td>",
                    f"<td>{_e(_money(r['annual_cost']))}</td>",
                ],
            )
        )
    for p, g in res.shifts.groupby("program", sort=False):
        rows.append(
            _row(
                f"<b>{_e(program_name(str(p)))}: all shifts</b>",
                ["<td></td>"] * 5
                + [
                    f"<td><b>{_whole(g['unit_hours_per_week'].sum())}</b></td>",
                    f"<td><b>{_e(_money(g['annual_cost'].sum()))}</b></td>",
                ],
            )
        )
    unit = CATALOG[COST].unit_label
    return _table(
        [
            "program",
            "days",
            "start",
            "end",
            "units on each",
            "days a week",
            "unit-hours a week",
            f"shift cost ({unit})",
        ],
        rows,
    )


def _requirement_summary(res: OptimizeResult) -> str:
    """Per program: open hours, unit-hours a week required and scheduled (and by the
    input), the peak, and the open hours the schedule is below or above the requirement."""
    rows = []
    for p in res.summary["programs"]:
        r = res.requirement[res.requirement["program"] == p]
        if r.empty:
            continue
        opened = r[r["open"].astype(bool)]
        below = int((opened["scheduled"] < opened["requirement"]).sum())
        above = int((opened["scheduled"] > opened["requirement"]).sum())
        cells = [
            f"<td>{len(opened)}</td>",
            f"<td>{_e(fmt_format(r['offered_load'].sum(), 'count'))}</td>",
            f"<td>{_whole(r['mol_erlang_start'].sum())}</td>",
            f"<td>{_whole(r['requirement'].sum())}</td>",
            f"<td>{_whole(r['scheduled'].sum())}</td>",
            f"<td>{_whole(r['input_scheduled'].sum())}</td>",
            f"<td>{int(r['requirement'].max())} / {int(r['scheduled'].max())} / "
            f"{int(r['input_scheduled'].max())}</td>",
            f"<td>{below} / {above}</td>",
        ]
        rows.append(_row(_e(program_name(str(p))), cells))
    return _table(
        [
            "program",
            "hours it may open a week",
            "offered load (unit-hours a week)",
            "Erlang C start (unit-hours a week)",
            "requirement (unit-hours a week)",
            "recommended shifts (unit-hours a week)",
            "input shifts (unit-hours a week)",
            "most at once: required / recommended / input",
            "open hours below / above the requirement",
        ],
        rows,
    )


def _hour_grid(res: OptimizeResult, program: str) -> str:
    """Required and scheduled units for each hour of the week, one row per day."""
    r = res.requirement[res.requirement["program"] == program].sort_values("hour_of_week")
    rows = []
    for day, g in r.groupby("day", sort=False):
        req = "".join(
            f"<td>{int(a)}<span class='ci'>{int(b)}</span></td>"
            for a, b in zip(g["requirement"], g["scheduled"])
        )
        rows.append(f"<tr><td class='text'>{_e(str(day).title())}</td>{req}</tr>")
    head = "".join(f"<th>{h:02d}</th>" for h in range(24))
    return (
        "<table class='grid'><thead><tr><th class='text'>day</th>"
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _people_table(res: OptimizeResult) -> str:
    staff = res.people
    rec = staff[staff["plan"] == "recommended"].set_index(["program", "role"])
    inp = staff[staff["plan"] == "input"].set_index(["program", "role"])
    rows = []
    for key in dict.fromkeys([*rec.index, *inp.index]):
        p, role = key
        cells = [f"<td class='text'>{_e(str(role).replace('_', ' '))}</td>"]
        for table in (rec, inp):
            if key in table.index:
                t = table.loc[key]
                cells += [
                    f"<td>{_whole(t['unit_hours_per_week'])}</td>",
                    f"<td>{float(t['fte']):,.1f}</td>",
                    f"<td>{int(t['head_count'])}</td>",
                ]
            else:
                cells += ["<td></td>"] * 3
        rows.append(_row(_e(program_name(str(p))), cells))
    totals = ["<td></td>"]
    for table in (rec, inp):
        totals += [
            "<td></td>",
            f"<td><b>{float(table['fte'].sum()):,.1f}</b></td>",
            f"<td><b>{int(table['head_count'].sum())}</b></td>",
        ]
    rows.append(_row("<b>all roles</b>", totals))
    return _table(
        [
            "program",
            "role",
            "recommended: unit-hours a week",
            "recommended: FTE",
            "recommended: head count",
            "input: unit-hours a week",
            "input: FTE",
            "input: head count",
        ],
        rows,
    )


def _how_found(res: OptimizeResult, manifest: dict[str, Any]) -> list[str]:
    s = res.summary
    alphas = ", ".join(f"{program_name(p)} {a:g}" for p, a in s.get("alphas", {}).items())
    lengths = ", ".join(str(n) for n in manifest.get("lengths", []))
    resumed = s.get("resumed_replications", 0)
    return [
        "<h2>How it was found</h2>",
        "<p>A probe run with the most units allowed on duty in every open hour measured the "
        "offered load of each hour of the week. A modified-offered-load Erlang C staffing "
        "(the units that keep the chance of finding every unit busy at alpha, hour by hour) "
        "started the iterative staffing algorithm of Feldman, Mandelbaum, Massey &amp; Whitt "
        "(2008): simulate the full model (routing, availability, travel) with the "
        "requirement on duty, read how many jobs each program held hour by hour, re-set the "
        "requirement, repeat until it settles. An integer program (HiGHS) chose the least-"
        f"cost shifts of the allowed lengths ({_e(lengths)} hours) covering the requirement. "
        "Each plan was verified by simulation with common random numbers, adding "
        "replications until every target was met or missed with 95% confidence; alpha was "
        "searched by bisection for the loosest value whose shifts meet the targets, and "
        "units were then taken off one at a time while the targets still held.</p>",
        _settings(
            [
                ("alpha found", alphas or "n/a"),
                ("plans verified", f"{s.get('plans_verified', 0):,}"),
                (
                    "replications simulated",
                    f"{s.get('simulated_replications', 0):,}"
                    + (f" ({resumed:,} more read back from checkpoints)" if resumed else ""),
                ),
                ("time", f"{s.get('seconds', math.nan):,.0f} seconds"),
            ]
        ),
    ]


def _history_table(res: OptimizeResult) -> str:
    h = res.history
    goals = [g for g in res.summary["goals"] if g in h]
    programs = [p for p in res.summary["programs"] if f"{p}_alpha" in h]
    verdict = plan_verdicts(h, goals)
    rows = []
    for (_, r), all_goals in zip(h.iterrows(), verdict):
        cells = [
            f"<td class='text'>{_e(r['phase'])}</td>",
            f"<td class='text'>{_e(r['detail'])}</td>",
        ]
        for p in programs:
            a, hours = r[f"{p}_alpha"], r[f"{p}_unit_hours_per_week"]
            cells.append(f"<td>{_e(f'{a:g}' if _ok(a) else '')}</td>")
            cells.append(f"<td>{_whole(hours) if _ok(hours) else ''}</td>")
        cost = r["schedule_cost"]
        cells.append(f"<td>{_e(_money(cost) if _ok(cost) else '')}</td>")
        cells.append(f"<td>{int(r['reps'])}</td>")
        for g in goals:
            st = r[g]
            cells.append(f"<td class='text'>{_e(STATUS_WORDS.get(_text(st), ''))}</td>")
        rows.append(_row(str(int(r["step"])), cells, "" if not all_goals else f"v-{all_goals}"))
    head = ["step", "phase", "what was done"]
    for p in programs:
        head += [f"{program_name(p)} alpha", f"{program_name(p)} unit-hours a week"]
    head += [f"shift cost ({CATALOG[COST].unit_label})", "replications"]
    heads = "".join(f"<th>{_e(x)}</th>" for x in head) + "".join(
        f"<th class='text'><code>{_name(g)}</code></th>" for g in goals
    )
    return (
        f"<table class='history'><thead><tr>{heads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


# Headers break between words, never inside one (the report's cells may break anywhere).
_CSS = "<style>th { overflow-wrap: break-word; }</style>"
_OPT_CSS = _CSS + (
    "<style>table.grid td, table.grid th { padding: 2px 2px; text-align: center; }"
    " table.grid { font-size: 0.75em; } table.grid td:first-child { text-align: left; }"
    " tr.v-met td { background: #eef6ee; }"
    " @media print { table.grid { font-size: 6pt; } }</style>"
)


def optimize_html(folder: Path) -> str:
    """The page of an optimize folder (targets mode)."""
    folder = Path(folder)
    res = read_optimization(folder)
    manifest = read_manifest(folder) or {}
    s = res.summary
    names = " and ".join(program_name(p) for p in s["programs"])
    targets = "; ".join(
        _goal_words(r) for r in res.verification.drop_duplicates("goal").to_dict("records")
    )
    answer = (
        f"The recommended shifts meet every target with 95% confidence in {s['reps']} replications."
        if s["feasible"]
        else f"No plan meets every target: {s.get('infeasible', '')}."
    )
    body = [
        _OPT_CSS,
        f"<h1>The cheapest {_e(names)} shifts for {_name(s['scenario'])}</h1>",
        f"<p class='lead'>Targets: {_e(targets)}. {_e(answer)}</p>",
        f"<p class='note'>Scenario <code>{_e(s['scenario'])}</code>, seed "
        f"{_e(manifest.get('seed', ''))}. Every plan was simulated with the same calls "
        "(common random numbers), so plans are compared call for call. Values are means over "
        f"replications with 95% intervals. {_e(FIXED_ASSUMPTIONS)}</p>",
        "<h2>Headlines</h2>",
        _cards(optimize_cards(res)),
    ]
    body += [f"<p class='note'>{_e(n)}</p>" for n in s.get("notes", []) if n]
    body += [
        "<h2>The targets</h2>",
        "<p>Each target as given and in words, for the recommended and the input shifts: the "
        "mean over replications, its 95% interval, and whether the target is met (the whole "
        "interval on its right side), missed (wholly on the wrong side) or not shown either "
        "way.</p>",
        _targets_table(res),
        "<h2>The recommended shifts</h2>",
        "<p>The least-cost shifts the search found (recommended.yaml). Shift cost: unit-hours "
        "a week x 52 x the loaded pay of a unit's people x the paid hours per scheduled hour "
        "((1 - absence) x the relief factor); the annual cost "
        "above is the simulated one (present hours, overtime, fixed costs, every program).</p>",
        _shifts_table(res),
        "<h2>Requirement and schedule by hour of the week</h2>",
        "<p>Units on duty, hour by hour: the offered load, the requirement the iterative "
        "staffing found, and what the recommended and the input shifts schedule. Shifts come in "
        "whole blocks, so the schedule is above the requirement in some hours; after the "
        "search takes units off while the targets hold, it may be below in a few.</p>",
        _requirement_summary(res),
    ]
    for p in s["programs"]:
        if not (res.requirement["program"] == p).any():
            continue
        body.append(
            _img(
                requirement_figure(res.requirement, p),
                f"{program_name(p)}: units needed and scheduled by hour of the week",
            )
        )
        body += [
            f"<details><summary>{_e(program_name(p))}: the requirement (top) and the "
            "recommended shifts' units (below) in each hour, as a table</summary>",
            _hour_grid(res, p),
            "</details>",
        ]
    body += [
        "<h2>People by role</h2>",
        "<p>What each schedule needs in people: FTE from the unit-hours, people per unit and "
        "the paid hours per scheduled hour; head count in whole people"
        + (
            f", staff working 1 weekend in {manifest['weekend_rotation']}"
            if manifest.get("weekend_rotation")
            else ""
        )
        + ".</p>",
        _people_table(res),
    ]
    goals = res.verification.drop_duplicates("goal").set_index("goal")
    each = [g for g in dict.fromkeys(res.hourly_check["goal"]) if g in goals.index]
    if each:
        body += [
            "<h2>Targets held each hour</h2>",
            "<p>For a target that must hold in every open hour: the mean of each hour with its "
            "95% interval, recommended and input shifts, against the target.</p>",
        ]
        for g in each:
            row = goals.loc[g]
            hc = res.hourly_check[res.hourly_check["goal"] == g]
            counts = ", ".join(
                f"{plan}: {int((hc[hc['plan'] == plan]['status'] == 'met').sum())} of "
                f"{int((hc['plan'] == plan).sum())} hours met"
                for plan in PLANS
            )
            body.append(f"<p><code>{_name(g)}</code>: {_e(counts)}.</p>")
            body.append(
                _img(
                    hourly_check_figure(
                        res.hourly_check, str(g), str(row["metric"]), float(row["target"])
                    ),
                    f"{g}: hour by hour",
                )
            )
    body += _how_found(res, manifest)
    body += [
        "<h2>The search, step by step</h2>",
        "<p>Every step: the probe, the Erlang C start, each iteration, each plan verified "
        "(shaded: it met every target), the polishing and the input's own shifts.</p>",
    ]
    if len(res.history):
        body.append(
            _img(
                history_figure(
                    res.history,
                    list(s["goals"]),
                    s.get("schedule_cost_annual"),
                    s.get("input_schedule_cost_annual"),
                ),
                "Each plan verified: its shifts' annual cost and its verdict on the targets",
            )
        )
    body.append(_history_table(res))
    body += _depends_section(_extends(res.recommended_yaml), folder, manifest)
    body += _settings_section(res, manifest)
    body += _yaml_block(
        "recommended.yaml",
        res.recommended_yaml,
        "A scenario that extends the input and replaces only the shifts of the programs "
        "optimized; run it with heart-sim run.",
    )
    body += _glossary(OPTIMIZE_TERMS)
    return _page(f"heart-sim optimize: {s['scenario']}", body)


def _settings_section(res: OptimizeResult, manifest: dict[str, Any]) -> list[str]:
    req = res.requirement
    opened = req[req["open"].astype(bool)].groupby("program", sort=False)["hour_of_week"].count()
    items = [
        ("scenario", str(manifest.get("scenario", ""))),
        ("targets", "; ".join(manifest.get("goals", []))),
        ("programs", ", ".join(program_name(p) for p in manifest.get("programs", []))),
        *((f"{program_name(str(p))}: hours it may open", f"{n} a week") for p, n in opened.items()),
        ("shift lengths", ", ".join(f"{n} h" for n in manifest.get("lengths", []))),
        (
            "shift starts",
            "any hour"
            if manifest.get("starts") is None
            else ", ".join(f"{h:02d}:00" for h in manifest["starts"]),
        ),
        ("most units at once", str(manifest.get("max_units", ""))),
        ("same shifts each day", "yes" if manifest.get("same_each_day") else "no"),
        (
            "replications",
            f"{manifest.get('isa_reps', '')} per iteration; a plan verified with "
            f"{manifest.get('min_reps', '')} to {manifest.get('max_reps', '')}",
        ),
        ("seed", str(manifest.get("seed", ""))),
        ("heart-sim", str(manifest.get("heart_sim_version", __version__))),
    ]
    return ["<h2>Settings</h2>", _settings([(k, v) for k, v in items if v])]


# --- budget mode -------------------------------------------------------------------------


def _limit_words(s: dict[str, Any]) -> str:
    if s["mode"] == "budget":
        return f"an annual budget of {fmt_value(COST, s['limit'])}"
    return f"{s['limit']:g} more FTE"


def _options_words(combo: str) -> str:
    return "none of the options" if combo == BASE else ", ".join(combo.split("+"))


def _why(status: Any) -> str:
    return RATIO_WORDS.get(str(status), "") if isinstance(status, str) else ""


def _marginal_cell(r: Mapping[Any, Any], key: str = "marginal_cost") -> str:
    mean = r.get(key)
    if _ok(mean):
        return _cell(COST, mean, r.get(f"{key}_low"), r.get(f"{key}_high"))
    return f"<td class='text'>n/a<span class='ci'>{_e(_why(r.get(f'{key}_status')))}</span></td>"


def _lower(text: str) -> str:
    """'Diverted calls' -> 'diverted calls' mid-sentence; 'CRT response time' kept."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _gain_words(m: str, r: dict[str, Any], better: str) -> str:
    """A row's gain over the base (``gain``: the improvement, in the measure's direction)
    in words: '4,733 (4,678 to 4,788) more'."""
    g, lo, hi = r["gain"], r["gain_low"], r["gain_high"]
    if _ok(g) and g < 0:
        worse = "less" if better == "more" else "more"
        return f"{fmt_interval(m, -g, -hi, -lo)} {worse}"
    return f"{fmt_interval(m, g, lo, hi)} {better}"


def budget_answer(res: BudgetResult) -> str:
    """The answer in a sentence: the options bought, cost, FTE and the measure against the
    base (all from summary.json)."""
    s = res.summary
    m = s["maximize"]
    label = _lower(metric(m).label)
    base, chosen = s["base"], s["chosen_point"]
    base_text = (
        f"The base costs {_iv(COST, base, 'cost')} a year with {base['fte']:,.1f} FTE and "
        f"{label} {_iv(m, base, 'measure')}."
    )
    if chosen is None:
        return f"Nothing simulated fits within {_limit_words(s)}, not even the base. {base_text}"
    word = "more" if s["direction"] == "maximise" else "less"
    extra_cost = chosen["cost"] - base["cost"]
    return (
        f"Within {_limit_words(s)}, buy {_options_words(chosen['options'])}: annual cost "
        f"{_iv(COST, chosen, 'cost')}, {chosen['fte']:,.1f} FTE ({chosen['extra_fte']:+,.1f}), "
        f"{label} {_iv(m, chosen, 'measure')}, that is {_gain_words(m, chosen, word)} than "
        f"the base for {fmt_value(COST, abs(extra_cost))} "
        f"{'more' if extra_cost >= 0 else 'less'} a year. {base_text}"
    )


def budget_cards(res: BudgetResult) -> list[Card]:
    s = res.summary
    m = s["maximize"]
    base, chosen = s["base"], s["chosen_point"]
    if chosen is None:
        return [
            Card(
                "What the limit buys",
                "nothing",
                _limit_words(s),
                "No simulated set of options, not even the base, fits within the limit.",
            )
        ]
    n = len(s["chosen"] or [])

    def interval(name: str, r: dict[str, Any], key: str, signed: bool = False) -> str:
        lo, hi = r.get(f"{key}_low"), r.get(f"{key}_high")
        if not (_ok(lo) and _ok(hi)):
            return NO_INTERVAL
        return f"95% interval: {fmt_value(name, lo, signed)} to {fmt_value(name, hi, signed)}"

    return [
        Card(
            "Options bought",
            f"{n} of {len(res.options)}",
            _limit_words(s),
            f"The set with the best mean {_lower(metric(m).label)} within the limit: "
            f"{_options_words(chosen['options'])} (chosen.yaml).",
        ),
        Card(
            f"{metric(m).label}, chosen set",
            fmt_value(m, chosen["measure"]),
            interval(m, chosen, "measure"),
            f"Against the base's {fmt_value(m, base['measure'])}: "
            f"{_gain_words(m, chosen, 'more' if s['direction'] == 'maximise' else 'less')} "
            "(paired replications, common random numbers).",
        ),
        Card(
            "Annual cost, chosen set",
            fmt_value(COST, chosen["cost"]),
            interval(COST, chosen, "cost"),
            f"The base costs {_iv(COST, base, 'cost')} a year; the chosen set "
            f"{_in_words(chosen['cost'] - base['cost'], math.nan, math.nan, COST)} a year.",
        ),
        Card(
            "People, chosen set",
            f"{chosen['fte']:,.1f} FTE",
            f"{chosen['extra_fte']:+,.1f} FTE over the base",
            f"The base's schedules need {base['fte']:,.1f} FTE (unit-hours x people per unit "
            "x the paid hours per scheduled hour, over one person's paid hours a year).",
        ),
    ]


def _frontier_table(res: BudgetResult) -> str:
    s = res.summary
    m = s["maximize"]
    fte = s["mode"] == "fte"
    rows = []
    for r in res.frontier.to_dict("records"):
        first = BASE if r["options"] == BASE else r["options"].replace("+", " + ")
        mark = " <b>(chosen)</b>" if r["chosen"] else ""
        base = r["options"] == BASE
        cells = [
            f"<td class='text'>{_name(first)}{mark}</td>",
            _cell(COST, r["cost"], r["cost_low"], r["cost_high"]),
            f"<td>{r['fte']:,.1f}<span class='ci'>{r['extra_fte']:+,.1f}</span></td>",
            _cell(m, r["measure"], r["measure_low"], r["measure_high"]),
            "<td></td>"
            if base
            else _cell(COST, r["step_cost"], r["step_cost_low"], r["step_cost_high"], signed=True),
            "<td></td>"
            if base
            else _cell(m, r["step_gain"], r["step_gain_low"], r["step_gain_high"], signed=True),
            "<td></td>" if base else _marginal_cell(r),
        ]
        if fte:
            cells.append(
                "<td></td>"
                if base or not _ok(r.get("gain_per_fte"))
                else _cell(
                    m, r["gain_per_fte"], r["gain_per_fte_low"], r["gain_per_fte_high"], signed=True
                )
            )
        rows.append(
            _row(
                f"<span class='rank'>{int(r['step'])}</span>",
                cells,
                "chosen" if r["chosen"] else "",
            )
        )
    unit = metric(m).unit_label
    head = [
        "step",
        "options",
        header(COST),
        "FTE (over the base)",
        header(m),
        "extra cost over the step before ($ per year)",
        f"{'gained' if s['direction'] == 'maximise' else 'reduced'} over the step before ({unit})",
        "marginal cost: $ a year for each unit gained",
    ]
    if fte:
        head.append(f"gained per extra FTE ({unit})")
    return _table(head, rows, cls="frontier")


def _options_table(res: BudgetResult) -> str:
    m = res.summary["maximize"]
    rows = []
    for r in res.options.to_dict("records"):
        src = _text(r["source"])
        rows.append(
            _row(
                f"<code>{_name(r['option'])}</code>",
                [
                    f"<td class='text'>{_e(_text(r['description']))}</td>",
                    _cell(
                        COST,
                        r["extra_cost"],
                        r["extra_cost_low"],
                        r["extra_cost_high"],
                        signed=True,
                    ),
                    f"<td>{r['extra_fte']:+,.1f}</td>",
                    _cell(m, r["gain"], r["gain_low"], r["gain_high"], signed=True),
                    _marginal_cell(r),
                    f"<td class='text'>{_e(_text(r['exclusive_with']))}</td>",
                    f"<td class='text'>{_e(src)}</td>",
                ],
                "assumption" if "ASSUMPTION" in src else "",
            )
        )
    word = "gained" if res.summary["direction"] == "maximise" else "reduced"
    return (
        "<table class='optiontable'><colgroup><col style='width:11%'><col style='width:14%'>"
        "<col style='width:11%'><col style='width:6%'><col style='width:9%'>"
        "<col style='width:10%'><col style='width:8%'><col></colgroup><thead><tr>"
        + "".join(
            f"<th>{_e(h)}</th>"
            for h in (
                "option",
                "what it is",
                "extra cost ($ per year)",
                "extra FTE",
                f"{word} ({metric(m).unit_label})",
                "marginal cost per unit gained ($)",
                "not with",
                "source or assumption",
            )
        )
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _candidates_table(res: BudgetResult) -> str:
    m = res.summary["maximize"]
    rows = []
    for r in res.candidates.sort_values(["cost"]).to_dict("records"):
        flags = [
            w
            for w, on in (
                ("chosen", r["chosen"]),
                ("on the frontier", r["on_frontier"]),
                ("within the limit", r["within_limit"]),
            )
            if bool(on)
        ]
        rows.append(
            _row(
                _name(str(r["options"]).replace("+", " + ")),
                [
                    _cell(COST, r["cost"], r["cost_low"], r["cost_high"]),
                    _cell(
                        COST,
                        r["extra_cost"],
                        r["extra_cost_low"],
                        r["extra_cost_high"],
                        signed=True,
                    ),
                    f"<td>{r['fte']:,.1f}<span class='ci'>{r['extra_fte']:+,.1f}</span></td>",
                    _cell(m, r["measure"], r["measure_low"], r["measure_high"]),
                    _cell(m, r["gain"], r["gain_low"], r["gain_high"], signed=True),
                    f"<td class='text'>{_e(', '.join(flags))}</td>",
                ],
            )
        )
    return _table(
        [
            "options",
            header(COST),
            "extra cost over the base ($ per year)",
            "FTE (over the base)",
            header(m),
            f"over the base ({metric(m).unit_label})",
            "",
        ],
        rows,
    )


_BUDGET_CSS = _CSS + (
    "<style>tr.chosen td { background: #fff4d6; }"
    " table.frontier td:nth-child(2) { min-width: 9em; }</style>"
)


def budget_html(folder: Path) -> str:
    """The page of an optimize --budget / --fte folder."""
    folder = Path(folder)
    res = read_budget(folder)
    manifest = read_manifest(folder) or {}
    s = res.summary
    m = s["maximize"]
    how = s["how"][:1].upper() + s["how"][1:]
    unit = metric(m).unit_label
    per_year = unit.endswith("per year")
    marginal_words = (
        f"for {_lower(metric(m).label)}: the extra dollars a year for each extra one a year"
        if per_year
        else f"the extra dollars a year per {unit} of {_lower(metric(m).label)} gained"
    )
    chosen_yaml = folder / "chosen.yaml"
    body = [
        _BUDGET_CSS,
        f"<h1>What {_e(_limit_words(s))} buys: {_name(s['scenario'])}</h1>",
        f"<p class='lead'>{_e(budget_answer(res))}</p>",
        f"<p class='note'>Options from <code>{_e(s['options_file'])}</code>; the measure: "
        f"{_e(header(m))}, {_e(s['direction'])}d. {_e(how)}; each candidate ran "
        f"{s['reps']} replications with seed {s['seed']}, the same calls for every candidate "
        "(common random numbers), so differences are paired replication by replication. "
        f"{_e(FIXED_ASSUMPTIONS)}</p>",
        "<h2>Headlines</h2>",
        _cards(budget_cards(res)),
    ]
    body += [f"<p class='note'>{_e(n)}</p>" for n in s.get("notes", []) if n]
    body += [
        "<h2>What each next dollar buys: the efficient frontier</h2>",
        "<p>The sets of options no other simulated set beats on both "
        + ("FTE" if s["mode"] == "fte" else "cost")
        + " and the measure, cheapest first. Each step gives its extra annual cost and what "
        "it adds over the step before (paired 95% intervals), and the marginal cost: the "
        f"step's extra cost over what it adds ({_e(marginal_words)}; Fieller's interval). "
        "The chosen set is highlighted."
        + (
            " Along an FTE frontier a step may swap options: one that costs less a year and "
            "still gains has a negative marginal cost."
            if s["mode"] == "fte" and (res.frontier["step_cost"] < 0).any()
            else ""
        )
        + "</p>",
        _frontier_table(res),
        _img(
            frontier_figure(res),
            "The efficient frontier: every set simulated (faint), the frontier's steps with "
            "95% intervals, the chosen set and the limit",
        ),
        "<h2>Each option alone</h2>",
        "<p>Each option added to the base on its own, against the base (paired 95% "
        "intervals), with its source or assumption (assumptions highlighted).</p>",
        _options_table(res),
    ]
    body += _depends_section(_extends(_read(chosen_yaml)) or s["scenario"], folder, manifest)
    body += [
        "<h2>Settings</h2>",
        _settings(
            [
                ("scenario", str(s["scenario"])),
                ("options file", str(s["options_file"])),
                ("limit", _limit_words(s)),
                ("measure", f"{header(m)}, {s['direction']}d"),
                ("candidates simulated", f"{s['candidates_simulated']:,}"),
                (
                    "replications",
                    f"{s['reps']} per candidate, {s['simulations']:,} in all"
                    + (
                        f" ({s['resumed_replications']:,} read back from checkpoints)"
                        if s.get("resumed_replications")
                        else ""
                    ),
                ),
                ("seed", str(s["seed"])),
                ("time", f"{s.get('seconds', math.nan):,.0f} seconds"),
                ("heart-sim", str(manifest.get("heart_sim_version", __version__))),
            ]
        ),
    ]
    if chosen_yaml.is_file():
        body += _yaml_block(
            "chosen.yaml",
            chosen_yaml.read_text(encoding="utf-8"),
            "The base with the chosen options, as a scenario extending the input; run it "
            "with heart-sim run.",
        )
    body += _glossary(OPTIMIZE_TERMS)
    body += [
        "<h2 class='screen-only'>Appendix</h2>",
        "<details><summary>Every candidate simulated</summary>",
        _candidates_table(res),
        "</details>",
    ]
    return _page(f"heart-sim optimize --{s['mode']}: {s['scenario']}", body)


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


# --- any folder --------------------------------------------------------------------------

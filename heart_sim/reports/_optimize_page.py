"""The page of an optimize folder in targets mode (``heart-sim optimize``): the cheapest
shifts that meet the targets, one self-contained page a planner can forward.

It opens with whether every target is met with 95% confidence (or why no plan within the
limits meets them), the annual cost and the people of the recommended shifts against the
input's, then the targets, the shifts, the requirement against the schedule by hour of the
week (charts and tables), the people by role, how the plan was found and the search step
by step, what the result depends on (the input scenario's assumptions and sources),
recommended.yaml and a glossary. Every label, unit and number format comes from the metric
catalog; the tables are read with the library's own reader. One module per kind of results
folder; what it shares with the budget page is in ``_optimize_parts``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..core import __version__
from ..measure import CATALOG, NO_INTERVAL, Card, fmt_format, fmt_interval, fmt_value, metric
from ..optimization import COST, OptimizeResult, read_optimization, recommended_overtime
from ..scenario import days_text
from ..study import read_manifest
from ._html_kit import (
    FIXED_ASSUMPTIONS,
    card_grid,
    esc,
    figure_html,
    glossary_section,
    name_html,
    page_html,
    settings_list,
    table_html,
    table_row,
    value_cell,
)
from ._optimize_parts import (
    HEADER_CSS,
    OPTIMIZE_TERMS,
    depends_section,
    extends_of,
    is_number,
    text_or_empty,
    yaml_block,
)
from ._optimize_plots import (
    history_figure,
    hourly_check_figure,
    plan_verdicts,
    program_name,
    requirement_figure,
)

# How a verdict is said: a target met or missed with 95% confidence, or neither shown.
STATUS_WORDS = {"met": "met", "missed": "missed", "unclear": "not shown either way"}
PLANS = ("recommended", "input", "confirmation")


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


def _verdict_card(s: dict[str, Any], rec: list[dict[str, Any]]) -> Card:
    """Whether the recommended plan meets every target (and why not, when it does not)."""
    sentences = "; ".join(_verdict_sentence(r) for r in rec)
    if s["feasible"]:
        return Card(
            "Does the recommended plan meet every target?",
            "yes",
            f"with 95% confidence, in {s['reps']} replications",
            sentences + ".",
        )
    n_met = sum(r["status"] == "met" for r in rec)
    why = s.get("infeasible", "")
    return Card(
        "Does the recommended plan meet every target?",
        "no",
        f"{n_met} of {len(rec)} met with 95% confidence",
        f"{why[:1].upper()}{why[1:]}. " + sentences + ".",
    )


def _against_input(c_rec: dict[str, float], c_in: dict[str, float]) -> str:
    """What the recommended shifts cost more or less than the input's, or '' unmeasured."""
    if not is_number(c_in.get("mean")):
        return ""
    diff = c_rec["mean"] - c_in["mean"]
    was = fmt_interval(COST, c_in["mean"], c_in.get("low"), c_in.get("high"))
    return (
        f" With the input shifts: {was}, "
        f"so the recommended plan costs {fmt_value(COST, abs(diff))} "
        f"{'more' if diff >= 0 else 'less'} a year."
    )


def _cost_card(s: dict[str, Any]) -> Card | None:
    """The recommended shifts' simulated annual cost, by program and against the input's
    (None when it was not measured)."""
    c_rec = _cost(s, "recommended")
    if not is_number(c_rec.get("mean")):
        return None
    lo, hi = c_rec.get("low"), c_rec.get("high")
    interval = (
        f"95% interval: {fmt_value(COST, lo)} to {fmt_value(COST, hi)}"
        if is_number(lo) and is_number(hi)
        else NO_INTERVAL
    )
    parts = [
        f"{program_name(p)} {fmt_interval(COST, d.get('mean'), d.get('low'), d.get('high'))}"
        for p in s["programs"]
        if is_number((d := _cost(s, "recommended", f"{p}_cost_annual")).get("mean"))
    ]
    return Card(
        "Annual cost of the programs, recommended shifts",
        fmt_value(COST, c_rec["mean"]),
        interval,
        "Simulated staff (with leave and overtime), vehicles and other fixed costs of "
        "every program"
        + (f"; of which {', '.join(parts)}." if parts else ".")
        + _overtime_words(s)
        + _against_input(c_rec, _cost(s, "input")),
    )


def _overtime_words(s: dict[str, Any]) -> str:
    """The recommended shifts' simulated overtime a week and its annual cost, by program."""
    parts = [
        f"{program_name(p)} {hours:,.1f} unit-hours a week"
        + (f", {fmt_value(COST, cost)} a year" if is_number(cost) else "")
        for p, hours, cost in recommended_overtime(s)
    ]
    return f" Overtime where crews end: {'; '.join(parts)}." if parts else ""


def _people_card(s: dict[str, Any]) -> Card | None:
    """The FTE and head count the recommended shifts need, against the input's (None when
    they were not counted)."""
    fte, heads = s.get("fte", {}), s.get("head_count", {})
    if "recommended" not in fte:
        return None
    names = " and ".join(program_name(p) for p in s["programs"])
    return Card(
        f"People the {names} shifts need",
        f"{fte['recommended']:,.1f} FTE",
        f"{heads.get('recommended', 0):,} people",
        f"The input shifts need {fte.get('input', math.nan):,.1f} FTE, "
        f"{heads.get('input', 0):,} people: "
        f"{fte['recommended'] - fte.get('input', math.nan):+,.1f} FTE and "
        f"{heads.get('recommended', 0) - heads.get('input', 0):+,} people with the "
        "recommended shifts (by role below).",
    )


def _input_card(s: dict[str, Any], inp: list[dict[str, Any]]) -> Card:
    """Whether the input shifts meet the targets."""
    n_in = sum(r["status"] == "met" for r in inp)
    return Card(
        "Do the input shifts meet the targets?",
        "yes" if s.get("input_meets_goals") else "no",
        f"{n_in} of {len(inp)} met, in {s.get('input_reps', 0)} replications",
        "; ".join(_verdict_sentence(r) for r in inp) + ".",
    )


def optimize_cards(res: OptimizeResult) -> list[Card]:
    """The headline cards of an optimize folder: the verdict, the annual cost and the
    people, recommended against input; every number from summary.json."""
    s = res.facts
    v = res.verification
    rec = v[v["plan"] == "recommended"].to_dict("records")
    inp = v[v["plan"] == "input"].to_dict("records")
    cards = [_verdict_card(s, rec), _cost_card(s), _people_card(s), _input_card(s, inp)]
    return [c for c in cards if c is not None]


def _targets_table(res: OptimizeResult) -> str:
    v = res.verification
    rows = []
    for goal, g in v.groupby("goal", sort=False):
        first = g.iloc[0].to_dict()
        m = str(first["metric"])
        cells = [f"<td class='text'>{esc(_goal_words(first))}</td>"]
        for plan in PLANS:
            here = g[g["plan"] == plan]
            if here.empty:
                cells += ["<td></td>", "<td></td>"]
                continue
            r = here.iloc[0].to_dict()
            cells.append(value_cell(m, r["mean"], r["low"], r["high"]))
            where = (
                f"<span class='ci'>{esc(r['where'])}</span>" if isinstance(r["where"], str) else ""
            )
            cells.append(
                f"<td class='text'>{esc(STATUS_WORDS.get(str(r['status']), r['status']))}"
                f" ({int(r['reps'])} replications){where}</td>"
            )
        rows.append(table_row(f"<code>{name_html(goal)}</code>", cells))
    return table_html(
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
    return f"{float(x):,.0f}" if is_number(float(x)) else ""


def _money(x: Any) -> str:
    return fmt_format(x, "money")


def _shifts_table(res: OptimizeResult) -> str:
    rows = []
    for r in res.shifts.to_dict("records"):
        days = str(r["days"])
        shown = days if "," not in days else days_text(days.split(",")).strip("[]")
        rows.append(
            table_row(
                esc(program_name(str(r["program"]))),
                [
                    f"<td class='text'>{esc(shown)}</td>",
                    f"<td>{esc(r['start'])}</td>",
                    f"<td>{esc(r['end'])}</td>",
                    f"<td>{int(r['units'])}</td>",
                    f"<td>{int(r['days_a_week'])}</td>",
                    f"<td>{_whole(r['unit_hours_per_week'])}</td>",
                    f"<td>{esc(_money(r['annual_cost']))}</td>",
                ],
            )
        )
    for p, g in res.shifts.groupby("program", sort=False):
        rows.append(
            table_row(
                f"<b>{esc(program_name(str(p)))}: all shifts</b>",
                ["<td></td>"] * 5
                + [
                    f"<td><b>{_whole(g['unit_hours_per_week'].sum())}</b></td>",
                    f"<td><b>{esc(_money(g['annual_cost'].sum()))}</b></td>",
                ],
            )
        )
    unit = CATALOG[COST].unit_label
    return table_html(
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
    for p in res.facts["programs"]:
        r = res.requirement[res.requirement["program"] == p]
        if r.empty:
            continue
        opened = r[r["open"].astype(bool)]
        below = int((opened["scheduled"] < opened["requirement"]).sum())
        above = int((opened["scheduled"] > opened["requirement"]).sum())
        cells = [
            f"<td>{len(opened)}</td>",
            f"<td>{esc(fmt_format(r['offered_load'].sum(), 'count'))}</td>",
            f"<td>{_whole(r['mol_erlang_start'].sum())}</td>",
            f"<td>{_whole(r['requirement'].sum())}</td>",
            f"<td>{_whole(r['scheduled'].sum())}</td>",
            f"<td>{_whole(r['input_scheduled'].sum())}</td>",
            f"<td>{int(r['requirement'].max())} / {int(r['scheduled'].max())} / "
            f"{int(r['input_scheduled'].max())}</td>",
            f"<td>{below} / {above}</td>",
        ]
        rows.append(table_row(esc(program_name(str(p))), cells))
    return table_html(
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
        rows.append(f"<tr><td class='text'>{esc(str(day).title())}</td>{req}</tr>")
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
        cells = [f"<td class='text'>{esc(str(role).replace('_', ' '))}</td>"]
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
        rows.append(table_row(esc(program_name(str(p))), cells))
    totals = ["<td></td>"]
    for table in (rec, inp):
        totals += [
            "<td></td>",
            f"<td><b>{float(table['fte'].sum()):,.1f}</b></td>",
            f"<td><b>{int(table['head_count'].sum())}</b></td>",
        ]
    rows.append(table_row("<b>all roles</b>", totals))
    return table_html(
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
    s = res.facts
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
        f"cost shifts of the allowed lengths ({esc(lengths)} hours) covering the requirement. "
        "Each plan was verified by simulation with common random numbers, adding "
        "replications until every target was met or missed with 95% confidence; alpha was "
        "searched by bisection for the loosest value whose shifts meet the targets, and "
        "units were then taken off one at a time while the targets still held.</p>",
        settings_list(
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
    goals = [g for g in res.facts["goals"] if g in h]
    programs = [p for p in res.facts["programs"] if f"{p}_alpha" in h]
    verdict = plan_verdicts(h, goals)
    rows = []
    for (_, r), all_goals in zip(h.iterrows(), verdict):
        cells = [
            f"<td class='text'>{esc(r['phase'])}</td>",
            f"<td class='text'>{esc(r['detail'])}</td>",
        ]
        for p in programs:
            a, hours = r[f"{p}_alpha"], r[f"{p}_unit_hours_per_week"]
            cells.append(f"<td>{esc(f'{a:g}' if is_number(a) else '')}</td>")
            cells.append(f"<td>{_whole(hours) if is_number(hours) else ''}</td>")
        cost = r["schedule_cost"]
        cells.append(f"<td>{esc(_money(cost) if is_number(cost) else '')}</td>")
        cells.append(f"<td>{int(r['reps'])}</td>")
        for g in goals:
            st = r[g]
            cells.append(f"<td class='text'>{esc(STATUS_WORDS.get(text_or_empty(st), ''))}</td>")
        rows.append(
            table_row(str(int(r["step"])), cells, "" if not all_goals else f"v-{all_goals}")
        )
    head = ["step", "phase", "what was done"]
    for p in programs:
        head += [f"{program_name(p)} alpha", f"{program_name(p)} unit-hours a week"]
    head += [f"shift cost ({CATALOG[COST].unit_label})", "replications"]
    heads = "".join(f"<th>{esc(x)}</th>" for x in head) + "".join(
        f"<th class='text'><code>{name_html(g)}</code></th>" for g in goals
    )
    return (
        f"<table class='history'><thead><tr>{heads}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


_OPT_CSS = HEADER_CSS + (
    "<style>table.grid td, table.grid th { padding: 2px 2px; text-align: center; }"
    " table.grid { font-size: 0.75em; } table.grid td:first-child { text-align: left; }"
    " tr.v-met td { background: #eef6ee; }"
    " @media print { table.grid { font-size: 6pt; } }</style>"
)


def _opening(res: OptimizeResult, manifest: dict[str, Any]) -> list[str]:
    """The title, the targets and the answer in a sentence, how the plans were compared,
    the headline cards and the search's notes."""
    s = res.facts
    names = " and ".join(program_name(p) for p in s["programs"])
    targets = "; ".join(
        _goal_words(r) for r in res.verification.drop_duplicates("goal").to_dict("records")
    )
    answer = (
        f"The recommended shifts meet every target with 95% confidence in {s['reps']} replications."
        if s["feasible"]
        else f"No plan meets every target: {s.get('infeasible', '')}."
    )
    return [
        _OPT_CSS,
        f"<h1>The cheapest {esc(names)} shifts for {name_html(s['scenario'])}</h1>",
        f"<p class='lead'>Targets: {esc(targets)}. {esc(answer)}</p>",
        f"<p class='note'>Scenario <code>{esc(s['scenario'])}</code>, seed "
        f"{esc(manifest.get('seed', ''))}. Every plan was simulated with the same calls "
        "(common random numbers), so plans are compared call for call. Values are means over "
        f"replications with 95% intervals. {esc(FIXED_ASSUMPTIONS)}</p>",
        "<h2>Headlines</h2>",
        card_grid(optimize_cards(res)),
        *(f"<p class='note'>{esc(n)}</p>" for n in s.get("notes", []) if n),
    ]


def _targets_and_shifts(res: OptimizeResult) -> list[str]:
    """The targets with each plan's verdict, then the recommended shifts."""
    return [
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
    ]


def _requirement_section(res: OptimizeResult) -> list[str]:
    """The requirement against the schedules, per program a chart and an hour-by-hour table."""
    out = [
        "<h2>Requirement and schedule by hour of the week</h2>",
        "<p>Units on duty, hour by hour: the offered load, the requirement the iterative "
        "staffing found, and what the recommended and the input shifts schedule. Shifts come in "
        "whole blocks, so the schedule is above the requirement in some hours; after the "
        "search takes units off while the targets hold, it may be below in a few.</p>",
        _requirement_summary(res),
    ]
    for p in res.facts["programs"]:
        if not (res.requirement["program"] == p).any():
            continue
        out.append(
            figure_html(
                requirement_figure(res.requirement, p),
                f"{program_name(p)}: units needed and scheduled by hour of the week",
            )
        )
        out += [
            f"<details><summary>{esc(program_name(p))}: the requirement (top) and the "
            "recommended shifts' units (below) in each hour, as a table</summary>",
            _hour_grid(res, p),
            "</details>",
        ]
    return out


def _people_section(res: OptimizeResult, manifest: dict[str, Any]) -> list[str]:
    """The people each schedule needs, role by role."""
    return [
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


def _each_hour_section(res: OptimizeResult) -> list[str]:
    """For each target that must hold in every open hour: the hours met by each plan and
    its chart; nothing when there is no such target."""
    goals = res.verification.drop_duplicates("goal").set_index("goal")
    each = [g for g in dict.fromkeys(res.hourly_check["goal"]) if g in goals.index]
    if not each:
        return []
    out = [
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
        out.append(f"<p><code>{name_html(g)}</code>: {esc(counts)}.</p>")
        out.append(
            figure_html(
                hourly_check_figure(
                    res.hourly_check, str(g), str(row["metric"]), float(row["target"])
                ),
                f"{g}: hour by hour",
            )
        )
    return out


def _search_section(res: OptimizeResult) -> list[str]:
    """The search step by step: each plan verified (chart) and every step (table)."""
    s = res.facts
    out = [
        "<h2>The search, step by step</h2>",
        "<p>Every step: the probe, the Erlang C start, each iteration, each plan verified "
        "(shaded: it met every target), the polishing and the input's own shifts.</p>",
    ]
    if len(res.history):
        out.append(
            figure_html(
                history_figure(
                    res.history,
                    list(s["goals"]),
                    s.get("schedule_cost_annual"),
                    s.get("input_schedule_cost_annual"),
                ),
                "Each plan verified: its shifts' annual cost and its verdict on the targets",
            )
        )
    out.append(_history_table(res))
    return out


def optimize_html(folder: Path) -> str:
    """The page of an optimize folder (targets mode)."""
    folder = Path(folder)
    res = read_optimization(folder)
    manifest = read_manifest(folder) or {}
    body = _opening(res, manifest)
    body += _targets_and_shifts(res)
    body += _requirement_section(res)
    body += _people_section(res, manifest)
    body += _each_hour_section(res)
    body += _how_found(res, manifest)
    body += _search_section(res)
    body += depends_section(extends_of(res.recommended_yaml), folder, manifest)
    body += _settings_section(res, manifest)
    body += yaml_block(
        "recommended.yaml",
        res.recommended_yaml,
        "A scenario that extends the input and replaces only the shifts of the programs "
        "optimized; run it with heart-sim run.",
    )
    body += glossary_section(OPTIMIZE_TERMS)
    return page_html(f"heart-sim optimize: {res.facts['scenario']}", body)


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
    return ["<h2>Settings</h2>", settings_list([(k, v) for k, v in items if v])]

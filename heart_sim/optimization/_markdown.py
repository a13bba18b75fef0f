"""optimize.md: the answer of ``heart-sim optimize`` in words and two tables (the targets
judged, the shifts recommended).

Written from the :class:`OptimizeResult` alone, so that a folder read back renders the
same page as the run that wrote it; the HTML report is ``reports``' business.
"""

from __future__ import annotations

import math
from typing import Any

from ._result import OptimizeResult, recommended_overtime


def _overtime_lines(s: dict[str, Any]) -> list[str]:
    """The recommended shifts' simulated overtime a week and its annual cost, by program."""
    parts = [
        f"{p} {hours:,.1f} unit-hours a week"
        + (f" (${cost:,.0f} a year)" if math.isfinite(cost) else "")
        for p, hours, cost in recommended_overtime(s)
    ]
    return ["", f"Overtime where the crews end (simulated): {'; '.join(parts)}."] if parts else []


def optimize_markdown(result: OptimizeResult) -> str:
    """optimize.md: what was asked, what was found, in words and tables."""
    s = result.facts
    lines = [f"# Optimized shifts for {s['scenario']}", ""]
    lines.append("Targets: " + "; ".join(s["goals"]) + ".")
    lines.append("")
    if s["feasible"]:
        lines.append(
            f"The recommended shifts meet every target with 95% confidence ({s['reps']} "
            "replications, common random numbers)."
        )
    else:
        lines.append(f"**{s['infeasible']}.**")
    lines += _overtime_lines(s)
    lines += ["", "| plan | target | mean | 95% interval | status |", "|---|---|---|---|---|"]
    for r in result.verification.to_dict("records"):
        lines.append(
            f"| {r['plan']} | {r['goal']} | {r['mean']:.4g} | {r['low']:.4g} - "
            f"{r['high']:.4g} | {r['status']} |"
        )
    lines += [
        "",
        "## Shifts",
        "",
        "| program | days | start | end | units |",
        "|---|---|---|---|---|",
    ]
    for r in result.shifts.to_dict("records"):
        lines.append(f"| {r['program']} | {r['days']} | {r['start']} | {r['end']} | {r['units']} |")
    lines.append("")
    return "\n".join(lines)

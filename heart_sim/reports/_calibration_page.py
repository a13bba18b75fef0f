"""The page of a calibration's results folder (``heart-sim calibrate --report``): what
history matching against published figures rules out.

It opens with how many points are not implausible, whether the targets agree with one
another, and what they pin down; then the unknowns' ranges before and after, the targets
and how many points meet each, the ranges wave by wave, and how to read it. One module per
kind of results folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..calibration import CalibrationResult, read_calibration
from ..measure import Card, fmt_value, header
from ._html_kit import (
    card_grid,
    esc,
    figure_html,
    glossary_section,
    page_html,
    table_html,
    table_row,
)
from ._plots import calibration_figures


def _conflict(s: dict[str, Any]) -> str:
    """Which targets no point meets, alone or together with another, in words."""
    never = s.get("targets_never_met", [])
    pairs = s.get("pairs_never_met_together", [])
    if never or pairs:
        return "; ".join(
            [f"{m} is met by no point, even alone" for m in never]
            + [
                f"{a} and {b} are each met, never together by any of the {s['points']} points"
                for a, b in pairs
            ]
        )
    return "every target can be met together with the others"


def _calibration_cards(s: dict[str, Any]) -> list[Card]:
    """The points left, whether the targets agree, and what they pin down."""
    agree = not (s.get("targets_never_met", []) or s.get("pairs_never_met_together", []))
    pinned = [u for u, v in s["identifiability"].items() if v == "pinned down"]
    open_ = [u for u, v in s["identifiability"].items() if v == "not pinned down"]
    return [
        Card(
            "Non-implausible points",
            f"{s['nroy_points']} of {s['points']}",
            f"{s['waves_run']} wave(s), {s['simulations']} replications",
            "Points at which the model reproduces every published figure within three "
            "standard deviations (the figure's own, the model discrepancy's and the "
            "simulation's).",
        ),
        Card("Do the targets agree?", "yes" if agree else "no", "", _conflict(s) + "."),
        Card(
            "What the figures pin down",
            f"{len(pinned)} of {len(s['identifiability'])}",
            "unknowns narrowed to half their range or less",
            ("Pinned down: " + ", ".join(pinned) + ". " if pinned else "")
            + ("Left where the prior had them: " + ", ".join(open_) + "." if open_ else ""),
        ),
    ]


def _unknowns_table(cal: CalibrationResult) -> str:
    """Each unknown's range tried, the non-implausible range and the verdict."""
    rows = [
        table_row(
            f"<code>{esc(r['unknown'])}</code>",
            [
                f"<td>{r['prior_low']:g} to {r['prior_high']:g}</td>",
                f"<td>{r['nroy_low']:.4g} to {r['nroy_high']:.4g}</td>",
                f"<td>{r['spread_vs_prior']:.2f}</td>",
                f"<td class='text'>{esc(r['verdict'])}</td>",
            ],
        )
        for r in cal.identifiability.to_dict("records")
    ]
    return table_html(["unknown", "range tried", "non-implausible", "spread vs prior", ""], rows)


def _targets_table(cal: CalibrationResult) -> str:
    """Each published figure, its value, how many points meet it and its source."""
    s = cal.facts
    rows = [
        table_row(
            esc(header(t["metric"])),
            [
                f"<td>{esc(fmt_value(t['metric'], t['value']))}</td>",
                f"<td>{int((cal.points[t['metric'] + '_I'] <= s['cutoff']).sum())} of "
                f"{s['points']}</td>",
                f"<td class='text'>{esc(t['source'])}</td>",
            ],
        )
        for t in s.get("target_bands", [])
    ]
    return table_html(["published figure", "value", "points meeting it", "source"], rows)


def calibration_html(folder: Path) -> str:
    """A calibration folder's page: what the targets rule out, conflicts, what they leave
    open, the best point, the ranges wave by wave."""
    cal = read_calibration(folder)
    s = cal.facts
    best = ", ".join(f"{k} = {v:.4g}" for k, v in s["best_point"].items())
    body = [
        f"<h1>Calibration of {esc(s['scenario'])} against {esc(s['targets'])}</h1>",
        f"<p class='lead'>History matching stopped because {esc(s['stopped'])}. The least "
        f"implausible point (calibrated.yaml): {esc(best)}.</p>",
        "<h2>Headlines</h2>",
        card_grid(_calibration_cards(s)),
        "<h2>What the targets pin down</h2>",
        _unknowns_table(cal),
        "<h2>Targets</h2>",
        _targets_table(cal),
    ]
    body += [
        figure_html(fig, stem.replace("_", " ")) for stem, fig in calibration_figures(cal).items()
    ]
    body += [
        "<h2>How to read it</h2>",
        "<p>A point is ruled out when, for some target, |figure - simulated mean| exceeds "
        "three standard deviations of the figure, the model discrepancy and one simulated "
        "year's variation. The non-implausible points are not a posterior density: they "
        "are the values the published figures cannot rule out. Run a scenario over them "
        "with --posterior posterior.csv to carry them into its intervals.</p>",
    ]
    body += glossary_section()
    return page_html(f"heart-sim calibration: {s['scenario']}", body)

"""What the two pages of ``heart-sim optimize`` share -- the recommended shifts (targets
mode) and what a budget buys (``--budget`` / ``--fte``): the words their glossary adds,
their header style, how a table's empty or missing value is read, the section on what the
result depends on (the input scenario's assumptions and sources, read from the folder's
``sources/`` or the scenario again) and the block showing a written scenario.

Kept apart from the HTML kit because it reads an optimize folder's files and manifest,
and apart from either page so that neither imports the other.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..core import HeartSimError
from ..scenario import load_scenario, scenario_hash, scenario_sources
from ..study import read_sources
from ._html_kit import FIXED_ASSUMPTIONS, assumptions_section, esc

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


# Headers break between words, never inside one (the report's cells may break anywhere).
HEADER_CSS = "<style>th { overflow-wrap: break-word; }</style>"


def text_or_empty(x: Any) -> str:
    """A table's text cell: '' for an empty one (read as NaN)."""
    return x if isinstance(x, str) else ""


def is_number(x: Any) -> bool:
    """Whether a table's value is a number (not empty, not NaN)."""
    return isinstance(x, int | float) and not math.isnan(x)


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


def extends_of(yaml_text: str | None) -> str | None:
    """The scenario a written scenario extends (its ``extends:`` line), or None."""
    for line in (yaml_text or "").splitlines():
        if line.startswith("extends:"):
            return line.partition(":")[2].strip().strip("'\"")
    return None


def depends_section(extends: str | None, folder: Path, manifest: dict[str, Any]) -> list[str]:
    """What the result depends on: what the intervals hold fixed, and the input scenario's
    assumptions and sources."""
    head = [
        "<h2>What the result depends on</h2>",
        f"<p>{esc(FIXED_ASSUMPTIONS)} The plan is as good as the scenario's demand, "
        "durations, travel, availability and costs: read it with them.</p>",
    ]
    if not extends:
        return head
    sources, note = _sources_of(extends, folder, manifest.get("scenario_hash"))
    if note:
        head.append(f"<p class='note'>{esc(note)}</p>")
    if not sources:
        return head
    section = assumptions_section(sources)
    return head + section[1:]  # its own heading replaced by this one


def yaml_block(title: str, text: str, why: str) -> list[str]:
    """A scenario the study wrote, shown as written under its file name."""
    return [f"<h2>{esc(title)}</h2>", f"<p>{esc(why)}</p>", f"<pre>{esc(text)}</pre>"]

"""The Decide page's options editor: the changes a budget may buy, written without YAML.

Each row is one option that adds a shift to a program (name, program, days, start, end,
units; optionally the options it cannot be bought with). ``options_yaml`` writes the rows
as an options file (the form ``heart-sim optimize --budget --options`` reads); the file is
then checked by the library's own validator, whose one-line messages the page shows.
Options of other forms (``set:``, several shifts) are written in a file and opened.
"""

from __future__ import annotations

from typing import Any

import yaml
from htmltools import Tag, tags
from shiny import ui

from ..core import PROGRAMS
from ._ui import note

ROWS = 4  # options the editor offers; blank rows are dropped
PARTS = ("name", "program", "days", "start", "end", "units", "excludes")
LABELS = {
    "name": "Name",
    "program": "Program",
    "days": "Days",
    "start": "Start",
    "end": "End",
    "units": "Units",
    "excludes": "Never with",
}


def option_id(row: int, part: str) -> str:
    return f"bopt{row}_{part}"


def editor() -> Tag:
    """The editor's rows, each control labelled."""
    programs = {p.value: p.label for p in PROGRAMS}
    rows = []
    for i in range(ROWS):
        cells = []
        for part in PARTS:
            label = f"{LABELS[part]} (option {i + 1})"
            if part == "program":
                cells.append(ui.input_select(option_id(i, part), label, programs, selected="crt"))
            else:
                cells.append(ui.input_text(option_id(i, part), label, ""))
        rows.append(tags.div(*cells, class_="shift-row"))
    return tags.fieldset(
        tags.legend("Options a budget may buy"),
        note(
            "Each row adds one shift to one program: the cost and the calls it reaches are "
            "the scenario's own. Days and times as on the Scenario page; Never with: the "
            "names of options never bought together with it, comma-separated. Rows without "
            "a name are dropped."
        ),
        *rows,
        class_="program",
    )


def _units(text: str) -> Any:
    return int(text) if text.strip().isdigit() else text.strip()


def options_yaml(name: str, scenario: str, values: dict[str, str]) -> str:
    """The options file of the editor's ``values`` (field id -> text), named ``name``,
    for ``scenario``."""
    options: dict[str, Any] = {}
    for i in range(ROWS):
        row = {part: values.get(option_id(i, part), "").strip() for part in PARTS}
        if not row["name"]:
            continue
        shift = {
            "days": row["days"],
            "start": row["start"],
            "end": row["end"],
            "units": _units(row["units"]),
        }
        option: dict[str, Any] = {
            "description": (
                f"{row['program'].upper()}: {row['units']} more on {row['days']} "
                f"{row['start']}-{row['end']}"
            ),
            "add": {f"programs.{row['program']}.shifts": [shift]},
        }
        excludes = [x.strip() for x in row["excludes"].split(",") if x.strip()]
        if excludes:
            option["exclusive_with"] = excludes
        options[row["name"]] = option
    text = {
        "name": name,
        "description": f"Options for {scenario}, written in heart-sim app's options editor.",
        "options": options,
    }
    return yaml.safe_dump(text, sort_keys=False, allow_unicode=True)

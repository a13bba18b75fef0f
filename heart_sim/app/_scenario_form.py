"""The Scenario page's layout: where to start from (a built-in, a file, an upload), each
program's shift rows, the staffing grid, the other fields grouped, and Save."""

from __future__ import annotations

from typing import Any

from htmltools import Tag, TagList, tags
from shiny import ui

from ..core import PROGRAMS
from ..scenario import Scenario
from ._editor import SHIFT_FIELDS, fields, shift_id
from ._ui import error_box, form_grid, note

SHIFT_LABELS = {"days": "Days", "start": "Start", "end": "End", "units": "Units"}
DAY_FORMS = (
    "Days: mon..sun, ranges such as mon-fri or fri-sun, lists such as mon,wed, or daily, "
    "weekdays, weekends. Times are HH:MM (end 24:00 is midnight; an end before the start "
    "runs past midnight). A row left blank is dropped."
)


def labelled(fid: str, label: str, value: str) -> Tag:
    """A text field with its error box beneath it."""
    return tags.div(ui.input_text(fid, label, value), error_box(fid))


def _file_input(fid: str, label: str) -> Tag:
    """Shiny's file input, whose read-only box (the chosen file's name) is labelled too."""
    tag = ui.input_file(fid, label, accept=[".yaml", ".yml"], button_label="Choose a file…")
    todo: list[Any] = [tag]
    while todo:
        el = todo.pop()
        if isinstance(el, Tag):
            if el.name == "input" and "readonly" in el.attrs:
                el.attrs["aria-label"] = f"{label}: the file chosen"
            todo.extend(el.children)
    return tag


def panel() -> Any:
    programs = [
        tags.fieldset(
            tags.legend(f"{p.full_name} ({p.label})"),
            ui.output_ui(f"{p}_shifts"),
            error_box(f"{p}_shifts"),
            ui.input_action_button(f"{p}_add", f"Add a {p.label} shift", class_="btn-sm"),
            class_="program",
        )
        for p in PROGRAMS
    ]
    return ui.nav_panel(
        "Scenario",
        ui.h2("Scenario"),
        note(
            "Start from a built-in scenario or a file in the working folder (or open one from "
            "your computer), change what you want to try, and save it as a file the command "
            "line runs unchanged."
        ),
        form_grid(
            ui.input_select("source", "Start from", choices=[]),
            _file_input("upload", "Open a YAML file (a scenario or an options file)"),
            ui.input_text("new_name", "Name of your what-if (also its file name)", ""),
            ui.input_text("new_title", "Title (optional)", ""),
        ),
        ui.output_ui("upload_note"),
        ui.output_ui("source_note"),
        error_box("_form"),
        ui.h3("Shifts"),
        note(DAY_FORMS),
        *programs,
        ui.h3("Staffing as scheduled"),
        ui.output_ui("staffing"),
        ui.h3("Areas, patience, demand, routing and costs"),
        ui.output_ui("other_fields"),
        ui.h3("Save"),
        tags.div(
            ui.input_action_button("save", "Save in the working folder", class_="btn-primary"),
            ui.download_button("download_yaml", "Download the YAML file"),
            class_="buttons",
        ),
        ui.input_checkbox("replace", "Replace a file of the same name", False),
        ui.output_ui("save_note"),
        value="scenario",
    )


def _group(path: str) -> str:
    if path.startswith("demand"):
        return "Demand"
    if path.startswith("call_types"):
        return "Routing"
    return "Costs" if "cost" in path else "Programs"


def other_fields(scenario: Scenario, values: dict[str, str]) -> Tag:
    """The form's fields other than shifts, grouped, each with its error box."""
    groups: dict[str, list[Any]] = {"Demand": [], "Programs": [], "Routing": [], "Costs": []}
    for f in fields(scenario):
        groups[_group(f.path)].append(labelled(f.id, f.label, values.get(f.id, "")))
    return TagList(  # type: ignore[return-value]
        *(
            tags.fieldset(tags.legend(name), form_grid(*items), class_="program")
            for name, items in groups.items()
            if items
        )
    )


def shift_rows(program: str, rows: int, values: dict[str, str]) -> Tag:
    """``rows`` rows of a program's shift fields (days, start, end, units)."""
    out = []
    for i in range(rows):
        cells = [
            labelled(
                shift_id(program, i, part),
                f"{SHIFT_LABELS[part]} (shift {i + 1})",
                values.get(shift_id(program, i, part), ""),
            )
            for part in SHIFT_FIELDS
        ]
        out.append(tags.div(*cells, class_="shift-row"))
    return TagList(*out)  # type: ignore[return-value]

"""The pages' layout: Scenario, Run, Compare, Decide and Results, each control labelled.

Controls that depend on the scenario (its shifts, call types, roles) are drawn by the
server (``_server``); everything here is fixed. The stylesheet keeps every page within a
1,280-px window and a 390-px phone screen: forms wrap, wide tables scroll inside their own
box, the report page fits its frame.
"""

from __future__ import annotations

from typing import Any

from htmltools import Tag, tags
from shiny import module, ui

from ..core import PROGRAMS
from ..measure import CARD_CSS

CSS = (
    CARD_CSS
    + """
body { overflow-x: hidden; }
.container-fluid { max-width: 1240px; }
.field-error { color: #a4000f; font-size: 0.85em; min-height: 0; overflow-wrap: anywhere; }
.field-error:empty { display: none; }
[aria-invalid=true] { border-color: #a4000f !important; }
.shift-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5em, 1fr));
             gap: 0 0.6em; align-items: start; border-bottom: 1px dotted #ccd;
             margin-bottom: 0.4em; }
.shift-row .form-group, .shift-row .shiny-input-container { width: 100% !important;
             margin-bottom: 0.3em; }
.form-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(16em, 1fr));
             gap: 0 1em; }
.form-grid .shiny-input-container { width: 100% !important; }
fieldset.program { border: 1px solid #ccd; border-radius: 4px; padding: 0.4em 0.8em;
                   margin-bottom: 0.8em; min-width: 0; }
fieldset.program legend { font-size: 1.05em; font-weight: 600; float: none; width: auto;
                          padding: 0 0.3em; }
.scroll-box { overflow-x: auto; max-width: 100%; margin-bottom: 1em; }
table.staffing { font-size: 0.75em; border-collapse: collapse; }
table.staffing caption { caption-side: top; color: #333; }
table.staffing td, table.staffing th { padding: 1px 3px; text-align: center;
                                        border: 1px solid #e3e3ef; }
table.staffing td.on { background: #dbe6f5; font-weight: 600; }
.report-frame { width: 100%; border: 1px solid #ccd; min-height: 400px; }
.job-progress { width: 100%; height: 1.2em; }
.note { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
.error-box { color: #a4000f; white-space: pre-wrap; overflow-wrap: anywhere; }
.downloads { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.6em 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.6em 0; }
.shiny-input-container { max-width: 100%; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
           clip: rect(0 0 0 0); white-space: nowrap; }
"""
)

# Field errors are placed next to their field by id; report frames sized to their page.
SCRIPT = """
function heartSimFit(frame) {
  try {
    const doc = frame.contentDocument.documentElement;
    frame.style.height = (doc.scrollHeight + 24) + 'px';
  } catch (e) { frame.style.height = '80vh'; }
}
window.addEventListener('resize', () =>
  document.querySelectorAll('iframe.report-frame').forEach(heartSimFit));
function heartSimErrors(problems) {
  document.querySelectorAll('[data-err-for]').forEach((box) => {
    const id = box.getAttribute('data-err-for');
    const text = problems[id] || '';
    box.textContent = text;
    const input = document.getElementById(id);
    if (input) {
      if (text) { input.setAttribute('aria-invalid', 'true'); }
      else { input.removeAttribute('aria-invalid'); }
    }
  });
}
let heartSimLast = {};
document.addEventListener('DOMContentLoaded', () => {
  Shiny.addCustomMessageHandler('field_errors', (problems) => {
    heartSimLast = problems; heartSimErrors(problems);
  });
  $(document).on('shiny:value', () => setTimeout(() => heartSimErrors(heartSimLast), 0));
});
"""


def error_box(field_id: str) -> Tag:
    """Where the problem with field ``field_id`` is shown (empty when there is none)."""
    return tags.div(
        class_="field-error",
        id=f"err-{field_id}",
        role="alert",
        **{"data-err-for": field_id},
    )


def _scenario_page() -> Any:
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
        ui.p(
            "Start from a built-in scenario or a file in the working folder, change what you "
            "want to try, and save it as a file the command line runs unchanged.",
            class_="note",
        ),
        tags.div(
            ui.input_select("source", "Start from", choices=[]),
            ui.input_text("new_name", "Name of your what-if (also its file name)", ""),
            ui.input_text("new_title", "Title (optional)", ""),
            class_="form-grid",
        ),
        ui.output_ui("source_note"),
        error_box("_form"),
        ui.h3("Shifts"),
        ui.p(
            "Days: mon..sun, ranges such as mon-fri or fri-sun, lists such as mon,wed, or "
            "daily, weekdays, weekends. Times are HH:MM (end 24:00 is midnight; an end before "
            "the start runs past midnight). A row left blank is dropped.",
            class_="note",
        ),
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


def _run_page() -> Any:
    return ui.nav_panel(
        "Run",
        ui.h2("Run"),
        ui.output_ui("run_scenario"),
        tags.div(
            ui.input_text("reps", "Replications (a number, or auto)", "10"),
            ui.input_text("precision", "Precision with auto (0.05 = within ±5%)", "0.05"),
            ui.input_text("seed", "Seed (blank: the scenario's)", ""),
            class_="form-grid",
        ),
        study_ui("run", "Run"),
        value="run",
    )


def _compare_page() -> Any:
    return ui.nav_panel(
        "Compare",
        ui.h2("Compare options"),
        ui.p(
            "The base and each option are run with common random numbers (the same calls), so "
            "the differences are the options' own.",
            class_="note",
        ),
        tags.div(
            ui.input_select("base", "Base", choices=[]),
            ui.input_selectize("options", "Options to compare with it", choices=[], multiple=True),
            ui.input_text("compare_reps", "Replications (2 or more, or auto)", "10"),
            ui.input_text("compare_seed", "Seed (blank: the base's)", ""),
            class_="form-grid",
        ),
        study_ui("compare", "Compare"),
        value="compare",
    )


def _decide_page() -> Any:
    return ui.nav_panel(
        "Decide",
        ui.h2("Decide"),
        ui.p(
            "Find the cheapest shifts that meet targets, or the set of options that buys the "
            "most within a budget. The scenario is the one on the Scenario page.",
            class_="note",
        ),
        ui.input_radio_buttons(
            "decide_mode",
            "What to decide",
            {"optimize": "Shifts that meet targets", "budget": "Options within a budget"},
        ),
        ui.panel_conditional(
            "input.decide_mode === 'optimize'",
            tags.div(
                ui.input_selectize(
                    "opt_programs",
                    "Programs to staff (blank: those the targets are about)",
                    {p.value: p.full_name for p in PROGRAMS},
                    multiple=True,
                ),
                ui.input_text_area(
                    "opt_targets",
                    "Targets, one a line (add 'each hour' to hold it in every hour)",
                    "crt_response_time_p90<=38",
                    rows=3,
                ),
                ui.input_radio_buttons(
                    "opt_window",
                    "Hours open",
                    {
                        "current": "the hours each program opens now",
                        "clock": "around the clock",
                        "daily_hours": "these hours every day",
                    },
                ),
                ui.input_text("opt_hours", "Hours, as start-end (e.g. 8-20)", "8-20"),
                ui.input_checkbox_group(
                    "opt_lengths",
                    "Shift lengths (hours)",
                    {"8": "8", "10": "10", "12": "12"},
                    selected=["8", "10", "12"],
                    inline=True,
                ),
                ui.input_text("opt_min_reps", "Replications per plan, at least", "5"),
                ui.input_text("opt_max_reps", "... and at most", "40"),
                error_box("opt_form"),
                class_="form-grid",
            ),
        ),
        ui.panel_conditional(
            "input.decide_mode === 'budget'",
            tags.div(
                ui.input_select("budget_options", "Options file", choices=[]),
                ui.input_text("budget_dollars", "Budget ($ a year; or leave blank)", ""),
                ui.input_text("budget_fte", "Positions (FTE; or leave blank)", ""),
                ui.input_text("budget_reps", "Replications", "10"),
                error_box("budget_form"),
                class_="form-grid",
            ),
        ),
        study_ui("decide", "Decide"),
        value="decide",
    )


def _results_page() -> Any:
    return ui.nav_panel(
        "Results",
        ui.h2("Results"),
        ui.p(
            "Every results folder under the results folder, of every kind: the app's and the "
            "command line's alike.",
            class_="note",
        ),
        tags.div(
            ui.input_select("folder", "Results folder", choices=[]),
            class_="form-grid",
        ),
        ui.input_action_button("refresh", "Refresh the list", class_="btn-sm"),
        study_ui("browse", "Open"),
        value="results",
    )


@module.ui
def study_ui(start_label: str) -> Tag:
    """A study's Start and Cancel buttons, its progress, its cards, downloads and page."""
    return tags.div(
        tags.div(
            ui.input_action_button("start", start_label, class_="btn-primary"),
            ui.input_action_button("cancel", "Cancel"),
            class_="buttons",
        ),
        ui.output_ui("status"),
        ui.output_ui("cards"),
        ui.output_ui("downloads"),
        ui.output_ui("page"),
    )


def page() -> Tag:
    return ui.page_navbar(
        _scenario_page(),
        _run_page(),
        _compare_page(),
        _decide_page(),
        _results_page(),
        title="heart-sim",
        id="page",
        lang="en",
        header=tags.head(tags.style(CSS), tags.script(SCRIPT)),
        window_title="heart-sim: what if?",
    )

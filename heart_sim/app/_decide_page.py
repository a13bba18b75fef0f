"""The Decide page: ``optimize`` (the cheapest shifts that meet targets) and budget mode
(the set of options that buys the most within ``--budget`` dollars or ``--fte``
positions), on the Scenario page's scenario; the recommended shifts, the frontier and
the verdicts are its report page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shiny import Inputs, ui

from ..core import PROGRAMS, HeartSimError
from ._forms import amount, hours, whole
from ._jobs import Job
from ._options_form import PARTS, ROWS, editor, option_id, options_yaml
from ._scenario_page import ScenarioState
from ._ui import error_box, form_grid, note, study_panel
from ._upload import keep_checked
from ._workspace import Workspace, check_name

EDITOR = ":editor:"  # the options choice that means the editor's rows


def _optimize_form() -> Any:
    return form_grid(
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
    )


def _budget_form() -> Any:
    return ui.TagList(
        form_grid(
            ui.input_select("budget_options", "Options", choices={EDITOR: "the options below"}),
            ui.input_text("budget_dollars", "Budget ($ a year; or leave blank)", ""),
            ui.input_text("budget_fte", "Positions (FTE; or leave blank)", ""),
            ui.input_text("budget_reps", "Replications", "10"),
            ui.input_text("budget_file", "Save the options below as (file name)", "my_options"),
            ui.input_checkbox("budget_replace", "Replace a file of that name", False),
            error_box("budget_form"),
        ),
        ui.panel_conditional(f"input.budget_options === '{EDITOR}'", editor()),
    )


def panel() -> Any:
    return study_panel(
        "Decide",
        "decide",
        "Decide",
        note(
            "Find the cheapest shifts that meet targets, or the set of options that buys the "
            "most within a budget. The scenario is the one on the Scenario page."
        ),
        ui.input_radio_buttons(
            "decide_mode",
            "What to decide",
            {"optimize": "Shifts that meet targets", "budget": "Options within a budget"},
        ),
        ui.panel_conditional("input.decide_mode === 'optimize'", _optimize_form()),
        ui.panel_conditional("input.decide_mode === 'budget'", _budget_form()),
    )


def option_choices(space: Workspace) -> dict[str, str]:
    """The options select: the editor's rows, then the options files of the working folder."""
    return {EDITOR: "the options below", **{f: f for f in space.options_files()}}


def job_maker(
    input: Inputs, state: ScenarioState, space: Workspace, out: str, processes: int
) -> Callable[[], Job]:
    """The job the Decide button starts (optimize or budget mode)."""

    def options_file(scenario: Any) -> str:
        """The options file to use: a working-folder file, or the editor's rows saved as
        one (checked by the library's validator before the study starts)."""
        if input.budget_options() != EDITOR:
            return str(space.inside(input.budget_options(), root=space.work))
        name = check_name(input.budget_file().strip() or "my_options")
        ids = [option_id(i, part) for i in range(ROWS) for part in PARTS]
        values = {fid: str(input[fid]()) for fid in ids}
        named = Path(scenario).stem if isinstance(scenario, str) else scenario.name
        text = options_yaml(name, named, values)
        kept = keep_checked(space, f"{name}.yaml", text.encode(), input.budget_replace())
        return str(space.inside(kept.name, root=space.work))

    def budget_job(scenario: Any) -> Job:
        dollars = amount(input.budget_dollars(), "budget")
        fte = amount(input.budget_fte(), "positions")
        return Job(
            "budget",
            {
                "scenarios": [scenario, options_file(scenario)],
                "budget": dollars,
                "fte": fte,
                "reps": whole(input.budget_reps(), "replications", 2),
                "out": out,
                "jobs": processes,
            },
        )

    def optimize_job(scenario: Any) -> Job:
        targets = [t.strip() for t in input.opt_targets().splitlines() if t.strip()]
        if not targets:
            raise HeartSimError("give at least one target, such as crt_response_time_p90<=38")
        window = None
        if input.opt_window() == "daily_hours":
            window = [hours(part) for part in input.opt_hours().split(",")]
        lengths = [int(x) for x in input.opt_lengths()]
        if not lengths:
            raise HeartSimError("choose at least one shift length")
        return Job(
            "optimize",
            dict(
                scenarios=[scenario, targets],
                programs=list(input.opt_programs() or []),
                hours=window,
                around_the_clock=input.opt_window() == "clock",
                shift_lengths=lengths,
                min_reps=whole(input.opt_min_reps(), "replications per plan", 2),
                max_reps=whole(input.opt_max_reps(), "replications per plan", 2),
                out=out,
                jobs=processes,
            ),
        )

    def decide_job() -> Job:
        scenario = state.study_scenario()
        if input.decide_mode() == "budget":
            return budget_job(scenario)
        return optimize_job(scenario)

    return decide_job

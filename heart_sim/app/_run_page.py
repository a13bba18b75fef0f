"""The Run page: the Scenario page's scenario, replications (or auto with a precision)
and a seed; its cards, report page and downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shiny import Inputs, render, ui

from ..measure import parse_reps
from ._forms import MAX_REPS, amount, whole
from ._jobs import Job
from ._scenario_page import ScenarioState
from ._ui import form_grid, study_panel


def panel() -> Any:
    return study_panel(
        "Run",
        "run",
        "Run",
        ui.output_ui("run_scenario"),
        form_grid(
            ui.input_text("reps", "Replications (a number, or auto)", "10"),
            ui.input_text("precision", "Precision with auto (0.05 = within ±5%)", "0.05"),
            ui.input_text("seed", "Seed (blank: the scenario's)", ""),
        ),
    )


def job_maker(input: Inputs, state: ScenarioState, out: str, processes: int) -> Callable[[], Job]:
    """What the Run page says it runs, and the job its Run button starts."""

    @render.ui
    def run_scenario() -> Any:
        return state.described()

    def run_job() -> Job:
        reps = parse_reps(input.reps().strip(), 1, MAX_REPS)
        seed = whole(input.seed(), "seed") if input.seed().strip() else None
        precision = amount(input.precision(), "precision") if reps == "auto" else None
        args = {
            "reps": reps,
            "seed": seed,
            "out": out,
            "precision": precision,
            "jobs": processes,
        }
        return Job("run", {"scenarios": [state.study_scenario()], **args})

    return run_job

"""The Compare page: a base and options (built-in, saved, or the Scenario page's what-if)
run with common random numbers; its report page and workbook."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shiny import Inputs, ui

from ..core import HeartSimError
from ..measure import parse_reps
from ._forms import EDITED, MAX_REPS, scenario_of, whole
from ._jobs import Job
from ._scenario_page import ScenarioState
from ._ui import form_grid, note, study_panel
from ._workspace import Workspace


def panel() -> Any:
    return study_panel(
        "Compare",
        "compare",
        "Compare",
        note(
            "The base and each option are run with common random numbers (the same calls), "
            "so the differences are the options' own."
        ),
        form_grid(
            ui.input_select("base", "Base", choices=[]),
            ui.input_selectize("options", "Options to compare with it", choices=[], multiple=True),
            ui.input_text("compare_reps", "Replications (2 or more, or auto)", "10"),
            ui.input_text("compare_seed", "Seed (blank: the base's)", ""),
        ),
        heading="Compare options",
    )


def job_maker(
    input: Inputs, state: ScenarioState, space: Workspace, out: str, processes: int
) -> Callable[[], Job]:
    """The job the Compare button starts."""

    def chosen(choice: str) -> Any:
        return state.study_scenario() if choice == EDITED else scenario_of(space, choice)

    def compare_job() -> Job:
        options = list(input.options() or [])
        if not options:
            raise HeartSimError("choose at least one option to compare with the base")
        reps = parse_reps(input.compare_reps().strip(), 2, MAX_REPS)
        seed = whole(input.compare_seed(), "seed") if input.compare_seed().strip() else None
        given = [chosen(c) for c in (input.base(), *options)]
        args = {"reps": reps, "seed": seed, "out": out, "jobs": processes}
        return Job("compare", {"scenarios": given, **args})

    return compare_job

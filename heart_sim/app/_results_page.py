"""The Results page: every results folder under the results folder, of every kind, the
app's and the command line's alike, reopened with its report page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from shiny import Inputs, Session, reactive, ui

from ..core import HeartSimError
from ._jobs import Job
from ._ui import form_grid, note, study_panel
from ._workspace import Workspace


def panel() -> Any:
    return study_panel(
        "Results",
        "results",
        "Open",
        note(
            "Every results folder under the results folder, of every kind: the app's and the "
            "command line's alike."
        ),
        form_grid(ui.input_select("folder", "Results folder", choices=[])),
        ui.input_action_button("refresh", "Refresh the list", class_="btn-sm"),
    )


def job_maker(
    input: Inputs, session: Session, space: Workspace, changed: reactive.Value[int]
) -> Callable[[], Job]:
    """The folder list (redrawn when a study finishes or on Refresh), and the job Open
    starts: the folder's report page, written first if it has none."""

    @reactive.effect
    def _folders() -> None:
        changed.get()
        input.refresh()
        found = space.results_folders()
        ui.update_select(
            "folder", choices={rel: f"{rel} ({kind})" for rel, kind in found}, session=session
        )

    def browse_job() -> Job:
        if not input.folder():
            raise HeartSimError(f"no results folder under {space.results} yet")
        folder = space.inside(input.folder(), root=space.results)
        if (folder / "report.html").exists():
            return Job.opened(folder)
        return Job("report", {"folder": str(folder)})

    return browse_job

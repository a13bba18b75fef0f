"""The app: its pages put together, and what ties them (the Scenario page's scenario,
the lists of files and folders that a saved file or a finished study changes).

Every number comes from the public API (``heart_sim.api``) run in a worker process
(``_jobs``); every page of results is the folder's report.html. A problem becomes a line
on the page, never an exception in the server.
"""

from __future__ import annotations

import os
from pathlib import Path

from htmltools import Tag
from shiny import App, Inputs, Outputs, Session, reactive, ui

from . import _compare_page, _decide_page, _results_page, _run_page, _scenario_form, _scenario_page
from ._forms import choices
from ._jobs import WORKERS
from ._study import study_server
from ._ui import page
from ._workspace import Workspace

PROCESSES = 2  # replication processes per study: one study's replications side by side


def layout() -> Tag:
    """The five pages, in the order a planner uses them."""
    return page(
        _scenario_form.panel(),
        _run_page.panel(),
        _compare_page.panel(),
        _decide_page.panel(),
        _results_page.panel(),
    )


def make_app(work: Path | str = ".", results: Path | str = "results") -> App:
    """The app over working folder ``work`` and results folder ``results`` (relative to
    ``work`` unless absolute)."""
    space = Workspace.at(work, results)
    out = str(space.results)
    processes = min(PROCESSES, os.cpu_count() or 1)

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        WORKERS.warm()  # a worker ready for this tab's first study
        finished = reactive.value(0)

        def files_changed(options_file: str = "") -> None:
            """A file was saved or opened in the working folder: redraw the lists that
            offer files (selecting ``options_file`` on the Decide page, if given)."""
            with reactive.isolate():
                base = input.base() or "builtin:durham_2022"
                chosen = list(input.options() or [])
                option_file = options_file or input.budget_options()
            ui.update_select("base", choices=choices(space, True), selected=base, session=session)
            ui.update_selectize(
                "options", choices=choices(space, True), selected=chosen, session=session
            )
            option_choices = _decide_page.option_choices(space)
            ui.update_select(
                "budget_options",
                choices=option_choices,
                selected=option_file if option_file in option_choices else None,
                session=session,
            )

        def _finished() -> None:
            finished.set(finished.get() + 1)

        state = _scenario_page.serve(input, output, session, space, files_changed)
        files_changed()
        jobs = {
            "run": _run_page.job_maker(input, state, out, processes),
            "compare": _compare_page.job_maker(input, state, space, out, processes),
            "decide": _decide_page.job_maker(input, state, space, out, processes),
            "results": _results_page.job_maker(input, session, space, finished),
        }
        for name, make_job in jobs.items():
            study_server(name, make_job, _finished)

    return App(layout(), server)

"""One study's controls and what they do: Start and Cancel, the progress bar, the cards
as soon as the study has run, then its report page and downloads.

Each page that runs something (Run, Compare, Decide, Results) holds one, as a Shiny
module named after the page; ``make_job`` reads the page's fields into a ``Job`` or
raises the one-line error shown in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from htmltools import Tag, tags
from shiny import Inputs, Outputs, Session, module, reactive, render, ui

from ..core import HeartSimError
from ..study import folder_kind
from ._jobs import Job
from ._views import KEY_FILES, progress_bar, report_frame, run_cards_html, zipped

POLL_SECONDS = 0.3  # how often the page asks a running study's worker what it has done


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


def _finished_lines(job: Job) -> list[str]:
    """What the status says of a finished study: time, folder, reuse, the study's notes."""
    lines = [f"Finished in {job.finished_after:.1f} s; results folder: {job.folder}."]
    if job.kind == "report":  # an existing folder, opened: nothing was run
        return lines
    reused = f" ({job.reused} replications reused this time)." if job.reused else "."
    return [
        *lines,
        "The same inputs always go to this folder, and a cancelled run resumes there from "
        "the replications it had finished" + reused,
        *job.notes,
    ]


def status_of(job: Job | None, problem: str) -> Tag | str:
    """The status line: a problem, an error, cancelled, the progress bar, or finished."""
    if problem:
        return tags.p(problem, class_="error-box", role="alert")
    if job is None:
        return ""
    if job.error:
        lines = [f"error: {line}" for line in job.error.splitlines()]
        return tags.p("\n".join(lines), class_="error-box", role="alert")
    if job.cancelled:
        return tags.p(
            "Cancelled. Every replication that had finished is kept in the results "
            "folder's checkpoints: start again with the same inputs to resume from there.",
            role="status",
        )
    if job.running:
        return progress_bar(job.label, job.done, job.total, job.elapsed)
    return tags.div(*(tags.p(line, class_="note") for line in _finished_lines(job)), role="status")


@module.server
def study_server(
    input: Inputs,
    output: Outputs,
    session: Session,
    make_job: Callable[[], Job],
    on_done: Callable[[], None],
) -> reactive.Value[Job | None]:
    """Start, Cancel, progress, cards, downloads and page of one study at a time."""
    job: reactive.Value[Job | None] = reactive.value(None)
    tick = reactive.value(0)
    problem = reactive.value("")

    def bump() -> None:
        with reactive.isolate():
            tick.set(tick.get() + 1)

    def running() -> Job | None:
        """The study under way, read without making the caller depend on it."""
        with reactive.isolate():
            current = job.get()
        return current if current is not None and current.running else None

    @reactive.effect
    @reactive.event(input.start)
    def _start() -> None:
        if running() is not None:
            problem.set("Still running: wait, or Cancel it first.")
            return
        try:
            new = make_job()
        except HeartSimError as err:
            problem.set(str(err))
            job.set(None)
            return
        problem.set("")
        job.set(new.start())

    @reactive.effect
    def _poll() -> None:
        current = job.get()
        if current is None or not current.running:
            return
        reactive.invalidate_later(POLL_SECONDS)
        if current.poll():
            bump()
            if not current.running:
                on_done()

    @reactive.effect
    @reactive.event(input.cancel)
    def _cancel() -> None:
        current = running()
        if current is not None:
            current.cancel()
            bump()

    def _end() -> None:  # the tab closed: stop its work; finished replications are kept
        current = job._value if isinstance(job._value, Job) else None  # noqa: SLF001
        if current is not None and current.running:
            current.cancel()

    session.on_ended(_end)

    def folder(reported: bool) -> Path | None:
        """The study's results folder once it has run (``reported``: and its page is
        written), else None."""
        tick.get()
        current = job.get()
        if current is None or current.folder is None or current.error or current.cancelled:
            return None
        return Path(current.folder) if (current.finished_after is not None) == reported else None

    @render.ui
    def status() -> Tag | str:
        tick.get()
        return status_of(job.get(), problem.get())

    @render.ui
    def cards() -> Any:  # until the report page below shows them
        ran = folder(reported=False)
        return ui.HTML(run_cards_html(ran)) if ran is not None else ""

    @render.ui
    def page() -> Any:
        done = folder(reported=True)
        return report_frame(done) if done is not None else ""

    @render.ui
    def downloads() -> Any:
        done = folder(reported=True)
        if done is None:
            return ""
        buttons = [ui.download_button("report", "Download report.html")]
        key = KEY_FILES.get(folder_kind(done))
        if key and (done / key[0]).exists():
            buttons.append(ui.download_button("key_file", f"Download {key[1]}"))
        buttons.append(ui.download_button("zip", "Download the results folder (zip)"))
        return tags.div(*buttons, class_="downloads")

    def _folder() -> Path:
        done = folder(reported=True)
        if done is None:
            raise HeartSimError("nothing to download yet")
        return done

    @render.download_button(filename=lambda: f"{_folder().name}-report.html")
    def report() -> Any:
        yield (_folder() / "report.html").read_bytes()

    def _key_name() -> str:
        return KEY_FILES[folder_kind(_folder())][0]

    @render.download_button(filename=_key_name)
    def key_file() -> Any:
        yield (_folder() / _key_name()).read_bytes()

    @render.download_button(filename=lambda: f"{_folder().name}.zip")
    def zip() -> Any:
        yield zipped(_folder())

    return job

"""What the pages do: the scenario form, and the studies run from it.

Every number comes from the public API (``heart_sim.api``) run in a worker process
(``_jobs``); every page of results is the folder's report.html; the form is read back
into a scenario by ``_editor`` with the CLI's checks. A problem becomes a line on the
page, never an exception in the server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from htmltools import Tag, TagList, tags
from shiny import App, Inputs, Outputs, Session, module, reactive, render, ui

from .. import api
from ..core import PROGRAMS, HeartSimError, atomic_write
from ..measure import parse_reps
from ..scenario import Scenario
from ..study import folder_kind
from ._editor import SHIFT_FIELDS, Edited, edited, fields, form_values, parent_reference, shift_id
from ._editor import saved_yaml as saved_text
from ._jobs import WORKERS, Job
from ._ui import error_box, page
from ._views import KEY_FILES, progress_bar, report_frame, run_cards_html, staffing_grid, zipped
from ._workspace import Workspace, builtin_names, check_name

EDITED = "edited"  # the choice that means the what-if on the Scenario page
MAX_REPS = 100_000
PROCESSES = 2  # processes per study: the replications of one study run side by side


@dataclass(frozen=True)
class Parent:
    """The scenario the form starts from: a built-in (``builtin``) or a file."""

    scenario: Scenario
    source: str  # the built-in name, or the file's absolute path
    builtin: bool


def _choices(space: Workspace, edited_too: bool = False) -> dict[str, Any]:
    """Built-in scenarios and files of the working folder, as grouped select choices."""
    groups: dict[str, Any] = {}
    if edited_too:
        groups["This app"] = {EDITED: "the what-if on the Scenario page"}
    groups["Built-in scenarios"] = {f"builtin:{n}": n for n in builtin_names()}
    files = space.scenario_files()
    if files:
        groups["Files in the working folder"] = {f"file:{f}": f for f in files}
    return groups


def _scenario_of(space: Workspace, choice: str) -> str:
    """A built-in's name or a working-folder file's path, from a select's value."""
    kind, _, rest = choice.partition(":")
    if kind == "builtin" and rest in builtin_names():
        return rest
    if kind == "file":
        return str(space.inside(rest, root=space.work))
    raise HeartSimError(f"{choice!r}: not a scenario of this app")


def _int(text: str, what: str, least: int = 0) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise HeartSimError(f"{what}: {text!r} is not a whole number") from None
    if value < least:
        raise HeartSimError(f"{what}: must be at least {least} (got {value})")
    return value


def _float(text: str, what: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text.replace(",", "").replace("$", "").strip())
    except ValueError:
        raise HeartSimError(f"{what}: {text!r} is not a number") from None


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

    @reactive.effect
    @reactive.event(input.start)
    def _start() -> None:
        with reactive.isolate():
            old = job.get()
        if old is not None and old.running:
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
        reactive.invalidate_later(0.3)
        if current.poll():
            bump()
            if not current.running:
                on_done()

    @reactive.effect
    @reactive.event(input.cancel)
    def _cancel() -> None:
        with reactive.isolate():
            current = job.get()
        if current is not None and current.running:
            current.cancel()
            bump()

    def _end() -> None:  # the tab closed: stop its work; finished replications are kept
        current = job._value if isinstance(job._value, Job) else None  # noqa: SLF001
        if current is not None and current.running:
            current.cancel()

    session.on_ended(_end)

    def done_folder() -> Path | None:
        tick.get()
        current = job.get()
        if current is None or current.folder is None or current.error or current.cancelled:
            return None
        return Path(current.folder)

    @render.ui
    def status() -> Tag | str:
        tick.get()
        current = job.get()
        if problem.get():
            return tags.p(problem.get(), class_="error-box", role="alert")
        if current is None:
            return ""
        if current.error:
            lines = [f"error: {line}" for line in current.error.splitlines()]
            return tags.p("\n".join(lines), class_="error-box", role="alert")
        if current.cancelled:
            return tags.p(
                "Cancelled. Every replication that had finished is kept in the results "
                "folder's checkpoints: start again with the same inputs to resume from there.",
                role="status",
            )
        if current.running:
            seconds = current.elapsed
            return progress_bar(current.label, current.done, current.total, seconds)
        lines = [f"Finished in {current.finished_after:.1f} s; results folder: {current.folder}."]
        if current.kind == "report":  # an existing folder, opened: nothing was run
            return tags.div(tags.p(lines[0], class_="note"), role="status")
        lines += [
            "The same inputs always go to this folder, and a cancelled run resumes there from "
            "the replications it had finished"
            + (f" ({current.reused} replications reused this time)." if current.reused else "."),
            *current.notes,
        ]
        return tags.div(*(tags.p(line, class_="note") for line in lines), role="status")

    @render.ui
    def cards() -> Any:
        folder = done_folder()
        current = job.get()
        if folder is None or current is None or current.finished_after is not None:
            return ""  # none yet, or the report page below shows them
        return ui.HTML(run_cards_html(folder))

    @render.ui
    def page() -> Any:
        folder = done_folder()
        current = job.get()
        if folder is None or current is None or current.finished_after is None:
            return ""
        return report_frame(folder)

    @render.ui
    def downloads() -> Any:
        folder = done_folder()
        current = job.get()
        if folder is None or current is None or current.finished_after is None:
            return ""
        buttons = [ui.download_button("report", "Download report.html")]
        key = KEY_FILES.get(folder_kind(folder))
        if key and (folder / key[0]).exists():
            buttons.append(ui.download_button("key_file", f"Download {key[1]}"))
        buttons.append(ui.download_button("zip", "Download the results folder (zip)"))
        return tags.div(*buttons, class_="downloads")

    def _folder() -> Path:
        folder = done_folder()
        if folder is None:
            raise HeartSimError("nothing to download yet")
        return folder

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


def _other_fields(scenario: Scenario, values: dict[str, str]) -> Tag:
    """The form's fields other than shifts, grouped, each with its error box."""
    groups: dict[str, list[Any]] = {"Demand": [], "Programs": [], "Routing": [], "Costs": []}
    for f in fields(scenario):
        group = (
            "Demand"
            if f.path.startswith("demand")
            else "Routing"
            if f.path.startswith("call_types")
            else "Costs"
            if "cost" in f.path
            else "Programs"
        )
        groups[group].append(
            tags.div(ui.input_text(f.id, f.label, values.get(f.id, "")), error_box(f.id))
        )
    return TagList(  # type: ignore[return-value]
        *(
            tags.fieldset(tags.legend(name), tags.div(*items, class_="form-grid"), class_="program")
            for name, items in groups.items()
            if items
        )
    )


def _shift_rows(program: str, rows: int, values: dict[str, str]) -> Tag:
    labels = {"days": "Days", "start": "Start", "end": "End", "units": "Units"}
    out = []
    for i in range(rows):
        cells = []
        for part in SHIFT_FIELDS:
            fid = shift_id(program, i, part)
            cells.append(
                tags.div(
                    ui.input_text(fid, f"{labels[part]} (shift {i + 1})", values.get(fid, "")),
                    error_box(fid),
                )
            )
        out.append(tags.div(*cells, class_="shift-row"))
    return TagList(*out)  # type: ignore[return-value]


def make_app(work: Path | str = ".", results: Path | str = "results") -> App:
    """The app over working folder ``work`` and results folder ``results`` (relative to
    ``work`` unless absolute)."""
    space = Workspace.at(work, results)

    def server(input: Inputs, output: Outputs, session: Session) -> None:
        WORKERS.warm()  # a worker ready for this tab's first study
        results_changed = reactive.value(0)
        rows: reactive.Value[dict[str, int]] = reactive.value({})

        def val(fid: str, default: str = "") -> str:
            value = input[fid]
            return str(value()) if value.is_set() else default

        # --- the scenario --------------------------------------------------------------

        ui.update_select(
            "source", choices=_choices(space), selected="builtin:durham_2022", session=session
        )

        @reactive.calc
        def parent() -> Parent | str:
            choice = input.source()
            if not choice:
                return "choose a scenario to start from"
            try:
                source = _scenario_of(space, choice)
                sc = api.load(source)
            except HeartSimError as err:
                return str(err)
            return Parent(sc, source, choice.startswith("builtin:"))

        @reactive.effect
        def _new_parent() -> None:
            p = parent()
            if isinstance(p, str):
                return
            start = form_values(p.scenario)
            rows.set({prog.value: int(start[f"{prog}_rows"]) for prog in PROGRAMS})
            ui.update_text("new_name", value=f"{p.scenario.name}_what_if", session=session)

        for prog in PROGRAMS:

            def _adder(program: str = prog.value) -> None:
                drawn: list[Scenario | None] = [None]  # the scenario the rows were drawn for

                @reactive.effect
                @reactive.event(input[f"{program}_add"])
                def _add() -> None:
                    with reactive.isolate():
                        now = dict(rows.get())
                    now[program] = now.get(program, 0) + 1
                    rows.set(now)

                @output(id=f"{program}_shifts")
                @render.ui
                def _rows() -> Any:
                    p = parent()
                    if isinstance(p, str):
                        return ""
                    count = rows.get().get(program, 0)
                    start = form_values(p.scenario)
                    with reactive.isolate():
                        now = {
                            shift_id(program, i, part): val(
                                shift_id(program, i, part),
                                start.get(shift_id(program, i, part), ""),
                            )
                            for i in range(count)
                            for part in SHIFT_FIELDS
                        }
                    # on a change of scenario, the new one's values, not the old inputs'
                    same = drawn[0] is p.scenario
                    drawn[0] = p.scenario
                    return _shift_rows(program, count, start | now if same else start)

            _adder()

        @render.ui
        def source_note() -> Any:
            p = parent()
            if isinstance(p, str):
                return tags.p(f"error: {p}", class_="error-box", role="alert")
            sc = p.scenario
            return tags.div(
                tags.p(tags.strong(sc.title or sc.name), class_="lead"),
                tags.p(sc.description.strip(), class_="note"),
            )

        @render.ui
        def other_fields() -> Any:
            p = parent()
            if isinstance(p, str):
                return ""
            return _other_fields(p.scenario, form_values(p.scenario))

        @reactive.calc
        def values() -> dict[str, str]:
            p = parent()
            if isinstance(p, str):
                return {}
            start = form_values(p.scenario)
            out = {f.id: val(f.id, start.get(f.id, "")) for f in fields(p.scenario)}
            for prog, count in rows.get().items():
                out[f"{prog}_rows"] = str(count)
                for i in range(count):
                    for part in SHIFT_FIELDS:
                        fid = shift_id(prog, i, part)
                        out[fid] = val(fid, start.get(fid, ""))
            return out

        @reactive.calc
        def current() -> Edited | None:
            p = parent()
            if isinstance(p, str):
                return None
            name = input.new_name().strip() or f"{p.scenario.name}_what_if"
            try:
                check_name(name)
            except HeartSimError as err:
                return Edited(None, {"new_name": [str(err)]})
            return edited(p.scenario, values(), name)

        @reactive.effect
        async def _errors() -> None:
            e = current()
            known = set(values()) | {"new_name"} | {f"{p}_shifts" for p in PROGRAMS}
            shown: dict[str, str] = {}
            for fid, lines in (e.problems if e else {}).items():
                key = fid if fid in known else "_form"
                shown[key] = "\n".join([*shown.get(key, "").splitlines(), *lines])
            await session.send_custom_message("field_errors", shown)  # type: ignore[arg-type]

        @render.ui
        def staffing() -> Any:
            e = current()
            p = parent()
            if e is None or isinstance(p, str):
                return ""
            if e.scenario is None:
                return TagList(
                    tags.p("Fix the fields marked to see the staffing; as it was:", class_="note"),
                    staffing_grid(p.scenario),
                )
            return staffing_grid(e.scenario)

        def saved_yaml() -> tuple[str, str]:
            e = current()
            p = parent()
            if e is None or e.scenario is None or isinstance(p, str):
                raise HeartSimError("the scenario has problems: fix the fields marked first")
            name = e.scenario.name if e.changes else input.new_name().strip()
            variant = e.scenario if e.changes else api.vary(p.scenario, {}, name=check_name(name))
            ref = parent_reference(p.source, p.builtin, space.work)
            return name, saved_text(p.scenario, ref, variant, input.new_title().strip())

        save_msg = reactive.value("")

        @reactive.effect
        @reactive.event(input.save)
        def _save() -> None:
            try:
                name, text = saved_yaml()
                path = space.inside(f"{name}.yaml", root=space.work)
                if path.exists() and not input.replace():
                    raise HeartSimError(
                        f"{path.name} exists in the working folder: tick 'Replace' to replace "
                        "it, or choose another name"
                    )
                atomic_write(path, text)
            except HeartSimError as err:
                save_msg.set(f"error: {err}")
                return
            except OSError as err:
                save_msg.set(f"error: {name}.yaml: could not write it ({err.strerror})")
                return
            save_msg.set(
                f"Saved as {path.relative_to(space.work)} in {space.work}; "
                f"'heart-sim run {path.relative_to(space.work)}' runs it from the command line."
            )
            with reactive.isolate():
                chosen = input.source()
            ui.update_select("source", choices=_choices(space), selected=chosen, session=session)
            _refresh_lists()

        @render.ui
        def save_note() -> Any:
            text = save_msg.get()
            cls = "error-box" if text.startswith("error:") else "note"
            return tags.p(text, class_=cls, role="status") if text else ""

        @render.download_button(filename=lambda: f"{saved_yaml()[0]}.yaml")
        def download_yaml() -> Any:
            yield saved_yaml()[1]

        def study_scenario() -> Scenario | str:
            """The scenario the Scenario page describes: the parent itself (by name or
            file) when nothing is changed, else the edited, validated what-if."""
            e = current()
            p = parent()
            if isinstance(p, str):
                raise HeartSimError(p)
            if e is None or e.scenario is None:
                raise HeartSimError("the scenario has problems: fix the fields marked first")
            return e.scenario if e.changes else p.source

        @render.ui
        def run_scenario() -> Any:
            e = current()
            p = parent()
            if isinstance(p, str) or e is None:
                return ""
            if e.scenario is None:
                return tags.p("The Scenario page has problems to fix first.", class_="error-box")
            what = (
                f"the what-if {e.scenario.name} ({len(e.changes)} change(s) from {p.scenario.name})"
                if e.changes
                else p.scenario.name
            )
            return tags.p(f"Scenario: {what}.", class_="note")

        # --- studies -------------------------------------------------------------------

        out = str(space.results)
        jobs = min(PROCESSES, os.cpu_count() or 1)

        def run_job() -> Job:
            reps = parse_reps(input.reps().strip(), 1, MAX_REPS)
            seed = _int(input.seed(), "seed") if input.seed().strip() else None
            precision = _float(input.precision(), "precision") if reps == "auto" else None
            args = {"reps": reps, "seed": seed, "out": out, "precision": precision, "jobs": jobs}
            return Job("run", {"scenarios": [study_scenario()], **args})

        def _choice_scenario(choice: str) -> Scenario | str:
            return study_scenario() if choice == EDITED else _scenario_of(space, choice)

        def compare_job() -> Job:
            options = list(input.options() or [])
            if not options:
                raise HeartSimError("choose at least one option to compare with the base")
            reps = parse_reps(input.compare_reps().strip(), 2, MAX_REPS)
            seed = _int(input.compare_seed(), "seed") if input.compare_seed().strip() else None
            given = [_choice_scenario(c) for c in (input.base(), *options)]
            args = {"reps": reps, "seed": seed, "out": out, "jobs": jobs}
            return Job("compare", {"scenarios": given, **args})

        def decide_job() -> Job:
            scenario = study_scenario()
            if input.decide_mode() == "budget":
                if not input.budget_options():
                    raise HeartSimError("no options file: add one to the working folder")
                options = str(space.inside(input.budget_options(), root=space.work))
                dollars = _float(input.budget_dollars(), "budget")
                fte = _float(input.budget_fte(), "positions")
                reps = _int(input.budget_reps(), "replications", 2)
                return Job(
                    "budget",
                    {
                        "scenarios": [scenario, options],
                        "budget": dollars,
                        "fte": fte,
                        "reps": reps,
                        "out": out,
                        "jobs": jobs,
                    },
                )
            targets = [t.strip() for t in input.opt_targets().splitlines() if t.strip()]
            if not targets:
                raise HeartSimError("give at least one target, such as crt_response_time_p90<=38")
            hours = None
            if input.opt_window() == "daily_hours":
                hours = [_hours(part) for part in input.opt_hours().split(",")]
            lengths = [int(x) for x in input.opt_lengths()]
            if not lengths:
                raise HeartSimError("choose at least one shift length")
            return Job(
                "optimize",
                dict(
                    scenarios=[scenario, targets],
                    programs=list(input.opt_programs() or []),
                    hours=hours,
                    around_the_clock=input.opt_window() == "clock",
                    shift_lengths=lengths,
                    min_reps=_int(input.opt_min_reps(), "replications per plan", 2),
                    max_reps=_int(input.opt_max_reps(), "replications per plan", 2),
                    out=out,
                    jobs=jobs,
                ),
            )

        def browse_job() -> Job:
            if not input.folder():
                raise HeartSimError(f"no results folder under {space.results} yet")
            folder = space.inside(input.folder(), root=space.results)
            if (folder / "report.html").exists():
                return Job.opened(folder)
            return Job("report", {"folder": str(folder)})

        def _finished() -> None:
            results_changed.set(results_changed.get() + 1)

        study_server("run", run_job, _finished)
        study_server("compare", compare_job, _finished)
        study_server("decide", decide_job, _finished)
        study_server("browse", browse_job, _finished)

        def _refresh_lists() -> None:
            with reactive.isolate():
                base = input.base() or "builtin:durham_2022"
                chosen = list(input.options() or [])
                option_file = input.budget_options()
            ui.update_select("base", choices=_choices(space, True), selected=base, session=session)
            ui.update_selectize(
                "options", choices=_choices(space, True), selected=chosen, session=session
            )
            files = space.options_files()
            ui.update_select(
                "budget_options",
                choices=files,
                selected=option_file if option_file in files else None,
                session=session,
            )

        _refresh_lists()

        @reactive.effect
        def _folders() -> None:
            results_changed.get()
            input.refresh()
            found = space.results_folders()
            ui.update_select(
                "folder",
                choices={rel: f"{rel} ({kind})" for rel, kind in found},
                session=session,
            )

    return App(page(), server)


def _hours(text: str) -> tuple[int, int]:
    start, sep, end = text.strip().partition("-")
    if not sep:
        raise HeartSimError(f"hours {text.strip()!r}: write start-end, such as 8-20")
    return _int(start, "opening hour"), _int(end, "closing hour")

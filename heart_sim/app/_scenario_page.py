"""What the Scenario page does: the scenario it starts from, the form read back into a
what-if with the CLI's checks (each problem next to its field), the staffing grid as the
fields change, Save and Download, and a file opened from the user's computer.

``serve`` returns the page's ``ScenarioState``: the scenario the other pages run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from htmltools import Tag, TagList, tags
from shiny import Inputs, Outputs, Session, reactive, render, ui

from .. import api
from ..core import PROGRAMS, HeartSimError, atomic_write
from ..scenario import Scenario
from ._editor import SHIFT_FIELDS, Edited, edited, fields, form_values, parent_reference, shift_id
from ._editor import saved_yaml as saved_text
from ._forms import choices, scenario_of
from ._scenario_form import other_fields as other_fields_of
from ._scenario_form import shift_rows
from ._upload import keep_checked
from ._views import staffing_grid
from ._workspace import Workspace, check_name

FIX_FIRST = "the scenario has problems: fix the fields marked first"


@dataclass(frozen=True)
class Parent:
    """The scenario the form starts from: a built-in (``builtin``) or a file."""

    scenario: Scenario
    source: str  # the built-in name, or the file's absolute path
    builtin: bool


@dataclass(frozen=True)
class ScenarioState:
    """The Scenario page, as the other pages read it."""

    parent: Callable[[], Parent | str]  # the starting scenario, or why there is none
    current: Callable[[], Edited | None]  # the form read back (None: no parent)

    def study_scenario(self) -> Scenario | str:
        """The scenario to study: the parent itself (by name or file) when nothing is
        changed, else the edited, validated what-if."""
        p, e = self.parent(), self.current()
        if isinstance(p, str):
            raise HeartSimError(p)
        if e is None or e.scenario is None:
            raise HeartSimError(FIX_FIRST)
        return e.scenario if e.changes else p.source

    def described(self) -> Tag | str:
        """One line saying which scenario a study will run."""
        p, e = self.parent(), self.current()
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


def _message(text: str) -> Any:
    """A note, or an error box for a text starting 'error:'."""
    if not text:
        return ""
    cls = "error-box" if text.startswith("error:") else "note"
    return tags.p(text, class_=cls, role="status")


def serve(
    input: Inputs,
    output: Outputs,
    session: Session,
    space: Workspace,
    files_changed: Callable[[str], None],
) -> ScenarioState:
    """The Scenario page's outputs and effects; ``files_changed(options_file)`` is called
    when a file is saved or opened in the working folder (``options_file``: an options
    file to select on the Decide page, or '')."""
    rows: reactive.Value[dict[str, int]] = reactive.value({})

    def val(fid: str, default: str = "") -> str:
        value = input[fid]
        return str(value()) if value.is_set() else default

    def list_sources(selected: str) -> None:
        ui.update_select("source", choices=choices(space), selected=selected, session=session)

    list_sources("builtin:durham_2022")

    @reactive.calc
    def parent() -> Parent | str:
        choice = input.source()
        if not choice:
            return "choose a scenario to start from"
        try:
            source = scenario_of(space, choice)
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
        _shift_block(input, output, prog.value, rows, parent, val)

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
        return other_fields_of(p.scenario, form_values(p.scenario))

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
            raise HeartSimError(FIX_FIRST)
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
        rel = path.relative_to(space.work)
        save_msg.set(
            f"Saved as {rel} in {space.work}; 'heart-sim run {rel}' runs it from the command line."
        )
        with reactive.isolate():
            list_sources(input.source())
        files_changed("")

    @render.ui
    def save_note() -> Any:
        return _message(save_msg.get())

    @render.download_button(filename=lambda: f"{saved_yaml()[0]}.yaml")
    def download_yaml() -> Any:
        yield saved_yaml()[1]

    upload_msg = reactive.value("")

    @reactive.effect
    @reactive.event(input.upload)
    def _upload() -> None:
        for given in input.upload() or []:
            upload_msg.set(_opened(space, given, list_sources, files_changed))

    @render.ui
    def upload_note() -> Any:
        return _message(upload_msg.get())

    return ScenarioState(parent, current)


def _opened(
    space: Workspace,
    given: dict[str, Any],
    list_sources: Callable[[str], None],
    files_changed: Callable[[str], None],
) -> str:
    """Take one uploaded file (Shiny's record of it), and say what became of it. Shiny's
    temporary copy is removed at once: the app keeps files only in its two folders."""
    temp = Path(given["datapath"])
    try:
        data = temp.read_bytes()
    except OSError as err:
        return f"error: {given['name']}: could not read the upload ({err.strerror})"
    finally:
        temp.unlink(missing_ok=True)
    try:
        opened = keep_checked(space, given["name"], data)
    except HeartSimError as err:
        return "\n".join(f"error: {line}" for line in str(err).splitlines())
    if opened.kind == "scenario":
        list_sources(f"file:{opened.name}")
        files_changed("")
        return f"Opened {opened.name}, kept in the working folder: {opened.said}."
    files_changed(opened.name if opened.kind == "options" else "")
    where = "the Decide page's budget" if opened.kind == "options" else "the Decide page"
    return f"Kept {opened.name} in the working folder for {where}: {opened.said}."


def _shift_block(
    input: Inputs,
    output: Outputs,
    program: str,
    rows: reactive.Value[dict[str, int]],
    parent: Callable[[], Parent | str],
    val: Callable[[str, str], str],
) -> None:
    """A program's shift rows and its 'Add a shift' button."""
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
                    shift_id(program, i, part), start.get(shift_id(program, i, part), "")
                )
                for i in range(count)
                for part in SHIFT_FIELDS
            }
        # on a change of scenario, the new one's values, not the old inputs'
        same = drawn[0] is p.scenario
        drawn[0] = p.scenario
        return shift_rows(program, count, start | now if same else start)

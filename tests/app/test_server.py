"""The app object, its pages and controls, and the command that serves it."""

from __future__ import annotations

import re
import socket

import pytest
from typer.testing import CliRunner

from heart_sim.app import _serve
from heart_sim.app._forms import amount, hours, scenario_of, whole
from heart_sim.app._server import layout, make_app
from heart_sim.app._workspace import Workspace
from heart_sim.cli import app as cli
from heart_sim.cli._webapp import app_cmd
from heart_sim.core import HeartSimError


def test_pages_and_labels() -> None:
    html = str(layout())
    for name in ("Scenario", "Run", "Compare", "Decide", "Results"):
        assert f">{name}<" in html
    # every text field, select and text area has a label naming it (check boxes and radio
    # buttons sit inside theirs)
    controls = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
    named = [
        re.search(r' id="([^"]+)"', tag).group(1)
        for tag in controls
        if ' id="' in tag and not re.search(r'type="(checkbox|radio)"', tag)
    ]
    assert len(named) > 10
    for fid in named:
        assert f'for="{fid}"' in html, fid


def test_fields_read_as_the_cli_reads_options(tmp_path) -> None:
    assert hours(" 8-20 ") == (8, 20)
    with pytest.raises(HeartSimError, match="start-end"):
        hours("8")
    assert whole(" 12 ", "seed") == 12
    with pytest.raises(HeartSimError, match=r"^replications: must be at least 2 \(got 1\)$"):
        whole("1", "replications", 2)
    with pytest.raises(HeartSimError, match="^seed: 'x' is not a whole number$"):
        whole("x", "seed")
    assert amount("$1,250,000", "budget") == 1_250_000.0 and amount(" ", "budget") is None
    space = Workspace.at(tmp_path, "results")
    assert scenario_of(space, "builtin:durham_2022") == "durham_2022"
    with pytest.raises(HeartSimError, match="outside the working folder"):
        scenario_of(space, "file:../elsewhere.yaml")


def test_serve_binds_locally_unless_told_and_warns(monkeypatch, tmp_path) -> None:
    seen: dict = {}
    monkeypatch.setattr("uvicorn.run", lambda app, host, port, log_level: seen.update(host=host))
    said: list[str] = []
    _serve.serve(tmp_path, "results", port=8123, open_browser=False, say=said.append)
    assert seen["host"] == "127.0.0.1" and said == [
        f"heart-sim app: http://127.0.0.1:8123/ (working folder {tmp_path}; Ctrl-C stops it)"
    ]
    said.clear()
    _serve.serve(
        tmp_path, "results", host="0.0.0.0", port=8123, open_browser=False, say=said.append
    )
    assert seen["host"] == "0.0.0.0" and said[0].startswith("warning: the app listens on 0.0.0.0")


def test_free_port_is_free() -> None:
    port = _serve.free_port()
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))


def test_make_app_and_the_command_help(tmp_path) -> None:
    assert make_app(tmp_path, "results") is not None
    assert app_cmd.__doc__ and "heart-sim app" in app_cmd.__doc__
    done = CliRunner().invoke(cli, ["app", "--help"])
    assert done.exit_code == 0
    for option in ("--results", "--port", "--host", "--no-browser"):
        assert option in done.output


def test_each_page_module_draws_its_page() -> None:
    from heart_sim.app import (
        _compare_page,
        _decide_page,
        _results_page,
        _run_page,
        _scenario_form,
    )

    for module, controls in (
        (_scenario_form, ["source", "upload", "new_name", "save"]),
        (_run_page, ["reps", "seed", "run-start", "run-cancel"]),
        (_compare_page, ["base", "options", "compare_reps", "compare-start"]),
        (_decide_page, ["opt_targets", "budget_options", "budget_fte", "bopt0_name"]),
        (_results_page, ["folder", "refresh", "results-start"]),
    ):
        html = str(module.panel().content)
        for fid in controls:
            assert f'id="{fid}"' in html, (module.__name__, fid)


def test_the_scenario_form_groups_fields_and_draws_shift_rows() -> None:
    import heart_sim as hs
    from heart_sim.app._scenario_form import other_fields, shift_rows

    html = str(other_fields(hs.load("durham_2022"), {"demand_multiplier": "1.3"}))
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends == ["Demand", "Programs", "Routing", "Costs"]
    assert 'id="demand_multiplier"' in html and 'value="1.3"' in html
    rows = str(shift_rows("crt", 2, {"crt_s1_days": "weekends"}))
    assert rows.count('class="shift-row"') == 2 and 'value="weekends"' in rows
    assert 'for="crt_s1_units"' in rows and 'id="err-crt_s1_units"' in rows


def test_status_lines(tmp_path) -> None:
    from heart_sim.app._jobs import Job
    from heart_sim.app._study import status_of

    assert status_of(None, "") == ""
    assert "Still running" in str(status_of(None, "Still running: wait"))
    failed = Job("run", {}, error="a.yaml: days: bad\nb.yaml: units: bad")
    assert "error: a.yaml: days: bad\nerror: b.yaml: units: bad" in str(status_of(failed, ""))
    assert "Cancelled" in str(status_of(Job("run", {}, cancelled=True), ""))
    done = Job("run", {}, folder="f", finished_after=2.5, reused=3, notes=["a note"])
    text = str(status_of(done, ""))
    assert "Finished in 2.5 s; results folder: f." in text
    assert "(3 replications reused this time)" in text and "a note" in text
    opened = str(status_of(Job.opened(tmp_path), ""))
    assert "same inputs" not in opened and str(tmp_path) in opened


def test_the_scenario_state_says_what_a_study_runs() -> None:
    import heart_sim as hs
    from heart_sim.app._editor import Edited
    from heart_sim.app._scenario_page import Parent, ScenarioState

    base = hs.load("durham_2022")
    unchanged = ScenarioState(lambda: Parent(base, "durham_2022", True), lambda: Edited(base, {}))
    assert unchanged.study_scenario() == "durham_2022"
    assert "Scenario: durham_2022." in str(unchanged.described())
    broken = ScenarioState(lambda: Parent(base, "durham_2022", True), lambda: Edited(None, {}))
    with pytest.raises(HeartSimError, match="fix the fields marked"):
        broken.study_scenario()
    with pytest.raises(HeartSimError, match="no such"):
        ScenarioState(lambda: "no such scenario", lambda: None).study_scenario()


def test_option_choices_offer_the_editor_then_files(tmp_path) -> None:
    from heart_sim.app._decide_page import EDITOR, option_choices
    from heart_sim.app._ui import form_grid

    (tmp_path / "opts.yaml").write_text("name: opts\noptions: {}\n")
    assert list(option_choices(Workspace.at(tmp_path, "results"))) == [EDITOR, "opts.yaml"]
    assert 'class="form-grid"' in str(form_grid())

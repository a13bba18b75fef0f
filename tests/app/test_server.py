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

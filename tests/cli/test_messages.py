"""Every refusal is one line starting ``error:`` (issue 24): click's own (an unknown option,
a missing argument, an unknown command), a write the operating system refuses outside the
library's handling (a read-only disk), and Ctrl-C during a run, which once started
``Error:`` or ended in a traceback; no message says ``<top>``."""

from __future__ import annotations

import errno

import pytest
from typer.testing import CliRunner

from heart_sim import api
from heart_sim.cli import app
from heart_sim.core import Interrupted

runner = CliRunner()


def _read_only(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system", "/mnt/ro/out")


def _interrupted(*args, **kwargs):
    raise Interrupted("interrupted: 3 of 10 replications saved; re-run the same command to resume")


def _ctrl_c(*args, **kwargs):
    raise KeyboardInterrupt


# (label, arguments, a fault put in the library call or None, exit code, words of the line)
CASES = [
    ("unknown option", ["run", "--bogus"], None, 2, "No such option: --bogus"),
    ("unknown command", ["runn"], None, 2, "No such command 'runn'"),
    ("extra argument", ["run", "a", "b"], None, 2, "unexpected extra argument"),
    ("missing option value", ["run", "--reps"], None, 2, "'--reps' requires an argument"),
    (
        "read-only disk",
        ["run", "-q"],
        _read_only,
        2,
        "/mnt/ro/out: cannot write: the file system is read-only",
    ),  # noqa: E501
    (
        "interrupted, saved",
        ["run", "-q"],
        _interrupted,
        130,
        "interrupted: 3 of 10 replications saved",
    ),  # noqa: E501
    ("empty file", ["validate", "EMPTY"], None, 2, "the file is empty"),
]


@pytest.mark.parametrize("label, args, fault, code, says", CASES, ids=[c[0] for c in CASES])
def test_every_refusal_is_one_error_line(tmp_path, monkeypatch, label, args, fault, code, says):
    if fault is not None:
        monkeypatch.setattr(api, "simulate", fault)
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    args = [str(empty) if a == "EMPTY" else a for a in args]
    res = runner.invoke(app, args)
    assert res.exit_code == code, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.output
    assert says in lines[0], lines[0]
    assert "Error:" not in res.output and "<top>" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception


def test_ctrl_c_outside_a_study_is_exit_130_without_a_traceback(monkeypatch) -> None:
    monkeypatch.setattr(api, "simulate", _ctrl_c)
    res = runner.invoke(app, ["run", "-q"])
    assert res.exit_code == 130 and "Traceback" not in res.output and "Error:" not in res.output

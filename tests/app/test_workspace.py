"""The app touches files only under its working and results folders."""

from __future__ import annotations

from pathlib import Path

import pytest

import heart_sim as hs
from heart_sim.app._workspace import OutsideError, Workspace, check_name
from heart_sim.core import HeartSimError


def test_paths_outside_are_refused(tmp_path: Path) -> None:
    space = Workspace.at(tmp_path / "work", "results")
    (tmp_path / "work").mkdir()
    assert space.inside("a.yaml") == tmp_path / "work" / "a.yaml"
    assert space.inside("results/x") == tmp_path / "work" / "results" / "x"
    for bad in ("../secret.yaml", "/etc/passwd", "results/../../x"):
        with pytest.raises(OutsideError, match="outside the working folder"):
            space.inside(bad)
    assert space.inside("x/report.html", root=space.results) == space.results / "x" / "report.html"
    with pytest.raises(OutsideError):
        space.inside("../a.yaml", root=space.results)
    (tmp_path / "work" / "link").symlink_to(tmp_path)
    with pytest.raises(OutsideError):
        space.inside("link/elsewhere.yaml")


def test_lists_scenarios_options_and_results(tmp_path: Path) -> None:
    (tmp_path / "what_if.yaml").write_text("extends: durham_2022\nname: what_if\n")
    (tmp_path / "opts.yaml").write_text("options:\n  - name: a\n")
    (tmp_path / "notes.yaml").write_text("just: data\n")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "x.yaml").write_text("name: hidden\n")
    space = Workspace.at(tmp_path, "results")
    assert space.scenario_files() == ["what_if.yaml"]
    assert space.options_files() == ["opts.yaml"]
    assert space.results_folders() == []
    hs.simulate(
        hs.vary("durham_2022", {"horizon_weeks": 1}, name="tiny"),
        reps=2,
        seed=1,
        out=tmp_path / "results",
    )
    found = space.results_folders()
    assert len(found) == 1 and found[0][0].startswith("tiny-") and found[0][1] == "run"


def test_names_must_be_file_names() -> None:
    assert check_name("crt_24-7.v2") == "crt_24-7.v2"
    for bad in ("", "../x", "a/b", "-x", "a b"):
        with pytest.raises(HeartSimError, match="letters, digits"):
            check_name(bad)

"""An uploaded YAML file: kept in the working folder only when valid, with the CLI's
messages; never replacing a different file unasked; safe-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from heart_sim.app._upload import keep_checked
from heart_sim.app._workspace import Workspace
from heart_sim.cli import app as cli
from heart_sim.core import HeartSimError

GOOD = b"extends: durham_2022\nname: weekend_cor\ndemand: {multiplier: 1.1}\n"
BAD = (
    b"extends: durham_2022\nname: bad_days\nprograms:\n  crt:\n    shifts:\n"
    b'      - {days: mon-frx, start: "09:00", end: "19:00", units: 2}\n'
)


@pytest.fixture
def space(tmp_path: Path) -> Workspace:
    return Workspace.at(tmp_path, "results")


def test_a_valid_scenario_is_kept_under_its_own_name(space: Workspace) -> None:
    kept = keep_checked(space, "weekend_cor.yaml", GOOD)
    assert (kept.name, kept.kind) == ("weekend_cor.yaml", "scenario")
    assert (space.work / "weekend_cor.yaml").read_bytes() == GOOD
    assert str(space.work) not in kept.said and "weekend_cor" in kept.said
    assert keep_checked(space, "weekend_cor.yaml", GOOD).name == "weekend_cor.yaml"  # same


def test_an_invalid_file_says_what_the_cli_says_and_is_not_kept(
    space: Workspace, monkeypatch
) -> None:
    with pytest.raises(HeartSimError) as caught:
        keep_checked(space, "bad_days.yaml", BAD)
    assert not (space.work / "bad_days.yaml").exists()
    (space.work / "bad_days.yaml").write_bytes(BAD)
    monkeypatch.chdir(space.work)
    done = CliRunner().invoke(cli, ["validate", "bad_days.yaml"])
    assert done.exit_code == 2
    assert [f"error: {line}" for line in str(caught.value).splitlines()] == (
        done.output.strip().splitlines()
    )


def test_a_different_file_of_the_name_is_refused_unless_replacing(space: Workspace) -> None:
    (space.work / "weekend_cor.yaml").write_text("extends: durham_2022\nname: weekend_cor\n")
    with pytest.raises(HeartSimError, match="different file of that name"):
        keep_checked(space, "weekend_cor.yaml", GOOD)
    assert keep_checked(space, "weekend_cor.yaml", GOOD, replace=True).kind == "scenario"
    assert (space.work / "weekend_cor.yaml").read_bytes() == GOOD
    with pytest.raises(HeartSimError):  # an invalid replacement leaves the file as it was
        keep_checked(space, "weekend_cor.yaml", BAD, replace=True)
    assert (space.work / "weekend_cor.yaml").read_bytes() == GOOD


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", GOOD, "not a YAML file"),
        ("../up.yaml", GOOD, None),  # only the file's own name is used: kept inside
        ("bad name.yaml", GOOD, "use letters, digits"),
        ("big.yaml", b"#" * 1_000_001, "at most 1 MB"),
        ("tagged.yaml", b"!!python/object/apply:os.system ['true']\n", "tagged.yaml"),
        ("latin.yaml", "name: caf\xe9\n".encode("latin-1"), "latin.yaml"),
    ],
)
def test_unusable_uploads(space: Workspace, name: str, data: bytes, message: str | None) -> None:
    if message is None:
        assert keep_checked(space, name, data).name == "up.yaml"
        assert (space.work / "up.yaml").exists() and not (space.work.parent / "up.yaml").exists()
        return
    with pytest.raises(HeartSimError, match=message) as caught:
        keep_checked(space, name, data)
    assert "\n" not in str(caught.value) or message in str(caught.value).splitlines()[0]
    assert list(space.work.iterdir()) == []


def test_an_options_file_is_checked_as_one(space: Workspace) -> None:
    text = (
        b"name: nights\noptions:\n  crt_night:\n    add:\n      programs.crt.shifts:\n"
        b'        - {days: daily, start: "00:00", end: "09:00", units: 1}\n'
    )
    kept = keep_checked(space, "nights.yaml", text)
    assert kept.kind == "options" and "crt_night" in kept.said

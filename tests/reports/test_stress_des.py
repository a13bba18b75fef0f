"""stress_des.md (heart-sim report --stress-des): every STRESS-DES item, in order, filled from
a run's or a comparison's folder: the scenario's own words, its sources and assumptions,
warm-up, run length, replications and seed; the author's items marked; refused elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim.cli import app
from heart_sim.reports._stress_des import AUTHOR, ITEMS, cited, stress_des_markdown

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

BASE = """\
# A short baseline for the checklist's tests.
extends: {parent}
name: short_base
description: Four weeks of the 2022 baseline, to see what two more CRT teams would buy.
horizon_weeks: 4
warmup_weeks: 1
"""
ALT = """\
extends: short_base.yaml
name: four_crt_teams
description: The short baseline with four CRT teams.
programs:
  crt:
    shifts:
      # ASSUMPTION: four teams on the pilot's hours (a planning guess).
      - {days: daily, start: "09:00", end: "19:00", units: 4}
"""


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    src = tmp_path_factory.mktemp("scenarios")
    (src / "short_base.yaml").write_text(
        BASE.format(parent=ROOT / "scenarios" / "durham_2022.yaml")
    )
    (src / "four_crt_teams.yaml").write_text(ALT)
    out = tmp_path_factory.mktemp("out")
    comp = hs.compare(
        str(src / "short_base.yaml"), str(src / "four_crt_teams.yaml"), reps=3, seed=5, out=out
    )
    assert comp.folder is not None
    return comp.folder / "short_base", comp.folder


def _items(text: str) -> list[str]:
    return re.findall(r"^### (\S+) ", text, re.M)


def _item(text: str, number: str) -> str:
    return text.split(f"### {number} ")[1].split("\n### ")[0].split("\n## ")[0]


def test_every_item_is_there_in_order(folders) -> None:
    expected = [n for n, _, _ in ITEMS]
    assert len(expected) == 24 and expected[0] == "1.1" and expected[-1] == "6.1"
    for folder in folders:
        text = stress_des_markdown(folder)
        assert _items(text) == expected
        assert "Monks" in text and "Journal of Simulation 13(1)" in text
        for number in expected:
            assert _item(text, number).strip(), number


def test_a_run_is_filled_from_its_folder(folders) -> None:
    text = stress_des_markdown(folders[0])
    assert "what two more CRT teams would buy" in _item(text, "1.1")  # the user's objective
    assert "3 replications, seed 5" in _item(text, "4.3")
    assert "set by `--reps`" in _item(text, "4.3") and AUTHOR in _item(text, "4.3")
    assert "warm-up of 1 week(s)" in _item(text, "4.1")
    assert "4 measured weeks" in _item(text, "4.2")
    assert "CRT: daily 09:00-19:00: 2 unit(s)" in _item(text, "2.2")
    assert "Not applicable" in _item(text, "2.3")
    assert "`programs.crt.on_scene_time`: lognormal (mean 29.2, sd 27.5)" in _item(text, "2.5.2")
    assert f"heart-sim {hs.__version__}" in _item(text, "5.1")
    # the baseline file's cited sources and assumptions, each once
    sources, assumptions = _item(text, "3.1"), _item(text, "3.4")
    assert "cbs17.com 2022-08-30" in sources and "(durham_2022.yaml)" in sources
    assert "`patience_min: 30` ASSUMPTION: 911 sends police/EMS after 30 min" in assumptions
    assert assumptions.count("`relief_factor: 1.2` ASSUMPTION") == 1
    for number in ("1.1", "3.2", "5.4", "6.1"):  # what only the author knows
        assert AUTHOR in _item(text, number), number


def test_a_comparison_says_what_each_alternative_changes(folders) -> None:
    text = stress_des_markdown(folders[1])
    assert "`short_base` against `four_crt_teams`" in _item(text, "1.3")
    changes = _item(text, "2.3")
    assert "four_crt_teams" in changes and "programs.crt.shifts[0].units 2 -> 4" in changes
    assert "common random numbers" in _item(text, "4.3")
    assert "ASSUMPTION: four teams on the pilot's hours" in _item(text, "3.4")
    assert "`four_crt_teams/sources/" in _item(text, "3.3")


def test_cited_reads_block_and_inline_comments_once() -> None:
    text = (
        "# Source: a paper (2021), read as stated\n# over two lines.\n"
        "x: 1  # ASSUMPTION: a guess\nname: 'a # not a comment'\n"
    )
    sources, assumptions = cited({"0_a.yaml": text, "1_a.yaml": text})
    assert sources == ["Source: a paper (2021), read as stated over two lines. (a.yaml)"]
    assert assumptions == ["`x: 1` ASSUMPTION: a guess (a.yaml)"]


def test_cli_writes_it_beside_the_report_and_refuses_other_folders(folders, tmp_path) -> None:
    res = runner.invoke(app, ["report", str(folders[1]), "--stress-des"])
    assert res.exit_code == 0, res.output
    assert (folders[1] / "stress_des.md").read_text() == stress_des_markdown(folders[1])
    assert (folders[1] / "report.html").is_file()
    res = runner.invoke(app, ["report", str(tmp_path), "--stress-des"])
    assert res.exit_code == 2 and res.output.startswith("error:")

"""The result protocol's save: a study folder copied as the CLI names it, with the
scenario each written scenario extends still found from the new place."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import baseline_dict

import heart_sim as hs
from heart_sim.core import StudyError
from heart_sim.study import MANIFEST, copy_study_folder


def _study(root: Path, name: str, extends: str, manifest: dict | None = None) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text(json.dumps(manifest or {"kind": "optimize", "seed": 1}))
    (folder / "recommended.yaml").write_text(
        f"# Recommended by heart-sim optimize\nextends: {extends}\nname: rec  # kept\n"
    )
    return folder


def test_save_names_a_scenario_file_relative_to_the_copy(tmp_path) -> None:
    scenarios = tmp_path / "project" / "scenarios"
    scenarios.mkdir(parents=True)
    (scenarios / "base.yaml").write_text("name: base\n")
    folder = _study(
        tmp_path / "project" / "results", "optimize_base-1a2b", "../../scenarios/base.yaml"
    )
    dest = copy_study_folder(folder, tmp_path / "elsewhere" / "deep")
    text = (dest / "recommended.yaml").read_text()
    assert text.splitlines()[0] == "# Recommended by heart-sim optimize"  # comments kept
    assert "name: rec  # kept" in text
    ref = yaml.safe_load(text)["extends"]
    assert ref == "../../../project/scenarios/base.yaml"
    assert (dest / ref).resolve() == (scenarios / "base.yaml").resolve()
    assert (tmp_path / "elsewhere" / "deep" / "optimize_base").resolve() == dest.resolve()


def test_save_takes_a_scenario_written_to_inputs_along(tmp_path) -> None:
    scratch = tmp_path / "scratch"
    (scratch / "inputs").mkdir(parents=True)
    (scratch / "inputs" / "mine.yaml").write_text("name: mine\n")
    folder = _study(scratch, "optimize_mine-9f", "../inputs/mine.yaml")
    dest = copy_study_folder(folder, tmp_path / "out")
    assert (tmp_path / "out" / "inputs" / "mine.yaml").read_text() == "name: mine\n"
    assert yaml.safe_load((dest / "recommended.yaml").read_text())["extends"] == (
        "../inputs/mine.yaml"
    )


def test_save_keeps_another_study_of_the_same_name_unless_forced(tmp_path) -> None:
    folder = _study(tmp_path / "a", "optimize_x-1", "durham_2022")
    _study(tmp_path / "out", "optimize_x-1", "durham_2022", {"kind": "optimize", "seed": 2})
    with pytest.raises(StudyError, match="holds another study"):
        copy_study_folder(folder, tmp_path / "out")
    assert json.loads((tmp_path / "out" / "optimize_x-1" / MANIFEST).read_text())["seed"] == 2
    dest = copy_study_folder(folder, tmp_path / "out", force=True)
    assert json.loads((dest / MANIFEST).read_text())["seed"] == 1
    assert yaml.safe_load((dest / "recommended.yaml").read_text())["extends"] == "durham_2022"
    assert not list((tmp_path / "out").glob(".optimize_x-1.*"))  # no staging left behind


def test_a_study_run_without_out_saves_later_and_its_temporary_folder_goes(tmp_path) -> None:
    data = baseline_dict() | {"horizon_weeks": 1}
    res = hs.sweep(hs.load(data), {"crt.units": [1, 2]}, reps=2, seed=3)
    assert res.folder is None and res._scratch is not None and res._scratch.is_dir()
    scratch = res._scratch.parent
    saved = res.save(tmp_path)
    assert (saved / "sweep_diversion_rate.png").is_file()  # the figures the CLI writes
    pd.testing.assert_frame_equal(hs.open(saved).table, res.table, check_dtype=False)
    del res
    gc.collect()
    assert not scratch.exists()


def test_a_budget_of_a_scenario_object_saves_a_chosen_yaml_that_loads(tmp_path) -> None:
    options = tmp_path / "options.yaml"
    options.write_text(
        yaml.safe_dump(
            {
                "name": "small",
                "options": {"ccd_third": {"set": {"programs.ccd.shifts[0].units": 3}}},
            }
        )
    )
    data = baseline_dict() | {"horizon_weeks": 1, "name": "mine"}
    res = hs.budget(hs.load(data), options, budget=1e9, reps=2, seed=1)
    assert res.chosen == ["ccd_third"]
    saved = res.save(tmp_path / "out")
    chosen = hs.load(saved / "chosen.yaml")
    assert chosen.programs.ccd.shifts[0].units == 3
    assert (tmp_path / "out" / "inputs" / "mine.yaml").is_file()

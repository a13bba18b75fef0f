"""heart-sim schema: the JSON Schema of scenario, options and targets files accepts every
shipped file, refuses the typical mistakes heart-sim validate refuses, and the copy shipped
in the package is the one the models give."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import heart_sim as hs
from heart_sim import api
from heart_sim.calibration import load_targets
from heart_sim.cli import app
from heart_sim.core import ScenarioError
from heart_sim.optimization import load_options
from heart_sim.scenario import read_yaml, scenario_from_dict, scenario_json_schema

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
runner = CliRunner()


def _as_editor_reads(data: Any) -> Any:
    """The YAML as a language server sees it: dates are text (YYYY-MM-DD), keys strings."""
    if isinstance(data, dict):
        return {str(k): _as_editor_reads(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_as_editor_reads(v) for v in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@functools.cache
def _validator(kind: str) -> Any:
    schema = hs.json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _errors(kind: str, data: Any) -> list[str]:
    return [e.message for e in _validator(kind).iter_errors(_as_editor_reads(data))]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_shipped_scenario_is_valid(path: Path) -> None:
    assert _errors("scenario", read_yaml(path)) == []


@pytest.mark.parametrize(
    "kind, folder", [("options", "options"), ("targets", "targets")], ids=["options", "targets"]
)
def test_every_shipped_options_and_targets_file_is_valid(kind: str, folder: str) -> None:
    files = sorted((ROOT / "scenarios" / folder).glob("*.yaml"))
    assert files
    for path in files:
        assert _errors(kind, read_yaml(path)) == [], path.name


def _full() -> dict[str, Any]:
    return read_yaml(ROOT / "scenarios" / "durham_2022.yaml")


def _child() -> dict[str, Any]:
    return read_yaml(ROOT / "scenarios" / "weekend_cor.yaml")


def _misspelt(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["horizon_week"] = 10  # for horizon_weeks
    return data


def _bad_day(data: dict[str, Any]) -> dict[str, Any]:
    data = copy.deepcopy(data)
    programs = data["programs"]
    shifts = programs["cor"].get("add_shifts") or programs["crt"]["shifts"]
    shifts[0]["days"] = "Mon-Fir"
    return data


@pytest.mark.parametrize("make", [_full, _child], ids=["full file", "file with extends"])
@pytest.mark.parametrize("mistake", [_misspelt, _bad_day], ids=["misspelt key", "bad day"])
def test_schema_refuses_what_validate_refuses(make, mistake) -> None:
    data = mistake(make())
    assert _errors("scenario", data), "the schema accepted it"
    merged = data
    if "extends" in data:  # as heart-sim validate reads it: over its parent
        merged = api.load_scenario_dict(ROOT / "scenarios" / "weekend_cor.yaml")[1]
        merged = copy.deepcopy(merged)
        if "horizon_week" in data:
            merged["horizon_week"] = 10
        else:
            merged["programs"]["cor"]["shifts"][-1]["days"] = "Mon-Fir"
    with pytest.raises(ScenarioError):
        scenario_from_dict(merged)


def test_a_bad_day_is_named_where_it_is() -> None:
    messages = [
        (list(e.absolute_path), e.message)
        for e in _validator("scenario").iter_errors(_as_editor_reads(_bad_day(_full())))
    ]
    assert any("days" in path for path, _ in messages), messages


@pytest.mark.parametrize("days", ["weekdays", "Mon-Fri", "fri-sun", "mon, wed", ["sat", "Sunday"]])
def test_the_day_forms_validate_accepts_are_accepted(days: Any) -> None:
    data = _full()
    data["programs"]["crt"]["shifts"][0]["days"] = days
    assert _errors("scenario", data) == []
    scenario_from_dict(data)  # and heart-sim validate agrees


def test_a_full_file_needs_its_required_keys_and_a_child_does_not() -> None:
    data = _full()
    del data["demand"]
    assert any("demand" in m for m in _errors("scenario", data))
    assert _errors("scenario", {"extends": "durham_2022", "name": "x"}) == []


def test_options_and_targets_schemas_refuse_what_their_loaders_refuse(tmp_path: Path) -> None:
    import yaml

    options = read_yaml(ROOT / "scenarios" / "options" / "durham_fy26.yaml")
    next(iter(options["options"].values()))["sett"] = {}  # for set
    targets = read_yaml(ROOT / "scenarios" / "targets" / "durham_2024.yaml")
    targets["targets"][0]["metric"] = "heart_response_per_year"  # not a run metric
    for kind, data, load in (
        ("options", options, load_options),
        ("targets", targets, load_targets),
    ):
        assert _errors(kind, data), kind
        path = tmp_path / f"{kind}.yaml"
        path.write_text(yaml.safe_dump(data))
        with pytest.raises(ScenarioError):
            load(path)


def test_the_shipped_schemas_are_current() -> None:
    for kind in api.SCHEMA_KINDS:
        shipped = api.shipped_schema(kind)
        assert shipped.read_text() == api.json_schema_text(kind), (
            f"{shipped} is stale: heart-sim schema {kind} --out {shipped} --force"
        )


def test_cli_prints_and_writes_the_schema(tmp_path: Path) -> None:
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    assert json.loads(res.stdout) == scenario_json_schema()
    out = tmp_path / "targets.schema.json"
    res = runner.invoke(app, ["schema", "targets", "--out", str(out)])
    assert res.exit_code == 0 and json.loads(out.read_text()) == hs.json_schema("targets")
    again = runner.invoke(app, ["schema", "targets", "--out", str(out)])
    assert again.exit_code == 2 and "exists" in again.output
    assert runner.invoke(app, ["schema", "targets", "-o", str(out), "--force"]).exit_code == 0
    assert runner.invoke(app, ["schema", "shifts"]).exit_code == 2

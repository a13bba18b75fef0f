"""Small scenarios built from dicts, so tests never depend on files they write."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from heart_sim.scenario._load import builtin_dir, scenario_from_dict
from heart_sim.scenario._schema import Scenario

ROOT = Path(__file__).resolve().parent.parent


def baseline_dict() -> dict:
    """The shipped Durham baseline as a plain dict."""
    return yaml.safe_load((builtin_dir() / "durham_2022.yaml").read_text())


def cli_process(*args: str) -> subprocess.Popen:
    """``heart-sim ARGS`` in a subprocess of its own (for kill and concurrency tests)."""
    return subprocess.Popen(
        [sys.executable, "-m", "heart_sim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def short_baseline(weeks: int = 4, **overrides) -> Scenario:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    data.update(overrides)
    return scenario_from_dict(data)


def mmc(c: int, rho: float, **kw) -> Scenario:
    return scenario_from_dict(mmc_dict(c, rho, **kw))


def mmc_dict(
    c: int,
    rho: float,
    service_mean: float = 30.0,
    patience: float | None = None,
    weeks: int = 20,
    warmup: int = 1,
) -> dict[str, Any]:
    """A scenario (as a dict) that is an M/M/c queue: Poisson arrivals at load ``rho``, one
    program on duty 24/7 with ``c`` units, exponential service, no travel, no CCD, no
    follow-ups. Used to check the model against queueing theory and other simulators."""
    lam_per_min = rho * c / service_mean
    return {
        "name": f"mmc_c{c}_rho{rho}",
        "horizon_weeks": weeks,
        "warmup_weeks": warmup,
        "demand": {"calls_per_week": lam_per_min * 7 * 24 * 60},
        "call_types": {
            "any": {
                "share": 1.0,
                "pilot_area_share": 1.0,
                "ccd_transfer": 0.0,
                "ccd_decision": {"resolve": 1.0},
                "direct": "crt",
            }
        },
        "programs": {
            "crt": {
                "area": "city",
                "shifts": [{"days": "daily", "start": "00:00", "end": "24:00", "units": c}],
                "travel_time": {"dist": "fixed", "value": 0},
                "on_scene_time": {"dist": "exponential", "mean": service_mean},
                "patience_min": patience,
            }
        },
    }


def costed(d: dict[str, Any]) -> dict[str, Any]:
    """``d`` with a cost for CRT (one clinician a unit at $60,000, no loading or relief),
    as optimize needs to price its plans."""
    d["programs"]["crt"]["cost"] = {"staff_per_unit": {"clinician": 1}}
    d["costs"] = {
        "roles": {"clinician": {"annual_salary": 60000}},
        "loading": 1.0,
        "relief_factor": 1.0,
    }
    return d


def scenario_error(data: dict, change) -> str:
    """The message of the ScenarioError that ``change`` (a function editing the dict) makes
    of a valid scenario ``data``; fails if the data were invalid before the change."""
    import copy

    import pytest

    from heart_sim.core._errors import ScenarioError

    scenario_from_dict(copy.deepcopy(data))  # the base is valid: the change makes the error
    change(data)
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    return str(err.value)

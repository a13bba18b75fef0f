"""Small scenarios built from dicts, so tests never depend on files they write."""

from __future__ import annotations

from pathlib import Path

import yaml

from heart_sim.scenario import Scenario, builtin_dir, mmc_dict, scenario_from_dict

ROOT = Path(__file__).resolve().parent.parent


def baseline_dict() -> dict:
    """The shipped Durham baseline as a plain dict."""
    return yaml.safe_load((builtin_dir() / "durham_2022.yaml").read_text())


def short_baseline(weeks: int = 4, **overrides) -> Scenario:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    data.update(overrides)
    return scenario_from_dict(data)


def mmc(c: int, rho: float, **kw) -> Scenario:
    return scenario_from_dict(mmc_dict(c, rho, **kw))

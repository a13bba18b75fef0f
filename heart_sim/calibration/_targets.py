"""Published figures a calibration aims at: a targets file, validated like a scenario.

```yaml
name: durham_pilot_2022_23
description: what the figures are and when
targets:
  - metric: heart_response_rate       # a run metric of the catalog
    value: 0.2035
    sd: 0.02                          # or tolerance: (a +- range read as 2 sd), or
    # interval: [0.18, 0.23]          # (read as a 95% range: value = middle, sd = width / 4)
    discrepancy: 0.01                 # optional: what the model cannot represent (sd)
    source: "4,680 of 23,000 eligible calls, Jun 2022 - ~Mar 2023 (cbs17.com, spring 2023)"
```

Every target needs a source; the uncertainty of the figure itself is given one of three
ways and always becomes a standard deviation, so history matching can weigh it against the
simulation's own noise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..core import ScenarioError, problems
from ..measure import CATALOG
from ..scenario import key_path, read_yaml, resolve_file

Finite = Annotated[float, Field(allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Target(BaseModel):
    """One published figure and how sure it is."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str = Field(description="a run metric of the catalog (heart-sim metrics)")
    value: Finite | None = Field(None, description="the published figure")
    sd: Positive | None = Field(None, description="its standard deviation")
    tolerance: Positive | None = Field(None, description="+- range, read as 2 sd")
    interval: tuple[Finite, Finite] | None = Field(
        None, description="a 95% range [low, high]; value defaults to its middle"
    )
    discrepancy: Annotated[float, Field(ge=0, allow_inf_nan=False)] = Field(
        0.0, description="model discrepancy (sd): what the model leaves out"
    )
    source: str = Field(min_length=1, description="where the figure comes from")

    @model_validator(mode="after")
    def _one_uncertainty(self) -> Target:
        if self.metric not in CATALOG or CATALOG[self.metric].kind != "run":
            near = [m for m in CATALOG if self.metric.split("_")[0] in m][:5]
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise ValueError(
                f"metric: {self.metric!r} is not a run metric (heart-sim metrics lists them){hint}"
            )
        given = [k for k in ("sd", "tolerance", "interval") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give the figure's uncertainty one way: sd:, tolerance: (a +- range) or "
                f"interval: [low, high]; got {', '.join(given) or 'none'}"
            )
        if self.interval is not None:
            lo, hi = self.interval
            if not lo < hi:
                raise ValueError(f"interval: low ({lo:g}) must be below high ({hi:g})")
        elif self.value is None:
            raise ValueError("value: the published figure is missing")
        return self

    @property
    def centre(self) -> float:
        if self.value is not None:
            return self.value
        assert self.interval is not None
        return (self.interval[0] + self.interval[1]) / 2

    @property
    def obs_sd(self) -> float:
        """The figure's standard deviation, however it was given."""
        if self.sd is not None:
            return self.sd
        if self.tolerance is not None:
            return self.tolerance / 2
        assert self.interval is not None
        return (self.interval[1] - self.interval[0]) / 4

    def variance(self) -> float:
        """Observation plus model-discrepancy variance."""
        return self.obs_sd**2 + self.discrepancy**2


class Targets(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    description: str = ""
    targets: list[Target] = Field(min_length=1)

    @model_validator(mode="after")
    def _distinct(self) -> Targets:
        names = [t.metric for t in self.targets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"targets: {', '.join(twice)} given more than once")
        return self

    def metrics(self) -> list[str]:
        return [t.metric for t in self.targets]


def load_targets(path: str | Path) -> Targets:
    """A validated targets file (a path, or a shipped one by name: ``durham_2024``); every
    problem names the file and the key path."""
    path = resolve_file(path, "targets")
    source = str(path)
    data = read_yaml(path)  # the scenario loader's reading: size, encoding, dates, depth
    if not isinstance(data, dict):
        raise ScenarioError(source, [("", "a targets file is a mapping with name: and targets:")])
    data.setdefault("name", path.stem)
    try:
        return Targets.model_validate(data)
    except ValidationError as err:
        found = [_key_first(loc, why) for loc, why in problems(err, Targets)]
        raise ScenarioError(source, [(key_path(loc), why) for loc, why in found]) from None


def targets_json_schema() -> dict[str, Any]:
    """The JSON Schema of a targets file, for editors: the models' own, with the run
    metrics of the catalog offered for metric: (heart-sim schema --kind targets)."""
    schema = Targets.model_json_schema(mode="validation")
    run_metrics = sorted(name for name, m in CATALOG.items() if m.kind == "run")
    schema["$defs"]["Target"]["properties"]["metric"]["enum"] = run_metrics
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
        "title": "heart-sim targets (heart-sim calibrate --targets)",
    }


def _key_first(loc: tuple, why: str) -> tuple[tuple, str]:
    """A check across a target's keys names its key first ('metric: ...'): put the key in
    the key path (targets[0].metric), where every other problem names its key."""
    key, sep, rest = why.partition(": ")
    if sep and key in Target.model_fields:
        return (*loc, key), rest
    return loc, why

"""'inputs differ' names only what differs (issue 24): a re-run of `calibrate` said
``targets.targets[1]: interval [548.0, 639.0] -> [548.0, 639.0]`` because the manifest in
memory held a tuple where the one read back from JSON holds a list."""

from __future__ import annotations

import json

import pytest

from heart_sim.scenario import flatten, key_changes
from heart_sim.study._folders import describe_changes, input_key

WANTED = {
    "seed": 1,
    "targets": {"targets": [{"metric": "a", "interval": (548.0, 639.0)}, {"value": 3}]},
}

# (label, the manifest on disk, what describe_changes says: [] when the inputs are equal)
CASES = [
    ("the same, read back from JSON", json.loads(json.dumps(WANTED)), []),
    (
        "548 written as an integer",
        {
            **WANTED,
            "targets": {"targets": [{"metric": "a", "interval": [548, 639.0]}, {"value": 3}]},
        },
        [],
    ),  # noqa: E501
    (
        "another interval",
        {
            **WANTED,
            "targets": {"targets": [{"metric": "a", "interval": [500.0, 639.0]}, {"value": 3}]},
        },
        ["interval [500.0, 639.0] -> [548.0, 639.0]"],
    ),  # noqa: E501
    ("another seed", {**json.loads(json.dumps(WANTED)), "seed": 2}, ["seed 2 -> 1"]),
]


@pytest.mark.parametrize("label, old, says", CASES, ids=[c[0] for c in CASES])
def test_only_real_differences_are_named(label, old, says) -> None:
    got = describe_changes(old, WANTED)
    assert [any(s in g for g in got) for s in says] == [True] * len(says), got
    assert len(got) == len(says), got
    if label.startswith("the same"):  # the same folder: the key is computed from JSON too
        assert input_key(old) == input_key(WANTED)


def test_flatten_and_key_changes_treat_a_tuple_as_a_list() -> None:
    assert flatten({"a": (1, 2)}) == flatten({"a": [1, 2]}) == {"a": [1, 2]}
    assert key_changes({"a": [{"x": (1.0, 2.0)}]}, {"a": [{"x": [1, 2]}]}) == []

"""Validation errors in a planner's words (core._problems): what kind of value was written,
"did you mean" for an unknown key, key paths without pydantic's union-branch names."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from heart_sim.core._problems import (
    MISSING,
    describe,
    did_you_mean,
    known_keys,
    not_a_mapping,
    problems,
)
from heart_sim.scenario._schema import Scenario


class Leg(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rate: float
    kind: Literal["walk", "drive"] = "walk"


class Trip(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    legs: list[Leg]
    size: int | list[int] = 1


def _problems(data: dict) -> list:
    with pytest.raises(ValidationError) as err:
        Trip.model_validate(data)
    return problems(err.value, Trip)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (None, "nothing"),
        (True, "true/false"),  # a bool is not "a number", though it is an int
        (3, "a number"),
        (2.5, "a number"),
        ("x", "text"),
        ([1], "a list"),
        ((1,), "a list"),
        ({"a": 1}, "a mapping"),
        (object(), "a value of another kind"),
    ],
)
def test_describe_names_the_kind_of_value(value, words) -> None:
    assert describe(value) == words


def test_not_a_mapping_says_what_the_file_holds() -> None:
    assert not_a_mapping(None).startswith("the file is empty")
    assert not_a_mapping([1, 2]).endswith("got a list")


def test_did_you_mean_suggests_the_closest_key_or_lists_them() -> None:
    assert did_you_mean("rat", ["kind", "rate"]) == "unknown key; did you mean 'rate'?"
    many = [f"key{i:02d}" for i in range(13)]
    text = did_you_mean("zzz", many)
    assert text == f"unknown key (allowed here: {', '.join(many[:12])}, ...)"
    assert did_you_mean("zzz", []) == "unknown key"


def test_known_keys_follow_the_path_into_lists_and_models() -> None:
    assert known_keys(Trip, ()) == ["legs", "name", "size"]
    assert known_keys(Trip, ("legs", 0)) == ["kind", "rate"]
    # A scenario file may also say extends:, which is not a field of the model.
    top = known_keys(Scenario, ())
    assert "extends" in top and "demand" in top and "programs" in top


def test_each_problem_has_the_files_key_path_and_plain_words() -> None:
    found = _problems({"name": 3, "legs": [{"rat": 1.0}, {"rate": 2.0, "kind": "fly"}]})
    assert found == [
        (("name",), "expected text, got a number (3)"),
        (("legs", 0, "rate"), MISSING),
        (("legs", 0, "rat"), "unknown key; did you mean 'rate'?"),
        (("legs", 1, "kind"), "must be 'walk' or 'drive' (got 'fly')"),
    ]


def test_union_branch_names_are_not_in_the_key_path() -> None:
    found = _problems({"name": "a", "legs": [], "size": "big"})
    # pydantic reports one error per branch of int | list[int], at ("size", "int") and
    # ("size", "list[int]"); the file has only size:.
    assert {loc for loc, _ in found} == {("size",)}
    assert {why for _, why in found} == {
        "expected a whole number, got text ('big')",
        "expected a list (- item lines, or [a, b]), got text ('big')",
    }

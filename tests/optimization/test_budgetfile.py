"""The options file of optimize --budget: its form, exclusions and one-line errors."""

from __future__ import annotations

import pytest
from builders import ROOT

from heart_sim.core._errors import HeartSimError, ScenarioError
from heart_sim.optimization._budgetfile import OptionsFileError, load_options, options_from_dict

NIGHT = '{days: daily, start: "00:00", end: "09:00", units: 1}'


def _file(tmp_path, text: str):
    f = tmp_path / "opts.yaml"
    f.write_text(text)
    return f


def test_the_durham_options_file_loads_with_a_source_for_every_option() -> None:
    opts = load_options(ROOT / "scenarios" / "options" / "durham_fy26.yaml")
    assert opts.name == "durham_fy26_options" and len(opts.names) == 7
    assert all(o.source.strip() for o in opts.options.values())
    pairs = {(a, b) for a, b, _ in opts.exclusive_pairs()}
    assert pairs == {("crt_overnight", "crt_overnight_pair")}  # the others only add shifts
    assert len(opts.subsets()) == 2**7 - 2**5  # every set but those with both overnights


def test_overlapping_paths_exclude_each_other_and_adds_combine() -> None:
    opts = options_from_dict(
        {
            "options": {
                "a": {"add": {"programs.crt.shifts": [{"days": "daily"}]}},
                "b": {"set": {"crt.shifts": []}},  # the same list, written short
                "c": {"set": {"programs.crt.shifts[0].units": 3}},  # inside what a adds to
                "d": {"add": {"crt.shifts": [{"days": "daily"}]}, "exclusive_with": ["e"]},
                "e": {"set": {"demand.multiplier": 1.1}},
                "f": {"set": {"crt.units": 2}},  # every CRT shift's units
            }
        }
    )
    pairs = {(a, b) for a, b, _ in opts.exclusive_pairs()}
    assert pairs == {
        ("a", "b"),
        ("a", "c"),
        ("a", "f"),
        ("b", "c"),
        ("b", "d"),
        ("b", "f"),
        ("c", "d"),
        ("c", "f"),
        ("d", "e"),
        ("d", "f"),
    }
    assert ("a", "d") not in pairs  # two adds to one list: both appended
    subsets = opts.subsets()
    assert subsets is not None and subsets[0] == ()
    assert ("a", "d") in subsets and ("d", "e") not in subsets
    assert len(subsets) == 12  # counted by hand: 1 + 6 singles + ad ae be ce ef
    assert opts.subsets(most=5) is None  # too many: found without listing them all


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("options:\n  a:\n    sett: {x: 1}\n", "options.a.sett", "did you mean 'set'"),
        ("options: {}\n", "options", "no options given"),
        ("options:\n  a: {description: hi}\n", "options.a", "give set:"),
        ("options:\n  'a b': {set: {x: 1}}\n", "options.a b", "cannot be an option's name"),
        ("options:\n  base: {set: {x: 1}}\n", "options.base", "cannot be an option's name"),
        (
            "options:\n  a:\n    add: {programs.crt.shifts: {days: daily}}\n",
            "options.a.add.programs.crt.shifts",
            "expected a list of the items to append",
        ),
        ("options:\n  a:\n    set: {'programs..crt': 1}\n", "options.a.set", "not a key path"),
        (
            "options:\n  a:\n    set: {x: 1}\n    exclusive_with: [zz]\n",
            "options.a.exclusive_with",
            "'zz' is not another option",
        ),
        (
            "options:\n  a:\n    set: {x: 1}\n  exclusive_with: [a]\n",
            "options.exclusive_with",
            "goes inside an option",
        ),
        ("options:\n  a: {set: {x: 1}}\n  a: {set: {x: 2}}\n", "line 3", "given twice"),
        ("- 1\n", "", "a mapping with name:"),  # the file as a whole: no key path, no <top>
        ("options:\n  a: 3\n", "options.a", "expected a mapping"),
    ],
)
def test_a_bad_options_file_is_one_line_naming_file_and_key_path(
    tmp_path, text: str, where: str, what: str
) -> None:
    with pytest.raises(HeartSimError) as err:
        load_options(_file(tmp_path, text))
    message = str(err.value)
    assert isinstance(err.value, ScenarioError)
    assert "\n" not in message, message
    assert message.startswith(f"{tmp_path / 'opts.yaml'}: {where}{': ' if where else ''}"), message
    assert "<top>" not in message
    assert what in message, message


def test_options_file_errors_are_their_own_kind_and_a_missing_file_is_clear(tmp_path) -> None:
    with pytest.raises(OptionsFileError):
        load_options(_file(tmp_path, "options: {}\n"))
    with pytest.raises(ScenarioError, match="file not found"):
        load_options(tmp_path / "nope.yaml")
    opts = load_options(
        _file(tmp_path, f"options:\n  night:\n    add: {{crt.shifts: [{NIGHT}]}}\n")
    )
    assert opts.name == "opts" and opts.source.endswith("opts.yaml")  # name from the file
    assert opts.options["night"].add["crt.shifts"][0]["start"] == "00:00"

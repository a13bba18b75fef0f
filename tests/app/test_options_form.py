"""The options editor's rows, written as an options file the library's validator and
budget mode read."""

from __future__ import annotations

import pytest

import heart_sim as hs
from heart_sim.app._options_form import ROWS, editor, option_id, options_yaml
from heart_sim.optimization import load_options


def _rows(*rows: dict[str, str]) -> dict[str, str]:
    values = {}
    for i, row in enumerate(rows):
        values.update({option_id(i, part): text for part, text in row.items()})
    return values


def test_rows_become_an_options_file(tmp_path) -> None:
    values = _rows(
        {"name": "crt_night", "program": "crt", "days": "daily", "start": "00:00",
         "end": "09:00", "units": "1"},
        {"name": "", "program": "crt", "days": "mon", "start": "", "end": "", "units": ""},
        {"name": "cor_weekend", "program": "cor", "days": "sat-sun", "start": "10:00",
         "end": "18:00", "units": "2", "excludes": "crt_night"},
    )  # fmt: skip
    path = tmp_path / "mine.yaml"
    path.write_text(options_yaml("mine", "durham_2022", values))
    options = load_options(path)
    assert list(options.options) == ["crt_night", "cor_weekend"]  # the blank-named row dropped
    night = options.options["crt_night"]
    assert night.add == {
        "programs.crt.shifts": [{"days": "daily", "start": "00:00", "end": "09:00", "units": 1}]
    }
    assert options.options["cor_weekend"].exclusive_with == ["crt_night"]
    # the shift the option adds is the scenario's own form: applying it validates
    added = hs.vary("durham_2022", {"programs.crt.shifts": [
        *hs.load("durham_2022").model_dump(mode="json")["programs"]["crt"]["shifts"],
        *night.add["programs.crt.shifts"]]})  # fmt: skip
    assert len(added.programs.crt.shifts) == 2


def test_a_bad_row_is_the_validators_message(tmp_path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(options_yaml("mine", "durham_2022", _rows({"name": "9lives"})))
    with pytest.raises(hs.HeartSimError, match="mine.yaml: options"):
        load_options(path)
    path.write_text(options_yaml("mine", "durham_2022", {}))
    with pytest.raises(hs.HeartSimError, match="mine.yaml"):
        load_options(path)


def test_every_editor_control_is_labelled() -> None:
    html = str(editor())
    for i in range(ROWS):
        assert f'for="{option_id(i, "name")}"' in html
        assert f'for="{option_id(i, "program")}"' in html

"""What the app draws that is not a control: the staffing grid, zips, progress."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import heart_sim as hs
from heart_sim.app._views import progress_bar, staffing_grid, zipped


def test_staffing_grid_is_heart_sim_show_grid() -> None:
    html = str(staffing_grid(hs.load("durham_2022")))
    # one row per program and day, 24 hour cells; durham_2022's CRT: 2 units 09-19 daily
    assert html.count("<tr>") == 1 + 4 * 7
    row = html.split('<th scope="row">CRT</th>')[1].split("</tr>")[0]
    cells = [c.split(">")[-1] for c in row.split("</td>")[:-1]][1:]
    assert cells == ["."] * 9 + ["2"] * 10 + ["."] * 5


def test_escapes_scenario_text() -> None:
    html = str(progress_bar("<script>x</script>", 1, 4, 2.0))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'value="1"' in html and 'max="4"' in html


def test_zip_holds_every_file(tmp_path: Path) -> None:
    (tmp_path / "run" / "plots").mkdir(parents=True)
    (tmp_path / "run" / "summary.csv").write_text("metric,mean\n")
    (tmp_path / "run" / "plots" / "a.png").write_bytes(b"png")
    (tmp_path / "run" / ".heart-sim.lock").write_text("")
    names = zipfile.ZipFile(io.BytesIO(zipped(tmp_path / "run"))).namelist()
    assert sorted(names) == ["run/plots/a.png", "run/summary.csv"]

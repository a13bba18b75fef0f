"""comparison.xlsx: the sheets budget staff read, their names, formats, chart and values
(which must be those of costs.csv, comparison.csv and each scenario's summary.csv)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from builders import short_baseline
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.chart import ScatterChart

import heart_sim as hs
from heart_sim.measure._catalog import metric as catalog_metric
from heart_sim.measure._formatting import header
from heart_sim.measure._paired import RATIO_WORDS
from heart_sim.study._workbook import (
    COST_BY_PROGRAM,
    COST_TOTALS,
    DIFFERENCES,
    FIXED_SHEETS,
    METRICS,
    NO_INTERVAL_WORDS,
    OPTIONS,
    README,
    SHEET_NAME_FORBIDDEN,
    SHEET_NAME_MAX,
    build_workbook,
    option_measures,
    sheet_names,
)

ALPHA = "crt_expansion_option_alpha"
ALPHA_PLUS = "crt_expansion_option_alpha_plus"
COR = "more_cor"
SUMMARY_TOP = 4  # the header row of a scenario's sheet (its full name is in A1)


# --- sheet names -------------------------------------------------------------------------


def _excel_width(name: str) -> int:
    return len(name.encode("utf-16-le")) // 2


def _check_names(names: list[str], got: list[str], reserved: tuple[str, ...] = ()) -> None:
    assert len(got) == len(names)
    folded = [g.casefold() for g in got]
    assert len(set(folded)) == len(folded)  # Excel ignores case
    assert not set(folded) & {r.casefold() for r in (*reserved, "History")}
    for g in got:
        assert 1 <= _excel_width(g) <= SHEET_NAME_MAX
        assert not set(g) & SHEET_NAME_FORBIDDEN
        assert not g.startswith("'") and not g.endswith("'")


def test_long_similar_names_get_distinct_readable_sheets() -> None:
    names = [f"Summary {ALPHA}", f"Summary {ALPHA_PLUS}", ALPHA, ALPHA_PLUS]
    got = sheet_names(names)
    _check_names(names, got)
    assert got[2:] == [ALPHA, ALPHA_PLUS]  # short enough: unchanged
    assert got[0].startswith("Summary crt") and got[0].endswith("alpha")
    assert got[1].startswith("Summary crt") and got[1].endswith("_plus")
    assert "\u2026" in got[0] and "\u2026" in got[1]


def test_names_that_collide_after_shortening_or_with_a_fixed_sheet_are_numbered() -> None:
    same_start = ["x" * 40 + "a" + "y" * 20, "x" * 40 + "b" + "y" * 20]
    got = sheet_names([*same_start, "options", "a/b:c", "'quoted'", "", "History"], FIXED_SHEETS)
    assert got[1].endswith(" (2)")
    assert got[2] == "options (2)"  # Options is a fixed sheet, whatever the case
    assert got[3] == "a_b_c"
    assert got[4] == "quoted"
    assert got[5] == "Sheet"
    assert got[6] == "History (2)"  # Excel keeps History for itself
    _check_names([*same_start, "o", "a", "q", "", "h"], got, FIXED_SHEETS)


_long_alike = st.builds(
    lambda stem, ends: [stem + e for e in ends],
    st.text(min_size=25, max_size=70),
    st.lists(st.text(max_size=6), min_size=1, max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(st.text(max_size=80), st.sampled_from(FIXED_SHEETS)), max_size=8),
    _long_alike,
)
def test_sheet_names_are_unique_short_and_valid_for_any_input(
    names: list[str], alike: list[str]
) -> None:
    everything = names + alike + names  # duplicates too
    got = sheet_names(everything, FIXED_SHEETS)
    _check_names(everything, got, FIXED_SHEETS)
    wb = Workbook()
    for name in got:
        wb.create_sheet(title=name)  # openpyxl would refuse an invalid title


# --- the workbook of a comparison --------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(tmp_path_factory: pytest.TempPathFactory) -> hs.Comparison:
    base = short_baseline(weeks=1)
    alpha = hs.vary(base, {"crt.units": 3}, name=ALPHA)
    alpha_plus = hs.vary(base, {"crt.units": 4}, name=ALPHA_PLUS)
    cor = hs.vary(base, {"programs.cor.shifts[0].units": 2}, name=COR)
    out = tmp_path_factory.mktemp("workbook")
    return hs.compare(base, alpha, alpha_plus, cor, reps=3, out=out)


@pytest.fixture(scope="module")
def book(comparison: hs.Comparison):
    assert comparison.folder is not None
    return load_workbook(comparison.folder / "comparison.xlsx")


def _table(ws, top: int = 1) -> pd.DataFrame:
    """A sheet's table as the cells hold it (values, not formatted text)."""
    rows = list(ws.iter_rows(min_row=top, values_only=True))
    heads = list(rows[0])
    return pd.DataFrame([r for r in rows[1:] if any(v is not None for v in r)], columns=heads)


def _same(cell, csv_value) -> bool:
    """A cell holds the CSV's number exactly, or nothing where the CSV has none (number
    columns hold numbers only; the row's Notes column says why a cell is empty)."""
    if isinstance(csv_value, float) and math.isnan(csv_value):
        return cell is None or (isinstance(cell, float) and math.isnan(cell))
    return not isinstance(cell, str) and cell == csv_value


def test_every_sheet_is_there_with_unique_names(book) -> None:
    assert book.sheetnames == [
        README,
        OPTIONS,
        COST_BY_PROGRAM,
        COST_TOTALS,
        "durham_2022",
        ALPHA,
        ALPHA_PLUS,
        COR,
        DIFFERENCES,
        METRICS,
    ]
    assert len({s.casefold() for s in book.sheetnames}) == len(book.sheetnames)
    for name in ("durham_2022", ALPHA, ALPHA_PLUS, COR):
        assert book[name]["A1"].value == name  # the full name, whatever the sheet is called


def test_options_values_equal_costs_csv_and_ratios_without_value_say_why(
    comparison: hs.Comparison, book
) -> None:
    costs = pd.read_csv(comparison.folder / "costs.csv").set_index("scenario")
    opts = _table(book[OPTIONS])
    assert list(opts["Scenario"]) == ["durham_2022", ALPHA_PLUS, ALPHA, COR]  # by diverted
    assert list(opts["Role"]) == ["base", "alternative", "alternative", "alternative"]
    heads = list(opts.columns)
    for name in option_measures():
        at = heads.index(header(name))
        for _, row in opts.iterrows():
            csv = costs.loc[row["Scenario"]]
            for offset, column in enumerate((name, f"{name}_ci_low", f"{name}_ci_high")):
                if row["Role"] == "base" and catalog_metric(name).kind == "comparison":
                    assert pd.isna(row.iloc[at + offset]) or row.iloc[at + offset] == ""
                    continue  # the base against itself: no extras, left blank
                assert _same(row.iloc[at + offset], csv[column]), (row["Scenario"], column)
    # Co-Response diverts no extra call: the marginal cost is not defined, and says so.
    cor = opts.set_index("Scenario").loc[COR]
    words = RATIO_WORDS[costs.loc[COR, "marginal_cost_per_extra_diverted_status"]]
    assert words.startswith("not defined")
    assert pd.isna(cor[header("marginal_cost_per_extra_diverted")])
    assert f"{header('marginal_cost_per_extra_diverted')}" in cor["Notes"] and words in cor["Notes"]
    assert costs.loc[ALPHA_PLUS, "diverted_per_year"] > costs.loc[ALPHA, "diverted_per_year"]


def test_differences_equal_comparison_csv_with_two_distinct_alternatives(
    comparison: hs.Comparison, book
) -> None:
    csv = pd.read_csv(comparison.folder / "comparison.csv")
    diff = _table(book[DIFFERENCES])
    assert len(diff) == len(csv)
    assert set(diff["Alternative"]) == {ALPHA, ALPHA_PLUS, COR}
    keyed = csv.set_index(["scenario", "metric"])
    columns = {
        "Base": "base_mean",
        "Alternative value": "alt_mean",
        "Difference": "diff_mean",
        "Difference, 95% low": "diff_ci_low",
        "Difference, 95% high": "diff_ci_high",
        "Significance": "significance",
    }
    for _, row in diff.iterrows():
        want = keyed.loc[(row["Alternative"], row["Identifier"])]
        for head, col in columns.items():
            if col == "significance":
                assert row[head] == want[col]
            else:
                assert _same(row[head], want[col]), (row["Alternative"], row["Identifier"], col)
    a = diff[(diff["Alternative"] == ALPHA) & (diff["Identifier"] == "diversion_rate")]
    b = diff[(diff["Alternative"] == ALPHA_PLUS) & (diff["Identifier"] == "diversion_rate")]
    assert len(a) == len(b) == 1


def test_cost_by_program_and_scenario_sheets_equal_each_summary_csv(
    comparison: hs.Comparison, book
) -> None:
    by_program = _table(book[COST_BY_PROGRAM])
    parts = ["Staff", "Overtime", "Fixed", "Mileage"]
    for name in ("durham_2022", ALPHA, ALPHA_PLUS, COR):
        summary = pd.read_csv(comparison.folder / name / "summary.csv").set_index("metric")
        rows = by_program[by_program["Scenario"] == name].set_index("Program")
        assert len(rows) == 4  # the four programs; their totals on a sheet of their own
        crt = rows.loc["Community Response Teams"]
        for part in parts:
            key = f"crt_{part.lower()}_cost_annual"
            assert crt[f"{part} cost ($ per year)"] == summary.loc[key, "mean"]
        assert crt["Total annual cost ($ per year)"] == summary.loc["crt_cost_annual", "mean"]
        avoided = summary.loc["crt_police_cost_avoided_annual", "mean"]
        assert crt["Police cost avoided ($ per year)"] == avoided
        totals = _table(book[COST_TOTALS]).set_index("Scenario")
        total = totals.loc[name]
        assert total["Total annual cost ($ per year)"] == summary.loc["cost_total_annual", "mean"]
        # the program rows add up to the totals: one filter, no double counting
        for col in ("Staff cost ($ per year)", "Total annual cost ($ per year)"):
            assert rows[col].sum() == pytest.approx(total[col], rel=1e-9)

        sheet = _table(book[name], top=SUMMARY_TOP).set_index("Identifier")
        assert set(sheet.index) == set(summary.index)  # every metric
        for metric, want in summary.iterrows():
            got = sheet.loc[metric]
            assert _same(got["Mean"], want["mean"]), (name, metric)
            assert _same(got["95% low"], want["ci_low"]), (name, metric)
            assert _same(got["95% high"], want["ci_high"]), (name, metric)
            assert got["Replications"] == want["n_reps"]
    alpha = by_program[by_program["Scenario"] == ALPHA]
    plus = by_program[by_program["Scenario"] == ALPHA_PLUS]
    assert len(alpha) == len(plus) == 4


def _column_of(ws, heading: str, top: int = 1) -> int:
    for cell in ws[top]:
        if cell.value == heading:
            return cell.column
    raise KeyError(heading)


def test_number_formats_by_catalog_format(book) -> None:
    ws = book[OPTIONS]
    money = ws.cell(row=2, column=_column_of(ws, header("cost_total_annual")))
    # whole dollars, and cents below $100 (as the reports: $14.89, not $15)
    assert money.number_format == '[>=100]"$"#,##0;[<=-100]-"$"#,##0;"$"#,##0.00'
    calls = ws.cell(row=2, column=_column_of(ws, header("diverted_per_year")))
    assert calls.number_format == "#,##0"
    extra = ws.cell(row=3, column=_column_of(ws, header("extra_cost")))
    assert '"$"#,##0' in extra.number_format and extra.number_format.startswith("[>=100]+")
    ws = book[DIFFERENCES]
    ident = _column_of(ws, "Identifier")
    row = next(
        c.row for c in ws[ws.cell(row=1, column=ident).column_letter] if c.value == "diversion_rate"
    )
    assert ws.cell(row=row, column=_column_of(ws, "Base")).number_format == "0.0%"
    ws = book["durham_2022"]
    ident = _column_of(ws, "Identifier", SUMMARY_TOP) - 1
    rows = {r[ident].value: r for r in ws.iter_rows(min_row=SUMMARY_TOP + 1)}
    assert rows["crt_response_time"][2].number_format == "0.0"
    assert rows["cost_total_annual"][2].number_format.startswith('[>=100]"$"#,##0;')
    assert rows["diversion_rate"][2].number_format == "0.0%"
    assert rows["calls_total"][2].number_format == "#,##0"


def test_tables_have_bold_frozen_filtered_headers_and_fitted_columns(book) -> None:
    tops = {OPTIONS: 1, COST_BY_PROGRAM: 1, DIFFERENCES: 1, METRICS: 1}
    tops |= {name: SUMMARY_TOP for name in ("durham_2022", ALPHA, ALPHA_PLUS, COR)}
    for sheet, top in tops.items():
        ws = book[sheet]
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith(str(top + 1)), sheet
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{top}:"), sheet
        first = ws.cell(row=top, column=1)
        assert first.font.bold and first.alignment.wrap_text, sheet
        assert ws.column_dimensions["A"].width and ws.column_dimensions["A"].width > 8, sheet
    # the scenario column is wide enough for the longest full name
    assert book[OPTIONS].column_dimensions["A"].width >= len(ALPHA_PLUS)
    assert {"Scenarios", "Sheets", "Columns"} <= set(book[README].tables)


def test_options_chart_of_cost_against_diverted_calls(book) -> None:
    charts = book[OPTIONS]._charts
    assert len(charts) == 1
    chart = charts[0]
    assert isinstance(chart, ScatterChart)
    assert len(chart.series) == 4  # one point per scenario

    def text(title) -> str:
        return "".join(r.t for p in title.tx.rich.p for r in (p.r or []))

    assert "Annual cost" in text(chart.title)
    assert text(chart.x_axis.title) == "Diverted calls (calls per year)"
    assert text(chart.y_axis.title) == "Annual cost ($ per year)"


def test_read_me_says_what_was_compared_and_defines_every_column(
    comparison: hs.Comparison, book
) -> None:
    ws = book[README]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(str(v) for v in cells)
    for name in ("durham_2022", ALPHA, ALPHA_PLUS, COR):
        assert name in cells
    for words in ("common random numbers", "Fieller", "fewer than 3", "t-interval"):
        assert words in text
    assert hs.__version__ in cells and 2022 in cells and 3 in cells  # version, seed, reps
    assert "2022-10-03 to 2022-10-09" in cells  # the measured dates
    assert comparison.base.scenario.description.split()[0] in text

    table = ws.tables["Columns"]
    top = int(table.ref.split(":")[0][1:])
    defined = _table(ws, top)
    pairs = set(zip(defined["Sheet"], defined["Column"]))
    assert defined["Description"].notna().all()
    for sheet in (OPTIONS, COST_BY_PROGRAM, COST_TOTALS, DIFFERENCES, METRICS):
        for cell in book[sheet][1]:
            if cell.value is not None:
                assert (sheet, cell.value) in pairs, (sheet, cell.value)
    for cell in book["durham_2022"][SUMMARY_TOP]:
        assert ("each scenario's sheet", cell.value) in pairs
    money = defined[defined["Column"] == header("cost_total_annual")].iloc[0]
    assert money["Unit"] == "$ per year" and money["Label"] == "Annual cost"


def test_options_order_is_a_parameter(comparison: hs.Comparison) -> None:
    wb = build_workbook(comparison, sort_by="cost_total_annual", descending=False)
    names = [r[0] for r in wb[OPTIONS].iter_rows(min_row=2, max_col=1, values_only=True)]
    alts = [n for n in names if n not in (None, "durham_2022")]
    costs = comparison.costs.set_index("scenario")["cost_total_annual"]
    assert names[0] == "durham_2022"
    assert alts == sorted(alts, key=lambda n: costs[n])
    with pytest.raises(ValueError, match="sort_by"):
        build_workbook(comparison, sort_by="no_such_measure")


def test_too_few_replications_say_so_instead_of_an_interval(tmp_path: Path) -> None:
    base = short_baseline(weeks=1)
    alt = hs.vary(base, {"crt.units": 3}, name=ALPHA)
    comp = hs.compare(base, alt, reps=2, out=tmp_path)
    ws = load_workbook(comp.folder / "comparison.xlsx")[OPTIONS]
    low = ws.cell(row=2, column=_column_of(ws, header("cost_total_annual")) + 1)
    assert low.value is None  # a number column holds numbers only
    notes = ws.cell(row=2, column=_column_of(ws, "Notes")).value
    assert f"{header('cost_total_annual').removesuffix(' ($ per year)')}, 95% low" in notes
    assert NO_INTERVAL_WORDS in notes
    assert isinstance(
        ws.cell(row=2, column=_column_of(ws, header("cost_total_annual"))).value, float
    )


# --- what a scenario's author writes cannot become a formula (issue 24) ----------------------

# (label, a title / description / name a scenario's author writes)
PLANTED = [
    ("a hyperlink formula", '=HYPERLINK("http://example.com/x","Open the budget")'),
    ("a sum", "=SUM(1,2)"),
    ("a dde payload", "=cmd|' /C calc'!A0"),
    ("a plus", "+1+1"),
    ("a minus", "-2+3"),
    ("an at", "@SUM(1)"),
]


@pytest.mark.parametrize("label, text", PLANTED, ids=[p[0] for p in PLANTED])
def test_every_text_cell_is_written_as_text(tmp_path: Path, label, text) -> None:
    base = short_baseline(weeks=1)
    alt = hs.vary(base, {"crt.units": 3}, name="planted")
    alt = alt.model_copy(update={"title": text, "description": text})
    comp = hs.compare(base, alt, reps=2, out=tmp_path)
    path = comp.folder / "comparison.xlsx"
    formulas = load_workbook(path)  # formulas as written, not their cached values
    cells = [c for ws in formulas.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], label
    assert any(c.value == text for c in cells), "the text is there, as written"
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in sheets and "<f " not in sheets


def test_number_columns_hold_numbers_only(book) -> None:
    """Every column whose heading carries a unit (a measure) holds numbers or nothing."""
    for sheet in (OPTIONS, COST_BY_PROGRAM, COST_TOTALS, DIFFERENCES):
        table = _table(book[sheet])
        for head in table.columns:
            if head in (
                "Scenario",
                "Role",
                "Program",
                "Programs",
                "Alternative",
                "Measure",
                "Unit",
                "Significance",
                "Identifier",
                "Notes",
            ):
                continue
            text = [v for v in table[head] if isinstance(v, str)]
            assert not text, (sheet, head, text[:3])
    by_program = _table(book[COST_BY_PROGRAM]).set_index("Program")
    cn = by_program.loc["Care Navigation"].iloc[0]
    assert pd.isna(cn["Police cost avoided ($ per year)"])
    assert "Care Navigation handles no 911 call" in cn["Notes"]
    crt = by_program.loc["Community Response Teams"].iloc[0]
    assert crt["FTE (full-time equivalents)"] > 0 and crt["Head count (people in all roles)"] > 0

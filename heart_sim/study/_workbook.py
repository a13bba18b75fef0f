"""comparison.xlsx: a comparison as a workbook budget staff can open and forward.

Sheets, in order: "Read me" (what was compared, how, and a definition of every column of
the other sheets), "Options" (the budget measures of each option with their 95% intervals,
sorted, and a chart of annual cost against diverted calls), "Cost by program" (each
scenario's cost parts per program), one summary sheet per scenario (every metric),
"Differences" (the paired differences, alternative minus base) and "Metrics" (the metric
catalog, with the identifiers the CSV files use).

Every number is the value of the CSV file it comes from (costs.csv, comparison.csv, each
scenario's summary.csv: ten significant digits), shown with a number format from the
metric catalog; where a value or an interval is missing, the cell says why in words.
Labels, units and descriptions come from the catalog; nothing here declares its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..core import PROGRAMS, __version__
from ..measure import (
    CATALOG,
    FLOAT_FORMAT,
    FORMAT_STYLE,
    MIN_REPS_FOR_INTERVAL,
    RATIO_WORDS,
    VIEWS,
    Format,
    fmt_format,
    header,
    metric,
    metric_catalog,
    people,
)
from ..scenario import Scenario

# --- sheet names -----------------------------------------------------------------------------

SHEET_NAME_MAX = 31  # Excel's limit, in UTF-16 code units
SHEET_NAME_FORBIDDEN = frozenset("[]:*?/\\")
_EXCEL_RESERVED = ("History",)  # Excel keeps this name for itself
ELLIPSIS = "\u2026"


def _width(text: str) -> int:
    """Length as Excel counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _clean_sheet_name(name: str) -> str:
    """No forbidden or control characters, no apostrophe or space at either end."""
    chars = [
        "_"
        if c in SHEET_NAME_FORBIDDEN
        or unicodedata.category(c) in ("Cc", "Cs")
        or c in "\ufffe\uffff"
        else c
        for c in str(name)
    ]
    text = re.sub(r"^[\s']+|[\s']+$", "", "".join(chars))
    return text or "Sheet"


def _shorten(name: str, width: int) -> str:
    """``name`` cut from the middle to at most ``width`` (an ellipsis marks the cut), so
    both the start and the end, where similar names usually differ, stay readable."""
    if _width(name) <= width:
        return name
    keep = width - 1
    while keep > 0:
        tail = keep // 2
        head = keep - tail
        text = name[:head] + ELLIPSIS + (name[len(name) - tail :] if tail else "")
        if _width(text) <= width:
            return text
        keep -= 1
    return ELLIPSIS


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """A sheet name for each of ``names``: at most 31 characters, none of ``[]:*?/\\``,
    distinct from each other and from ``reserved`` (ignoring case, as Excel does). A long
    name is shortened from the middle; a name that still collides is numbered (" (2)")."""
    taken = {n.casefold() for n in (*reserved, *_EXCEL_RESERVED)}
    out: list[str] = []
    for name in names:
        clean = _clean_sheet_name(name)
        text = _shorten(clean, SHEET_NAME_MAX)
        n = 1
        while text.casefold() in taken:
            n += 1
            suffix = f" ({n})"
            text = _shorten(clean, SHEET_NAME_MAX - len(suffix)) + suffix
        taken.add(text.casefold())
        out.append(text)
    return out


# --- what the workbook is written from -----------------------------------------------------


class Run(Protocol):
    """One scenario's results (``results.Results``)."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def seed(self) -> int: ...
    @property
    def reps(self) -> int: ...
    @property
    def summary(self) -> pd.DataFrame: ...


class Compared(Protocol):
    """A comparison (``results.Comparison``)."""

    @property
    def base(self) -> Run: ...
    @property
    def alts(self) -> Sequence[Run]: ...
    @property
    def costs(self) -> pd.DataFrame: ...
    @property
    def differences(self) -> pd.DataFrame: ...


# --- cells and tables ----------------------------------------------------------------------

README, OPTIONS, COST_BY_PROGRAM, COST_TOTALS, DIFFERENCES, METRICS = (
    "Read me",
    "Options",
    "Cost by program",
    "Cost, all programs",
    "Differences",
    "Metrics",
)
FIXED_SHEETS = (README, OPTIONS, COST_BY_PROGRAM, COST_TOTALS, DIFFERENCES, METRICS)
EACH_SCENARIO = "each scenario's sheet"

# Excel number formats by the catalog's display style (heart_sim.measure._formatting says the same
# in text): money in whole dollars, shares as percentages, counts with separators.
NUMBER_FORMATS = {
    "dollars": '"$"#,##0',
    "percent": "0.0%",
    "whole": "#,##0",
    "tenths": "0.0",
    "significant": "#,##0.00",
}
NOT_AVAILABLE = "n/a: the scenario does not report it"
NO_INTERVAL_WORDS = RATIO_WORDS["too_few_reps"]
OPTIONS_SORT = "diverted_per_year"
# The measures of the Options sheet: the catalog's options view and the two cost ratios.
OPTION_RATIOS = ("cost_per_diverted_call", "cost_per_heart_response")


def number_format(fmt: Format, signed: bool = False) -> str:
    """The Excel number format of a catalog format; ``signed``: + on positive numbers.
    Money under $100 shows its cents, as the reports do ($14.89, not $15)."""
    style = FORMAT_STYLE[fmt]
    code = NUMBER_FORMATS[style]
    if style == "dollars":
        cents = '"$"#,##0.00'
        up = "+" if signed else ""
        return f"[>=100]{up}{code};[<=-100]-{code};{cents}"
    return f"+{code};-{code};{code}" if signed else code


def csv_value(x: Any) -> Any:
    """A number as the CSV files hold it (ten significant digits), so that the workbook's
    values equal the CSVs'; NaN -> None."""
    if x is None or isinstance(x, str | bool):
        return x
    if isinstance(x, int):
        return x
    x = float(x)
    if math.isnan(x):
        return None
    return float(FLOAT_FORMAT % x)


@dataclass(frozen=True)
class Cell:
    """A value and how to show it: a catalog format (numbers), signed or not."""

    value: Any
    fmt: Format | None = None
    signed: bool = False
    code: str | None = None  # an explicit number format
    note: str = ""  # why a number cell is empty: said in the row's Notes column

    @property
    def number_format(self) -> str | None:
        if self.code is not None:
            return self.code
        if self.fmt is None or not isinstance(self.value, int | float):
            return None
        return number_format(self.fmt, self.signed)

    def shown_width(self) -> int:
        v = self.value
        if v is None:
            return 0
        if isinstance(v, bool):
            return 5
        if isinstance(v, int | float) and self.fmt is not None:
            return len(fmt_format(v, self.fmt, self.signed)) + 1
        if isinstance(v, int | float):
            return len(f"{v:,}")
        return max((len(line) for line in str(v).splitlines()), default=0)


@dataclass(frozen=True)
class Column:
    """A table's column and its definition for the Read me sheet."""

    heading: str
    description: str
    unit: str = ""
    label: str = ""
    max_width: int = 45


@dataclass
class Book:
    """The workbook being written and the definitions of the columns it used."""

    wb: Workbook
    definitions: dict[tuple[str, str], tuple[str, str, str]] = field(default_factory=dict)

    def define(
        self, sheet: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]] = ()
    ) -> None:
        """Define ``columns`` for the Read me sheet (and Notes, when ``rows`` gave one)."""
        columns, _ = _with_notes(columns, rows)
        for c in columns:
            self.definitions.setdefault((sheet, c.heading), (c.label, c.unit, c.description))


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


LINE_HEIGHT = 15.0  # points per line of 11-point text


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (words wrap whole,
    so a little more than length / width)."""
    return max(1, math.ceil(len(text) * 1.15 / max(width - 1, 1)))


def write_table(
    ws: Worksheet,
    top: int,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    freeze_columns: int = 1,
) -> int:
    """Headers at row ``top`` (bold, wrapped, frozen), the rows under them with their
    number formats, an autofilter, and columns as wide as their contents (long texts
    wrapped, their rows made tall enough); returns the last row written. A number column
    holds numbers only: where one is missing its cell is empty and a Notes column at the
    end of the row says why."""
    columns, rows = _with_notes(columns, rows)
    widths = []
    for j, col in enumerate(columns):
        words = max((len(w) for w in col.heading.split()), default=0)
        data = max((row[j].shown_width() for row in rows), default=0)
        width = max(data, words, math.ceil(len(col.heading) / 3), 8) + 2
        widths.append(min(width, col.max_width + 2))
        ws.column_dimensions[get_column_letter(j + 1)].width = widths[-1]
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, col in enumerate(columns, start=1):
        cell = ws.cell(row=top, column=j, value=col.heading)
        cell.font = bold
        cell.alignment = wrap
    # the filter button takes about two characters of the header
    lines = max(_lines(c.heading, w - 2) for c, w in zip(columns, widths))
    ws.row_dimensions[top].height = LINE_HEIGHT * lines
    for i, row in enumerate(rows, start=top + 1):
        lines = 1
        for j, c in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j, value=_text(c.value))
            code = c.number_format
            if code is not None:
                cell.number_format = code
            if isinstance(c.value, str) and c.shown_width() > widths[j - 1] - 2:
                cell.alignment = wrap
                lines = max(lines, _lines(c.value, widths[j - 1]))
        if lines > 1:
            ws.row_dimensions[i].height = LINE_HEIGHT * lines
    last = top + len(rows)
    end = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A{top}:{end}{max(last, top + 1)}"
    ws.freeze_panes = ws.cell(row=top + 1, column=freeze_columns + 1).coordinate
    return last


NOTES = Column(
    "Notes",
    "why a number cell of the row is empty (a ratio not defined, too few replications for "
    "an interval, a cost the scenario does not report)",
    max_width=60,
)


def _with_notes(
    columns: Sequence[Column], rows: Sequence[Sequence[Cell]]
) -> tuple[list[Column], list[list[Cell]]]:
    """The columns and rows with a Notes column added when some cell carries a note: per
    row, each reason once, with the columns it empties."""
    if not any(c.note for row in rows for c in row):
        return list(columns), [list(r) for r in rows]
    out = []
    for row in rows:
        why: dict[str, list[str]] = {}
        for col, c in zip(columns, row):
            if c.note:
                why.setdefault(c.note, []).append(col.heading)
        text = "; ".join(f"{', '.join(heads)}: {w}" for w, heads in why.items())
        out.append([*row, Cell(text or None)])
    return [*columns, NOTES], out


def as_text(wb: Workbook) -> None:
    """Every text cell written as text: a title or a name beginning with '=' (such as
    =HYPERLINK(...)) is shown as written, never made a live formula; heart-sim writes no
    formulas."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True  # Excel keeps it text when the cell is edited


# --- the values ---------------------------------------------------------------------------


def _lower(text: str) -> str:
    """'Annual cost' -> 'annual cost' in a sentence; 'HEART responses' stays."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _missing(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _bound_heading(name: str, side: str) -> str:
    """'Annual cost, 95% low ($ per year)' beside 'Annual cost ($ per year)'."""
    full = header(name)
    unit = f" ({metric(name).unit_label})"
    return f"{full.removesuffix(unit)}, 95% {side}{unit}"


def measure_cells(r: dict, name: str) -> list[Cell]:
    """A costs.csv row's mean and interval of ``name``; where the value or the interval is
    missing, the reason in words (a ratio's status, too few replications, or n/a)."""
    m = metric(name)
    signed = m.signed and m.kind == "comparison"
    status = r.get(f"{name}_status")
    words = RATIO_WORDS.get(status, "") if isinstance(status, str) else ""
    mean, lo, hi = r.get(name), r.get(f"{name}_ci_low"), r.get(f"{name}_ci_high")
    out = [
        Cell(None, note=words or NOT_AVAILABLE)
        if _missing(mean)
        else Cell(csv_value(mean), m.format, signed)
    ]
    for bound in (lo, hi):
        if not _missing(bound):
            out.append(Cell(csv_value(bound), m.format, signed))
        elif _missing(mean):
            out.append(Cell(None, note=words or NOT_AVAILABLE))
        else:
            out.append(Cell(None, note=words or NO_INTERVAL_WORDS))
    return out


def interval_cells(name: str, mean: Any, lo: Any, hi: Any, signed: bool = False) -> list[Cell]:
    """Mean, low, high of a summary or a difference; words where a number is missing."""
    m = CATALOG.get(name)
    fmt: Format = m.format if m else "number"
    if _missing(mean):
        return [Cell(None, note=NOT_AVAILABLE)] * 3
    out = [Cell(csv_value(mean), fmt, signed)]
    for bound in (lo, hi):
        out.append(
            Cell(None, note=NO_INTERVAL_WORDS)
            if _missing(bound)
            else Cell(csv_value(bound), fmt, signed)
        )
    return out


def option_measures() -> list[str]:
    """The Options sheet's measures: the options view, the cost ratios after the diverted
    calls."""
    names = list(VIEWS["options"])
    at = names.index("diverted_per_year") + 1 if "diverted_per_year" in names else len(names)
    extra = [n for n in OPTION_RATIOS if n not in names]
    return names[:at] + extra + names[at:]


def _measure_columns(name: str) -> list[Column]:
    m = metric(name)
    return [
        Column(header(name), m.description, m.unit_text, m.label, 24),
        Column(
            _bound_heading(name, "low"),
            f"lower end of the 95% interval of {_lower(m.label)}",
            m.unit_text,
            m.label,
            24,
        ),
        Column(
            _bound_heading(name, "high"),
            f"upper end of the 95% interval of {_lower(m.label)}",
            m.unit_text,
            m.label,
            24,
        ),
    ]


def _sort_key(value: Any, descending: bool) -> tuple[int, float]:
    if _missing(value) or isinstance(value, str):
        return (1, 0.0)
    return (0, -float(value) if descending else float(value))


SCENARIO_COLUMN = Column(
    "Scenario", "the scenario's name, in full (as its results folder and the CSV files name it)"
)


# --- the sheets -----------------------------------------------------------------------------


def options_order(sort_by: str, descending: bool) -> str:
    """How the Options sheet orders its rows, in words."""
    first = "highest" if descending else "lowest"
    return (
        f"the base first, then the alternatives by {_lower(metric(sort_by).label)}, {first} first"
    )


def _options(book: Book, comp: Compared, sort_by: str, descending: bool) -> None:
    ws = book.wb.create_sheet(OPTIONS)
    measures = option_measures()
    base = comp.base.scenario.name
    columns = [
        SCENARIO_COLUMN,
        Column("Role", "base: the scenario every alternative is compared with; alternative"),
        *(c for name in measures for c in _measure_columns(name)),
    ]
    records = comp.costs.to_dict("records")
    first = [r for r in records if r["scenario"] == base]
    others = sorted(
        (r for r in records if r["scenario"] != base),
        key=lambda r: _sort_key(r.get(sort_by), descending),
    )

    def cells(r: dict, name: str) -> list[Cell]:
        # The base against itself has no extras: blank, not "not defined".
        if r["scenario"] == base and metric(name).kind == "comparison":
            return [Cell(None), Cell(None), Cell(None)]
        return measure_cells(r, name)

    rows = [
        [
            Cell(str(r["scenario"])),
            Cell("base" if r["scenario"] == base else "alternative"),
            *(c for name in measures for c in cells(r, name)),
        ]
        for r in (*first, *others)
    ]
    last = write_table(ws, 1, columns, rows, freeze_columns=1)
    book.define(OPTIONS, columns, rows)
    _chart(ws, columns, last, measures)


def _chart(ws: Worksheet, columns: list[Column], last: int, measures: list[str]) -> None:
    """Annual cost against diverted calls per year, one point (a series) per scenario."""
    x_name, y_name = "diverted_per_year", "cost_total_annual"
    if x_name not in measures or y_name not in measures or last < 2:
        return
    headings = [c.heading for c in columns]
    x_col = headings.index(header(x_name)) + 1
    y_col = headings.index(header(y_name)) + 1
    chart = ScatterChart()
    chart.title = f"{metric(y_name).label} against {_lower(metric(x_name).label)}"
    chart.style = 13
    chart.x_axis.title = metric(x_name).axis_label
    chart.y_axis.title = metric(y_name).axis_label
    chart.x_axis.number_format = NUMBER_FORMATS["whole"]
    chart.y_axis.number_format = NUMBER_FORMATS["dollars"]
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.majorGridlines = None
    chart.x_axis.axPos = "b"
    chart.legend.position = "b"
    chart.width, chart.height = 24, 13
    for row in range(2, last + 1):
        xs = Reference(ws, min_col=x_col, min_row=row)
        ys = Reference(ws, min_col=y_col, min_row=row)
        series = Series(ys, xs, title=str(ws.cell(row=row, column=1).value))
        series.marker.symbol = "circle"
        series.marker.size = 9
        series.graphicalProperties.line.noFill = True
        chart.series.append(series)
    ws.add_chart(chart, f"A{last + 4}")


def _positions(scenario: Scenario) -> pd.DataFrame:
    """FTE and head count per program, by the workforce arithmetic optimize uses (programs
    with a cost block; the others are absent)."""
    staff = people(scenario)
    return staff.groupby("program")[["fte", "head_count"]].sum()


def _cost_columns(first: Column) -> list[Column]:
    """The columns of the two cost sheets after the scenario and ``first``."""
    unit = CATALOG["cost_total_annual"].unit_text
    money = CATALOG["cost_total_annual"].unit_label

    def part_text(part: str) -> str:  # the catalog's words, without the program's name
        return CATALOG[f"crt_{part}_cost_annual"].description.split(": ", 1)[-1]

    return [
        SCENARIO_COLUMN,
        first,
        *(
            Column(
                f"{part.capitalize()} cost ({metric('cost_total_annual').unit_label})",
                part_text(part),
                unit,
                f"{part} cost",
            )
            for part in COST_PARTS
        ),
        Column(
            f"Total annual cost ({money})",
            "the program's staff, overtime, fixed and mileage costs (on the totals sheet: "
            + CATALOG["cost_total_annual"].description
            + ")",
            unit,
            CATALOG["cost_total_annual"].label,
        ),
        Column(
            f"Police cost avoided ({money})",
            "the calls the program handled (CCD resolved by phone, CRT or CoR served), "
            "priced at the officer time a call sent to police takes (police_hours_per_call x "
            "police_cost_per_hour); Care Navigation handles no 911 call",
            unit,
            CATALOG["police_cost_avoided_annual"].label,
        ),
        Column(
            f"FTE ({CATALOG['fte'].unit_label})",
            CATALOG["fte"].description + " (per program: the same workforce arithmetic)",
            CATALOG["fte"].unit_text,
            CATALOG["fte"].label,
        ),
        Column(
            f"Head count ({CATALOG['head_count'].unit_label})",
            CATALOG["head_count"].description + " (per program: the same workforce arithmetic)",
            CATALOG["head_count"].unit_text,
            CATALOG["head_count"].label,
        ),
    ]


COST_PARTS = ("staff", "overtime", "fixed", "mileage")
NO_911_CALLS = "Care Navigation handles no 911 call, so it avoids no police cost"
NO_COST_BLOCK = "the program has no cost block, so its people are not counted"


def _cost_by_program(book: Book, runs: Sequence[Run]) -> None:
    """Two sheets: each program's cost parts, police cost avoided, FTE and head count (one
    row per scenario and program, so a column's sum over one scenario is its total), and
    the totals over all programs on a sheet of their own (never mixed with program rows
    under one filter, where a column's sum would count each scenario twice)."""
    ws = book.wb.create_sheet(COST_BY_PROGRAM)
    columns = _cost_columns(Column("Program", "the HEART program"))
    totals_columns = _cost_columns(Column("Programs", "all programs: the sum of their rows"))
    rows: list[list[Cell]] = []
    totals: list[list[Cell]] = []
    for run in runs:
        means = run.summary.set_index("metric")["mean"]
        staff = _positions(run.scenario)

        def value(name: str, means: pd.Series = means) -> Cell:
            x = means.get(name)
            return Cell(None, note=NOT_AVAILABLE) if _missing(x) else Cell(csv_value(x), "money")

        def positions(p: str, staff: pd.DataFrame = staff) -> list[Cell]:
            if p not in staff.index:
                return [Cell(None, note=NO_COST_BLOCK), Cell(None, note=NO_COST_BLOCK)]
            fte, count = float(staff.at[p, "fte"]), int(staff.at[p, "head_count"])  # type: ignore[arg-type]
            return [Cell(csv_value(fte), CATALOG["fte"].format), Cell(count, code="#,##0")]

        name = run.scenario.name
        for p in PROGRAMS:
            avoided = f"{p}_police_cost_avoided_annual"
            rows.append(
                [
                    Cell(name),
                    Cell(p.full_name),
                    *(value(f"{p}_{part}_cost_annual") for part in COST_PARTS),
                    value(f"{p}_cost_annual"),
                    value(avoided) if avoided in CATALOG else Cell(None, note=NO_911_CALLS),
                    *positions(p.value),
                ]
            )
        parts = []
        for part in COST_PARTS:
            xs = [means.get(f"{p}_{part}_cost_annual") for p in PROGRAMS]
            ok = all(not _missing(x) for x in xs)
            parts.append(
                Cell(csv_value(sum(xs)), "money") if ok else Cell(None, note=NOT_AVAILABLE)
            )
        totals.append(
            [
                Cell(name),
                Cell("All programs"),
                *parts,
                value("cost_total_annual"),
                value("police_cost_avoided_annual"),
                Cell(csv_value(float(staff["fte"].sum())), CATALOG["fte"].format),
                Cell(int(staff["head_count"].sum()), code="#,##0"),
            ]
        )
    write_table(ws, 1, columns, rows, freeze_columns=2)
    book.define(COST_BY_PROGRAM, columns, rows)
    ws_totals = book.wb.create_sheet(COST_TOTALS)
    write_table(ws_totals, 1, totals_columns, totals, freeze_columns=2)
    book.define(COST_TOTALS, totals_columns, totals)


def _summary_columns() -> list[Column]:
    return [
        Column("Measure", "the metric's label (the Metrics sheet describes each)", max_width=50),
        Column("Unit", "the metric's unit"),
        Column("Mean", "mean over the replications"),
        Column("95% low", "lower end of the 95% interval of the mean"),
        Column("95% high", "upper end of the 95% interval of the mean"),
        Column("Replications", "replications that gave the metric a value"),
        Column("Identifier", "the metric's name in summary.csv and on the Metrics sheet"),
    ]


def _scenario_sheet(book: Book, sheet: str, run: Run, role: str) -> None:
    ws = book.wb.create_sheet(sheet)
    s = run.scenario
    ws["A1"] = s.name
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"{role}; {run.reps} replications, seed {run.seed}; its description is on {README}"
    columns = _summary_columns()
    rows = []
    for r in run.summary.to_dict("records"):
        name = str(r["metric"])
        m = CATALOG.get(name)
        rows.append(
            [
                Cell(m.label if m else name),
                Cell(m.unit_text if m else ""),
                *interval_cells(name, r["mean"], r["ci_low"], r["ci_high"]),
                Cell(int(r["n_reps"]), code="0"),
                Cell(name),
            ]
        )
    write_table(ws, 4, columns, rows, freeze_columns=1)
    book.define(EACH_SCENARIO, columns, rows)


def _differences(book: Book, comp: Compared) -> None:
    ws = book.wb.create_sheet(DIFFERENCES)
    base = comp.base.scenario.name
    columns = [
        Column("Alternative", "the alternative scenario's name, in full"),
        Column("Measure", "the metric's label (the Metrics sheet describes each)", max_width=50),
        Column("Unit", "the metric's unit (a difference of shares is in percentage points)"),
        Column("Base", f"the metric's mean in the base scenario, {base}"),
        Column("Alternative value", "the metric's mean in the alternative"),
        Column("Difference", "alternative minus base, the mean of the paired differences"),
        Column("Difference, 95% low", "lower end of the 95% t-interval of the difference"),
        Column("Difference, 95% high", "upper end of the 95% t-interval of the difference"),
        Column(
            "Significance",
            "significant: the interval excludes zero; not significant; identical: every "
            "paired difference is exactly zero; too few replications",
        ),
        Column("Identifier", "the metric's name in comparison.csv and on the Metrics sheet"),
    ]
    rows = []
    for r in comp.differences.to_dict("records"):
        name = str(r["metric"])
        m = CATALOG.get(name)
        rows.append(
            [
                Cell(str(r["scenario"])),
                Cell(m.label if m else name),
                Cell(m.unit_text if m else ""),
                *interval_cells(name, r["base_mean"], math.nan, math.nan)[:1],
                *interval_cells(name, r["alt_mean"], math.nan, math.nan)[:1],
                *interval_cells(name, r["diff_mean"], r["diff_ci_low"], r["diff_ci_high"], True),
                Cell(str(r["significance"])),
                Cell(name),
            ]
        )
    write_table(ws, 1, columns, rows, freeze_columns=2)
    book.define(DIFFERENCES, columns, rows)


_METRIC_COLUMNS = {
    "metric": ("Identifier", "the metric's name in the CSV files (summary.csv, costs.csv, ...)"),
    "label": ("Label", "what the tables call it"),
    "unit": ("Unit", "its unit, short"),
    "format": ("Format", "how its numbers are shown: money, share, count, rate, hours, ..."),
    "description": ("Description", "what it measures"),
    "higher_is_better": ("Higher is better", "TRUE or FALSE; neither: a volume"),
    "program": ("Program", "the program it belongs to (empty: the whole system)"),
    "kind": ("Kind", "run: in each scenario's summary.csv; comparison: in costs.csv"),
}


def _metrics(book: Book) -> None:
    ws = book.wb.create_sheet(METRICS)
    # The catalog's own columns for a reader; which report view shows a metric is the
    # software's business, not the reader's, and stays out.
    cat = metric_catalog().reset_index()
    columns = [
        Column(head, text, max_width=70 if key == "description" else 40)
        for key, (head, text) in _METRIC_COLUMNS.items()
    ]
    rows = []
    for r in cat.to_dict("records"):
        cells = []
        for key in _METRIC_COLUMNS:
            v = r[key]
            if key == "higher_is_better" and _missing(v):
                v = "neither"
            elif key == "unit":
                v = str(v)
            elif _missing(v):
                v = None
            cells.append(Cell(bool(v) if isinstance(v, bool) else v))
        rows.append(cells)
    write_table(ws, 1, columns, rows, freeze_columns=1)
    book.define(METRICS, columns, rows)


def _dates(s: Scenario) -> str:
    if s.start_date is None:
        return "not dated (no start_date: an unnamed week starting on a Monday)"
    last = s.start_date + dt.timedelta(weeks=s.horizon_weeks, days=-1)
    return f"{s.start_date.isoformat()} to {last.isoformat()}"


README_WIDTHS = (22, 42, 34, 40, 70, 14, 14, 26)


def _readme(
    book: Book,
    ws: Worksheet,
    comp: Compared,
    sheets: dict[str, str],
    written: dt.date,
    order: str,
) -> None:
    runs = [comp.base, *comp.alts]
    row = _readme_facts(ws, comp, runs, written)
    row, merged = _readme_notes(ws, row + 1)
    row = _readme_scenarios(ws, row + 1, runs, comp.base, sheets)
    row = _readme_sheets(ws, row + 2, sheets, order)
    row = _readme_columns(ws, row + 2, book)
    _readme_fit(ws, merged)


_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _heading(ws: Worksheet, row: int, text: str) -> int:
    """A section heading of the Read me sheet at ``row``; returns the row below it."""
    ws.cell(row=row, column=1, value=text).font = Font(bold=True, size=12)
    return row + 1


def _readme_facts(ws: Worksheet, comp: Compared, runs: list[Run], written: dt.date) -> int:
    """The title and the facts every scenario shares; returns the row after the last."""
    base = comp.base
    alts = ", ".join(a.scenario.name for a in comp.alts)
    ws["A1"] = f"heart-sim comparison: {alts} against {base.scenario.name}"
    ws["A1"].font = Font(bold=True, size=14)
    facts = [
        ("Base scenario", base.scenario.name),
        ("Alternatives", alts),
        ("Seed", base.seed),
        ("Replications", base.reps),
        ("Warm-up weeks", _same(r.scenario.warmup_weeks for r in runs)),
        ("Measured weeks", _same(r.scenario.horizon_weeks for r in runs)),
        ("Measured dates", _same(_dates(r.scenario) for r in runs)),
        ("Written", written.isoformat()),
        ("heart-sim version", __version__),
    ]
    row = 3
    for key, value in facts:
        ws.cell(row=row, column=1, value=key).font = _BOLD
        ws.cell(row=row, column=2, value=value).alignment = Alignment(horizontal="left")
        row += 1
    return row


def _readme_notes(ws: Worksheet, row: int) -> tuple[int, set[int]]:
    """'How to read it' from ``row``: one merged, wrapped row per note. Returns the row
    after the last and the merged rows (their heights are set here)."""
    row = _heading(ws, row, "How to read it")
    words = [w for k, w in RATIO_WORDS.items() if k != "ok"]
    notes = [
        "Every number is a mean over the replications. A difference, and every 'extra' "
        "column, is the alternative minus the base, paired by replication: all scenarios run "
        "with common random numbers (replication r of each sees the same calls), so the "
        "noise they share cancels.",
        "Intervals are 95%. For a mean: a t-interval, kept to the values the quantity can "
        "take (no count, time or cost below zero, no share above 100%). For a ratio (cost per "
        "diverted call, cost per HEART response, marginal cost per extra diverted call): "
        f"Fieller's interval. With fewer than {MIN_REPS_FOR_INTERVAL} replications there is "
        "no interval.",
        "Number columns hold numbers only. Where a number is missing its cell is empty and "
        "the row's Notes column says why: "
        + "; ".join(f"'{w}'" for w in words)
        + f"; '{NOT_AVAILABLE}'.",
        "Annual figures are the measured weeks scaled to 52 weeks. Money is in dollars a "
        "year unless the unit says $ (per call).",
        "The values are those of costs.csv, comparison.csv and each scenario's summary.csv "
        "(ten significant digits); cells only show them rounded.",
    ]
    merged = set()
    for text in notes:
        ws.cell(row=row, column=1, value=text).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=6)
        ws.row_dimensions[row].height = LINE_HEIGHT * _lines(text, sum(README_WIDTHS[:6]))
        merged.add(row)
        row += 1
    return row, merged


def _readme_scenarios(
    ws: Worksheet, row: int, runs: list[Run], base: Run, sheets: dict[str, str]
) -> int:
    """The Scenarios table from ``row``: one row per scenario. Returns its last row."""
    row = _heading(ws, row, "Scenarios")
    top = row
    scen_head = [
        "Role",
        "Scenario",
        "Sheet",
        "Title",
        "Description",
        "Warm-up weeks",
        "Measured weeks",
        "Measured dates",
    ]
    for j, h in enumerate(scen_head, start=1):
        c = ws.cell(row=row, column=j, value=h)
        c.font = _BOLD
        c.alignment = _WRAP
    for r in runs:
        row += 1
        s = r.scenario
        values = [
            "base" if r is base else "alternative",
            s.name,
            sheets[s.name],
            s.title,
            " ".join(s.description.split()),
            s.warmup_weeks,
            s.horizon_weeks,
            _dates(s),
        ]
        for j, v in enumerate(values, start=1):
            ws.cell(row=row, column=j, value=v).alignment = _WRAP
    _add_table(ws, "Scenarios", top, row, len(scen_head))
    return row


def _readme_sheets(ws: Worksheet, row: int, sheets: dict[str, str], order: str) -> int:
    """The Sheets table from ``row``: what each sheet holds. Returns its last row."""
    row = _heading(ws, row, "Sheets")
    top = row
    for j, h in enumerate(("Sheet", "What it holds"), start=1):
        c = ws.cell(row=row, column=j, value=h)
        c.font = _BOLD
    holds = {
        OPTIONS: "each option's budget measures with their 95% intervals, "
        f"{order}; and a chart of annual cost against diverted calls",
        COST_BY_PROGRAM: "each scenario's annual cost per program in parts (staff, overtime, "
        "fixed, mileage), its total, the police cost it avoids, and the FTE and head count "
        "its shifts need (program rows only: a column's sum over a scenario is its total)",
        COST_TOTALS: "each scenario's totals over all programs, on a sheet of their own so "
        "that no filter or sum mixes them with the program rows",
        **{
            sheet: f"every metric of {name}, with its 95% interval"
            for name, sheet in sheets.items()
        },
        DIFFERENCES: "each alternative minus the base, paired by replication, for the "
        "headline metrics",
        METRICS: "the metric catalog: every metric's identifier (as in the CSV files), label, "
        "unit and description",
    }
    for sheet, text in holds.items():
        row += 1
        ws.cell(row=row, column=1, value=sheet)
        ws.cell(row=row, column=2, value=text).alignment = _WRAP
    _add_table(ws, "Sheets", top, row, 2)
    return row


def _readme_columns(ws: Worksheet, row: int, book: Book) -> int:
    """The Columns table from ``row``: every column the other sheets define. Returns its
    last row."""
    row = _heading(ws, row, "Columns")
    top = row
    def_head = ["Sheet", "Column", "Label", "Unit", "Description"]
    for j, h in enumerate(def_head, start=1):
        c = ws.cell(row=row, column=j, value=h)
        c.font = _BOLD
    for (sheet, heading), (label, unit, text) in book.definitions.items():
        row += 1
        for j, v in enumerate((sheet, heading, label, unit, text), start=1):
            ws.cell(row=row, column=j, value=v).alignment = _WRAP
    _add_table(ws, "Columns", top, row, len(def_head))
    return row


def _readme_fit(ws: Worksheet, merged: set[int]) -> None:
    """Column widths, and each row (but the merged ones) tall enough for its wrapped text."""
    for j, width in enumerate(README_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    for cells in ws.iter_rows(min_row=3):
        wrapped = [
            _lines(str(c.value), README_WIDTHS[c.column - 1])
            for c in cells
            if c.value is not None and c.alignment.wrap_text and c.column <= len(README_WIDTHS)
        ]
        if cells[0].row not in merged and max(wrapped, default=1) > 1:
            ws.row_dimensions[cells[0].row].height = LINE_HEIGHT * max(wrapped)


def _same(values: Iterable[Any]) -> Any:
    """The value all scenarios share, or 'differs by scenario (see Scenarios)'."""
    distinct = list(dict.fromkeys(values))
    return distinct[0] if len(distinct) == 1 else "differs by scenario (see Scenarios below)"


def _add_table(ws: Worksheet, name: str, top: int, last: int, width: int) -> None:
    """An Excel table (filter buttons, banded rows) over a block of the Read me sheet."""
    ref = f"A{top}:{get_column_letter(width)}{max(last, top + 1)}"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(table)


# --- the workbook ---------------------------------------------------------------------------


def build_workbook(
    comp: Compared,
    sort_by: str = OPTIONS_SORT,
    descending: bool = True,
    written: dt.date | None = None,
) -> Workbook:
    """The comparison as an openpyxl Workbook (see the module docstring); the Options
    sheet lists the alternatives by ``sort_by`` (a measure it shows), highest first unless
    ``descending`` is False."""
    measures = option_measures()
    if sort_by not in measures:
        raise ValueError(f"sort_by must be one of {', '.join(measures)}, not {sort_by!r}")
    runs: list[Run] = [comp.base, *comp.alts]
    names = [r.scenario.name for r in runs]
    if len(set(names)) != len(names):
        raise ValueError(f"scenario names must differ: {names}")
    sheets = dict(zip(names, sheet_names(names, reserved=FIXED_SHEETS)))
    wb = Workbook()
    readme = wb.active
    assert readme is not None
    readme.title = README
    book = Book(wb)
    _options(book, comp, sort_by, descending)
    _cost_by_program(book, runs)
    for r in runs:
        role = "Base scenario" if r is comp.base else f"Alternative to {comp.base.scenario.name}"
        _scenario_sheet(book, sheets[r.scenario.name], r, role)
    _differences(book, comp)
    _metrics(book)
    order = options_order(sort_by, descending)
    _readme(book, readme, comp, sheets, written or dt.date.today(), order)
    as_text(wb)
    return wb


def write_workbook(
    path: Path | str,
    comp: Compared,
    sort_by: str = OPTIONS_SORT,
    descending: bool = True,
) -> None:
    """Write comparison.xlsx to ``path`` (see ``build_workbook``)."""
    build_workbook(comp, sort_by, descending).save(Path(path))

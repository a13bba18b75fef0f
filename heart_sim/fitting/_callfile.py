"""Reading a CAD / dispatch export for ``heart-sim fit``: one row per call, columns named as
the export names them, local timestamps in the common forms.

``read_calls`` reads a CSV (also ``.csv.gz``) or an Excel workbook, finds the columns the
user named (exactly, else ignoring case and spaces), and parses each timestamp column with
``parse_times``. Every stamp that cannot be used gets a reason -- blank, a placeholder (a CAD
sentinel such as -9999, a date before 1950 such as 1900-01-01, a date with no time, a
00:00:00 stamp in a column that records seconds) -- and is counted, never dropped silently.
A stamp that is none of these and matches no accepted form is an error that names the
file, the column, how many rows and three of them.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core import HeartSimError, ScenarioError
from ..scenario import read_yaml


class FitError(HeartSimError):
    """Call records that cannot be read or fitted as asked (names the file and the column)."""


# Tried in this order after the order of how many of a sample each form reads.
TIME_FORMATS: tuple[str, ...] = (
    "ISO8601",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%y %H:%M:%S",
    "%m/%d/%y %H:%M",
    "%m/%d/%y %I:%M:%S %p",
    "%m/%d/%y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
)
DATE_FORMATS = ("ISO8601", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%d-%b-%Y")
ACCEPTED = (
    "accepted: ISO (2018-05-01 14:05[:30], 2018-05-01T14:05:30), MM/DD/YYYY HH:MM[:SS] "
    "(24-hour or with AM/PM), MM/DD/YY HH:MM[:SS], YYYY/MM/DD HH:MM[:SS], DD-Mon-YYYY "
    "HH:MM[:SS]; or force one with --time-format (strftime codes, e.g. '%d/%m/%Y %H:%M')"
)
EARLIEST_YEAR = 1950  # earlier dates are placeholders (1900-01-01, Excel's 1899-12-30)
_SENTINEL = re.compile(
    r"^(?:-\d+(?:\.\d+)?|0+|9{3,}(?:\.0+)?|null|none|nan|nat|n/?a|#n/a|-+|\?+|"
    r"(?:9999|0000)\D.*)$",
    re.IGNORECASE,
)
_HAS_TIME = r"\d:\d\d"
_OFFSET = r"(?:Z|[+-]\d\d:?\d\d)$"

# Reasons a stamp is not used (the values of ``TimeColumn.why``).
BLANK = "blank"
SENTINEL = "placeholder (a sentinel such as -9999)"
EARLY = f"placeholder (a date before {EARLIEST_YEAR} or after 2261, such as 1900-01-01)"
DATE_ONLY = "placeholder (a date with no time)"
MIDNIGHT = "placeholder (00:00:00)"


@dataclass(frozen=True)
class DurationSpec:
    """A duration from two timestamp columns, and the name it is written under."""

    start: str
    end: str
    name: str

    @classmethod
    def parse(cls, text: str) -> DurationSpec:
        """'START_COL:END_COL[:NAME]' (NAME: a key path such as crt.on_scene_time)."""
        parts = [p.strip() for p in str(text).split(":")]
        if len(parts) not in (2, 3) or not all(parts):
            raise FitError(
                f"--duration {text!r}: expected START_COL:END_COL or START_COL:END_COL:NAME "
                "(NAME a key path such as crt.on_scene_time)"
            )
        name = parts[2] if len(parts) == 3 else f"{parts[0]}_to_{parts[1]}"
        return cls(parts[0], parts[1], name)


@dataclass(frozen=True)
class Columns:
    """Which columns of the export hold what (names as the export has them)."""

    time: str
    type: str | None = None
    zone: str | None = None
    durations: tuple[DurationSpec, ...] = ()
    time_format: str | None = None


def read_columns_file(path: Path) -> dict[str, Any]:
    """A small YAML mapping of column names: ``time:``, ``type:``, ``zone:``,
    ``durations:`` (a list of 'START:END[:NAME]' or ``{start, end, name}``), and
    ``time_format:``. Returns the keys given, ready for ``Columns``."""
    data = read_small_yaml(path, "--columns")
    allowed = {"time", "type", "zone", "durations", "time_format"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise FitError(f"{path}: unknown key(s) {unknown}; allowed: {', '.join(sorted(allowed))}")
    out: dict[str, Any] = {
        k: str(data[k]) for k in ("time", "type", "zone", "time_format") if k in data
    }
    specs = []
    for item in data.get("durations") or []:
        if isinstance(item, Mapping):
            start, end = str(item.get("start", "")), str(item.get("end", ""))
            name = item.get("name") or f"{start}_to_{end}"
            specs.append(DurationSpec.parse(f"{start}:{end}:{name}"))
        else:
            specs.append(DurationSpec.parse(str(item)))
    if specs:
        out["durations"] = tuple(specs)
    return out


def read_small_yaml(path: Path, option: str) -> dict[str, Any]:
    """A YAML mapping file given to an option; errors name the file and the option."""
    try:
        data = read_yaml(Path(path))  # bounded as every YAML file heart-sim reads
    except ScenarioError as err:
        why = "; ".join(f"{where + ': ' if where else ''}{what}" for _, where, what in err.problems)
        raise FitError(f"{path}: cannot read it ({option}): {why}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FitError(f"{path}: expected a mapping (key: value lines) ({option})")
    return data


@dataclass
class TimeColumn:
    """A parsed timestamp column: the times (NaT where unusable) and why each is unusable
    ('' where usable)."""

    times: pd.Series
    why: pd.Series


@dataclass
class CallFile:
    """The rows of an export, with the columns asked for parsed."""

    path: Path
    rows: int
    time: TimeColumn
    nature: pd.Series | None = None
    zone: pd.Series | None = None
    durations: dict[str, tuple[DurationSpec, TimeColumn, TimeColumn]] = field(default_factory=dict)

    def time_dropped(self) -> dict[str, int]:
        """Rows without a usable call time, by reason."""
        return _counts(self.time.why)


def _counts(why: pd.Series) -> dict[str, int]:
    counts = why[why != ""].value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _read_header(path: Path) -> list[str]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return [str(c) for c in pd.read_excel(path, nrows=0, engine="openpyxl").columns]
    return [str(c) for c in _read_csv(path, nrows=0).columns]


def _read_csv(path: Path, **kw: Any) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=encoding, low_memory=False, **kw
            )
        except UnicodeDecodeError:
            continue
    raise FitError(f"{path}: cannot read it as text (neither UTF-8 nor Latin-1)")


def find_column(header: list[str], name: str, option: str, path: Path) -> str:
    """The export's column called ``name``: exactly, else ignoring case, spaces and
    underscores; else an error listing the columns there are."""
    if name in header:
        return name

    def key(text: str) -> str:
        return re.sub(r"[\s_]+", "", text).lower()

    loose = [c for c in header if key(c) == key(name)]
    if len(loose) == 1:
        return loose[0]
    close = difflib.get_close_matches(name, header, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    shown = ", ".join(repr(c) for c in header[:30]) + (", ..." if len(header) > 30 else "")
    raise FitError(f"{path}: no column {name!r} ({option}){hint} (columns: {shown})")


def check_time_format(fmt: str) -> None:
    """Refuse a --time-format pandas cannot use (a stray %, an unknown code, no code at all)
    before the export is read, in one line with the accepted form."""
    why = ""
    if "%" not in fmt:
        why = "it has no strftime codes"
    else:
        try:
            pd.to_datetime(pd.Series(["2000-01-01 00:00"]), format=fmt, errors="coerce")
        except (ValueError, re.error) as err:
            why = str(err).splitlines()[0] if str(err) else "pandas cannot read with it"
    if why:
        raise FitError(
            f"--time-format {fmt!r}: not a timestamp form ({why}); write it with strftime "
            "codes, e.g. '%d/%m/%Y %H:%M' or '%m/%d/%Y %I:%M %p' (%Y year, %m month, %d day, "
            "%H hour 0-23, %I hour 1-12 with %p AM/PM, %M minute, %S second)"
        )


_ZIP_MAGIC = b"PK\x03\x04"


def _check_kind(path: Path) -> None:
    """The file is what its name says: a workbook named .xlsx is a zip; a CSV is not."""
    with open(path, "rb") as f:
        head = f.read(4)
    workbook = path.suffix.lower() in (".xlsx", ".xlsm")
    if workbook and head != _ZIP_MAGIC:
        raise FitError(
            f"{path}: named {path.suffix} but it is not an Excel workbook (it reads as "
            f"{'an empty file' if not head else 'text, such as a CSV export'}); rename it "
            ".csv if it is one, or save it from Excel as .xlsx"
        )
    if not workbook and head == _ZIP_MAGIC:
        raise FitError(
            f"{path}: named {path.suffix or 'without an extension'} but it is a zip file "
            "(an Excel workbook?); rename it .xlsx if it is one, or export it as CSV"
        )


def read_calls(path: Path, columns: Columns) -> CallFile:
    """Read the export and parse the columns named in ``columns``."""
    path = Path(path)
    if not path.is_file():
        raise FitError(f"{path}: file not found")
    if columns.time_format:
        check_time_format(columns.time_format)
    try:
        _check_kind(path)
        header = _read_header(path)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise FitError(f"{path}: cannot read it: {str(err).splitlines()[0]}") from None
    wanted: dict[str, str] = {"time": find_column(header, columns.time, "--time-column", path)}
    if columns.type:
        wanted["type"] = find_column(header, columns.type, "--type-column", path)
    if columns.zone:
        wanted["zone"] = find_column(header, columns.zone, "--zone-column", path)
    for i, spec in enumerate(columns.durations):
        wanted[f"start{i}"] = find_column(header, spec.start, f"--duration {spec.name}", path)
        wanted[f"end{i}"] = find_column(header, spec.end, f"--duration {spec.name}", path)
    names = sorted(set(wanted.values()))
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, usecols=names, engine="openpyxl")
            frame = frame.fillna("")
        else:
            frame = _read_csv(path, usecols=names)
    except (OSError, ValueError, zipfile.BadZipFile) as err:
        raise FitError(f"{path}: cannot read it: {str(err).splitlines()[0]}") from None
    frame = frame.reset_index(drop=True)
    fmt = columns.time_format
    calls = CallFile(
        path=path,
        rows=len(frame),
        time=parse_times(frame[wanted["time"]], fmt, path, wanted["time"]),
    )
    if "type" in wanted:
        calls.nature = _text(frame[wanted["type"]])
    if "zone" in wanted:
        calls.zone = _text(frame[wanted["zone"]])
    for i, spec in enumerate(columns.durations):
        start = parse_times(frame[wanted[f"start{i}"]], fmt, path, wanted[f"start{i}"])
        end = parse_times(frame[wanted[f"end{i}"]], fmt, path, wanted[f"end{i}"])
        calls.durations[spec.name] = (spec, start, end)
    return calls


def _text(raw: pd.Series) -> pd.Series:
    """A text column with surrounding spaces removed and runs of spaces made one (done on
    the distinct values, so a few hundred natures cost nothing however many rows)."""
    codes, uniques = pd.factorize(raw.astype(str))
    clean = pd.Series(uniques).str.strip().str.replace(r"\s+", " ", regex=True).to_numpy()
    return pd.Series(clean[codes] if len(codes) else [], index=raw.index, dtype=object)


def _order(sample: pd.Series, formats: tuple[str, ...]) -> list[str]:
    """The formats by how many of the sample each reads, most first (ties: list order)."""
    hits = []
    for i, f in enumerate(formats):
        n = int(_to_datetime(sample, f).notna().sum())
        hits.append((-n, i, f))
    return [f for n, _, f in sorted(hits) if n < 0] + [f for n, _, f in sorted(hits) if n == 0]


def _to_datetime(text: pd.Series, fmt: str) -> pd.Series:
    """``pd.to_datetime`` with NaT for what ``fmt`` does not read; a UTC offset is dropped
    (the clock time written is the local one)."""
    try:
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    except ValueError:  # stamps with different UTC offsets, or some with and some without
        bare = text.str.replace(_OFFSET, "", regex=True).str.strip()
        parsed = pd.to_datetime(bare, format=fmt, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _parse(text: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    """Each string parsed by the first of ``formats`` that reads it (NaT if none does), and
    which read as a year outside 1678-2261 (-9999 reads as the year -9999 in ISO form)."""
    times = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    outside = pd.Series(False, index=text.index)
    left = text
    for f in formats:
        parsed = _to_datetime(left, f)
        ok = parsed.notna()
        far = ok & ((parsed.dt.year < 1678) | (parsed.dt.year > 2261))
        if far.any():
            outside[far[far].index] = True
            ok &= ~far
        if ok.any():
            times[ok[ok].index] = parsed[ok].astype("datetime64[ns]")
        left = left[~ok & ~far]
        if left.empty:
            break
    return times, outside


def parse_times(
    raw: pd.Series, fmt: str | None = None, path: Path | str = "", column: str = ""
) -> TimeColumn:
    """Parse local timestamps in the accepted forms (or ``fmt``); classify the unusable.

    A trailing UTC offset (Z, -05:00) is dropped: the clock time written is the local one.
    Raises FitError naming the file, the column, the count and three examples when some
    stamp is not blank, not a placeholder and not in any accepted form. Vectorised: every
    stamp is parsed in C by the forms in the order a sample prefers; only the few left
    over are looked at one by one."""
    text = raw.astype(str).str.strip()
    n = len(text)
    why = pd.Series("", index=text.index, dtype=object)
    filled = text[text.ne("")]
    formats = [fmt] if fmt else _order(filled.iloc[:: max(1, len(filled) // 1000)], TIME_FORMATS)
    parsed, outside = _parse(filled, formats)
    times = parsed.reindex(text.index)
    far = outside.reindex(text.index, fill_value=False)
    if far.any():  # a year outside 1678-2261: a sentinel (-9999) or a placeholder date
        sentinel = text[far].str.fullmatch(_SENTINEL)
        why[sentinel[sentinel].index] = SENTINEL
        why[sentinel[~sentinel].index] = EARLY
    midnight = times.notna() & times.eq(times.dt.normalize())
    if midnight.any():  # a date alone parses as midnight: it has no time
        dates = pd.Series(False, index=text.index)
        dates[midnight] = ~text[midnight].str.contains(_HAS_TIME, regex=True)
        why[dates] = DATE_ONLY
        times[dates] = pd.NaT
    left = times.isna() & why.eq("")
    why[left & text.eq("")] = BLANK
    rest = text[left & text.ne("")]
    if len(rest):
        sentinel = rest.str.fullmatch(_SENTINEL)
        why[sentinel[sentinel].index] = SENTINEL
        rest = rest[~sentinel]
        dated = pd.Series(False, index=rest.index)
        for f in DATE_FORMATS:
            dated |= pd.to_datetime(rest, format=f, errors="coerce").notna()
        why[dated[dated].index] = DATE_ONLY
        bad = rest.index[~dated.to_numpy()]
        if len(bad):
            examples = ", ".join(f"row {i + 2} {text[i]!r}" for i in bad[:3])
            how = f"the form {fmt!r} (--time-format)" if fmt else "any accepted form"
            raise FitError(
                f"{path}: column {column!r}: {len(bad):,} of {n:,} timestamps are not in "
                f"{how}, e.g. {examples}; {ACCEPTED}"
            )
    early = times.notna() & (times.dt.year < EARLIEST_YEAR)
    why[early] = EARLY
    times[early] = pd.NaT
    midnight = times.notna() & times.eq(times.dt.normalize())
    if midnight.any() and _records_seconds(times, midnight):
        why[midnight] = MIDNIGHT
        times[midnight] = pd.NaT
    return TimeColumn(times=times, why=why)


def _records_seconds(times: pd.Series, midnight: pd.Series) -> bool:
    """Whether 00:00:00 stamps are placeholders: the column records seconds (most other
    stamps have them), or 00:00 is at least ten times as common as the other minutes of
    that hour (a column kept to the minute)."""
    other = times[times.notna() & ~midnight]
    if other.empty:
        return True
    if float((other.dt.second != 0).mean()) > 0.5:
        return True
    first_hour = other[(other.dt.hour == 0)]
    per_minute = len(first_hour) / 59 if len(first_hour) else 0.0
    return int(midnight.sum()) >= max(3.0, 10 * per_minute)


def minutes_between(start: TimeColumn, end: TimeColumn) -> tuple[np.ndarray, pd.Series]:
    """end - start in minutes (NaN where either stamp is unusable) and why it is unusable
    (the end's reason, else the start's, as 'start: ...' / 'end: ...')."""
    minutes = (end.times - start.times).dt.total_seconds().to_numpy(dtype=float) / 60.0
    why = pd.Series("", index=start.why.index, dtype=object)
    s_bad, e_bad = start.why.ne(""), end.why.ne("")
    why[s_bad] = "start " + start.why[s_bad]
    why[e_bad & ~s_bad] = "end " + end.why[e_bad & ~s_bad]
    return minutes, why

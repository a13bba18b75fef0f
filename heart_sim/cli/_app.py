"""Command line: thin wiring from arguments to the library, errors to exit codes.

Each command maps its arguments to one library call and prints what it returns. The
library raises its own exceptions (``HeartSimError``); here they become one-line messages
on stderr and exit code 2 (130 after Ctrl-C, saying what was saved), never a traceback.
Result tables are drawn on a terminal, plain text when piped, and JSON or CSV with
``--format``; progress bars go to stderr and only on a terminal.
"""

from __future__ import annotations

import errno
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from typer.core import TyperGroup

try:  # the click typer runs on: its own copy since typer 0.2x, click itself before
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover - older typer
    from click.exceptions import ClickException, UsageError  # type: ignore[assignment]

from .. import api
from ..core import HeartSimError, __version__, describe_os_error
from ..measure import (
    csv_text,
)
from ..study import Progress

DEFAULT_SCENARIO = "durham_2022"
MAX_REPS = 100_000


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


# Options shared by run, compare and sweep.
SeedOpt = Annotated[
    int | None,
    typer.Option("--seed", "-s", min=0, metavar="SEED", help="Seed (default: the scenario's)."),
]
OutOpt = Annotated[
    Path, typer.Option("--out", "-o", metavar="DIR", help="Parent folder of the results.")
]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", min=1, metavar="J", help="Worker processes.")]
DaskOpt = Annotated[
    str | None,
    typer.Option(
        "--dask",
        envvar="HEART_SIM_DASK",
        metavar="ADDRESS",
        help="Dask scheduler (tcp://host:8786), or 'local' for a LocalCluster.",
    ),
]
ForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="Run beyond the size limit; rewrite a folder found holding other inputs."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
ReportOpt = Annotated[bool, typer.Option("--report", help="Also write plots/ and report.html.")]
PosteriorOpt = Annotated[
    Path | None,
    typer.Option(
        "--posterior",
        metavar="FILE",
        help="Run each replication at a parameter point of this file (a calibration's "
        "posterior.csv), so the intervals include what calibration left unknown.",
    ),
]
RankByOpt = Annotated[
    str,
    typer.Option(
        "--rank-by",
        metavar="MEASURE",
        help="Rank a comparison's options by this cost-table measure (default: auto, "
        "by what they change: calls diverted, else HEART responses; see heart-sim metrics).",
    ),
]
FormatOpt = Annotated[
    Format,
    typer.Option("--format", "-f", help="Result tables as a table, JSON or CSV (on stdout)."),
]
ScenarioArg = Annotated[
    str, typer.Argument(metavar="SCENARIO", help="Scenario YAML file or built-in name.")
]
ResultsDirArg = Annotated[
    Path, typer.Argument(metavar="RESULTS_DIR", help="A results folder (run, compare or sweep).")
]
PairedRepsOpt = Annotated[
    int,
    typer.Option("--reps", "-r", min=2, max=MAX_REPS, metavar="N", help="Replications (>= 2)."),
]
AutoRepsOpt = Annotated[
    str,
    typer.Option(
        "--reps",
        "-r",
        metavar="N|auto",
        help="Replications, or auto: add them until every headline 95% interval is within "
        "--precision of its mean (Hoad, Robinson & Davies 2010).",
    ),
]
PrecisionOpt = Annotated[
    float | None,
    typer.Option(
        "--precision",
        metavar="P",
        help="With --reps auto: the target half-width of the intervals as a share of their "
        "mean (default 0.05: within ±5%).",
    ),
]
MaxRepsOpt = Annotated[
    int | None,
    typer.Option(
        "--max-reps", metavar="N", help="With --reps auto: stop at this many (default 200)."
    ),
]


# The validator's words for a number option that is out of range, in ours.
_CLICK_WORDS = (
    (r"Input should be greater than or equal to (\S+)", r"must be \1 or more"),
    (r"Input should be greater than (\S+)", r"must be more than \1"),
    (r"Input should be less than or equal to (\S+)", r"must be \1 or less"),
    (r"Input should be a valid integer.*", "expected a whole number"),
    (r"Input should be a valid number.*", "expected a number"),
    (r"Input should be", "must be"),
)


def _our_words(message: str) -> str:
    for pattern, words in _CLICK_WORDS:
        message = re.sub(pattern, words, message)
    return message


class _Commands(TyperGroup):
    """The command group, run so that every refusal is one ``error:`` line: click's own
    (an unknown option, a value of the wrong kind, a missing argument) say which command's
    --help lists the accepted forms; a write the operating system refuses outside the
    library's own handling (a read-only or full disk) names the path and the cause."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False  # errors come back here, to be said in one line
        try:
            outcome = super().main(*args, **kwargs)
            code = outcome if isinstance(outcome, int) else 0
        except UsageError as err:
            where = err.ctx.command_path if err.ctx is not None else "heart-sim"
            typer.echo(f"error: {_our_words(err.format_message())} (see {where} --help)", err=True)
            code = err.exit_code
        except ClickException as err:
            typer.echo(f"error: {err.format_message()}", err=True)
            code = err.exit_code
        except typer.Abort:
            typer.echo("error: interrupted", err=True)
            code = 130
        except OSError as err:
            if err.errno == errno.EPIPE:  # the reader of a pipe went away (| head)
                code = 1
            else:
                typer.echo(f"error: {describe_os_error(err, Path.cwd())}", err=True)
                code = 2
        if not standalone:
            return code
        sys.exit(code)


app = typer.Typer(
    cls=_Commands,
    help="heart-sim: simulate crisis-response capacity (911 behavioral-health calls, "
    "CCD / CRT / CoR / Care Navigation) and report waits, diversion and utilization.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
TERMINAL = sys.stdout.isatty()
out_console = Console(width=None if TERMINAL else 200, highlight=False)
err_console = Console(stderr=True)


def _print_error(err: HeartSimError) -> None:
    """One line per problem on stderr, each starting 'error: '."""
    for line in str(err).splitlines():
        typer.echo(f"error: {line}", err=True)


def _fail(err: HeartSimError) -> None:
    _print_error(err)
    raise typer.Exit(err.exit_code)


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the library's errors into one line each on stderr and their exit code."""
    try:
        yield
    except HeartSimError as err:
        _fail(err)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"heart-sim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """heart-sim: simulate crisis-response capacity and report waits, diversion, utilization."""


# --- output ------------------------------------------------------------------------------


class _Bars:
    """A progress callback drawing one rich bar per label; a no-op when quiet or piped."""

    def __init__(self, progress: RichProgress | None):
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.progress is None:
            return
        if label not in self.tasks:
            self.tasks[label] = self.progress.add_task(label, total=total)
        # --reps auto raises the total as it goes: done of the current target
        self.progress.update(self.tasks[label], completed=done, total=total)


@contextmanager
def _progress(quiet: bool, unit: str = "replications") -> Iterator[Progress]:
    if quiet or not err_console.is_terminal:
        yield _Bars(None)
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeRemainingColumn(),
    )
    with RichProgress(*columns, console=err_console, transient=True) as progress:
        yield _Bars(progress)


def _say(text: str) -> None:
    """A line for people: stdout for tables, stderr when stdout carries JSON or CSV."""
    out_console.print(text, markup=False, soft_wrap=True)


def _table(title: str, columns: list[str], rows: list[list[str]], left: int = 1) -> None:
    """A titled table: box-drawn on a terminal, plain aligned text when piped."""
    if TERMINAL:
        table = Table(title=title, box=box.HEAVY_HEAD)
    else:
        _say(title)
        table = Table(box=None, pad_edge=False, show_edge=False)
    for i, col in enumerate(columns):
        table.add_column(col, justify="left" if i < left else "right", overflow="fold")
    for row in rows:
        table.add_row(*row)
    out_console.print(table, markup=False)


def _data(frame: pd.DataFrame, fmt: Format) -> None:
    """A table as JSON records or CSV on stdout."""
    if fmt is Format.csv:
        sys.stdout.write(csv_text(frame))
    else:
        records = json.loads(frame.to_json(orient="records", double_precision=15))
        sys.stdout.write(json.dumps(records, indent=2) + "\n")


def _tell(fmt: Format, text: str) -> None:
    """A message for people: beside the table on stdout, or on stderr when stdout carries
    JSON or CSV."""
    (_say if fmt is Format.table else _err)(text)


def _closing(fmt: Format, resumed: int, notes: list[str], done: str) -> None:
    """What follows every result: replications resumed, notes, where it was written."""
    if resumed:
        _tell(fmt, f"{resumed} replications resumed from checkpoints")
    for note in notes:
        _tell(fmt, f"note: {note}")
    _tell(fmt, done)


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _write_report(folder: Path, fmt: Format, rank_by: str = "auto") -> Path:
    return api.report(folder, rank_by=rank_by)


def _report_written(fmt: Format, page: Path | None) -> None:
    if page is not None:
        _tell(fmt, f"report written to {page}")

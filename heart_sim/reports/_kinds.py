"""The kinds of results folder, declared once each: how a folder of that kind is read back
(its result object), its report page, its figures, its markdown summary, and the files
a study of that kind writes beside its tables. ``open_folder``, ``write_report``,
``write_plots`` and ``write_study_files`` go through this table, so the CLI and the
Python API write the same files for the same call, and a new kind of folder is one more
entry here. The studies write their markdown with the functions declared here
(``tests/behaviour/test_report_browser.py`` checks each folder's file against them).

Which kind a folder is comes from ``study.folder_kind`` (the file that marks each kind:
``comparison.csv``, ``sweep.csv``, ...); ``tests/behaviour/test_report_browser.py``
checks that every kind it can name is declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ..calibration import (
    SensitivityResult,
    calibration_markdown,
    ranking_markdown,
    read_calibration,
    read_sensitivity,
)
from ..core import atomic_write
from ..optimization import budget_markdown, optimize_markdown, read_budget, read_optimization
from ..study import (
    Comparison,
    Results,
    SweepResult,
    folder_kind,
    read_comparison,
    read_results,
    read_sweep,
    writing,
)
from ._budget_page import budget_html
from ._calibration_page import calibration_html
from ._comparison_page import check_rank_by, comparison_html
from ._fit_page import fit_html
from ._fit_report import read_fit
from ._optimize_page import optimize_html
from ._optimize_plots import budget_figures, optimize_figures
from ._plots import (
    calibration_figures,
    comparison_figures,
    run_figures,
    save,
    sensitivity_figures,
    sweep_figures,
    write_monthly,
)
from ._run_page import run_html
from ._sensitivity_page import sensitivity_html
from ._sweep_page import sweep_html

RANK_BY = "auto"  # a comparison's options: by what they change, or by this cost-table column


@dataclass(frozen=True)
class FolderKind:
    """One kind of results folder and what heart-sim makes of it."""

    name: str
    read: Callable[[Path], Any]  # the result object (Results, Comparison, SweepResult, ...)
    page: Callable[[Path, str], str]  # report.html's text, given the ranking measure
    figures: Callable[[Path], dict[str, Figure]]  # plots/<stem>.png|svg for heart-sim plot
    # the files a study of this kind writes beside its tables, given its result object
    study_files: Callable[[Any], list[Path]] = lambda result: []
    # the folder's markdown summary: its file name and how it is written from the result
    # (the study writes it with this function; None where the kind has none)
    markdown: tuple[str, Callable[[Any], str]] | None = None


def _read_sweep(folder: Path) -> SweepResult:
    _, table, params = read_sweep(folder)
    return SweepResult(Path(folder), params, table, ran=0)


def _sweep_figures(folder: Path) -> dict[str, Figure]:
    _, table, params = read_sweep(folder)
    return sweep_figures(table, params)


def _sweep_files(result: SweepResult) -> list[Path]:
    """A sweep's six figures, PNG, beside sweep.csv."""
    written: list[Path] = []
    if result.folder is None:
        return written
    for stem, fig in sweep_figures(result.table, result.params).items():
        written += save(fig, Path(result.folder) / stem)
    return written


def _sensitivity_files(result: SensitivityResult) -> list[Path]:
    """The tornado charts, PNG, in plots/."""
    return [] if result.folder is None else write_plots(result.folder, ("png",))


def _sensitivity_figures(folder: Path) -> dict[str, Figure]:
    res = read_sensitivity(folder)
    return sensitivity_figures(res.indices, res.method)


def _page(render: Callable[[Path], str]) -> Callable[[Path, str], str]:
    """A page that has no ranking to choose."""
    return lambda folder, rank_by: render(folder)


KINDS: dict[str, FolderKind] = {
    kind.name: kind
    for kind in (
        FolderKind(
            "run",
            read_results,
            _page(run_html),
            lambda f: run_figures(read_results(f)),
            write_monthly,
            ("report.md", Results.markdown),
        ),
        FolderKind(
            "comparison",
            read_comparison,
            comparison_html,
            lambda f: comparison_figures(read_comparison(f)),
            markdown=("comparison.md", Comparison.markdown),
        ),
        FolderKind(
            "sweep",
            _read_sweep,
            _page(sweep_html),
            _sweep_figures,
            _sweep_files,
        ),
        FolderKind(
            "sensitivity",
            read_sensitivity,
            _page(sensitivity_html),
            _sensitivity_figures,
            _sensitivity_files,
            ("ranking.md", ranking_markdown),
        ),
        FolderKind(
            "calibration",
            read_calibration,
            _page(calibration_html),
            lambda f: calibration_figures(read_calibration(f)),
            markdown=("calibration.md", calibration_markdown),
        ),
        FolderKind(
            "optimize",
            read_optimization,
            _page(optimize_html),
            lambda f: optimize_figures(read_optimization(f)),
            markdown=("optimize.md", optimize_markdown),
        ),
        FolderKind(
            "budget",
            read_budget,
            _page(budget_html),
            lambda f: budget_figures(read_budget(f)),
            markdown=("budget.md", budget_markdown),
        ),
        # A fit's figures are drawn from the call records when it runs (they are in its
        # folder already); the folder alone cannot draw them again.
        # (and its markdown report, <stem>_fit_report.md beside the folder, needs them too).
        FolderKind("fit", read_fit, _page(fit_html), lambda f: {}),
    )
}


def kind_of(folder: Path | str) -> FolderKind:
    """The declaration of the kind of results folder ``folder`` is."""
    return KINDS[folder_kind(Path(folder))]


def open_folder(folder: Path | str) -> Any:
    """The result object of any results folder, read back from its files."""
    return kind_of(folder).read(Path(folder))


def write_report(folder: Path | str, rank_by: str = RANK_BY) -> Path:
    """Write ``folder/report.html`` for a results folder of any kind; a comparison's
    options are ranked by ``rank_by`` (a column of its cost table)."""
    folder = Path(folder)
    check_rank_by(rank_by)
    text = kind_of(folder).page(folder, rank_by)
    target = folder / "report.html"
    with writing(folder):
        atomic_write(target, text)
    return target


def write_plots(folder: Path | str, formats: tuple[str, ...] = ("png", "svg")) -> list[Path]:
    """Write every figure of a results folder to ``folder/plots/``."""
    written: list[Path] = []
    for stem, fig in kind_of(folder).figures(Path(folder)).items():
        written += save(fig, Path(folder) / "plots" / stem, formats)
    return written


def write_study_files(kind: str, result: Any) -> list[Path]:
    """The files a study of ``kind`` writes beside its tables once it has run (a dated
    run's monthly figure, a sweep's figures, a sensitivity study's tornado charts)."""
    return KINDS[kind].study_files(result)

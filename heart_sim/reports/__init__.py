"""What people read: figures, the HTML pages of every kind of results folder, PDF
printing and the fit report."""

from __future__ import annotations

from ._budget_page import budget_answer
from ._comparison_page import check_rank_by
from ._fit_report import FitOutcome, fit_calls
from ._kinds import (
    KINDS,
    RANK_BY,
    FolderKind,
    kind_of,
    open_folder,
    write_plots,
    write_report,
    write_study_files,
)
from ._pdf import write_pdf_report
from ._plots import (
    cost_figure,
    demand_heatmap,
    forest_figure,
    outcome_figure,
    response_cdf_figure,
    save,
    staffing_heatmap,
    sweep_figure,
    sweep_figures,
    targets_of,
    unmet_heatmap,
    utilization_heatmap,
)
from ._stress_des import stress_des_markdown, write_stress_des

__all__ = [
    "stress_des_markdown",
    "write_stress_des",
    "FitOutcome",
    "FolderKind",
    "KINDS",
    "RANK_BY",
    "budget_answer",
    "check_rank_by",
    "cost_figure",
    "demand_heatmap",
    "fit_calls",
    "forest_figure",
    "kind_of",
    "open_folder",
    "outcome_figure",
    "response_cdf_figure",
    "save",
    "staffing_heatmap",
    "sweep_figure",
    "sweep_figures",
    "targets_of",
    "unmet_heatmap",
    "utilization_heatmap",
    "write_pdf_report",
    "write_plots",
    "write_report",
    "write_study_files",
]

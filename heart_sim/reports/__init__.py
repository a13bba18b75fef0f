"""What people read: figures, the HTML pages of every kind of results folder, PDF
printing and the fit report."""

from __future__ import annotations

from ._fit_report import fit_calls
from ._html import check_rank_by
from ._optimize_report import budget_answer, write_report
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
    write_monthly,
    write_plots,
)

__all__ = [
    "budget_answer",
    "check_rank_by",
    "cost_figure",
    "demand_heatmap",
    "fit_calls",
    "forest_figure",
    "outcome_figure",
    "response_cdf_figure",
    "save",
    "staffing_heatmap",
    "sweep_figure",
    "sweep_figures",
    "targets_of",
    "unmet_heatmap",
    "utilization_heatmap",
    "write_monthly",
    "write_pdf_report",
    "write_plots",
    "write_report",
]

"""Inputs fitted from a city's call records (``heart-sim fit``): demand, call-type and
zone shares, durations, and the scenario fragment written from them."""

from __future__ import annotations

from ._demand import MONTHS, WEEKDAYS, DemandFit, exclusion_kind, p_text
from ._durations import DurationFit
from ._fragment import check_new, check_on, flow, fragment_yaml, write_new
from ._inputs import FitOptions, Fitted, fit_inputs, unmapped_rows
from ._shares import Share
from ._summary import write_summary_fits
from ._table import COLUMNS as FIT_COLUMNS
from ._table import fit_table

__all__ = [
    "DemandFit",
    "FIT_COLUMNS",
    "DurationFit",
    "FitOptions",
    "Fitted",
    "MONTHS",
    "Share",
    "WEEKDAYS",
    "check_new",
    "check_on",
    "exclusion_kind",
    "fit_inputs",
    "fit_table",
    "flow",
    "fragment_yaml",
    "p_text",
    "unmapped_rows",
    "write_new",
    "write_summary_fits",
]

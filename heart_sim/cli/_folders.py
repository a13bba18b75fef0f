"""heart-sim plot and report: figures and pages of any results folder."""

from __future__ import annotations

from typing import Annotated

import typer

from ..reports import write_pdf_report, write_stress_des
from ..reports import write_plots as write_any_plots
from ..reports import write_report as write_html_report
from ._app import RankByOpt, ResultsDirArg, _say, _user_errors, app

# --- results folders ---------------------------------------------------------------------


@app.command("plot")
def plot_cmd(results_dir: ResultsDirArg) -> None:
    """Write the figures of a results folder to RESULTS_DIR/plots/ as PNG and SVG.

    \b
    Example: heart-sim plot results/durham_2022
    """
    with _user_errors():
        written = write_any_plots(results_dir)
    _say(f"{len(written)} files written to {results_dir / 'plots'}")


@app.command("report")
def report_cmd(
    results_dir: ResultsDirArg,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also print it to report.pdf (needs Chromium).")
    ] = False,
    rank_by: RankByOpt = "auto",
    stress_des: Annotated[
        bool,
        typer.Option(
            "--stress-des",
            help="Also write stress_des.md: the STRESS-DES reporting checklist filled from "
            "a run or comparison folder, the author's items marked.",
        ),
    ] = False,
) -> None:
    """Write RESULTS_DIR/report.html: one self-contained page with the scenario, its
    assumptions and sources, headline numbers with CIs, figures and tables; with --pdf
    also RESULTS_DIR/report.pdf, printed by headless Chromium; with --stress-des also
    RESULTS_DIR/stress_des.md for a publication.

    \b
    Example: heart-sim report results/durham_2022 --pdf
    """
    with _user_errors():
        checklist = (write_stress_des(results_dir),) if stress_des else ()
        targets = (
            write_pdf_report(results_dir, rank_by=rank_by)
            if pdf
            else (write_html_report(results_dir, rank_by=rank_by),)
        )
        targets = (*targets, *checklist)
    _say(f"report written to {' and '.join(str(t) for t in targets)}")

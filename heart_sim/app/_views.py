"""The HTML the app shows that is not a control: the staffing grid of ``heart-sim show``,
a results folder's report page in a frame, its cards, a progress bar, and the zip of a
folder. Numbers, labels and pages all come from the library (``reports``, ``measure``);
text from scenario files is escaped here or by the report page that holds it."""

from __future__ import annotations

import html
import io
import zipfile
from pathlib import Path

from htmltools import Tag, TagList, tags

from ..measure import cards_html, run_cards
from ..scenario import Scenario, staffing_by_hour
from ..study import folder_kind, read_results

# The kind-specific files offered for download beside report.html and the zip.
KEY_FILES = {
    "comparison": ("comparison.xlsx", "the workbook (comparison.xlsx)"),
    "optimize": ("recommended.yaml", "the recommended shifts (recommended.yaml)"),
    "budget": ("chosen.yaml", "the chosen options (chosen.yaml)"),
    "calibration": ("calibrated.yaml", "the calibrated scenario (calibrated.yaml)"),
}


def _units(x: float) -> str:
    return "." if x == 0 else f"{x:g}"


def staffing_grid(scenario: Scenario) -> Tag:
    """Units on duty by program, day and hour (mean over the hour; . = none), for each
    phase of the scenario: the grid ``heart-sim show`` prints."""
    blocks = []
    phases = scenario.phase_list()
    for start, phase in phases:
        table = staffing_by_hour(phase)
        head = tags.tr(
            tags.th("program", scope="col"),
            tags.th("day", scope="col"),
            *(tags.th(f"{h:02d}", scope="col") for h in range(24)),
        )
        rows = []
        for prog, day in table.index.tolist():
            cells = [_units(x) for x in table.loc[(prog, day)]]
            rows.append(
                tags.tr(
                    tags.th(prog, scope="row"),
                    tags.td(day),
                    *(tags.td(c, class_="on" if c != "." else None) for c in cells),
                )
            )
        when = f" from {start}" if len(phases) > 1 else ""
        blocks.append(
            tags.div(
                tags.table(
                    tags.caption(
                        f"Units on duty by hour as scheduled{when} (mean over the hour; . = none)"
                    ),
                    tags.thead(head),
                    tags.tbody(*rows),
                    class_="staffing",
                ),
                class_="scroll-box",
                tabindex="0",
                role="region",
                **{"aria-label": f"staffing grid{when}"},
            )
        )
    return TagList(*blocks)  # type: ignore[return-value]


def progress_bar(label: str, done: int, total: int, seconds: float) -> Tag:
    """A labelled progress bar: what is running, how far, for how long."""
    text = f"{label}: {done} of {total}" if total else label
    return tags.div(
        tags.label(f"{text} ({seconds:.0f} s)", for_="job-progress"),
        tags.progress(
            value=str(done), max=str(max(total, 1)), id="job-progress", class_="job-progress"
        ),
        role="status",
        **{"aria-live": "polite"},
    )


def run_cards_html(folder: Path) -> str:
    """A run folder's headline cards, as its report page shows them ('' for other kinds)."""
    if folder_kind(folder) != "run":
        return ""
    return cards_html(run_cards(read_results(folder).summary))


def report_frame(folder: Path) -> Tag:
    """The folder's report.html in a frame sized to its page (the page fetches nothing
    and runs no script: its own Content-Security-Policy says so)."""
    page = (folder / "report.html").read_text(encoding="utf-8")
    return tags.iframe(
        srcdoc=page,
        title=f"report of {folder.name}",
        class_="report-frame",
        onload="heartSimFit(this)",
    )


def zipped(folder: Path) -> bytes:
    """Every file of a results folder (CSV, report, figures, sources), as a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith(".heart-sim"):
                z.write(path, Path(folder.name) / path.relative_to(folder))
    return buffer.getvalue()


def escaped(text: str) -> str:
    return html.escape(text)

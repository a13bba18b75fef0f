"""What every page shares: the stylesheet, the script that puts field errors next to
their fields, the error box, the grid of fields, a study page's frame and the navigation
bar that holds the pages (each page's own layout is in its ``_*_page`` module).

The stylesheet keeps every page within a 1,280-px window and a 390-px phone screen: forms
wrap, wide tables scroll inside their own box, the report page fits its frame.
"""

from __future__ import annotations

from typing import Any

from htmltools import Tag, tags
from shiny import ui

from ..measure import CARD_CSS
from ._study import study_ui

CSS = (
    CARD_CSS
    + """
body { overflow-x: hidden; }
.container-fluid { max-width: 1240px; }
.field-error { color: #a4000f; font-size: 0.85em; min-height: 0; overflow-wrap: anywhere; }
.field-error:empty { display: none; }
[aria-invalid=true] { border-color: #a4000f !important; }
.shift-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5em, 1fr));
             gap: 0 0.6em; align-items: start; border-bottom: 1px dotted #ccd;
             margin-bottom: 0.4em; }
.shift-row .form-group, .shift-row .shiny-input-container { width: 100% !important;
             margin-bottom: 0.3em; }
.form-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(16em, 1fr));
             gap: 0 1em; }
.form-grid .shiny-input-container { width: 100% !important; }
fieldset.program { border: 1px solid #ccd; border-radius: 4px; padding: 0.4em 0.8em;
                   margin-bottom: 0.8em; min-width: 0; }
fieldset.program legend { font-size: 1.05em; font-weight: 600; float: none; width: auto;
                          padding: 0 0.3em; }
.scroll-box { overflow-x: auto; max-width: 100%; margin-bottom: 1em; }
table.staffing { font-size: 0.75em; border-collapse: collapse; }
table.staffing caption { caption-side: top; color: #333; }
table.staffing td, table.staffing th { padding: 1px 3px; text-align: center;
                                        border: 1px solid #e3e3ef; }
table.staffing td.on { background: #dbe6f5; font-weight: 600; }
.report-frame { width: 100%; border: 1px solid #ccd; min-height: 400px; }
.job-progress { width: 100%; height: 1.2em; }
.note { color: #555; font-size: 0.9em; overflow-wrap: anywhere; }
.error-box { color: #a4000f; white-space: pre-wrap; overflow-wrap: anywhere; }
.downloads { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.6em 0; }
.buttons { display: flex; flex-wrap: wrap; gap: 0.5em; margin: 0.6em 0; }
.shiny-input-container { max-width: 100%; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden;
           clip: rect(0 0 0 0); white-space: nowrap; }
"""
)

# Field errors are placed next to their field by id; report frames sized to their page.
SCRIPT = """
function heartSimFit(frame) {
  try {
    const doc = frame.contentDocument.documentElement;
    frame.style.height = (doc.scrollHeight + 24) + 'px';
  } catch (e) { frame.style.height = '80vh'; }
}
window.addEventListener('resize', () =>
  document.querySelectorAll('iframe.report-frame').forEach(heartSimFit));
function heartSimErrors(problems) {
  document.querySelectorAll('[data-err-for]').forEach((box) => {
    const id = box.getAttribute('data-err-for');
    const text = problems[id] || '';
    box.textContent = text;
    const input = document.getElementById(id);
    if (input) {
      if (text) { input.setAttribute('aria-invalid', 'true'); }
      else { input.removeAttribute('aria-invalid'); }
    }
  });
}
let heartSimLast = {};
document.addEventListener('DOMContentLoaded', () => {
  Shiny.addCustomMessageHandler('field_errors', (problems) => {
    heartSimLast = problems; heartSimErrors(problems);
  });
  $(document).on('shiny:value', () => setTimeout(() => heartSimErrors(heartSimLast), 0));
});
"""


def error_box(field_id: str) -> Tag:
    """Where the problem with field ``field_id`` is shown (empty when there is none)."""
    return tags.div(
        class_="field-error",
        id=f"err-{field_id}",
        role="alert",
        **{"data-err-for": field_id},
    )


def form_grid(*controls: Any) -> Tag:
    """Fields side by side where there is room, one under another on a phone."""
    return tags.div(*controls, class_="form-grid")


def note(text: str) -> Tag:
    return ui.p(text, class_="note")


def study_panel(title: str, value: str, start_label: str, *body: Any, heading: str = "") -> Any:
    """A page that runs a study: its heading, ``body`` (what it does, its fields), then
    the study's Start and Cancel, progress, cards, downloads and report page."""
    return ui.nav_panel(
        title, ui.h2(heading or title), *body, study_ui(value, start_label), value=value
    )


def page(*panels: Any) -> Tag:
    """The navigation bar over ``panels``, with the stylesheet and the script."""
    return ui.page_navbar(
        *panels,
        title="heart-sim",
        id="page",
        lang="en",
        header=tags.head(tags.style(CSS), tags.script(SCRIPT)),
        window_title="heart-sim: what if?",
    )

"""One self-contained HTML report per results folder: images embedded, no network needed.

It shows what a reader needs to trust the numbers: the scenario's description, every
assumption and source from the scenario files (their comments), headline numbers with 95%
confidence intervals, the figures, and the tables.
"""

from __future__ import annotations

import base64
import html
import io
import re
from pathlib import Path

import pandas as pd

from .catalog import metric_catalog
from .fileio import atomic_write
from .folders import folder_kind, writing
from .formatting import headline_rows
from .plots import comparison_figures, plt, run_figures, sweep_figures
from .results import read_comparison, read_results
from .sweep import read_sweep
from .version import __version__

CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222;
       padding: 0 1em; line-height: 1.45; }
h1 { border-bottom: 2px solid #333; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; font-size: 0.9em; }
.assumption { background: #f3f3f3; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.8em; }
"""

# Marks each image as loaded (or not) so a headless browser can check the report renders.
CHECK_SCRIPT = """
<script>
window.addEventListener("load", function () {
  var imgs = Array.prototype.slice.call(document.images);
  var ok = imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute("data-images-ok", ok + "/" + imgs.length);
});
</script>
"""

MARKERS = re.compile(r"(ASSUMPTION|Source|Derived|Proxy)", re.IGNORECASE)


def _img(fig: plt.Figure, alt: str) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def assumptions(sources: dict[str, str]) -> list[tuple[str, str, str]]:
    """(file, key or line, comment) for every comment that cites a source or an assumption;
    a comment on its own line is attached to the next key."""
    rows = []
    for name, text in sources.items():
        pending: list[str] = []
        stack: list[tuple[int, str]] = []  # (indent, key) of the enclosing keys
        for line in text.splitlines():
            code, _, comment = line.partition("#")
            comment = comment.strip()
            if not code.strip():
                if comment:
                    pending.append(comment)
                continue
            indent = len(code) - len(code.lstrip(" -"))
            key = code.strip().split(":")[0].strip("- {")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            stack.append((indent, key))
            joined = " ".join([*pending, comment] if comment else pending)
            if joined and MARKERS.search(joined):
                rows.append((name, ".".join(k for _, k in stack), joined))
            pending = []
    return rows


def _table(df: pd.DataFrame) -> str:
    return df.to_html(index=False, float_format=lambda x: f"{x:.4g}", na_rep="n/a", border=0)


def _page(title: str, body: list[str]) -> str:
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>"
        + "\n".join(body)
        + f"<p class='note'>Written by heart-sim {__version__}.</p>"
        + CHECK_SCRIPT
        + "</body></html>"
    )


def run_html(folder: Path) -> str:
    result = read_results(folder)
    s = result.scenario
    body = [
        f"<h1>heart-sim: {html.escape(s.name)}</h1>",
        f"<p>{html.escape(s.description)}</p>",
        f"<p class='note'>{result.reps} replications, seed {result.seed}; {s.horizon_weeks} "
        f"weeks measured after a {s.warmup_weeks}-week warm-up (simulated, then discarded). "
        "Values are means over replications with 95% t-intervals.</p>",
        "<h2>Headline numbers</h2>",
        "<table><tr><th>metric</th><th>mean [95% CI]</th></tr>"
        + "".join(f"<tr><td>{m}</td><td>{v}</td></tr>" for m, v in headline_rows(result.summary))
        + "</table>",
        "<h2>Figures</h2>",
    ]
    body += [_img(fig, stem) for stem, fig in run_figures(result).items()]
    rows = assumptions(result.sources)
    body.append("<h2>Assumptions and sources</h2>")
    if rows:
        body.append(
            "<table><tr><th>file</th><th>key</th><th>source or assumption</th></tr>"
            + "".join(
                f"<tr class='{'assumption' if 'ASSUMPTION' in c else ''}'><td>{html.escape(f)}"
                f"</td><td>{html.escape(k)}</td><td style='text-align:left'>{html.escape(c)}"
                "</td></tr>"
                for f, k, c in rows
            )
            + "</table>"
        )
    else:
        body.append("<p>The scenario came without its source file; see scenario.yaml.</p>")
    for name, text in result.sources.items():
        body.append(
            f"<details><summary>{html.escape(name)}</summary><pre>"
            f"{html.escape(text)}</pre></details>"
        )
    catalog = metric_catalog()
    summary = result.summary.copy()
    summary.insert(1, "label", summary["metric"].map(catalog["label"]))
    summary.insert(2, "unit", summary["metric"].map(catalog["unit"]))
    body += ["<h2>All metrics</h2>", _table(summary)]
    return _page(f"heart-sim: {s.name}", body)


def comparison_html(folder: Path) -> str:
    comp = read_comparison(folder)
    base = comp.base.scenario.name
    body = [
        f"<h1>heart-sim: alternatives compared with {html.escape(base)}</h1>",
        f"<p class='note'>{comp.base.reps} replications each, seed {comp.base.seed}, common "
        "random numbers; differences are alternative - base, paired by replication, with "
        "95% t-intervals.</p>",
        "<h2>Costs and diverted calls (per year)</h2>",
        _table(comp.costs),
        "<h2>Figures</h2>",
    ]
    body += [_img(fig, stem) for stem, fig in comparison_figures(comp).items()]
    body += ["<h2>Scenarios</h2>"]
    for r in (comp.base, *comp.alts):
        body.append(
            f"<p><b>{html.escape(r.scenario.name)}</b>: {html.escape(r.scenario.description)}</p>"
        )
    body += ["<h2>Paired differences</h2>", _table(comp.differences)]
    body.append(
        f"<details><summary>comparison.md</summary><pre>"
        f"{html.escape(comp.markdown())}</pre></details>"
    )
    return _page(f"heart-sim comparison: {base}", body)


def sweep_html(folder: Path) -> str:
    meta, table, params = read_sweep(folder)
    body = [
        f"<h1>heart-sim sweep: {html.escape(meta['scenario'])} over {', '.join(params)}</h1>",
        f"<p class='note'>{meta['reps']} replications per grid point, seed {meta['seed']}; "
        "bands are 95% confidence intervals.</p>",
    ]
    body += [_img(fig, stem) for stem, fig in sweep_figures(table, params).items()]
    body += ["<h2>Table</h2>", _table(table)]
    return _page(f"heart-sim sweep: {meta['scenario']}", body)


def write_html_report(folder: Path) -> Path:
    """Write ``folder/report.html`` for a run, comparison or sweep folder."""
    folder = Path(folder)
    page = {"comparison": comparison_html, "sweep": sweep_html, "run": run_html}
    target = folder / "report.html"
    text = page[folder_kind(folder)](folder)
    with writing(folder):
        atomic_write(target, text)
    return target

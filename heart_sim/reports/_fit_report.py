"""``heart-sim fit``: call records in, a scenario fragment and its fit report out.

``fit_calls`` reads and fits (``fitting._inputs``), renders the YAML fragment
(``fitting._fragment``; with ``extends`` it is merged onto that scenario and validated
before anything is written), then writes beside it ``<stem>_fit_report.md`` with the
statistics in tables and ``<stem>_fit_report/*.png`` with the figures (``reports._fit_plots``).
Every file is written atomically; an existing fragment is replaced only with ``force``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from ..core import NotResultsError, __version__, atomic_write
from ..fitting import (
    FIT_COLUMNS,
    MONTHS,
    WEEKDAYS,
    DemandFit,
    DurationFit,
    FitOptions,
    Fitted,
    Share,
    check_new,
    check_on,
    exclusion_kind,
    fit_inputs,
    fit_table,
    flow,
    fragment_yaml,
    p_text,
    unmapped_rows,
    write_new,
)
from ..measure import UNITS, csv_text, metric
from ..study import MANIFEST, copy_folder, read_manifest, refuse_another, relocated_extends
from ._fit_plots import daily_figure, duration_figure, profile_figure
from ._html_kit import esc
from ._plots import save

ELIGIBLE = metric("calls_total").label.lower()  # "eligible calls"


@dataclass
class FitOutcome:
    """What ``fit_calls`` wrote and a few lines saying what it found: the fragment
    ``out``, its ``report`` and, in ``folder`` (``<stem>_fit_report/``), the figures,
    ``fit.csv`` (``summary``: each fitted quantity with its 95% interval) and the
    manifest that marks a fit. ``fitted`` (the fits themselves, with the call records'
    statistics) is None when read back from the files (``read_fit``)."""

    out: Path
    report: Path
    figures: list[Path]
    fitted: Fitted | None
    lines: list[str] = field(default_factory=list)
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FIT_COLUMNS))

    @property
    def folder(self) -> Path:
        return report_paths(self.out)[1]

    @property
    def summary(self) -> pd.DataFrame:
        return self.table

    def save(self, out: Path | str, force: bool = False) -> Path:
        """Copy the fragment, its report and its folder into ``out`` (as ``heart-sim fit
        --out out/<fragment>`` would have written them); the scenario the fragment
        extends is named relative to the new place. Returns the new folder."""
        return copy_fit(self.out, Path(out), force)

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>{esc(self.out.name)}</strong>: "
            + "<br>".join(esc(line) for line in self.lines)
            + self.table.to_html(index=False, na_rep="")
            + "</div>"
        )


def report_paths(out: Path) -> tuple[Path, Path]:
    """The report and its figure folder beside the fragment."""
    out = Path(out)
    return out.with_name(f"{out.stem}_fit_report.md"), out.with_name(f"{out.stem}_fit_report")


def fit_calls(
    calls: Path, out: Path, options: FitOptions | None = None, force: bool = False
) -> FitOutcome:
    """Fit a scenario fragment to the call records in ``calls`` and write it to ``out``,
    with its report beside it."""
    options = options or FitOptions()
    out = Path(out)
    check_new(out, force)
    fitted = fit_inputs(Path(calls), options)
    text = fragment_yaml(fitted, out, options.extends)
    if options.extends:
        check_on(text, out, options.extends)
    report, folder = report_paths(out)
    figures = write_figures(fitted, folder)
    atomic_write(report, report_markdown(fitted, out, figures))
    write_new(out, text, force)
    outcome = FitOutcome(
        out, report, figures, fitted, summary_lines(fitted, out, report), fit_table(fitted)
    )
    atomic_write(folder / "fit.csv", csv_text(outcome.table))
    atomic_write(folder / MANIFEST, json.dumps(fit_manifest(outcome, calls), indent=2) + "\n")
    return outcome


def fit_manifest(outcome: FitOutcome, calls: Path) -> dict:
    """What marks a fit's folder (written last) and lets it be read back: the files
    beside it, the call records fitted and the options, the lines the CLI printed."""
    options = outcome.fitted.options if outcome.fitted else None
    return {
        "kind": "fit",
        "heart_sim": __version__,
        "fragment": outcome.out.name,
        "report": outcome.report.name,
        "calls": str(calls),
        "options": {k: v if v is None else str(v) for k, v in asdict(options).items()}
        if options
        else {},
        "lines": outcome.lines,
    }


def read_fit(folder: Path | str) -> FitOutcome:
    """Reopen a fit from its folder (``<stem>_fit_report/``) or its fragment file."""
    folder = Path(folder)
    if folder.suffix in (".yaml", ".yml"):
        folder = report_paths(folder)[1]
    meta = read_manifest(folder) or {}
    if meta.get("kind") != "fit" or not (folder / "fit.csv").is_file():
        raise NotResultsError(f"{folder}: not a heart-sim fit folder (manifest or fit.csv)")
    return FitOutcome(
        folder.parent / meta["fragment"],
        folder.parent / meta["report"],
        sorted(folder.glob("*.png")),
        None,
        list(meta.get("lines", [])),
        pd.read_csv(folder / "fit.csv", keep_default_na=False, na_values=[""]),
    )


def copy_fit(fragment: Path, out: Path, force: bool) -> Path:
    """The fragment, its report and its folder copied into ``out``; returns the folder.
    A fragment of that name already there is replaced when it is the same fit (the same
    manifest), else kept unless ``force``."""
    report, folder = report_paths(fragment)
    new = out / fragment.name
    new_report, new_folder = report_paths(new)
    if new.resolve() == fragment.resolve():
        return new_folder
    refuse_another(new, new_folder, folder, force, "is not this fit (with its report)")
    copy_folder(folder, new_folder)
    atomic_write(new_report, report.read_text())
    text = relocated_extends(fragment.read_text(), fragment.parent, out)
    atomic_write(new, text)
    return new_folder


def write_figures(fitted: Fitted, folder: Path) -> list[Path]:
    """The report's figures as PNG files in ``folder``."""
    written = save(profile_figure(fitted.demand), folder / "hour_of_week")
    written += save(daily_figure(fitted.demand), folder / "daily_counts")
    for i, placed in enumerate(fitted.durations):
        if placed.fit.candidates:
            written += save(duration_figure(placed.fit), folder / f"duration_{i + 1}")
    return written


def summary_lines(f: Fitted, out: Path, report: Path) -> list[str]:
    """What the CLI prints: the rows, the demand found, each duration, the files."""
    d = f.demand
    kinds = sorted({exclusion_kind(why) for why in d.excluded.values()})
    lines = [
        f"{f.calls.path}: {f.calls.rows:,} rows, {f.eligible:,} eligible calls "
        f"({d.first:%Y-%m-%d %H:%M} to {d.last:%Y-%m-%d %H:%M}); demand from "
        f"{d.calls_used:,} calls on {int(d.used.sum())} days, {len(d.excluded)} days left out"
        + (f" ({', '.join(kinds)})" if kinds else ""),
        f"calls per week {d.calls_per_week.value:,.1f} ({d.calls_per_week.low:,.1f} to "
        f"{d.calls_per_week.high:,.1f}); "
        + (
            "24 hourly x 7 daily weights (separable"
            if d.separable
            else "168 hour-of-week weights (not separable"
        )
        + f", p = {p_text(d.test.p_value)}); overdispersion {d.overdispersion.value:.3f}",
    ]
    if d.growth is not None:
        lines.append(f"annual growth {d.growth.value:+.1%}; month-of-year weights written")
    gone = unmapped_rows(f.types)
    if gone:
        lines.append(
            f"{gone:,} rows of {len(f.types.unmapped) if f.types else 0} natures the type map "
            "does not name "
            + (f"counted as {f.options.unmapped_as}" if f.options.unmapped_as else "left out")
            + " (listed in the YAML and the report)"
        )
    for placed in f.durations:
        fit = placed.fit
        dist = fit.distribution or {}
        shown = ", ".join(f"{k} {v}" for k, v in dist.items() if k in ("mean", "sd"))
        lines.append(
            f"{fit.name}: {fit.chosen or 'not fitted (too few)'}"
            + (f" {shown}" if shown else "")
            + f" (n {fit.n:,}, {sum(fit.dropped.values()):,} dropped)"
        )
    lines.append(f"written: {out} and {report}")
    return lines


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "/") for c in r) + " |" for r in rows]
    return out + [""]


def _shares(rows: list[Share]) -> list[list[str]]:
    return [
        [s.name, f"{s.count:,}", f"{s.share:.2%}", f"{s.low:.2%} to {s.high:.2%}"] for s in rows
    ]


def _demand_rows(d: DemandFit) -> list[list[str]]:
    """The demand table: calls per week, overdispersion, separability and growth."""
    e = d.calls_per_week
    rows = [
        [
            UNITS["calls/week"],
            f"{e.value:,.1f}",
            f"{e.low:,.1f} to {e.high:,.1f}",
            "Poisson regression of daily counts; quasi-Poisson standard error",
        ],
        [
            "overdispersion (cv of the day multiplier)",
            f"{d.overdispersion.value:.3f}",
            f"{d.overdispersion.low:.3f} to {d.overdispersion.high:.3f}",
            f"variance = mean + cv^2 mean^2 about the regression ({d.glm_parameters} "
            "parameters); chi-square interval",
        ],
        [
            "the same about the overall mean",
            f"{d.overdispersion_raw.value:.3f}",
            f"{d.overdispersion_raw.low:.3f} to {d.overdispersion_raw.high:.3f}",
            "as scripts/derive_profile.py (not written)",
        ],
    ]
    t = d.test
    rows.append(
        [
            "separability: G2 (df)",
            f"{t.deviance:.1f} ({t.dof})",
            f"p = {p_text(t.p_chi2)}",
            "deviance test of independence of the 7 x 24 table",
        ]
    )
    if t.f_stat is not None and t.p_f is not None:
        rows.append(
            [
                "separability: quasi-Poisson F",
                f"{t.f_stat:.2f}",
                f"p = {p_text(t.p_f)}",
                f"dispersion {t.dispersion:.2f} on {t.resid_dof} df",
            ]
        )
    if d.growth is not None:
        g = d.growth
        rows.append(
            [
                "annual growth",
                f"{g.value:+.2%}",
                f"{g.low:+.2%} to {g.high:+.2%}",
                "exp(coefficient of time in years) - 1",
            ]
        )
    return rows


def _demand_md(d: DemandFit, pics: dict[str, str]) -> list[str]:
    out = ["## Demand", ""]
    out += _table(["quantity", "estimate", "95% interval", "method"], _demand_rows(d))
    out += [
        "Written: "
        + (
            "24 hourly x 7 daily weights (hour x weekday separable, p >= 0.05)."
            if d.separable
            else "168 hour-of-week weights (hour x weekday not separable, p < 0.05)."
        ),
        "",
        f"![Hour-of-week profile]({pics['hour_of_week']})",
        "",
    ]
    out += _profile_md(d)
    out += _months_md(d)
    out += _days_left_out_md(d)
    out += [f"![Daily counts]({pics['daily_counts']})", ""]
    return out


def _months_md(d: DemandFit) -> list[str]:
    """The month-of-year weights with their intervals, or why they are not written."""
    if d.monthly is None:
        return [f"Month-of-year weights and annual growth: not written: {d.seasons_note}.", ""]
    out = ["### Month-of-year weights (mean 1)", ""]
    out += _table(
        ["month", "weight", "95% interval"],
        [
            [MONTHS[m], f"{e.value:.3f}", f"{e.low:.3f} to {e.high:.3f}"]
            for m, e in enumerate(d.monthly)
        ],
    )
    return out


def _days_left_out_md(d: DemandFit) -> list[str]:
    """The days left out of the demand fit, each with its calls and why."""
    out = ["### Days left out", ""]
    if not d.excluded:
        return out + ["None.", ""]
    out += _table(
        ["day", "weekday", ELIGIBLE, "why"],
        [
            [
                str(day),
                WEEKDAYS[day.weekday()],
                f"{int(d.daily[list(d.days.date).index(day)]):,}",
                why,
            ]
            for day, why in d.excluded.items()
        ],
    )
    return out


def _profile_md(d: DemandFit) -> list[str]:
    """The shares of the week's calls by hour and weekday with their bootstrap intervals."""
    iv = d.intervals
    total = float(d.observed.sum())
    hourly = d.observed.sum(axis=0) / total
    daily = d.observed.sum(axis=1) / total
    out = [
        f"### Profile: shares of the week's calls (95% bootstrap intervals, {iv.reps} "
        "resamples of the days used within each weekday)",
        "",
    ]
    few = int(d.days_by_weekday.min())
    if few < 5:
        out += [
            f"Only {few} days of some weekday were used: with so few, these intervals are rough.",
            "",
        ]
    out += _table(
        ["hour", "share", "95% interval"],
        [
            [f"{h:02d}", f"{hourly[h]:.2%}", f"{iv.hourly[0, h]:.2%} to {iv.hourly[1, h]:.2%}"]
            for h in range(24)
        ],
    )
    out += _table(
        ["weekday", "days used", "share", "95% interval"],
        [
            [
                WEEKDAYS[k],
                str(d.days_by_weekday[k]),
                f"{daily[k]:.2%}",
                f"{iv.daily[0, k]:.2%} to {iv.daily[1, k]:.2%}",
            ]
            for k in range(7)
        ],
    )
    return out


def _duration_md(fit: DurationFit, start: str, end: str, pic: str | None) -> list[str]:
    out = [f"### {fit.name}", "", f"Minutes from `{start}` to `{end}` of the eligible calls.", ""]
    dropped = [[why, f"{n:,}"] for why, n in fit.dropped.items()]
    out += _table(["used or dropped", "rows"], [["used", f"{fit.n:,}"], *dropped])
    if not fit.candidates:
        return out + ["Too few durations to fit (fewer than 20): not written.", ""]
    best = fit.best
    assert best is not None
    rows = [
        [
            c.family,
            f"{c.mean:.2f} ({c.se_mean:.2f})",
            f"{c.sd:.2f} ({c.se_sd:.2f})",
            f"{c.aic:,.1f}",
            f"+{c.aic - best.aic:,.1f}",
            f"{c.ks:.4f}",
            p_text(c.p_value),
        ]
        for c in sorted(fit.candidates, key=lambda c: c.aic)
    ]
    out += _table(["family", "mean (se)", "sd (se)", "AIC", "ΔAIC", "KS D", "KS p"], rows)
    dist = fit.distribution or {}
    written = (
        f"`empirical` with {len(dist.get('values', []))} equal-probability quantiles (in the "
        "YAML): the best by AIC fails the KS test, p < 0.01"
        if fit.chosen == "empirical"
        else f"`{flow(dist, 0)}`"
    )
    out += [f"Written: {written}.", ""]
    if fit.spread:
        out += ["Stamps are whole minutes: each duration was spread uniformly over its minute.", ""]
    if pic:
        out += [f"![{fit.name}]({pic})", ""]
    return out


def report_markdown(f: Fitted, out: Path, figures: list[Path]) -> str:
    """The fit report: where the numbers came from, the statistics and the figures."""
    pics = {p.stem: f"{p.parent.name}/{p.name}" for p in figures}
    d = f.demand
    lost = f.calls.time_dropped()
    rows = [["read", f"{f.calls.rows:,}"]]
    rows += [[f"no usable call time: {why}", f"{n:,}"] for why, n in lost.items()]
    if f.types is not None and len(f.types.unmapped):
        label = "natures the type map does not name" + (
            f" (counted as {f.options.unmapped_as})" if f.options.unmapped_as else " (left out)"
        )
        rows.append([label, f"{unmapped_rows(f.types):,}"])
    if f.types is not None and len(f.types.not_eligible):
        rows.append(["natures mapped to null (left out)", f"{int(f.types.not_eligible.sum()):,}"])
    rows += [
        [ELIGIBLE, f"{f.eligible:,}"],
        ["eligible calls with a usable time", f"{f.eligible_with_time:,}"],
        [f"eligible calls on the {int(d.used.sum())} days used (demand)", f"{d.calls_used:,}"],
    ]
    lines = [
        f"# Fit report: {out.name}",
        "",
        f"Fitted by `heart-sim fit` from `{f.calls.path}`: call time from column "
        f"`{f.columns.time}`, {d.first:%Y-%m-%d %H:%M:%S} to {d.last:%Y-%m-%d %H:%M:%S} (the "
        f"first and last usable timestamps). The scenario fragment is `{out.name}`; its "
        "comments say how each number was computed.",
        "",
        "## Rows",
        "",
        *_table(["rows", "count"], rows),
        *_demand_md(d, pics),
    ]
    if f.type_shares is not None:
        lines += ["## Call types", ""]
        lines += [f"Through the type map `{f.options.type_map}`; Wilson 95% intervals.", ""]
        lines += _table(["call type", "calls", "share", "95% interval"], _shares(f.type_shares))
    if f.types is not None and len(f.types.unmapped):
        lines += ["### Natures the type map does not name", ""]
        lines += _table(
            ["nature", "rows"], [[str(k), f"{int(v):,}"] for k, v in f.types.unmapped.items()]
        )
    if f.zone_shares is not None:
        lines += ["## Zones", ""]
        if f.no_zone:
            lines += [f"{f.no_zone:,} eligible calls with no zone are left out.", ""]
        lines += _table(["zone", "calls", "share", "95% interval"], _shares(f.zone_shares))
    if f.durations:
        lines += ["## Durations", ""]
        for i, placed in enumerate(f.durations):
            pic = pics.get(f"duration_{i + 1}")
            lines += _duration_md(placed.fit, placed.spec.start, placed.spec.end, pic)
    return "\n".join(lines).rstrip() + "\n"

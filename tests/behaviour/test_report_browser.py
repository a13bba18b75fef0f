"""The HTML report in a real browser (Playwright driving headless Chromium), and report.pdf.

For a run, a comparison, a sweep, a sensitivity, a calibration, an optimize, an
optimize --budget and a fit folder, report.html is loaded at
1280 x 900 from its file:// URL: it must not scroll sideways (the elements that stick out
are named), every image must load, nothing may be fetched but file: and data: URLs, a
full-page screenshot is taken, and printed (print media, A4 and Letter) it must fit the
page and run over more than one. ``heart-sim report DIR --pdf`` must write a PDF, and say
in one line how to install Chromium when there is none.

The browser tests skip, saying why, without Chromium or Playwright (``.ci/run`` installs
Chromium with apt-get; Playwright is in the ``test`` extra).
"""

from __future__ import annotations

import re
import stat
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from builders import baseline_dict
from fit_synthetic import TYPE_MAP, synthetic_export
from typer.testing import CliRunner

import heart_sim as hs
import heart_sim.reports._pdf as pdf
from heart_sim.calibration._calibrate import calibrate
from heart_sim.calibration._targets import Targets
from heart_sim.cli import app
from heart_sim.core._errors import ChromiumNotFoundError, PdfError
from heart_sim.optimization._budget import budget_study
from heart_sim.optimization._budgetfile import options_from_dict
from heart_sim.optimization._goals import parse_goal
from heart_sim.optimization._optimize import optimize
from heart_sim.reports import write_report as write_html_report
from heart_sim.scenario._load import scenario_sources
from heart_sim.study._studies import sweep as run_sweep

CHROMIUM = pdf.find_chromium()
NO_CHROMIUM = "Chromium not installed (apt-get install chromium, or set HEART_SIM_CHROMIUM)"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)

VIEWPORT = {"width": 1280, "height": 900}
CSS_PX_PER_INCH = 96
# Paper widths (inches) and the margin page.pdf() is given below, so the printable width
# in CSS px is known: A4 is 8.27 in wide, Letter 8.5 in.
PAPERS = {"A4": 8.27, "Letter": 8.5}
MARGIN_IN = 0.5
KINDS = ("run", "comparison", "sweep", "sensitivity", "calibration", "optimize", "budget", "fit")

# Elements whose right edge is past the viewport, keeping only the outermost (those whose
# parent still fits): the ones to fix. Each described by tag, id/class, size and text.
OFFENDERS_JS = """
(limit) => {
  const width = window.innerWidth;
  const out = [];
  let total = 0;
  for (const el of document.querySelectorAll("body *")) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 0.5) continue;
    total += 1;
    const p = el.parentElement && el.parentElement.getBoundingClientRect();
    if (p && p.right > width + 0.5 && el.parentElement !== document.body) continue;
    let name = el.tagName.toLowerCase();
    if (el.id) name += "#" + el.id;
    if (el.classList.length) name += "." + Array.from(el.classList).join(".");
    const text = (el.innerText || el.getAttribute("alt") || "").trim().replace(/\\s+/g, " ");
    out.push(`${name} right=${Math.round(r.right)} width=${Math.round(r.width)} `
             + JSON.stringify(text.slice(0, 60)));
  }
  return {total: total, outermost: out.slice(0, limit), more: Math.max(0, out.length - limit)};
}
"""

# Table headers whose words are wider than their cell (a word broken across lines, or cut):
# each piece between break points is measured on its own against the cell's inner width.
HEADERS_BROKEN_MID_WORD_JS = """
() => {
  const out = [];
  for (const th of document.querySelectorAll("th")) {
    if (!th.getClientRects().length || th.clientWidth === 0) continue;  // not shown
    // a header may wrap at spaces and after - _ . / (names such as durham_2022 are given
    // those break points on purpose); what may not happen is a break inside a piece
    const words = (th.innerText || "").split(/\\s+|(?<=[-_.\\/])/).filter(w => w.length);
    if (!words.length) continue;
    const probe = document.createElement("span");
    probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
    const cs = getComputedStyle(th);
    // the text's own font: a header that is one element (<code>name</code>) is set in it
    const only = th.children.length === 1 && th.children[0].textContent === th.textContent;
    const ts = getComputedStyle(only ? th.children[0] : th);
    probe.style.font = ts.font;
    probe.style.letterSpacing = ts.letterSpacing;
    probe.style.textTransform = ts.textTransform;
    document.body.appendChild(probe);
    const inner = th.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    for (const w of words) {
      probe.textContent = w;
      if (probe.getBoundingClientRect().width > inner + 1) out.push(w);
    }
    probe.remove();
  }
  return out.slice(0, 12);
}
"""

IMAGES_JS = """
() => Array.from(document.images).map((i, n) => ({
  n: n, alt: i.alt, complete: i.complete, naturalWidth: i.naturalWidth,
}))
"""


# --- folders ----------------------------------------------------------------------------


def _short(weeks: int) -> dict:
    data = baseline_dict()
    data["horizon_weeks"] = weeks
    return data


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory) -> Path:
    res = hs.simulate(_short(2), reps=2, seed=1)
    res.sources = scenario_sources("durham_2022")
    return res.save(tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def compare_folder(tmp_path_factory) -> Path:
    data = _short(2)
    alt = data | {
        "name": "citywide_short",
        "programs": data["programs"] | {"crt": data["programs"]["crt"] | {"area": "city"}},
    }
    return hs.compare(data, alt, reps=2, seed=1).save(tmp_path_factory.mktemp("cmp"))


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweep")
    res = run_sweep(_short(1), "durham_2022.yaml", [("crt.units", [1, 2])], out, reps=2)
    assert res.folder is not None
    return res.folder


@pytest.fixture(scope="module")
def sensitivity_folder(tmp_path_factory) -> Path:
    data = _short(1) | {
        "calibration": {
            "costs.police_hours_per_call": {"low": 0.25, "high": 1.0, "note": "ASSUMPTION"},
            "programs.crt.travel_time.speed_mph": {"low": 25, "high": 45},
            "programs.ccd.shifts[0].units": {"low": 1, "high": 3, "integer": True},
        }
    }
    out = tmp_path_factory.mktemp("sensitivity")
    res = hs.sensitivity(data, trajectories=3, reps=2, seed=1, out=out)
    assert res.folder is not None
    return res.folder


@pytest.fixture(scope="module")
def calibration_folder(tmp_path_factory) -> Path:
    data = _short(1) | {
        "calibration": {
            "demand.calls_per_week": {"low": 450, "high": 750},
            "programs.crt.travel_time.speed_mph": {"low": 25, "high": 45},
        }
    }
    targets = Targets.model_validate(
        {
            "name": "pilot",
            "targets": [
                {"metric": "calls_per_week", "value": 590, "sd": 20, "source": "cbs17.com"},
                {"metric": "crt_response_time", "value": 7.6, "sd": 1, "source": "cbs17.com"},
            ],
        }
    )
    out = tmp_path_factory.mktemp("calibration")
    res = calibrate(data, "short.yaml", targets, out, points=8, reps=2, waves=2, seed=1)
    return res.folder


@pytest.fixture(scope="module")
def optimize_folder(tmp_path_factory) -> Path:
    goals = [parse_goal("crt_response_time_p90<=30"), parse_goal("crt_p_wait<=0.8 each hour")]
    out = tmp_path_factory.mktemp("optimize")
    res = optimize(
        _short(2), "durham_2022", goals, out, programs=["crt"], isa_reps=3, min_reps=3, max_reps=6
    )
    return res.folder


@pytest.fixture(scope="module")
def budget_folder(tmp_path_factory) -> Path:
    evening = {"days": "daily", "start": "19:00", "end": "23:00", "units": 1}
    options = options_from_dict(
        {
            "name": "small",
            "options": {
                "crt_third_team_on_the_day_shift": {"set": {"programs.crt.shifts[0].units": 3}},
                "crt_evening": {"add": {"programs.crt.shifts": [evening]}},
                "ccd_third": {"set": {"programs.ccd.shifts[0].units": 3}},
            },
        }
    )
    out = tmp_path_factory.mktemp("budget")
    return budget_study(_short(2), "durham_2022", options, out, budget=1e9, reps=3).folder


@pytest.fixture(scope="module")
def fit_folder(tmp_path_factory) -> Path:
    frame, _ = synthetic_export(seed=3, days=120, calls_per_week=300, other_per_day=30)
    out = tmp_path_factory.mktemp("fit")
    frame.to_csv(out / "export.csv", index=False)
    (out / "types.yaml").write_text(yaml.safe_dump(TYPE_MAP))
    fit = hs.fit(
        out / "export.csv",
        out / "inputs.yaml",
        time_column="Call Time",
        type_column="Nature",
        zone_column="Beat",
        type_map=out / "types.yaml",
        durations=("Arrived:Cleared:crt.on_scene_time",),
    )
    return fit.folder


@pytest.fixture(scope="module")
def folders(
    run_folder,
    compare_folder,
    sweep_folder,
    sensitivity_folder,
    calibration_folder,
    optimize_folder,
    budget_folder,
    fit_folder,
) -> dict[str, Path]:
    return {
        "run": run_folder,
        "comparison": compare_folder,
        "sweep": sweep_folder,
        "sensitivity": sensitivity_folder,
        "calibration": calibration_folder,
        "optimize": optimize_folder,
        "budget": budget_folder,
        "fit": fit_folder,
    }


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason='Playwright not installed (pip install -e ".[test]")'
    )
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(**pdf.launch_options(CHROMIUM))
        yield b
        b.close()


class Loaded:
    """A report opened at 1280 x 900, with every request the page made."""

    def __init__(self, browser, report: Path, media: str = "screen", width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.emulate_media(media=media)
        self.page.goto(report.as_uri(), wait_until="load")

    def widths(self) -> tuple[int, int]:
        return self.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")

    def offenders(self) -> str:
        found = self.page.evaluate(OFFENDERS_JS, 12)
        lines = "\n  ".join(found["outermost"])
        more = f"\n  ... and {found['more']} more" if found["more"] else ""
        return f"{found['total']} elements stick out; the outermost:\n  {lines}{more}"


@pytest.fixture(scope="module")
def loaded(browser, folders):
    """Each kind's report.html, opened once (screen media, 1280 x 900)."""
    pages = {kind: Loaded(browser, write_html_report(folders[kind])) for kind in KINDS}
    yield pages
    for p in pages.values():
        p.context.close()


@pytest.mark.parametrize("kind", KINDS)
def test_report_does_not_scroll_sideways_at_1280(loaded, kind) -> None:
    page = loaded[kind]
    scroll, inner = page.widths()
    assert scroll <= inner, (
        f"{kind} report is {scroll} px wide in a {inner} px window; {page.offenders()}"
    )


PHONE = 390  # CSS px: a common phone's screen width


@pytest.mark.parametrize("kind", KINDS)
def test_report_does_not_scroll_sideways_on_a_390_px_screen(browser, folders, kind) -> None:
    """Issue 24: at 390 px the comparison page was 585 px wide (two tables overflowed) and
    headers broke mid-word. Wide tables scroll inside their own wrapper; the page does not."""
    page = Loaded(browser, write_html_report(folders[kind]), width=PHONE)
    try:
        scroll = page.page.evaluate("() => document.scrollingElement.scrollWidth")
        broken = page.page.evaluate(HEADERS_BROKEN_MID_WORD_JS)
        offenders = page.offenders() if scroll > PHONE else ""
    finally:
        page.context.close()
    assert scroll <= PHONE, f"{kind} report is {scroll} px wide on a {PHONE} px screen; {offenders}"
    assert not broken, f"{kind}: headers broken mid-word at {PHONE} px: {broken}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_image_loads(loaded, kind) -> None:
    images = loaded[kind].page.evaluate(IMAGES_JS)
    assert images, f"{kind} report has no images"
    broken = [i for i in images if not (i["complete"] and i["naturalWidth"] > 0)]
    assert not broken, f"{kind}: {len(broken)} of {len(images)} images did not load: {broken}"


@pytest.mark.parametrize("kind", KINDS)
def test_nothing_is_fetched_from_the_network(loaded, kind) -> None:
    page = loaded[kind]
    assert page.requests, "no request recorded at all (not even the page)"
    remote = [u for u in page.requests if not u.startswith(("file:", "data:"))]
    assert not remote, f"{kind} report fetched: {remote}"


@pytest.mark.parametrize("kind", KINDS)
def test_full_page_screenshot(loaded, kind, tmp_path) -> None:
    shot = tmp_path / f"report_{kind}.png"
    loaded[kind].page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 50_000, f"{kind} screenshot is only {shot.stat().st_size} B"


def _pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))


def _printable_px(paper: str) -> int:
    return int((PAPERS[paper] - 2 * MARGIN_IN) * CSS_PX_PER_INCH)


@pytest.mark.parametrize("kind", KINDS)
def test_printed_report_fits_the_paper(browser, folders, kind) -> None:
    report = write_html_report(folders[kind])
    problems = []
    for paper in PAPERS:
        page = Loaded(browser, report, media="print", width=_printable_px(paper))
        try:
            scroll, inner = page.widths()
            if scroll > inner:
                problems.append(
                    f"{paper} ({inner} px printable): {scroll} px wide; {page.offenders()}"
                )
        finally:
            page.context.close()
    assert not problems, f"{kind} report printed is wider than the paper:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_report_prints_on_several_pages(browser, folders, kind) -> None:
    report = write_html_report(folders[kind])
    page = Loaded(browser, report, media="print", width=_printable_px("Letter"))
    try:
        margin = f"{MARGIN_IN}in"
        data = page.page.pdf(
            format="Letter",
            margin={"top": margin, "bottom": margin, "left": margin, "right": margin},
        )
    finally:
        page.context.close()
    assert data.startswith(b"%PDF-")
    assert _pdf_pages(data) > 1, f"{kind} report prints on one Letter page"


# --- heart-sim report --pdf ----------------------------------------------------------------

runner = CliRunner()


@needs_chromium
def test_report_pdf_from_the_command_line(run_folder) -> None:
    (run_folder / "report.pdf").unlink(missing_ok=True)
    res = runner.invoke(app, ["report", str(run_folder), "--pdf"])
    assert res.exit_code == 0, res.output
    target = run_folder / "report.pdf"
    assert "report.html" in res.output and str(target) in res.output
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and _pdf_pages(data) > 1
    assert (run_folder / "report.html").exists()
    assert not list(run_folder.glob(".report.pdf.*")), "a temporary file was left behind"


def test_report_pdf_without_chromium_says_how_to_install_it(run_folder, monkeypatch) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    monkeypatch.delenv(pdf.ENV_VAR, raising=False)
    (run_folder / "report.pdf").unlink(missing_ok=True)
    (run_folder / "report.html").unlink(missing_ok=True)
    res = runner.invoke(app, ["report", str(run_folder), "--pdf"])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1, res.output
    assert lines[0].startswith("error: ") and "apt-get install chromium" in lines[0]
    assert "report.html was written" in lines[0]
    assert (run_folder / "report.html").exists()
    assert not (run_folder / "report.pdf").exists()
    assert not list(run_folder.glob(".report.pdf.*"))


def test_launch_options_without_chromium(monkeypatch) -> None:
    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    monkeypatch.delenv(pdf.ENV_VAR, raising=False)
    with pytest.raises(ChromiumNotFoundError, match="apt-get install chromium"):
        pdf.launch_options()


def test_the_environment_variable_chooses_the_browser(monkeypatch, tmp_path) -> None:
    fake = _script(tmp_path, "my-chrome", "exit 0")
    monkeypatch.setenv(pdf.ENV_VAR, str(fake))
    assert pdf.find_chromium() == str(fake)
    monkeypatch.setenv(pdf.ENV_VAR, str(tmp_path / "nothing-here"))
    assert pdf.find_chromium() is None
    with pytest.raises(ChromiumNotFoundError, match="HEART_SIM_CHROMIUM=.*nothing-here"):
        pdf.launch_options()


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="shell-script fake browser")


@posix_only
def test_a_browser_that_hangs_is_stopped(tmp_path) -> None:
    html = tmp_path / "report.html"
    html.write_text("<p>hi</p>")
    slow = _script(tmp_path, "slow-chrome", "sleep 60")
    with pytest.raises(PdfError, match=r"took more than 1 s .* stopped"):
        pdf.print_pdf(html, tmp_path / "report.pdf", chromium=str(slow), timeout=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "slow-chrome"]


@posix_only
def test_a_browser_that_fails_leaves_no_file(tmp_path) -> None:
    html = tmp_path / "report.html"
    html.write_text("<p>hi</p>")
    bad = _script(tmp_path, "bad-chrome", "echo 'it broke' >&2; exit 3")
    with pytest.raises(PdfError, match="exit code 3: it broke"):
        pdf.print_pdf(html, tmp_path / "report.pdf", chromium=str(bad))
    silent = _script(tmp_path, "silent-chrome", "exit 0")  # exits 0 but writes no PDF
    with pytest.raises(PdfError, match="did not write a PDF"):
        pdf.print_pdf(html, tmp_path / "report.pdf", chromium=str(silent))
    assert not (tmp_path / "report.pdf").exists()
    assert not list(tmp_path.glob(".report.pdf.*"))


# --- every kind of folder reads back -------------------------------------------------------

OPENED_AS = {
    "run": hs.Results,
    "comparison": hs.Comparison,
    "sweep": hs.SweepResult,
    "sensitivity": hs.SensitivityResult,
    "calibration": hs.CalibrationResult,
    "optimize": hs.OptimizeResult,
    "budget": hs.BudgetResult,
    "fit": hs.FitOutcome,
}


def test_every_kind_of_folder_is_declared_once() -> None:
    from heart_sim.reports import KINDS as DECLARED

    assert sorted(DECLARED) == sorted(KINDS) == sorted(OPENED_AS)


@pytest.mark.parametrize("kind", KINDS)
def test_open_reads_every_kind_of_folder_back(folders, kind) -> None:
    res = hs.open(folders[kind])
    assert type(res) is OPENED_AS[kind]
    assert Path(res.folder).resolve() == Path(folders[kind]).resolve()


@pytest.mark.parametrize("kind", KINDS)
def test_every_result_follows_the_protocol_and_saves_a_folder_that_opens_the_same(
    folders, kind, tmp_path
) -> None:
    """summary is a DataFrame, folder the folder, _repr_html_ shows the summary as a table,
    and save(out) writes a folder that reads back as the same result with the same summary
    (for the five studies that write as they go, a copy named as the CLI names it)."""
    from heart_sim.study import StudyResult

    res = hs.open(folders[kind])
    assert isinstance(res, StudyResult)
    assert isinstance(res.summary, pd.DataFrame) and len(res.summary) > 0
    shown = res._repr_html_()  # headline cards for a run or comparison, else the summary
    assert ("cards" in shown) if kind in ("run", "comparison") else ("<table" in shown)
    saved = res.save(tmp_path / "saved")
    assert saved.parent == tmp_path / "saved"
    back = hs.open(saved)
    assert type(back) is type(res) and Path(back.folder).resolve() == saved.resolve()
    pd.testing.assert_frame_equal(back.summary, res.summary, check_dtype=False)
    stem = saved.name.rsplit("-", 1)[0]
    assert (tmp_path / "saved" / stem).resolve() == saved.resolve()  # out/<stem> -> newest
    assert res.save(tmp_path / "saved") == saved  # the same study saved again: same folder


@pytest.mark.parametrize("kind", KINDS)
def test_each_kinds_markdown_is_the_declared_writer_of_its_result(folders, kind) -> None:
    """The markdown a study wrote is what the registry's writer makes of the result read
    back: one declaration of the file and its text per kind."""
    from heart_sim.reports import KINDS as DECLARED

    declared = DECLARED[kind].markdown
    if kind in ("sweep", "fit"):  # a sweep has none; a fit's needs the call records
        assert declared is None
        return
    assert declared is not None
    name, write = declared
    assert (folders[kind] / name).read_text() == write(hs.open(folders[kind]))

"""Screenshots of the three kinds of HTML report, for the docs.

Builds a Durham run (durham_2022), a comparison (durham_2022 vs crt_24_7 and weekend_cor)
and a sweep (durham_2022 over crt.units = 1, 2, 3), writes each report.html, opens it in
headless Chromium (Playwright, launched as the browser tests launch it:
``heart_sim.reports._pdf.launch_options``) at 1280 x 900 and saves the top 1280 x 1600 px to
docs/img/report_run.png, report_comparison.png and report_sweep.png (``--full-page`` adds
``*_full.png`` of the whole page). Results go to a temporary folder unless ``--out``.

    python scripts/report_screenshots.py [--reps 3] [--out DIR] [--full-page]

Needs Chromium (apt-get install chromium, or HEART_SIM_CHROMIUM) and Playwright
(pip install -e ".[test]").
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import FloatRect, sync_playwright

import heart_sim as hs
from heart_sim.reports import write_report as write_html_report
from heart_sim.reports._pdf import launch_options

ROOT = Path(__file__).resolve().parent.parent
WIDTH, TOP = 1280, 1600


def build(out: Path, reps: int, seed: int) -> dict[str, Path]:
    """The three results folders: kind -> folder."""
    run = hs.simulate("durham_2022", reps=reps, seed=seed, out=out)
    comp = hs.compare(
        "durham_2022",
        ROOT / "scenarios" / "crt_24_7.yaml",
        ROOT / "scenarios" / "weekend_cor.yaml",
        reps=reps,
        seed=seed,
        out=out,
    )
    sweep = hs.sweep("durham_2022", {"crt.units": [1, 2, 3]}, reps=reps, seed=seed, out=out)
    folders = {"run": run.folder, "comparison": comp.folder, "sweep": sweep.folder}
    missing = [kind for kind, folder in folders.items() if folder is None]
    if missing:
        raise SystemExit(f"no results folder written for: {', '.join(missing)}")
    return {kind: Path(folder) for kind, folder in folders.items() if folder is not None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3, help="replications (>= 2)")
    ap.add_argument("--seed", type=int, default=2022)
    ap.add_argument("--out", type=Path, help="keep the results here (default: a temp folder)")
    ap.add_argument("--img", type=Path, default=ROOT / "docs" / "img", help="where the PNGs go")
    ap.add_argument("--full-page", action="store_true", help="also the whole page, *_full.png")
    args = ap.parse_args()
    options = launch_options()  # before the runs: say at once if there is no Chromium
    with tempfile.TemporaryDirectory(prefix="heart-sim-screenshots-") as tmp:
        folders = build(args.out or Path(tmp), args.reps, args.seed)
        args.img.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(**options)
            page = browser.new_page(viewport={"width": WIDTH, "height": 900})
            for kind, folder in folders.items():
                report = write_html_report(folder)
                page.goto(report.as_uri(), wait_until="load")
                height = page.evaluate("() => document.documentElement.scrollHeight")
                shot = args.img / f"report_{kind}.png"
                clip = FloatRect(x=0, y=0, width=WIDTH, height=min(TOP, height))
                page.screenshot(path=str(shot), clip=clip, full_page=True)
                print(f"{shot} ({report})")
                if args.full_page:
                    full = args.img / f"report_{kind}_full.png"
                    page.screenshot(path=str(full), full_page=True)
                    print(full)
            browser.close()


if __name__ == "__main__":
    main()

"""Regenerate the documentation's example figures in docs/img/examples/ (10 replications each).

python scripts/example_figures.py

The baseline's run figures, the zones of durham_2023_citywide, the monthly figure of
durham_2022_to_2024, a comparison's forest, outcomes and cost figures, and the two
optimize examples (CRT 24/7's requirement, what 17 FTE buy); each is what
`heart-sim run --report` / `compare --report` / `optimize --report` writes to plots/.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import heart_sim as hs
from heart_sim.reports import write_plots
from heart_sim.reports import write_plots as write_any_plots

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "img" / "examples"
REPS = 10


def _copy(folder: Path, stems: dict[str, str]) -> None:
    write_plots(folder, formats=("png",))
    for stem, name in stems.items():
        shutil.copyfile(folder / "plots" / f"{stem}.png", EXAMPLES / f"{name}.png")
        print("wrote", EXAMPLES / f"{name}.png")


def main() -> None:
    EXAMPLES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run = hs.simulate("durham_2022", reps=REPS, out=out)
        assert run.folder is not None
        stems = ("demand_heatmap", "unmet_demand_heatmap", "staffing_heatmap")
        stems += ("utilization_heatmap", "response_cdf", "outcomes")
        _copy(run.folder, {s: s for s in stems})
        city = hs.simulate("durham_2023_citywide", reps=REPS, out=out)
        assert city.folder is not None
        _copy(city.folder, {"zones": "zones_durham_2023_citywide"})
        phased = hs.simulate("durham_2022_to_2024", reps=REPS, out=out)
        assert phased.folder is not None
        _copy(phased.folder, {"monthly": "monthly_durham_2022_to_2024"})
        comp = hs.compare("durham_2022", "weekend_cor", "citywide", "crt_24_7", reps=REPS, out=out)
        assert comp.folder is not None
        names = ("differences_forest", "outcomes", "cost_vs_diverted")
        _copy(comp.folder, {s: f"compare_{s}" for s in names})
        # The README's two optimize examples (about 3 and 2 minutes on 2 cores).
        crt = hs.optimize(
            "durham_2025",
            ["crt_lost_share<=0.1"],
            out=out,
            programs=["crt"],
            around_the_clock=True,
            shift_lengths=(12,),
            same_each_day=True,
            weekend_rotation=3,
            jobs=2,
        )
        _copy_any(crt.folder, {"requirement_crt": "optimize_crt_24_7_requirement"})
        fte = hs.budget(
            "durham_2025",
            ROOT / "scenarios" / "options" / "durham_fy26.yaml",
            fte=17,
            out=out,
            jobs=2,
        )
        _copy_any(fte.folder, {"frontier": "optimize_fte_17_frontier"})


def _copy_any(folder: Path, stems: dict[str, str]) -> None:
    write_any_plots(folder, formats=("png",))
    for stem, name in stems.items():
        shutil.copyfile(folder / "plots" / f"{stem}.png", EXAMPLES / f"{name}.png")
        print("wrote", EXAMPLES / f"{name}.png")


if __name__ == "__main__":
    main()

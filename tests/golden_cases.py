"""The golden back-test's cases, shared by tests/behaviour/test_golden.py and
scripts/make_golden.py.

Each case runs through the public API exactly as a user would and keeps some of the files
it writes under tests/golden/<case>/. The test compares them byte for byte, so any change
to the numbers the model produces shows up as a changed golden file, regenerated on purpose
(``python scripts/make_golden.py``) in its own commit that says why.
"""

from __future__ import annotations

from pathlib import Path

import heart_sim as hs

GOLDEN = Path(__file__).resolve().parent / "golden"
SEED = 7
REPS = 3
RUN_FILES = ("summary.csv", "replications.csv")
COMPARE_FILES = ("comparison.csv", "costs.csv")
COMPARED = ("durham_2022", "weekend_cor", "citywide")


def run_case(out: Path) -> dict[str, Path]:
    """Golden file name -> the file the current code wrote for it under ``out``."""
    res = hs.simulate("durham_2022", reps=REPS, seed=SEED, out=out / "run")
    files = {f"durham_2022/{n}": res.folder / n for n in RUN_FILES}
    comp = hs.compare(*COMPARED, reps=REPS, seed=SEED, out=out / "compare")
    name = "compare_" + "__".join(COMPARED)  # the folder's stem (its input key aside)
    files |= {f"{name}/{n}": comp.folder / n for n in COMPARE_FILES}
    for scenario in COMPARED:
        files |= {f"{name}/{scenario}/{n}": comp.folder / scenario / n for n in RUN_FILES}
    return files

"""Golden back-test: the Durham baseline and one comparison, 3 replications, fixed seed,
byte-equal to files under tests/golden/ written by an earlier version (the golden files
were first written by the code before the issue-9 restructuring and have been reproduced
unchanged since). A model change that moves any number fails here until the golden files
are regenerated on purpose: ``python scripts/make_golden.py``, in its own commit."""

from __future__ import annotations

import pandas as pd
from golden_cases import GOLDEN, run_case


def test_outputs_are_byte_equal_to_the_golden_files(tmp_path) -> None:
    written = run_case(tmp_path)
    stored = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.csv"))
    assert sorted(written) == stored, "golden files and cases disagree: run make_golden.py"
    for name, path in written.items():
        golden = GOLDEN / name
        if path.read_bytes() != golden.read_bytes():
            # Say where: the first differing metric and by how much.
            new, old = pd.read_csv(path), pd.read_csv(golden)
            diff = ""
            if new.shape == old.shape and list(new.columns) == list(old.columns):
                for col in new.columns:
                    if not new[col].equals(old[col]):
                        diff = f"; first differing column {col!r}: {old[col].tolist()[:3]} -> "
                        diff += f"{new[col].tolist()[:3]}"
                        break
            raise AssertionError(
                f"{name} differs from the golden file{diff}. If the model changed on purpose, "
                "run python scripts/make_golden.py and commit the new files with the reason."
            )

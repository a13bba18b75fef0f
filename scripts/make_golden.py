"""Regenerate the golden files of tests/behaviour/test_golden.py from the current code.

    python scripts/make_golden.py

Run it only when a change to the model's numbers is intended, and commit the new golden
files in their own commit whose message says why the numbers moved.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from golden_cases import GOLDEN, run_case  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        written = run_case(Path(tmp))
        shutil.rmtree(GOLDEN, ignore_errors=True)
        changed = 0
        for name, path in sorted(written.items()):
            target = GOLDEN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            changed += 1
    print(f"{changed} golden files written under {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

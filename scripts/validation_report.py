"""Write docs/validation.md: every validation check as a table (expected, simulated, CI,
pass/fail). The cases are the ones the test suite runs (tests/validation_cases.py).

    python scripts/validation_report.py        # a few minutes on 2 cores
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from validation_cases import (  # noqa: E402
    CIW_CONFIGS,
    ciw_case,
    erlang_b_case,
    erlang_c_case,
    littles_law_case,
    psa_case,
)

from heart_sim import __version__  # noqa: E402


def fmt(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4g}"


def main() -> None:
    sections = [
        (
            "Erlang C: M/M/c, unlimited patience (20 replications; service 3 min)",
            [
                lambda c=c, r=r: erlang_c_case(
                    c, r, reps=20, weeks=10 if c >= 5 else 15, service=3.0
                )
                for c in (1, 2, 5, 10)
                for r in (0.5, 0.8, 0.95)
            ],
        ),
        (
            "Erlang B: M/M/c with zero patience (share that falls back)",
            [
                lambda c=c, a=a: erlang_b_case(c, a)
                for c, a in ((1, 0.5), (1, 0.95), (3, 2.0), (5, 4.75), (10, 9.5))
            ],
        ),
        ("Little's law on the queue (with reneging; tolerance 1%)", [littles_law_case]),
        (
            "Time-varying arrivals against the pointwise stationary approximation "
            "(tolerance 3% of the expected value)",
            [psa_case],
        ),
        (
            "Ciw, same queue with a server schedule (expected = Ciw's mean; interval = heart-sim "
            "mean +- 1.96 x the combined standard error; passes when Ciw's mean lies inside)",
            [lambda n=n: ciw_case(n) for n in CIW_CONFIGS],
        ),
    ]
    t0 = time.time()
    lines = [
        "# Validation",
        "",
        f"Written by `python scripts/validation_report.py` (heart-sim {__version__}, "
        f"{time.strftime('%Y-%m-%d')}). The same cases run in the test suite "
        "(`tests/behaviour/test_validation.py`, `tests/behaviour/test_theory.py`; "
        "the large grids with `pytest -m slow`). Intervals are 95%.",
        "",
    ]
    total = passed = 0
    for title, cases in sections:
        lines += [
            f"## {title}",
            "",
            "| case | quantity | expected | simulated | 95% CI | result |",
            "|---|---|---|---|---|---|",
        ]
        for case in cases:
            for r in case():
                total += 1
                passed += r["passed"]
                lines.append(
                    f"| {r['case']} | {r['quantity']} | {fmt(r['expected'])} | "
                    f"{fmt(r['simulated'])} | [{fmt(r['ci_low'])}, {fmt(r['ci_high'])}] | "
                    f"{'pass' if r['passed'] else 'FAIL'} |"
                )
                print(lines[-1], flush=True)
        lines.append("")
    lines.insert(4, f"**{passed} of {total} checks pass** ({time.time() - t0:.0f} s).\n")
    target = ROOT / "docs" / "validation.md"
    # Keep the honesty test's section (written by scripts/honesty_test.py).
    old = target.read_text() if target.exists() else ""
    begin, end = "<!-- honesty-test -->", "<!-- /honesty-test -->"
    if begin in old and end in old:
        lines.append(begin + old.split(begin, 1)[1].split(end, 1)[0] + end)
    target.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

"""Measure how much common random numbers narrow the paired-difference intervals.

Runs base vs each alternative twice: with the same seed (CRN) and with independent seeds,
and writes docs/crn.md with the CI widths and their ratio.

    python scripts/crn_effect.py [--reps 20]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from heart_sim.scenario._load import load_scenario
from heart_sim.study._studies import compare

ROOT = Path(__file__).resolve().parent.parent
METRICS = (
    "diversion_rate",
    "heart_response_rate",
    "crt_response_time",
    "cost_total_annual",
    "police_hours_per_year",
)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("alternatives", nargs="*", default=["weekend_cor", "citywide", "crt_24_7"])
    args = ap.parse_args()
    base = load_scenario("durham_2022")
    alts = [load_scenario(a) for a in args.alternatives]
    crn = compare(base, alts, reps=args.reps, seed=args.seed).differences
    ind = compare(base, alts, reps=args.reps, seed=args.seed, independent=True).differences
    lines = [
        "# Common random numbers vs independent streams",
        "",
        f"`python scripts/crn_effect.py --reps {args.reps} --seed {args.seed}`: width of the "
        "95% CI of the paired difference (alternative - durham_2022) with the same seed for "
        "both (CRN) and with independent seeds.",
        "",
        "| alternative | metric | CI width, CRN | CI width, independent | ratio |",
        "|---|---|---|---|---|",
    ]
    for alt in args.alternatives:
        c = crn[crn.scenario == alt].set_index("metric")
        i = ind[ind.scenario == alt].set_index("metric")
        for m in METRICS:
            wc = c.loc[m, "diff_ci_high"] - c.loc[m, "diff_ci_low"]
            wi = i.loc[m, "diff_ci_high"] - i.loc[m, "diff_ci_low"]
            lines.append(f"| {alt} | {m} | {wc:.4g} | {wi:.4g} | {wc / wi:.3f} |")
            print(lines[-1], flush=True)
    (ROOT / "docs" / "crn.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

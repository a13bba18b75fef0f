"""Write docs/sources.md: every source and assumption cited in the built-in scenarios.

    python scripts/sources_doc.py

The list is read from the scenario files' own comments (the same reading the HTML report
uses), so it cannot drift from what the scenarios say.
"""

from __future__ import annotations

from pathlib import Path

from heart_sim.core._fileio import atomic_write
from heart_sim.reports._html_kit import assumptions
from heart_sim.scenario._load import builtin_scenarios

ROOT = Path(__file__).resolve().parent.parent


TARGET = ROOT / "docs" / "sources.md"


def render() -> str:
    sources = {p.name: p.read_text(encoding="utf-8") for p in builtin_scenarios().values()}
    rows = assumptions(sources)
    lines = [
        "# Sources and assumptions of the built-in scenarios",
        "",
        "Written by `python scripts/sources_doc.py` from the comments in `scenarios/*.yaml`. "
        '"Source:" is a published figure, "Derived:" arithmetic on published figures, '
        '"ASSUMPTION:" a value not published for Durham (with the range tried where one was), '
        '"Proxy:" data from elsewhere standing in for Durham\'s.',
        "",
    ]
    for kind in ("Source", "Derived", "Proxy", "ASSUMPTION"):
        picked = [r for r in rows if kind.lower() in r[2].lower()]
        lines += [f"## {kind} ({len(picked)})", "", "| file | key | comment |", "|---|---|---|"]
        lines += [f"| {f} | `{k}` | {c.replace('|', '/')} |" for f, k, c in picked]
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    atomic_write(TARGET, render())
    print(f"written: {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

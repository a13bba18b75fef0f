"""The text of ``heart-sim optimize``'s hour values: ``--hours 06:00-24:00`` and
``--starts 07:00``.

Parsed here, apart from the search, so that the CLI and the API read the same forms and
raise the same :class:`OptimizeError` messages before any simulation starts.
"""

from __future__ import annotations

from ._result import OptimizeError


def parse_hours(text: str) -> tuple[int, int]:
    """'06:00-24:00' -> (6, 24): whole hours; an end at or before the start runs past
    midnight."""
    try:
        a, b = text.split("-")
        ha, ma = (int(x) for x in a.split(":"))
        hb, mb = (int(x) for x in b.split(":"))
    except ValueError:
        raise OptimizeError(
            f"--hours {text!r}: write HH:00-HH:00, e.g. 06:00-24:00 or 20:00-08:00"
        ) from None
    hb = hb or 24  # 18:00-00:00 ends at midnight
    if ma or mb or not 0 <= ha < 24 or not 0 < hb <= 24 or ha == hb % 24 and hb != 24:
        raise OptimizeError(
            f"--hours {text!r}: whole hours from 00:00 to 24:00, start and end different"
        )
    return ha, hb


def parse_start(text: str) -> int:
    """'07:00' -> 7: a shift start on the hour."""
    try:
        h, m = (int(x) for x in text.split(":"))
    except ValueError:
        raise OptimizeError(f"--starts {text!r}: write HH:00, e.g. 06:00,07:00") from None
    if m or not 0 <= h < 24:
        raise OptimizeError(f"--starts {text!r}: a whole hour from 00:00 to 23:00")
    return h

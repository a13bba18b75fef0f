"""The processes below a process, and which still run: for the app's tests that a stopped
worker or server leaves nothing behind (Linux: reads /proc)."""

from __future__ import annotations

import time
from pathlib import Path

HAS_PROC = Path("/proc/self/task").exists()


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (/proc/<pid>/task/*/children, recursively)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids = {int(k) for k in (task / "children").read_text().split()}
        except OSError:
            continue
        for kid in kids - found:
            found |= {kid} | descendants(kid)
    return found


def alive(pids: set[int]) -> dict[int, str]:
    """Those of ``pids`` still running (not zombies), with their command lines."""
    running = {}
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if state != "Z":
            running[pid] = cmd[:160]
    return running


def left_after(pids: set[int], seconds: float = 10.0) -> dict[int, str]:
    """Those of ``pids`` still running after waiting up to ``seconds`` for them to end
    (a fork server notices its parent has gone within moments, not at once)."""
    end = time.monotonic() + seconds
    while (running := alive(pids)) and time.monotonic() < end:
        time.sleep(0.1)
    return running

"""Garbage collection paused while replications run (heart_sim.model._gc)."""

from __future__ import annotations

import gc
import threading

from heart_sim.model._gc import gc_paused


def test_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():  # nested: still paused after the inner block
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_runs_in_threads_resume_it_when_the_last_ends() -> None:
    """A ends while B still runs: collection stays paused until B ends, then resumes
    (a per-run save and restore would have left it off, or turned it on under B)."""
    a_in, a_out, b_in = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def run_a() -> None:
        with gc_paused():
            a_in.set()
            b_in.wait(5)
        a_out.set()

    def run_b() -> None:
        a_in.wait(5)
        with gc_paused():
            b_in.set()
            a_out.wait(5)
            seen["after A ended"] = gc.isenabled()

    threads = [threading.Thread(target=run_a), threading.Thread(target=run_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"after A ended": False}
    assert gc.isenabled()

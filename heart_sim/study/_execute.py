"""Where replications run: in this process, in a local process pool, or on Dask.

Every backend yields (task, output) pairs as the work finishes, in any order; the
aggregator folds them in replication order, so the backend never changes a number.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from ._replication import RepOutput, Task, run_task


def _serial(tasks: list[Task], keep_calls: bool) -> Iterator[tuple[Task, RepOutput]]:
    for task in tasks:
        yield task, run_task(task, keep_calls)


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _process_pool(
    tasks: list[Task], keep_calls: bool, jobs: int
) -> Iterator[tuple[Task, RepOutput]]:
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts)
    try:
        futures = {pool.submit(run_task, t, keep_calls): t for t in tasks}
        for fut in as_completed(futures):
            task = futures.pop(fut)  # drop the future so its result can be freed
            yield task, fut.result()
    finally:
        # A consumer that stops early (an error, Ctrl-C) does not wait for the queue.
        pool.shutdown(wait=True, cancel_futures=True)


def outputs(
    tasks: list[Task], jobs: int = 1, keep_calls: bool = False, dask: str | None = None
) -> Iterator[tuple[Task, RepOutput]]:
    """Run tasks serially, in a process pool (``jobs`` > 1) or on a Dask scheduler
    (``dask``: an address, or "local"); yield each as it finishes."""
    if not tasks:
        return
    if dask:
        from ._cluster import dask_outputs  # only when asked: dask is an optional extra

        yield from dask_outputs(dask, tasks, keep_calls, jobs)
    elif jobs <= 1 or len(tasks) <= 1:
        yield from _serial(tasks, keep_calls)
    else:
        yield from _process_pool(tasks, keep_calls, jobs)

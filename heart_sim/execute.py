"""Where replications run: in this process, in a local process pool, or on Dask.

Every backend yields (task, output) pairs as the work finishes, in any order; the
aggregator folds them in replication order, so the backend never changes a number.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed

from .replication import RepOutput, Task, run_task


def _serial(tasks: list[Task], keep_calls: bool) -> Iterator[tuple[Task, RepOutput]]:
    for task in tasks:
        yield task, run_task(task, keep_calls)


def _process_pool(
    tasks: list[Task], keep_calls: bool, jobs: int
) -> Iterator[tuple[Task, RepOutput]]:
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(run_task, t, keep_calls): t for t in tasks}
        for fut in as_completed(futures):
            task = futures.pop(fut)  # drop the future so its result can be freed
            yield task, fut.result()


def outputs(
    tasks: list[Task], jobs: int = 1, keep_calls: bool = False, dask: str | None = None
) -> Iterator[tuple[Task, RepOutput]]:
    """Run tasks serially, in a process pool (``jobs`` > 1) or on a Dask scheduler
    (``dask``: an address, or "local"); yield each as it finishes."""
    if not tasks:
        return
    if dask:
        from .cluster import dask_outputs  # only when asked: dask is an optional extra

        yield from dask_outputs(dask, tasks, keep_calls, jobs)
    elif jobs <= 1 or len(tasks) <= 1:
        yield from _serial(tasks, keep_calls)
    else:
        yield from _process_pool(tasks, keep_calls, jobs)

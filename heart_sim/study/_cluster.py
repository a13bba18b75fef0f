"""Replications on a Dask distributed cluster: the same work as the process pool, farther.

Workers receive the validated Scenario (sent once and shared), never files, and each runs
``replication.run_replication``; results stream back as they finish and are folded in
replication order by the aggregator, so a cluster gives the same numbers as a laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..core import HeartSimError
from ..scenario import scenario_hash
from ._replication import RepOutput, Task, run_replication

CONNECT_TIMEOUT_S = 20
MISSING = (
    "--dask needs the optional cluster extra, which is not installed here: "
    "pip install 'heart-sim[cluster]' (or pip install 'dask[distributed]')"
)


def _client(address: str, workers: int) -> tuple[Any, Any]:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise HeartSimError(MISSING) from None
    if address == "local":
        cluster = LocalCluster(
            n_workers=max(workers, 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        return Client(cluster), cluster
    try:
        return Client(address, timeout=CONNECT_TIMEOUT_S), None
    except (OSError, ValueError, TypeError) as err:  # unreachable, or not an address
        raise HeartSimError(f"cannot reach the Dask scheduler at {address}: {err}") from None


def dask_outputs(
    address: str, tasks: list[Task], keep_calls: bool, workers: int = 2
) -> Iterator[tuple[Task, RepOutput]]:
    """Yield (task, output) as the cluster finishes them. Each scenario is sent to the
    workers once and shared by its replications."""
    client, cluster = _client(address, workers)
    from dask.distributed import as_completed

    try:
        shared: dict[int, Any] = {}
        tags: dict[int, str] = {}
        for t in tasks:
            if t.job not in shared:
                shared[t.job] = client.scatter(t.scenario, broadcast=True)
                tags[t.job] = f"{t.job}-{scenario_hash(t.scenario)}"
        futures = {
            client.submit(
                run_replication,
                shared[t.job],
                t.seed,
                t.replication,
                keep_calls,
                t.hourly,  # optimize's per-hour measures travel with the task
                key=f"heart-sim-{tags[t.job]}-{t.seed}-{t.replication}",
                pure=False,
            ): t
            for t in tasks
        }
        for fut in as_completed(futures):
            task = futures.pop(fut)
            out = fut.result()
            fut.release()
            yield task, out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

"""Long work in worker processes, so the page stays responsive while a study runs.

A ``Job`` runs one public-API study (``simulate``, ``compare``, ``optimize``, ``budget``,
or ``report`` on an existing folder) in one of the server's warm worker processes
(``_workers``), writing the results folder the CLI writes for the same call, through the
same study runner and its checkpoints. Its progress and outcome come back over a queue
that the page polls. ``cancel`` stops the worker: each finished replication is already in
the folder's checkpoints, so running the same inputs again resumes where it stopped (the
runner says how many it reused); the same holds when the server stops. Each browser tab
has its own jobs, each in a worker of its own, so two tabs can run different things at
once.
"""

from __future__ import annotations

import atexit
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import api
from ..core import HeartSimError
from ._workers import Worker, Workers

KINDS = ("run", "compare", "optimize", "budget", "report")


def _work(kind: str, args: dict[str, Any], out: Any) -> None:
    """The worker process: one study, its report page, and what happened, on ``out``."""

    def progress(label: str, done: int, total: int) -> None:
        out.put(("progress", label, done, total))

    try:
        if kind == "report":
            folder = Path(args["folder"])
        else:
            calls: dict[str, Callable[..., Any]] = {
                "run": api.simulate,
                "compare": api.compare,
                "optimize": api.optimize,
                "budget": api.budget,
            }
            call = calls[kind]
            positional = args.pop("scenarios")
            result = call(*positional, progress=progress, **args)
            folder = Path(result.folder)
            reused = (
                sum(r.resumed for r in (result.base, *result.alts))
                if kind == "compare"
                else (getattr(result, "resumed", 0))
            )
            out.put(("ran", str(folder), int(reused or 0), list(getattr(result, "notes", []))))
        out.put(("progress", "writing the report", 0, 1))
        api.report(folder)
        out.put(("done", str(folder)))
    except HeartSimError as err:
        out.put(("error", str(err)))
    except Exception as err:  # a bug must still reach the page as one line, not a hang
        out.put(("error", f"unexpected error: {type(err).__name__}: {err}"))


WORKERS = Workers(_work)  # this server's warm workers, shared by every tab
atexit.register(WORKERS.stop_all)  # the server stops: its workers and their processes too


@dataclass
class Job:
    """One study in its worker process, and what the page has heard from it."""

    kind: str
    args: dict[str, Any]
    started: float = field(default_factory=time.monotonic)
    label: str = "starting"
    done: int = 0
    total: int = 0
    folder: str | None = None  # the results folder, once the study has run
    ran_after: float | None = None  # seconds from start to the study's tables
    finished_after: float | None = None  # ... to its report page
    reused: int = 0  # replications resumed from checkpoints
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    cancelled: bool = False
    _worker: Worker | None = None
    _workers: Workers | None = None

    @classmethod
    def opened(cls, folder: Path) -> Job:
        """A folder whose report page is already written: nothing to run."""
        return cls(
            "report", {"folder": str(folder)}, folder=str(folder), ran_after=0.0, finished_after=0.0
        )

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def start(self, workers: Workers | None = None) -> Job:
        """Hand the study to an idle warm worker (``workers``, else the server's)."""
        if self.finished_after is not None:
            return self
        self._workers = workers or WORKERS
        self._worker = self._workers.take()
        self._worker.send(self.kind, dict(self.args))
        return self

    @property
    def running(self) -> bool:
        return self.error is None and not self.cancelled and self.finished_after is None

    def poll(self) -> bool:
        """Read what the worker said since the last poll; True if anything changed."""
        changed = False
        while self.running and self._worker is not None:
            try:
                message = self._worker.outbox.get_nowait()
            except (queue.Empty, OSError, ValueError):
                break
            changed = True
            self._take(message)
        if self.running and self._worker is not None and not self._worker.alive:
            self._take(("error", "the worker process stopped unexpectedly"))
            changed = True
        if not self.running:
            self._release()
        return changed

    def _take(self, message: tuple) -> None:
        what = message[0]
        elapsed = time.monotonic() - self.started
        if what == "progress":
            self.label, self.done, self.total = message[1], message[2], message[3]
        elif what == "ran":
            self.folder, self.reused, self.notes = message[1], message[2], message[3]
            self.ran_after = elapsed
        elif what == "done":
            self.folder = message[1]
            self.finished_after = elapsed
            if self.ran_after is None:
                self.ran_after = elapsed
        elif what == "error" and self.running:
            self.error = message[1]
        # "ready": the worker has warmed up; nothing to show

    def _release(self) -> None:
        """The study is over: its worker goes back to the idle ones."""
        if self._worker is not None and self._workers is not None:
            self._workers.give_back(self._worker)
        self._worker = None

    def cancel(self) -> None:
        """Stop the worker and its replication processes; finished replications stay in
        the folder's checkpoints."""
        if self._worker is not None and self._workers is not None:
            self._workers.discard(self._worker)
        self._worker = None
        self.cancelled = True

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

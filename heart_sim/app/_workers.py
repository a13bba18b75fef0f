"""The server's warm worker processes: heart-sim already imported, waiting for a study.

Starting a fresh interpreter for every Run cost seconds before the first replication: the
study's process imported the library, then its process pool started two more interpreters
that imported it again (a spawned process's pools spawn too). A ``Worker`` is started once,
imports the library and starts a fork server that has imported it as well, then runs one
study after another, each through ``api`` exactly as the CLI does; the study's replication
processes are forked from that server in milliseconds. ``Workers`` keeps the idle ones for
the next study, so each tab's studies reuse them and two tabs each have their own.

Stopping a worker (Cancel, or the server stopping) ends its replication processes with it,
so nothing keeps running unseen; every finished replication is already in the folder's
checkpoints. A worker also watches the server: however the server ends (Ctrl-C, a
SIGTERM that uvicorn passes on after its own shutdown, a kill), the worker ends too.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import wait
from typing import Any

START = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
MOST_IDLE = 2  # idle workers kept; more are stopped (each holds the library in memory)
PRELOAD = ["heart_sim.api", "heart_sim.reports"]  # what a worker's fork server imports


def _stop(code: int) -> None:
    """Stop the worker's replication processes, then the worker."""
    for child in mp.active_children():
        child.kill()
    os._exit(code)


def _stop_children(signum: int, frame: Any) -> None:
    """The worker is told to stop (SIGTERM): its replication processes go with it."""
    _stop(128 + signum)


def _watch_server() -> None:
    """Stop the worker when the server that started it has gone, however it went."""
    server = mp.parent_process()
    if server is None:
        return

    def watch() -> None:
        wait([server.sentinel])
        _stop(1)

    threading.Thread(target=watch, name="server watch", daemon=True).start()


def _warm_up() -> None:
    """Import the library and start the fork server the study's process pools use."""
    if START == "forkserver":
        mp.set_start_method("forkserver", force=True)
        mp.set_forkserver_preload(PRELOAD)
        from multiprocessing import forkserver

        forkserver.ensure_running()
    from .. import api, reports  # noqa: F401  (imported now, not at the first Run)

    api.load("durham_2022")  # the built-in scenarios parsed once


def _serve_studies(inbox: Any, outbox: Any, study: Callable[[str, dict, Any], None]) -> None:
    """The worker process: warm up, then run each study sent, until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    if sys.platform != "win32":
        signal.signal(signal.SIGTERM, _stop_children)
    _watch_server()
    _warm_up()
    outbox.put(("ready",))
    while (message := inbox.get()) is not None:
        kind, args = message
        study(kind, args, outbox)


class Worker:
    """One warm process and its two queues (studies in, what happened out)."""

    def __init__(self, study: Callable[[str, dict, Any], None]) -> None:
        ctx = mp.get_context("spawn")  # a fresh interpreter: no server state, no threads
        self.inbox = ctx.Queue()
        self.outbox = ctx.Queue()
        # not a daemon: a study starts processes of its own
        self.process = ctx.Process(
            target=_serve_studies, args=(self.inbox, self.outbox, study), name="heart-sim worker"
        )
        self.process.start()

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def send(self, kind: str, args: dict[str, Any]) -> None:
        self.inbox.put((kind, args))

    def stop(self, wait: float = 5.0) -> None:
        """End the process now, and with it its replication processes."""
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(wait)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(wait)


class Workers:
    """The idle warm workers: ``take`` one for a study, ``give_back`` it when it is done."""

    def __init__(self, study: Callable[[str, dict, Any], None]) -> None:
        self._study = study
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._lock = threading.Lock()

    def warm(self) -> None:
        """Have one worker warming up or idle, ready for the first study."""
        with self._lock:
            self._idle = [w for w in self._idle if w.alive]
            if not self._idle:
                self._idle.append(Worker(self._study))

    def take(self) -> Worker:
        """An idle worker, or a new one (it takes its warm-up time before the study)."""
        with self._lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    break
            else:
                worker = Worker(self._study)
            self._busy.add(worker)
            return worker

    def give_back(self, worker: Worker) -> None:
        """A worker whose study has finished: kept for the next one while few are idle."""
        with self._lock:
            self._busy.discard(worker)
            if worker.alive and len(self._idle) < MOST_IDLE:
                self._idle.append(worker)
                return
        worker.stop()

    def discard(self, worker: Worker) -> None:
        """A worker stopped in mid-study (Cancel): not reused."""
        with self._lock:
            self._busy.discard(worker)
        worker.stop()

    def stop_all(self) -> None:
        """Stop every worker: the server is stopping (finished replications are kept)."""
        with self._lock:
            every = [*self._idle, *self._busy]
            self._idle, self._busy = [], set()
        for worker in every:
            worker.stop()

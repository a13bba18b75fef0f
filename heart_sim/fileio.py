"""Files that are never half-written, and folders that only one run writes at a time.

``atomic_write`` / ``atomic_write_bytes``: a temporary file beside the target, flushed,
then renamed over it, so a reader (or a run killed at any moment) sees the old file or
the new one, never half of one. ``FolderLock``: an exclusive claim on a results folder,
recorded in a small file with the holder's pid and start time; a claim left by a process
that no longer runs is detected and taken over. ``describe_os_error`` turns an
``OSError`` into one line naming the path and the cause.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from .errors import FolderLockedError, ResultsWriteError


def _file_mode() -> int:
    """The mode a newly created file gets here (0666 less the umask); mkstemp uses 0600."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def atomic_write(path: Path, text: str) -> None:
    """Write text to path so that readers see the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.chmod(tmp, FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, writer: Callable[[Path], object]) -> None:
    """Like ``atomic_write`` for binary files produced by ``writer(temp_path)``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=f".tmp{path.suffix}"
    )
    os.close(fd)
    os.chmod(tmp, FILE_MODE)
    try:
        writer(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_CAUSES = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the file system is read-only",
    errno.ENOTDIR: "a file is in the way where a folder is needed",
    errno.EISDIR: "a folder is in the way where a file is needed",
    errno.EEXIST: "a file is in the way where a folder is needed",
    errno.ENAMETOOLONG: "the name is too long",
}


def describe_os_error(err: OSError, fallback: Path | str) -> str:
    """'<path>: cannot write: <cause>' for an error raised while writing under fallback."""
    path = err.filename if err.filename else fallback
    cause = _CAUSES.get(err.errno or 0) or (err.strerror or str(err)).lower()
    return f"{path}: cannot write: {cause}"


def make_folder(folder: Path) -> None:
    """Create a results folder (and its parents), or say in one line why it cannot be."""
    folder = Path(folder)
    for parent in (folder, *folder.parents):
        if parent.exists() and not parent.is_dir():
            raise ResultsWriteError(
                f"{parent}: cannot write results there: it is a file, not a folder "
                "(choose another --out)"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ResultsWriteError(describe_os_error(err, folder)) from None


# --- one writer per results folder -------------------------------------------------------

LOCK_NAME = ".heart-sim.lock"
_HELD: dict[Path, int] = {}  # folders this process holds, with how many claims on each


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), to tell a live holder
    from a new process that reuses a dead holder's pid; None where /proc is not there."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


def _alive(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    now = _start_time(pid)
    return started is None or now is None or now == started


class FolderLock:
    """An exclusive claim on a folder by this process (re-entrant within the process).

    The claim is a file ``.heart-sim.lock`` holding the pid, its start time, the host and
    when the claim was taken. A second process asking for the same folder is refused with
    a message naming the holder; a claim whose process has ended (killed, crashed) is
    taken over. Claims on another host cannot be checked and are honoured.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._key = self.folder.resolve()

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def holder(self) -> dict | None:
        """What the lock file says about its holder, or None if there is none."""
        try:
            data = json.loads(self.path.read_text())
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def acquire(self) -> None:
        if self._key in _HELD:
            _HELD[self._key] += 1
            return
        make_folder(self.folder)
        me = {
            "pid": os.getpid(),
            "started": _start_time(os.getpid()),
            "host": socket.gethostname(),
            "since": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        for _ in range(5):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
            except FileExistsError:
                self._refuse_or_clear()
                continue
            except OSError as err:
                raise ResultsWriteError(describe_os_error(err, self.path)) from None
            with os.fdopen(fd, "w") as f:
                json.dump(me, f)
            _HELD[self._key] = 1
            return
        raise FolderLockedError(f"{self.folder}: could not take the lock {self.path}")

    def _refuse_or_clear(self) -> None:
        """Refuse if a live process holds the folder; remove a claim left by a dead one."""
        info = self.holder()
        if info is None:
            return  # released meanwhile: try again
        pid = info.get("pid")
        same_host = info.get("host") in (None, socket.gethostname())
        if isinstance(pid, int) and (not same_host or _alive(pid, info.get("started"))):
            where = "" if same_host else f" on {info.get('host')}"
            raise FolderLockedError(
                f"{self.folder}: another heart-sim run is writing here (pid {pid}{where}, "
                f"since {info.get('since', '?')}); wait for it to finish or choose another "
                f"--out (if no such run exists, delete {self.path})"
            )
        self.path.unlink(missing_ok=True)  # stale: its process has ended

    def release(self) -> None:
        count = _HELD.get(self._key, 0)
        if count > 1:
            _HELD[self._key] = count - 1
            return
        if count == 1:
            del _HELD[self._key]
            info = self.holder()
            if info and info.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)

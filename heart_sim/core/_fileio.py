"""Files that are never half-written, and folders that only one run writes at a time.

``atomic_write`` / ``atomic_write_bytes``: a temporary file beside the target, flushed to
disk, then renamed over it, so a reader (or a run killed at any moment) sees the old file or
the new one, never half of one. ``FolderLock``: an exclusive claim on a results folder (an
operating-system file lock, released when its holder ends however it ends), naming the
holder's pid in a refusal. ``describe_os_error`` turns an
``OSError`` into one line naming the path and the cause.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from ._errors import FolderLockedError, ResultsWriteError


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
        with open(tmp, "rb+") as f:  # on disk before the rename, as atomic_write does
            os.fsync(f.fileno())
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


# --- symbolic links: never written through ---------------------------------------------


def refuse_link(path: Path, what: str = "results folder") -> None:
    """A results folder (or file) heart-sim is about to write that is a symbolic link is
    refused: writing through it would put files where the link points, outside --out."""
    path = Path(path)
    if path.is_symlink():
        raise ResultsWriteError(
            f"{path}: the {what} is a symbolic link (to {os.readlink(path)}); heart-sim does "
            "not write through links: remove the link, or choose another --out"
        )


def real_folder(path: Path) -> Path:
    """A folder heart-sim keeps for itself inside a results folder (.checkpoints, plots/):
    a symbolic link in its place is removed (the link only, never what it points to) and a
    real folder made, so nothing is written, or read back, through it."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_folder(folder: Path) -> None:
    """Create a results folder (and its parents), or say in one line why it cannot be."""
    folder = Path(folder)
    try:
        for parent in (folder, *folder.parents):
            if parent.exists() and not parent.is_dir():
                raise ResultsWriteError(
                    f"{parent}: cannot write results there: it is a file, not a folder "
                    "(choose another --out)"
                )
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ResultsWriteError(describe_os_error(err, folder)) from None


# --- one writer per results folder -------------------------------------------------------

try:
    import fcntl
except ImportError:  # Windows: msvcrt's byte-range lock, also released when the process ends
    fcntl = None  # type: ignore[assignment]
    import msvcrt


def _try_lock(fd: int) -> bool:
    """Take an exclusive lock on an open file without waiting; False if another has it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # pragma: no cover - Windows
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    return True


LOCK_NAME = ".heart-sim.lock"
CHECKPOINTS = ".checkpoints"  # where a results folder keeps finished replications
_HELD: dict[Path, tuple[int, int]] = {}  # folder -> (open lock file, claims on it)
_HELD_GUARD = threading.Lock()


class FolderLock:
    """An exclusive claim on a folder by this process (re-entrant within the process).

    The claim is an exclusive ``flock`` on ``.heart-sim.lock`` in the folder, so the
    operating system releases it when the holder ends, however it ends (killed, crashed):
    there is no stale claim to detect, and no window in which two processes both hold it.
    The file records the holder's pid, host and start, to name it in a refusal; it stays
    in the folder (deleting it would let a third process lock a different file).
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME

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

    def holder(self) -> dict:
        """What the lock file says about its (last) holder."""
        try:
            data = json.loads(self.path.read_text() or "{}")
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def acquire(self) -> None:
        make_folder(self.folder)
        key = self.folder.resolve()
        with _HELD_GUARD:
            if key in _HELD:
                fd, n = _HELD[key]
                _HELD[key] = (fd, n + 1)
                return
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_RDWR, FILE_MODE)
            except OSError as err:
                raise ResultsWriteError(describe_os_error(err, self.path)) from None
            if not _try_lock(fd):
                os.close(fd)
                info = self.holder()
                raise FolderLockedError(
                    f"{self.folder}: another heart-sim run is writing here (pid "
                    f"{info.get('pid', '?')} on {info.get('host', '?')}, since "
                    f"{info.get('since', '?')}); wait for it to finish or choose another --out"
                ) from None
            me = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "since": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
            try:
                os.ftruncate(fd, 0)
                os.write(fd, json.dumps(me).encode())
            except OSError as err:
                os.close(fd)  # closing releases the lock
                raise ResultsWriteError(describe_os_error(err, self.path)) from None
            _HELD[key] = (fd, 1)

    def release(self) -> None:
        key = self.folder.resolve()
        with _HELD_GUARD:
            if key not in _HELD:
                return
            fd, n = _HELD[key]
            if n > 1:
                _HELD[key] = (fd, n - 1)
                return
            del _HELD[key]
            os.close(fd)  # releases the flock


def is_locked(folder: Path) -> bool:
    """Whether some process holds the folder's lock (for tests and diagnostics)."""
    path = Path(folder) / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)

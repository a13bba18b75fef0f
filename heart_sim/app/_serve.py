"""Starting the app: a free port on 127.0.0.1 (or the host given, with a warning), the
address printed, the browser opened."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

LOCAL = "127.0.0.1"


def free_port(host: str = LOCAL) -> int:
    """A port nobody listens on now (the operating system's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def serve(
    work: Path | str = ".",
    results: Path | str = "results",
    *,
    host: str = LOCAL,
    port: int | None = None,
    open_browser: bool = True,
    say: Callable[[str], None] = print,
) -> None:
    """Serve the app until interrupted; ``say`` prints the address (and any warning)."""
    import uvicorn

    from ._jobs import WORKERS
    from ._server import make_app

    app = make_app(work, results)
    WORKERS.warm()  # the first worker imports the library while the browser opens
    port = port or free_port(host if host != "0.0.0.0" else LOCAL)
    shown = LOCAL if host in ("0.0.0.0", "::") else host
    url = f"http://{shown}:{port}/"
    if host not in (LOCAL, "localhost", "::1"):
        say(
            f"warning: the app listens on {host}: anyone who can reach this machine on port "
            f"{port} can use it, and read and write its working and results folders"
        )
    say(f"heart-sim app: {url} (working folder {Path(work).resolve()}; Ctrl-C stops it)")
    sys.stdout.flush()  # the address, at once, for whoever reads it through a pipe
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")

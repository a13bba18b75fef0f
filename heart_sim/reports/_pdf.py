"""report.pdf: the HTML report printed by headless Chromium.

``write_pdf_report(folder)`` writes ``report.html`` (``write_html_report``) and then
``report.pdf`` beside it, printed by a headless Chromium from the page's ``file://`` URL
in a fresh throw-away profile, with no network, and written atomically (never half a
file). The browser is found by ``find_chromium``: ``$HEART_SIM_CHROMIUM`` if set, else the
first of ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH. Without one, or
when it fails or takes longer than ``TIMEOUT_S``, a ``PdfError`` says so in one line (and
that report.html was written).

``BROWSER_ARGS`` and ``launch_options()`` are the same browser settings for Playwright
(the browser tests and ``scripts/report_screenshots.py``); this module never imports it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..core import ChromiumNotFoundError, PdfError, atomic_write_bytes
from ..study import writing
from ._kinds import write_report as write_html_report

ENV_VAR = "HEART_SIM_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 120.0

# No sandbox (containers, root), no GPU, and nothing fetched or updated in the background:
# the report is one self-contained file, so the browser has no reason to touch the network.
BROWSER_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
INSTALL_HINT = f"install it (apt-get install chromium) or set {ENV_VAR} to its path"


def find_chromium() -> str | None:
    """The Chromium to use: ``$HEART_SIM_CHROMIUM`` if set (a path or a command name, None
    if it names nothing executable), else the first of ``CHROMIUM_NAMES`` on the PATH."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return shutil.which(chosen)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _not_found(what: str) -> str:
    """One line: ``what`` cannot be done, why, and how to fix it."""
    chosen = os.environ.get(ENV_VAR)
    if chosen:
        return f"{what}: {ENV_VAR}={chosen} is not an executable program"
    return f"{what}: Chromium is not installed; {INSTALL_HINT}"


def launch_options(executable: str | None = None) -> dict[str, Any]:
    """Keyword arguments for Playwright's ``chromium.launch``: this Chromium, these flags.

    Raises ``ChromiumNotFoundError`` when there is none."""
    executable = executable or find_chromium()
    if executable is None:
        raise ChromiumNotFoundError(_not_found("cannot launch Chromium"))
    return {"executable_path": executable, "headless": True, "args": list(BROWSER_ARGS)}


def print_pdf(
    html: Path, target: Path, *, chromium: str | None = None, timeout: float = TIMEOUT_S
) -> Path:
    """Print the page ``html`` to the PDF file ``target`` (atomically) with headless
    Chromium; ``PdfError`` (one line) if there is no Chromium, it fails or times out."""
    html, target = Path(html).resolve(), Path(target)
    chromium = chromium or find_chromium()
    if chromium is None:
        raise ChromiumNotFoundError(_not_found(f"cannot print {target.name}"))

    def render(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(
            prefix="heart-sim-chromium-", ignore_cleanup_errors=True
        ) as profile:
            command = [
                chromium,
                "--headless",
                *BROWSER_ARGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                "--print-to-pdf-no-header",  # the same, for Chromium before 111
                f"--print-to-pdf={tmp}",
                html.as_uri(),
            ]
            _run(command, timeout, target)
        head = tmp.read_bytes()[:5] if tmp.exists() else b""
        if head != b"%PDF-":
            raise PdfError(f"{target}: Chromium ({chromium}) did not write a PDF")

    with writing(target.parent):
        atomic_write_bytes(target, render)
    return target


def _run(command: list[str], timeout: float, target: Path) -> None:
    """Run the browser; on a timeout end it and every process it started."""
    posix = sys.platform != "win32"
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=posix,  # its own process group, to end its helpers too
        )
    except OSError as err:
        raise PdfError(f"{target}: cannot start Chromium ({command[0]}): {err.strerror}") from None
    try:
        _, err_text = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(proc, posix)
        raise PdfError(
            f"{target}: Chromium ({command[0]}) took more than {timeout:g} s to print the "
            "report and was stopped"
        ) from None
    except BaseException:  # Ctrl-C: leave no browser behind
        _end(proc, posix)
        raise
    if proc.returncode != 0:
        lines = [ln for ln in err_text.decode(errors="replace").splitlines() if ln.strip()]
        last = f": {lines[-1].strip()}" if lines else ""
        raise PdfError(
            f"{target}: Chromium ({command[0]}) failed with exit code {proc.returncode}{last}"
        )


def _end(proc: subprocess.Popen[bytes], posix: bool) -> None:
    try:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    except OSError:
        pass
    proc.communicate()


def write_pdf_report(
    folder: Path, *, timeout: float = TIMEOUT_S, rank_by: str = "auto"
) -> tuple[Path, Path]:
    """Write ``folder/report.html`` and then ``folder/report.pdf`` (printed by headless
    Chromium); returns both paths. Without Chromium, report.html is still written and a
    ``ChromiumNotFoundError`` says how to install it."""
    html = write_html_report(folder, rank_by=rank_by)
    target = Path(folder) / "report.pdf"
    try:
        print_pdf(html, target, timeout=timeout)
    except PdfError as err:
        raise type(err)(f"{err}; {html} was written") from None
    return html, target

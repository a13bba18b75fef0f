"""heart-sim app: the browser workbench (the ``[app]`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._app import _say, app


@app.command("app")
def app_cmd(
    results: Annotated[
        Path, typer.Option("--results", metavar="DIR", help="The results folder.")
    ] = Path("results"),
    port: Annotated[
        int | None,
        typer.Option(
            "--port", min=1, max=65535, metavar="PORT", help="Port (default: a free one)."
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="HOST",
            help="Listen on this address (default 127.0.0.1; another exposes the app).",
        ),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
) -> None:
    """Start the what-if workbench in the browser: edit a scenario, run it, compare options,
    optimize, and reopen every results folder. It reads and writes only the current folder
    and --results.

    \b
    Example: pip install -e ".[app]" && heart-sim app
    """
    try:
        from ..app import serve
    except ImportError as err:
        typer.echo(
            f"error: heart-sim app needs the [app] extra ({err.name} is missing): "
            'pip install "heart-sim[app]"',
            err=True,
        )
        raise typer.Exit(2) from None
    serve(Path.cwd(), results, host=host, port=port, open_browser=not no_browser, say=_say)

"""``tessera serve``: serve the configured database over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from tessera.core.cli.runtime import open_engine, reporting_errors


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the API for whatever database TESSERA_DATABASE_URL names."""
    with reporting_errors():
        open_engine().dispose()  # migrate once, before any worker starts
    uvicorn.run(
        "tessera.core.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)

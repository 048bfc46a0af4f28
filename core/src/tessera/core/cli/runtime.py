"""What every command needs: the configured database and clear error reports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError
from sqlmodel import Session

from tessera.core.db import create_db_engine, migrate, session_scope
from tessera.core.errors import KernelError, UnavailableError
from tessera.core.plugin_install import sync_bundled
from tessera.core.settings import Settings

err_console = Console(stderr=True, soft_wrap=True)


def open_engine() -> Engine:
    """The engine for ``TESSERA_DATABASE_URL`` (or the local SQLite), migrated to head,
    with the bundled plugins recorded."""
    url = Settings.from_env().database_url
    try:
        engine = create_db_engine(url)
        migrate(engine)
    except (ArgumentError, NoSuchModuleError) as err:
        raise UnavailableError(f"TESSERA_DATABASE_URL is not a database URL we can use ({err})") from err
    except OperationalError as err:
        shown = make_url(url).render_as_string(hide_password=True)
        raise UnavailableError(f"Cannot open the database {shown}: {err.orig}") from err
    with session_scope(engine) as session:
        sync_bundled(session)
    return engine


@contextmanager
def database_session() -> Iterator[Session]:
    """A committed-on-success session on the configured database."""
    engine = open_engine()
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


@contextmanager
def reporting_errors() -> Iterator[None]:
    """Turn a :class:`KernelError` into a message on stderr and exit status 1."""
    try:
        yield
    except KernelError as err:
        err_console.print(f"error: {err.detail}", markup=False, highlight=False)
        raise typer.Exit(1) from err

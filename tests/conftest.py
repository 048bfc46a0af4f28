"""Fixtures: a migrated database per backend, the CLI, and a live server on loopback.

Every test that takes ``engine`` runs once on SQLite and, when
``TESSERA_TEST_DATABASE_URL`` names a PostgreSQL database, once more there.
Tables are emptied before each test.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from typer.testing import CliRunner, Result

from tessera.core.app import create_app
from tessera.core.cli import app as cli_app
from tessera.core.db import create_db_engine, migrate, session_scope
from tessera.core.models import KernelState
from tessera.core.plugin_install import sync_bundled
from tessera.core.plugin_revision import bump_plugin_revision
from tessera.core.settings import Settings
from tests.live_server import running_server

POSTGRES_ENV = "TESSERA_TEST_DATABASE_URL"
SHARED_DATA = Path(
    os.environ.get("TESSERA_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data sets that live beside the repository."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"shared data not found at {SHARED_DATA}; set TESSERA_SHARED_DATA to its folder")
    return SHARED_DATA


@pytest.fixture(scope="session")
def maven_dir(shared_data: Path) -> Path:
    return shared_data / "crm_sales_opportunities"


@contextmanager
def _empty_database(backend: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of an empty database; on PostgreSQL, a schema of its own, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'tessera.db'}"
        return
    schema = f"tessera_test_{os.getpid()}_{name}"
    admin = create_db_engine(os.environ[POSTGRES_ENV])
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(os.environ[POSTGRES_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's database, on each backend in turn."""
    with _empty_database(request.param, tmp_path_factory.mktemp("db"), "main") as url:
        yield url


@pytest.fixture
def empty_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same backend as ``database_url``, for this test alone."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with _empty_database(backend, tmp_path, "fresh") as url:
        yield url


@pytest.fixture(scope="session")
def _migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


def _drop_plugin_tables(engine: Engine) -> None:
    """Tables that plugin migrations created (the kernel's models do not know them)."""
    with engine.begin() as connection:
        names = [t for t in inspect(connection).get_table_names() if t.startswith("plugin_") and "__" in t]
        metadata = MetaData()
        metadata.reflect(connection, only=names)
        metadata.drop_all(connection)


@pytest.fixture
def engine(_migrated_engine: Engine) -> Engine:
    """The migrated test database, emptied, without plugin tables. The plugin revision
    is kept and moved on, as in a real database, so a running server rebuilds its plugin set."""
    _drop_plugin_tables(_migrated_engine)
    with _migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name != KernelState.__tablename__:
                connection.execute(table.delete())
    with session_scope(_migrated_engine) as session:
        bump_plugin_revision(session)
    return _migrated_engine


CliRun = Callable[..., Result]


@pytest.fixture
def cli(engine: Engine, database_url: str) -> CliRun:
    """Run ``tessera ARGS...`` against the test database."""
    runner = CliRunner()

    def run(*args: str, expect_exit: int = 0) -> Result:
        result = runner.invoke(cli_app, list(args), env={"TESSERA_DATABASE_URL": database_url})
        assert result.exit_code == expect_exit, (
            f"tessera {' '.join(args)} exited {result.exit_code}:\n{result.output}\n{result.exception!r}"
        )
        return result

    return run


@pytest.fixture(scope="session")
def server_url(
    _migrated_engine: Engine, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A real uvicorn server on loopback, serving the test database."""
    settings = Settings(database_url=database_url, data_dir=tmp_path_factory.mktemp("server-data"))
    with running_server(create_app(engine=_migrated_engine, settings=settings)) as url:
        yield url


@pytest.fixture
def api(server_url: str, engine: Engine) -> Iterator[httpx.Client]:
    """An HTTP client for the live server; pass ``headers=auth(token)`` per call.
    The bundled plugins are recorded first, as a kernel does when it starts."""
    with session_scope(engine) as session:
        sync_bundled(session)
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client

"""Fixtures: a migrated database per backend, the CLI, and a live server on loopback.

Every test that takes ``engine`` runs once on SQLite and, when
``TESSERA_TEST_DATABASE_URL`` names a PostgreSQL database, once more there.
Tables are emptied before each test.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from typer.testing import CliRunner, Result

from tessera.core.app import create_app
from tessera.core.cli import app as cli_app
from tessera.core.db import create_db_engine, migrate
from tessera.core.manager import PluginManager

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


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database; on PostgreSQL, a schema of this test run's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'tessera.db'}"
        return
    schema = f"tessera_test_{os.getpid()}"
    admin = create_db_engine(os.environ[POSTGRES_ENV])
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(os.environ[POSTGRES_ENV]).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def _migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_migrated_engine: Engine) -> Engine:
    """The migrated test database, emptied."""
    with _migrated_engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
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
def plugin_manager() -> PluginManager:
    manager = PluginManager()
    manager.load_entry_points()
    assert not manager.failures, manager.failures
    return manager


@pytest.fixture(scope="session")
def server_url(_migrated_engine: Engine, plugin_manager: PluginManager) -> Iterator[str]:
    """A real uvicorn server on loopback, serving the test database."""
    app = create_app(engine=_migrated_engine, plugin_manager=plugin_manager)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("test server did not start within 10 s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def api(server_url: str, engine: Engine) -> Iterator[httpx.Client]:
    """An HTTP client for the live server; pass ``headers=auth(token)`` per call."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client

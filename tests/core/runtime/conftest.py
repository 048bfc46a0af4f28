"""A server of the test's own over the test database, and plugins installed into it
the way an admin installs them."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tessera.core.app import create_app
from tessera.core.db import session_scope
from tessera.core.models import PluginVersion
from tessera.core.plugin_install import install_plugin
from tessera.core.plugin_settings import enable_plugin
from tessera.core.settings import Settings
from tests.factories import add_catalogue, add_org, auth, token_for
from tests.live_server import running_server
from tests.plugin_factory import write_plugin


@dataclass
class Runtime:
    """A live server on the test database, and what a test does to it."""

    engine: Engine
    client: httpx.Client
    settings: Settings
    sources: Path
    _tokens: dict[str, str] = field(default_factory=dict)

    def install(self, name: str, version: str = "1.0.0", **plugin: Any) -> None:
        """Write a plugin package (see :func:`tests.plugin_factory.write_plugin`) and install it."""
        package = write_plugin(self.sources, name=name, version=version, **plugin)
        with session_scope(self.engine) as session:
            install_plugin(session=session, source=package, cache_root=self.settings.plugin_cache_dir)

    def add(self, name: str, **plugin: Any) -> None:
        """Install version 1.0.0 of a plugin and serve it to every team."""
        self.install(name, **plugin)
        self.enable(name, "1.0.0")

    def enable(self, name: str, version: str, *, percent: int = 100, scope: str = "all") -> None:
        with session_scope(self.engine) as session:
            enable_plugin(session=session, plugin=name, scope=scope, percent=percent, version=version)

    def get(self, path: str, user: str = "ann", **headers: str) -> httpx.Response:
        return self.client.get(path, headers=self.headers(user) | headers)

    def headers(self, user: str) -> dict[str, str]:
        if user not in self._tokens:
            self._tokens[user] = token_for(self.engine, user)
        return auth(self._tokens[user])

    def state(self, name: str, version: str = "1.0.0") -> tuple[str, str | None]:
        """The version's state and reason, as recorded."""
        with session_scope(self.engine) as session:
            row = session.exec(
                select(PluginVersion).where(PluginVersion.name == name, PluginVersion.version == version)
            ).one()
            return row.state, row.reason

    def failures(self, name: str, version: str = "1.0.0") -> dict[str, int]:
        """The version's failures by kind, as the admin API reports them."""
        plugins = self.client.get("/api/admin/plugins", headers=self.headers("admin")).json()
        versions = next(p["versions"] for p in plugins if p["name"] == name)
        return next(v["failures"] for v in versions if v["version"] == version)


@pytest.fixture
def hook_timeout() -> float:
    """TESSERA_HOOK_TIMEOUT of the test's server; a module overrides it to wait less for hangs."""
    return 2.0


@contextmanager
def serving(engine: Engine, settings: Settings, sources: Path) -> Iterator[Runtime]:
    """A server of its own over ``engine``, stopped (its worker shut down) when the block ends."""
    with (
        running_server(create_app(engine=engine, settings=settings)) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield Runtime(engine=engine, client=client, settings=settings, sources=sources)


@pytest.fixture
def plugin_load_timeout() -> float:
    """TESSERA_PLUGIN_LOAD_TIMEOUT of the test's server; a module overrides it to wait less for hangs."""
    return 10.0


@pytest.fixture
def settings(database_url: str, tmp_path: Path, hook_timeout: float, plugin_load_timeout: float) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        hook_timeout=hook_timeout,
        plugin_load_timeout=plugin_load_timeout,
    )


@pytest.fixture
def runtime(engine: Engine, settings: Settings, tmp_path: Path) -> Iterator[Runtime]:
    """A server of this test's own (so failure counts start at zero) over the factory org."""
    add_org(engine)
    add_catalogue(engine)
    with serving(engine, settings, tmp_path / "sources") as runtime:
        yield runtime


def hook_code(definition: str, *, imports: str = "") -> str:
    """A plugin's ``__init__.py`` that implements one hook: ``definition`` is its ``def``."""
    return (
        f"{imports}\nfrom tessera.sdk import hookimpl\n\n\n@hookimpl\n{textwrap.dedent(definition).strip()}\n"
    )


def eventually(check: Callable[[], bool], *, within: float = 10.0) -> None:
    """Wait until ``check()`` holds (for effects that follow a response, like unloading)."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, f"{check} did not hold within {within} s"
        time.sleep(0.05)

"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from tessera.core import __version__
from tessera.core.api.middleware import PluginSetMiddleware, RequestIdMiddleware
from tessera.core.api.plugin_dispatch import plugin_dispatch_router
from tessera.core.api.problems import install_problem_handlers
from tessera.core.api.resources import resources_router
from tessera.core.api.routes import admin_plugin_packages, admin_plugins, me, profiles
from tessera.core.db import create_db_engine, session_scope
from tessera.core.hook_calls import HookCalls
from tessera.core.manager import PluginManager
from tessera.core.plugin_failures import PluginFailures
from tessera.core.plugin_install import sync_bundled
from tessera.core.settings import Settings


def create_app(*, engine: Engine, settings: Settings) -> FastAPI:
    """The API of the database behind ``engine``, with the plugins it records."""
    hooks = HookCalls(engine=engine, timeout=settings.hook_timeout, failures=PluginFailures())
    plugins = PluginManager(
        engine=engine,
        hooks=hooks,
        cache_root=settings.plugin_cache_dir,
        load_timeout=settings.plugin_load_timeout,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await plugins.shutdown()
            hooks.close()

    app = FastAPI(
        title="Tessera",
        version=__version__,
        description="The Tessera kernel: sales data and the plugins enabled for each caller.",
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.hooks = hooks
    install_problem_handlers(app)
    api = APIRouter(prefix="/api")
    api.include_router(me.router)
    api.include_router(admin_plugins.router)
    api.include_router(admin_plugin_packages.router)
    api.include_router(profiles.router)  # before the resources, whose keys may hold '/'
    api.include_router(resources_router())
    api.include_router(plugin_dispatch_router(engine=engine, failures=hooks.failures))
    app.include_router(api)
    app.add_middleware(PluginSetMiddleware, manager=plugins)
    app.add_middleware(RequestIdMiddleware)  # outermost: every failure below can name the request
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from the environment, bundled plugins recorded."""
    settings = Settings.from_env()
    engine = create_db_engine(settings.database_url)
    with session_scope(engine) as session:
        sync_bundled(session)
    return create_app(engine=engine, settings=settings)

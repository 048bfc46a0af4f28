"""The ASGI application factory."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from sqlalchemy import Engine

from tessera.core import __version__
from tessera.core.api.plugin_routes import mount_plugin_routes
from tessera.core.api.problems import install_problem_handlers
from tessera.core.api.resources import resources_router
from tessera.core.api.routes import admin_plugins, me
from tessera.core.db import create_db_engine
from tessera.core.manager import PluginManager
from tessera.core.settings import Settings


def create_app(*, engine: Engine, plugin_manager: PluginManager) -> FastAPI:
    app = FastAPI(
        title="Tessera",
        version=__version__,
        description="The Tessera kernel: sales data and the plugins enabled for each caller.",
    )
    app.state.engine = engine
    app.state.plugin_manager = plugin_manager
    install_problem_handlers(app)
    api = APIRouter(prefix="/api")
    api.include_router(me.router)
    api.include_router(admin_plugins.router)
    api.include_router(resources_router())
    app.include_router(api)
    mount_plugin_routes(app, plugin_manager.routes())
    return app


def create_app_from_env() -> FastAPI:
    """Factory for ``uvicorn --factory``: settings from the environment, installed plugins."""
    manager = PluginManager()
    manager.load_entry_points()
    return create_app(engine=create_db_engine(Settings.from_env().database_url), plugin_manager=manager)

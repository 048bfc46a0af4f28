"""Mounting plugin routers under ``/api/plugins/<name>/``, guarded by rollout.

Every request into a plugin's routes first checks, against the current
settings in the database, that the plugin is enabled for the caller's team;
then it hands the plugin a :class:`tessera.sdk.PluginContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request

from tessera.core.api.deps import CurrentCaller, PluginManagerDep, SessionDep
from tessera.core.errors import PluginNotEnabledError
from tessera.core.plugin_settings import effective_config, rollout_table
from tessera.core.rollout import is_enabled
from tessera.core.sales_data import DatabaseSalesData
from tessera.sdk import PluginContext
from tessera.sdk.context import REQUEST_STATE_KEY


def _require_enabled(plugin: str) -> Callable[..., None]:
    def guard(
        request: Request, session: SessionDep, caller: CurrentCaller, manager: PluginManagerDep
    ) -> None:
        if not is_enabled(rollout_table(session), plugin, caller):
            raise PluginNotEnabledError(plugin, caller.team)

        def config_for_region(region: str | None) -> Mapping[str, Any]:
            return effective_config(
                session=session, manifests=manager.manifests, plugin=plugin, region=region
            )

        context = PluginContext(
            plugin=plugin,
            version=manager.manifests[plugin].version,
            caller=caller,
            config=config_for_region(caller.region),
            config_for_region=config_for_region,
            data=DatabaseSalesData(session=session, caller=caller),
        )
        setattr(request.state, REQUEST_STATE_KEY, context)

    return guard


def mount_plugin_routes(app: FastAPI, routers: dict[str, APIRouter]) -> None:
    for plugin, router in sorted(routers.items()):
        app.include_router(
            router,
            prefix=f"/api/plugins/{plugin}",
            tags=[f"plugin: {plugin}"],
            dependencies=[Depends(_require_enabled(plugin))],
        )

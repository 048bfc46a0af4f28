"""The :class:`tessera.sdk.PluginContext` a plugin version gets for one call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from tessera.core.hook_calls import ContextFactory
from tessera.core.plugin_loader import LoadedPlugin
from tessera.core.plugin_set import PluginSet
from tessera.core.plugin_storage import PluginTables
from tessera.core.sales_data import DatabaseSalesData
from tessera.sdk import Caller, PluginContext


def build_context(
    *, session: Session, plugin_set: PluginSet, plugin: LoadedPlugin, caller: Caller
) -> PluginContext:
    """The caller, configuration, sales data and own tables of ``plugin``, read and written in ``session``."""

    def config_for_region(region: str | None) -> Mapping[str, Any]:
        return plugin_set.config_for(plugin, region)

    return PluginContext(
        plugin=plugin.name,
        version=plugin.version,
        caller=caller,
        config=config_for_region(caller.region),
        config_for_region=config_for_region,
        data=DatabaseSalesData(
            session=session, caller=caller, plugin=plugin.name, permissions=plugin.manifest.permissions
        ),
        storage=PluginTables(session, plugin.name),
    )


def context_factory(*, plugin_set: PluginSet, caller: Caller) -> ContextFactory:
    """Contexts for ``caller``'s hook calls, each in the call's own session."""

    def context(session: Session, plugin: LoadedPlugin) -> PluginContext:
        return build_context(session=session, plugin_set=plugin_set, plugin=plugin, caller=caller)

    return context

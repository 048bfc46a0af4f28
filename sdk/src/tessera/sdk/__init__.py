"""Tessera SDK: everything a plugin imports.

A plugin is a Python package with a ``plugin.json`` manifest beside its
``__init__.py`` and hook implementations marked with :data:`hookimpl`::

    # hello/__init__.py
    from fastapi import APIRouter
    from tessera.sdk import ContextDep, hookimpl

    @hookimpl
    def tessera_register_routes() -> APIRouter:
        router = APIRouter()

        @router.get("/greeting")
        def greeting(ctx: ContextDep) -> dict[str, str]:
            return {"hello": ctx.caller.user}

        return router

The package imports its own modules relatively (``from .routes import ...``),
so that several versions of it can be loaded side by side. Hooks are listed in
:mod:`tessera.sdk.hookspecs` and described in docs/hooks.md.
"""

from __future__ import annotations

from tessera.sdk.context import ContextDep, plugin_context
from tessera.sdk.errors import ManifestError, PluginPermissionError, TesseraError
from tessera.sdk.manifest import MANIFEST_FILE, MANIFEST_SCHEMA, Manifest, Permissions
from tessera.sdk.markers import hookimpl
from tessera.sdk.types import (
    OPPORTUNITY_FIELDS,
    ROLES,
    AccountRecord,
    Caller,
    LoadedVersion,
    OpportunityRecord,
    PluginContext,
    PluginStorage,
    RecordChanged,
    RepRecord,
    Role,
    SalesData,
    plugin_table_name,
    plugin_table_prefix,
)

__version__ = "0.2.0"

__all__ = [
    "MANIFEST_FILE",
    "MANIFEST_SCHEMA",
    "OPPORTUNITY_FIELDS",
    "ROLES",
    "AccountRecord",
    "Caller",
    "ContextDep",
    "LoadedVersion",
    "Manifest",
    "ManifestError",
    "OpportunityRecord",
    "Permissions",
    "PluginContext",
    "PluginPermissionError",
    "PluginStorage",
    "RecordChanged",
    "RepRecord",
    "Role",
    "SalesData",
    "TesseraError",
    "hookimpl",
    "plugin_context",
    "plugin_table_name",
    "plugin_table_prefix",
]

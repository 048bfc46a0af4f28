"""Tessera SDK: everything a plugin imports.

A plugin is a package with a ``MANIFEST`` and hook implementations::

    from fastapi import APIRouter
    from tessera.sdk import ContextDep, Manifest, hookimpl

    MANIFEST = Manifest(name="hello", version="1.0.0", description="Says hello.")

    @hookimpl
    def tessera_register_routes() -> APIRouter:
        router = APIRouter()

        @router.get("/greeting")
        def greeting(ctx: ContextDep) -> dict[str, str]:
            return {"hello": ctx.caller.user}

        return router

and an entry point in the ``tessera.plugins`` group naming that package.
"""

from __future__ import annotations

from tessera.sdk.context import ContextDep, plugin_context
from tessera.sdk.markers import hookimpl
from tessera.sdk.types import (
    OPPORTUNITY_FIELDS,
    ROLES,
    Caller,
    Manifest,
    OpportunityRecord,
    PluginContext,
    RepRecord,
    Role,
    SalesData,
)

__version__ = "0.1.0"

__all__ = [
    "OPPORTUNITY_FIELDS",
    "ROLES",
    "Caller",
    "ContextDep",
    "Manifest",
    "OpportunityRecord",
    "PluginContext",
    "RepRecord",
    "Role",
    "SalesData",
    "hookimpl",
    "plugin_context",
]

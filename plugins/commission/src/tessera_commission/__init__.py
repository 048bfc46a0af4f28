"""Commission: quarterly statements of what each rep earns from won opportunities.

The plan and the opportunity fields it reads are configuration, validated by
the JSON Schema in ``plugin.json``; the default is the plan "standard". The
plugin serves ``GET /api/plugins/commission/statements``.
"""

from __future__ import annotations

from fastapi import APIRouter

from tessera.sdk import hookimpl

from .routes import build_router


@hookimpl
def tessera_register_routes() -> APIRouter:
    return build_router()

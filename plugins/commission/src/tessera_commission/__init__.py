"""Commission: quarterly statements of what each rep earns from won opportunities.

The plan and the opportunity fields it reads are configuration, validated by
:data:`tessera_commission.config.CONFIG_SCHEMA`; the default is the plan
"standard". The plugin serves ``GET /api/plugins/commission/statements``.
"""

from __future__ import annotations

from fastapi import APIRouter

from tessera.sdk import Manifest, hookimpl
from tessera_commission.config import CONFIG_SCHEMA, DEFAULT_CONFIG
from tessera_commission.routes import build_router

__version__ = "0.1.0"

MANIFEST = Manifest(
    name="commission",
    version=__version__,
    description="Quarterly commission statements from won opportunities, by a configurable plan.",
    config_schema=CONFIG_SCHEMA,
    default_config=DEFAULT_CONFIG,
)


@hookimpl
def tessera_register_routes() -> APIRouter:
    return build_router()

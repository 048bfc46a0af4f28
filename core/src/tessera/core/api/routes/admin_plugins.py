"""``/api/admin/plugins``: list, enable, disable and configure plugins (admins only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tessera.core.api.deps import AdminCaller, PluginManagerDep, SessionDep
from tessera.core.models import ALL_REGIONS
from tessera.core.plugin_settings import (
    PluginStatus,
    effective_config,
    list_plugins,
    set_config,
    set_rollout,
)

router = APIRouter(prefix="/admin/plugins", tags=["admin: plugins"])


class PluginPublic(BaseModel):
    name: str
    version: str
    description: str
    rollouts: dict[str, int] = Field(description="percent of teams enabled, by region key or 'all'")


class EnableRequest(BaseModel):
    region: str = Field(description=f"a region key, or '{ALL_REGIONS}'")
    percent: int = Field(ge=0, le=100)


class DisableRequest(BaseModel):
    region: str = Field(description=f"a region key, or '{ALL_REGIONS}'")


def _public(status: PluginStatus) -> PluginPublic:
    return PluginPublic(**status.__dict__)


def _status(session: SessionDep, manager: PluginManagerDep, name: str) -> PluginPublic:
    statuses = list_plugins(session=session, manifests=manager.manifests)
    return next(_public(s) for s in statuses if s.name == name)


@router.get("")
def read_plugins(_admin: AdminCaller, session: SessionDep, manager: PluginManagerDep) -> list[PluginPublic]:
    return [_public(s) for s in list_plugins(session=session, manifests=manager.manifests)]


@router.post("/{name}/enable")
def enable_plugin(
    name: str, body: EnableRequest, _admin: AdminCaller, session: SessionDep, manager: PluginManagerDep
) -> PluginPublic:
    set_rollout(
        session=session, manifests=manager.manifests, plugin=name, scope=body.region, percent=body.percent
    )
    return _status(session, manager, name)


@router.post("/{name}/disable")
def disable_plugin(
    name: str, body: DisableRequest, _admin: AdminCaller, session: SessionDep, manager: PluginManagerDep
) -> PluginPublic:
    set_rollout(session=session, manifests=manager.manifests, plugin=name, scope=body.region, percent=0)
    return _status(session, manager, name)


@router.get("/{name}/config/{region}")
def read_config(
    name: str, region: str, _admin: AdminCaller, session: SessionDep, manager: PluginManagerDep
) -> dict[str, Any]:
    scope = None if region == ALL_REGIONS else region
    return dict(effective_config(session=session, manifests=manager.manifests, plugin=name, region=scope))


@router.put("/{name}/config/{region}")
def write_config(
    name: str,
    region: str,
    config: dict[str, Any],
    _admin: AdminCaller,
    session: SessionDep,
    manager: PluginManagerDep,
) -> dict[str, Any]:
    row = set_config(session=session, manifests=manager.manifests, plugin=name, scope=region, config=config)
    return row.config

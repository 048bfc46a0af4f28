"""``/api/me``: who the caller is and which plugins are active for them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from tessera.core.api.deps import CurrentCaller, PluginManagerDep, SessionDep
from tessera.core.plugin_settings import rollout_table
from tessera.core.rollout import is_enabled

router = APIRouter(tags=["me"])


class ActivePlugin(BaseModel):
    name: str
    version: str


class Me(BaseModel):
    user: str
    role: str
    region: str | None
    team: str | None
    plugins: list[ActivePlugin]


@router.get("/me")
def read_me(caller: CurrentCaller, session: SessionDep, manager: PluginManagerDep) -> Me:
    table = rollout_table(session)
    plugins = [
        ActivePlugin(name=m.name, version=m.version)
        for m in sorted(manager.manifests.values(), key=lambda m: m.name)
        if is_enabled(table, m.name, caller)
    ]
    return Me(user=caller.user, role=caller.role, region=caller.region, team=caller.team, plugins=plugins)

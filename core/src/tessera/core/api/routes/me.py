"""``/api/me``: who the caller is and which plugin versions serve them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tessera.core.api.deps import CurrentCaller, PluginSetDep

router = APIRouter(tags=["me"])


class ActivePlugin(BaseModel):
    name: str
    version: str = Field(description="the version the caller's rollout picks")


class Me(BaseModel):
    user: str
    role: str
    region: str | None
    team: str | None
    plugins: list[ActivePlugin]


@router.get("/me")
def read_me(caller: CurrentCaller, plugin_set: PluginSetDep) -> Me:
    plugins = [ActivePlugin(name=p.name, version=p.version) for p in plugin_set.serving(caller)]
    return Me(user=caller.user, role=caller.role, region=caller.region, team=caller.team, plugins=plugins)

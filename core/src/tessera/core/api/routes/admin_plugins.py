"""``/api/admin/plugins``: plugins, their versions and releases; enable, release,
disable and configure them (admins only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from tessera.core.api.deps import AdminCaller, HookCallsDep, SessionDep
from tessera.core.models import ALL_REGIONS
from tessera.core.plugin_failures import PluginFailures
from tessera.core.plugin_listing import PluginStatus, list_plugins
from tessera.core.plugin_settings import (
    check_scope,
    disable_in_region,
    disable_versions,
    effective_config,
    enable_plugin,
    follow_all,
    set_config,
    set_release,
)
from tessera.core.rollout import Split

router = APIRouter(prefix="/admin/plugins", tags=["admin: plugins"])

_REGION = f"a region key, or '{ALL_REGIONS}'"


# Request bodies take exactly their fields, of exactly their types ("50" is not a percent).
_STRICT = ConfigDict(extra="forbid", strict=True)


class SplitPublic(BaseModel):
    model_config = _STRICT

    version: str
    percent: int = Field(ge=1, le=100)


class VersionPublic(BaseModel):
    version: str
    state: str = Field(description="installed, enabled, disabled or failed")
    reason: str | None = Field(description="why the version failed, when it did")
    failures: dict[str, int] = Field(
        description="failures by hook name (or 'routes') seen by the worker that answers, since it started"
    )


class PluginPublic(BaseModel):
    name: str
    version: str = Field(description="the highest enabled version, else the highest one")
    description: str
    rollouts: dict[str, int] = Field(description=f"percent of teams served some version, by {_REGION}")
    releases: dict[str, list[SplitPublic]] = Field(
        description="each scope's ordered splits: the first takes buckets 1..p1, the next the following ones"
    )
    versions: list[VersionPublic]


class EnableRequest(BaseModel):
    model_config = _STRICT

    region: str = Field(description=_REGION)
    percent: int = Field(ge=0, le=100)
    version: str | None = Field(default=None, description="default: the highest installed or enabled version")


class DisableRequest(BaseModel):
    model_config = _STRICT

    region: str = Field(description=_REGION)


class ReleaseRequest(BaseModel):
    model_config = _STRICT

    splits: list[SplitPublic] = Field(description="in bucket order; the percents add up to at most 100")


def _public(status: PluginStatus, failures: PluginFailures) -> PluginPublic:
    return PluginPublic(
        name=status.name,
        version=status.version,
        description=status.description,
        rollouts=status.rollouts,
        releases={scope: [SplitPublic(**s) for s in splits] for scope, splits in status.releases.items()},
        versions=[
            VersionPublic(
                version=v.version,
                state=v.state,
                reason=v.reason,
                failures=failures.of_version(status.name, v.version),
            )
            for v in status.versions
        ],
    )


def _status(session: SessionDep, hooks: HookCallsDep, name: str) -> PluginPublic:
    return next(_public(s, hooks.failures) for s in list_plugins(session) if s.name == name)


@router.get("")
def read_plugins(_admin: AdminCaller, session: SessionDep, hooks: HookCallsDep) -> list[PluginPublic]:
    return [_public(status, hooks.failures) for status in list_plugins(session)]


@router.post("/{name}/enable")
def enable(
    name: str, body: EnableRequest, _admin: AdminCaller, session: SessionDep, hooks: HookCallsDep
) -> PluginPublic:
    """Serve a version to a share of a region's teams, ahead of the versions already there.

    A region without a release of its own starts from the release for all regions;
    lowering a version's share gives the freed share to the last version after it;
    naming a failed version tries it again."""
    enable_plugin(session=session, plugin=name, scope=body.region, percent=body.percent, version=body.version)
    return _status(session, hooks, name)


@router.post("/{name}/disable")
def disable(
    name: str, body: DisableRequest, _admin: AdminCaller, session: SessionDep, hooks: HookCallsDep
) -> PluginPublic:
    """Serve no version of the plugin in a region."""
    disable_in_region(session=session, plugin=name, scope=body.region)
    return _status(session, hooks, name)


@router.put("/{name}/releases/{region}")
def put_release(
    name: str,
    region: str,
    body: ReleaseRequest,
    _admin: AdminCaller,
    session: SessionDep,
    hooks: HookCallsDep,
) -> PluginPublic:
    """Set a region's splits exactly; every version named is enabled (a failed one is tried again)."""
    splits = [Split(version=s.version, percent=s.percent) for s in body.splits]
    set_release(session=session, plugin=name, scope=region, splits=splits)
    return _status(session, hooks, name)


@router.delete("/{name}/releases/{region}")
def delete_release(
    name: str, region: str, _admin: AdminCaller, session: SessionDep, hooks: HookCallsDep
) -> PluginPublic:
    """Drop a region's own release, so that the release for all regions serves it again."""
    follow_all(session=session, plugin=name, scope=region)
    return _status(session, hooks, name)


@router.post("/{name}/versions/{version}/disable")
def disable_version(
    name: str,
    version: str,
    _admin: AdminCaller,
    session: SessionDep,
    hooks: HookCallsDep,
    force: bool = False,
) -> PluginPublic:
    """Take a version out of every worker; refused while enabled plugins need it, unless ``force``."""
    disable_versions(session=session, plugin=name, version=version, force=force)
    return _status(session, hooks, name)


@router.get("/{name}/config/{region}")
def read_config(name: str, region: str, _admin: AdminCaller, session: SessionDep) -> dict[str, Any]:
    check_scope(session, region)
    scope = None if region == ALL_REGIONS else region
    return dict(effective_config(session=session, plugin=name, region=scope))


@router.put("/{name}/config/{region}")
def write_config(
    name: str, region: str, config: dict[str, Any], _admin: AdminCaller, session: SessionDep
) -> dict[str, Any]:
    return set_config(session=session, plugin=name, scope=region, config=config).config

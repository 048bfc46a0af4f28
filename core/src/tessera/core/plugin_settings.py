"""Admin operations on plugins: enable per region and percentage, disable, configure.

Settings live in the database, so every worker sees a change on its next
request; nothing needs a restart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from tessera.core.errors import InputError, NotFoundError
from tessera.core.manager import config_errors
from tessera.core.models import ALL_REGIONS, PluginConfig, PluginRollout, Region, utcnow
from tessera.core.rollout import RolloutTable
from tessera.sdk import Manifest


@dataclass(frozen=True)
class PluginStatus:
    name: str
    version: str
    description: str
    rollouts: dict[str, int]


def _manifest(manifests: Mapping[str, Manifest], name: str) -> Manifest:
    if name not in manifests:
        known = ", ".join(sorted(manifests)) or "none"
        raise NotFoundError(f"No plugin '{name}' is installed; installed plugins: {known}")
    return manifests[name]


def _check_scope(session: Session, scope: str) -> None:
    if scope != ALL_REGIONS and session.get(Region, scope) is None:
        known = ", ".join(sorted(session.exec(select(Region.key)).all()))
        raise NotFoundError(
            f"No region '{scope}'; use one of: {known or 'no regions yet'}, or '{ALL_REGIONS}'"
        )


def rollout_table(session: Session) -> RolloutTable:
    table: dict[str, dict[str, int]] = {}
    for row in session.exec(select(PluginRollout)).all():
        table.setdefault(row.plugin, {})[row.scope] = row.percent
    return table


def set_rollout(
    *, session: Session, manifests: Mapping[str, Manifest], plugin: str, scope: str, percent: int
) -> PluginRollout:
    """Enable ``plugin`` for ``percent`` of the teams in ``scope``; 0 disables it there."""
    _manifest(manifests, plugin)
    if not 0 <= percent <= 100:
        raise InputError(f"percent must be a whole number from 0 to 100, not {percent}")
    _check_scope(session, scope)
    row = session.get(PluginRollout, (plugin, scope)) or PluginRollout(
        plugin=plugin, scope=scope, percent=percent
    )
    row.percent = percent
    row.updated_at = utcnow()
    session.add(row)
    return row


def list_plugins(*, session: Session, manifests: Mapping[str, Manifest]) -> list[PluginStatus]:
    table = rollout_table(session)
    return [
        PluginStatus(m.name, m.version, m.description, dict(sorted(table.get(m.name, {}).items())))
        for m in sorted(manifests.values(), key=lambda m: m.name)
    ]


def set_config(
    *, session: Session, manifests: Mapping[str, Manifest], plugin: str, scope: str, config: Any
) -> PluginConfig:
    """Store ``config`` for ``scope`` after validating it against the plugin's schema."""
    manifest = _manifest(manifests, plugin)
    _check_scope(session, scope)
    errors = config_errors(manifest.config_schema, config)
    if errors:
        raise InputError(
            f"Configuration for plugin '{plugin}' breaks its JSON Schema; nothing was changed:\n"
            + "\n".join(errors)
        )
    row = session.get(PluginConfig, (plugin, scope)) or PluginConfig(
        plugin=plugin, scope=scope, config=config
    )
    row.config = config
    row.updated_at = utcnow()
    session.add(row)
    return row


def effective_config(
    *, session: Session, manifests: Mapping[str, Manifest], plugin: str, region: str | None
) -> Mapping[str, Any]:
    """The region's configuration, else the one for all regions, else the default."""
    manifest = _manifest(manifests, plugin)
    for scope in (region, ALL_REGIONS):
        if scope is not None:
            row = session.get(PluginConfig, (plugin, scope))
            if row is not None:
                return row.config
    return manifest.default_config

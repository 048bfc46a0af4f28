"""What ``tessera plugins list`` and ``GET /api/admin/plugins`` show: each plugin's
versions with their states, and its releases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import cast

from sqlmodel import Session, col, select

from tessera.core.models import PluginRelease, PluginVersion
from tessera.core.plugin_settings import version_order
from tessera.core.rollout import Split, total_percent


@dataclass(frozen=True)
class VersionStatus:
    version: str
    state: str
    reason: str | None


@dataclass(frozen=True)
class PluginStatus:
    """A plugin as an admin sees it.

    :param version: the version shown for the plugin: the highest enabled, else the highest.
    :param releases: each scope's splits, by scope.
    """

    name: str
    version: str
    description: str
    versions: list[VersionStatus]
    releases: dict[str, list[Split]] = field(default_factory=dict)

    @property
    def rollouts(self) -> dict[str, int]:
        """The percent of teams each scope serves some version to."""
        return {scope: total_percent(splits) for scope, splits in self.releases.items()}

    def shares_of(self, version: str) -> dict[str, int]:
        """The percent of teams each scope sends to ``version``."""
        return {
            scope: split["percent"]
            for scope, splits in self.releases.items()
            for split in splits
            if split["version"] == version
        }


def list_plugins(session: Session) -> list[PluginStatus]:
    """Every plugin with a version that is not removed, by name."""
    rows = session.exec(
        select(PluginVersion).where(PluginVersion.state != "removed").order_by(col(PluginVersion.name))
    ).all()
    releases: dict[str, dict[str, list[Split]]] = {}
    for release in session.exec(select(PluginRelease).order_by(col(PluginRelease.scope))).all():
        releases.setdefault(release.plugin, {})[release.scope] = cast(list[Split], release.splits)
    return [
        _status(name, sorted(versions, key=version_order, reverse=True), releases.get(name, {}))
        for name, versions in groupby(rows, key=lambda row: row.name)
    ]


def _status(name: str, versions: Sequence[PluginVersion], releases: dict[str, list[Split]]) -> PluginStatus:
    shown = next((row for row in versions if row.state == "enabled"), versions[0])
    return PluginStatus(
        name=name,
        version=shown.version,
        description=str(shown.manifest.get("description", "")),
        versions=[VersionStatus(row.version, row.state, row.reason) for row in versions],
        releases=releases,
    )

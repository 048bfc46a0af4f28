"""The plugin set: an immutable snapshot of what a worker serves.

A set holds the loaded plugin versions, the releases that say which version
serves whom, and the configurations, all as of one plugin revision. A request
runs on the set that was current when it started, from start to end, however
the plugins change meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlmodel import Session, col, select

from tessera.core.models import PluginConfig, PluginRelease, PluginVersion
from tessera.core.plugin_loader import LoadedPlugin
from tessera.core.plugin_revision import current_plugin_revision
from tessera.core.rollout import Release, Split, choose_version, for_region
from tessera.sdk import Caller

# plugin name -> scope (region key or ALL_REGIONS) -> configuration
Configs = Mapping[str, Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class PluginState:
    """What the database says should be served, as of ``revision``.

    :param enabled: the versions in state ``enabled``, to be loaded.
    """

    revision: int
    enabled: list[PluginVersion]
    releases: dict[str, Release]
    configs: Configs


def read_plugin_state(session: Session) -> PluginState:
    """Read the revision first: the rows read after it are at least that new."""
    revision = current_plugin_revision(session)
    enabled = session.exec(
        select(PluginVersion)
        .where(PluginVersion.state == "enabled")
        .order_by(col(PluginVersion.name), col(PluginVersion.version))
    ).all()
    releases: dict[str, dict[str, list[Split]]] = {}
    for release in session.exec(select(PluginRelease)).all():
        releases.setdefault(release.plugin, {})[release.scope] = cast(list[Split], release.splits)
    configs: dict[str, dict[str, Mapping[str, Any]]] = {}
    for config in session.exec(select(PluginConfig)).all():
        configs.setdefault(config.plugin, {})[config.scope] = config.config
    return PluginState(revision=revision, enabled=list(enabled), releases=dict(releases), configs=configs)


@dataclass(frozen=True)
class PluginSet:
    """The loaded versions, releases and configurations as of ``revision``."""

    revision: int
    plugins: Mapping[tuple[str, str], LoadedPlugin] = field(default_factory=dict)
    releases: Mapping[str, Release] = field(default_factory=dict)
    configs: Configs = field(default_factory=dict)

    def version_for(self, name: str, caller: Caller) -> LoadedPlugin | None:
        """The version of plugin ``name`` the caller's rollout picks, if it is loaded."""
        version = choose_version(self.releases.get(name, {}), name, caller)
        return self.plugins.get((name, version)) if version else None

    def serving(self, caller: Caller) -> list[LoadedPlugin]:
        """The one version of each plugin that serves the caller, by plugin name."""
        names = sorted({name for name, _ in self.plugins})
        return [plugin for name in names if (plugin := self.version_for(name, caller))]

    def config_for(self, plugin: LoadedPlugin, region: str | None) -> Mapping[str, Any]:
        """The region's configuration, else the one for all regions, else the version's default."""
        config = for_region(self.configs.get(plugin.name, {}), region)
        return plugin.manifest.default_config if config is None else config

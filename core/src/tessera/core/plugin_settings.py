"""Admin operations on plugins: releases, version states and configurations.

- :func:`enable_plugin` gives one version a share of a region's teams, ahead of
  the versions already there (a region without a release of its own starts from
  the one for all regions); :func:`set_release` sets a region's splits exactly;
  :func:`disable_in_region` empties them; :func:`follow_all` drops a region's own
  release so that the one for all regions serves it again.
- :func:`disable_versions` takes versions out of every worker, refusing while
  enabled plugins need them unless forced.
- :func:`set_config` stores a configuration for a region or all regions,
  validated against the JSON Schema of every version that may receive it.

Each refusal changes nothing; each change bumps the plugin revision in the same
transaction, so every worker serves it from its next request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from packaging.version import InvalidVersion, Version
from sqlmodel import Session, col, select

from tessera.core.errors import ConflictError, InputError, NotFoundError
from tessera.core.models import ALL_REGIONS, PluginConfig, PluginRelease, PluginVersion, Region, utcnow
from tessera.core.plugin_dependencies import AVAILABLE_STATES, dependents_of
from tessera.core.plugin_revision import bump_plugin_revision
from tessera.core.rollout import Split, for_region, ramp, total_percent
from tessera.sdk.manifest import schema_problems

# --- releases ---------------------------------------------------------------------------


def enable_plugin(
    *, session: Session, plugin: str, scope: str, percent: int, version: str | None = None
) -> PluginRelease:
    """Serve ``version`` (default: the highest installed or enabled) to ``percent`` of the
    teams in ``scope``, ahead of the versions already serving there.

    A failed version named explicitly is tried again: the runtime loads it anew.
    """
    versions = installed_versions(session, plugin)
    row = servable_version(session, plugin, version) if version else _default_version(plugin, versions)
    if not 0 <= percent <= 100:
        raise InputError(f"percent must be a whole number from 0 to 100, not {percent}")
    check_scope(session, scope)
    _set_state(row, "enabled")
    release = session.get(PluginRelease, (plugin, scope))
    if release is None:  # a region without its own release starts from the one for all regions
        inherited = [] if scope == ALL_REGIONS else _release(session, plugin, ALL_REGIONS).splits
        release = PluginRelease(plugin=plugin, scope=scope, splits=inherited)
    return _store_release(session, release, ramp(cast(list[Split], release.splits), row.version, percent))


def set_release(*, session: Session, plugin: str, scope: str, splits: Sequence[Split]) -> PluginRelease:
    """Set ``scope``'s splits exactly, in order; every version named is enabled."""
    installed_versions(session, plugin)
    check_scope(session, scope)
    rows = [servable_version(session, plugin, split["version"]) for split in splits]
    for row in rows:
        _set_state(row, "enabled")
    named = [Split(version=row.version, percent=s["percent"]) for row, s in zip(rows, splits, strict=True)]
    _check_splits(named)
    return _store_release(session, _release(session, plugin, scope), named)


def follow_all(*, session: Session, plugin: str, scope: str) -> None:
    """Drop ``scope``'s own release, so that the release for all regions serves it."""
    installed_versions(session, plugin)
    check_scope(session, scope)
    if scope == ALL_REGIONS:
        raise InputError(f"'{ALL_REGIONS}' is the release the regions follow; name a region to follow it")
    release = session.get(PluginRelease, (plugin, scope))
    if release is None:
        raise NotFoundError(
            f"Region {scope} has no release of its own for {plugin}; it follows '{ALL_REGIONS}'"
        )
    session.delete(release)
    bump_plugin_revision(session)


def disable_in_region(*, session: Session, plugin: str, scope: str) -> PluginRelease:
    """Serve no version of ``plugin`` in ``scope`` (for ``all``: where no region has its own release)."""
    installed_versions(session, plugin)
    check_scope(session, scope)
    return _store_release(session, _release(session, plugin, scope), [])


def check_scope(session: Session, scope: str) -> None:
    if scope != ALL_REGIONS and session.get(Region, scope) is None:
        known = ", ".join(sorted(session.exec(select(Region.key)).all()))
        raise NotFoundError(
            f"No region '{scope}'; use one of: {known or 'no regions yet'}, or '{ALL_REGIONS}'"
        )


def _check_splits(splits: Sequence[Split]) -> None:
    problems = [
        f"{s['version']}={s['percent']}: a share is a whole percent from 1 to 100"
        for s in splits
        if not 1 <= s["percent"] <= 100
    ]
    versions = [s["version"] for s in splits]
    problems += [f"{v} is named more than once" for v in sorted(set(versions)) if versions.count(v) > 1]
    if total_percent(splits) > 100:
        problems.append(f"the shares add up to {total_percent(splits)}%, more than 100%")
    if problems:
        raise InputError("The release is refused; nothing was changed:\n" + "\n".join(problems))


def _release(session: Session, plugin: str, scope: str) -> PluginRelease:
    return session.get(PluginRelease, (plugin, scope)) or PluginRelease(plugin=plugin, scope=scope, splits=[])


def _store_release(session: Session, release: PluginRelease, splits: list[Split]) -> PluginRelease:
    added = {split["version"] for split in splits} - {split["version"] for split in release.splits}
    _refuse_configs_breaking(session, release.plugin, added)
    release.splits = [dict(split) for split in splits]
    release.updated_at = utcnow()
    session.add(release)
    bump_plugin_revision(session)
    return release


def _refuse_configs_breaking(session: Session, plugin: str, versions: set[str]) -> None:
    """A version may start serving only if every stored configuration fits its schema."""
    configs = session.exec(select(PluginConfig).where(col(PluginConfig.plugin) == plugin)).all()
    for version in sorted(versions):
        row = session.get(PluginVersion, (plugin, version))
        schema = row.manifest.get("config_schema", {}) if row else {}
        for config in configs:
            errors = schema_problems(schema, config.config)
            if errors:
                raise InputError(
                    f"Plugin '{plugin}' {version} cannot serve: the configuration for '{config.scope}' "
                    f"breaks its JSON Schema. Change that configuration first (tessera plugins configure); "
                    f"nothing was changed:\n" + "\n".join(errors)
                )


# --- versions -----------------------------------------------------------------------------


def installed_versions(session: Session, plugin: str) -> list[PluginVersion]:
    """The plugin's versions that are not removed, highest first; refused if there are none."""
    rows = session.exec(
        select(PluginVersion).where(PluginVersion.name == plugin, PluginVersion.state != "removed")
    ).all()
    if not rows:
        names = session.exec(
            select(PluginVersion.name).where(PluginVersion.state != "removed").distinct()
        ).all()
        raise NotFoundError(
            f"No plugin '{plugin}' is installed; installed plugins: {', '.join(sorted(names)) or 'none'}"
        )
    return sorted(rows, key=version_order, reverse=True)


def version_order(row: PluginVersion) -> Version:
    try:
        return Version(row.version)
    except InvalidVersion:  # a bundled plugin that failed before its manifest was read
        return Version("0")


def servable_version(session: Session, plugin: str, version: str) -> PluginVersion:
    """``plugin`` ``version`` (equal under PEP 440, so 0.2 finds 0.2.0), which must be installed."""
    row = find_version(session, plugin, version)
    if row is None or row.state == "removed":
        raise _unknown_version(plugin, version, installed_versions(session, plugin))
    return row


def find_version(session: Session, plugin: str, version: str) -> PluginVersion | None:
    """The row of ``plugin`` whose version equals ``version`` under PEP 440, preferring one not removed."""
    rows = session.exec(select(PluginVersion).where(PluginVersion.name == plugin)).all()
    matches = sorted(
        (r for r in rows if same_version(r.version, version)), key=lambda r: r.state == "removed"
    )
    return matches[0] if matches else None


def same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def _unknown_version(plugin: str, version: str, versions: Sequence[PluginVersion]) -> NotFoundError:
    known = ", ".join(row.version for row in versions)
    return NotFoundError(f"Plugin '{plugin}' has no version '{version}'; installed versions: {known}")


def _default_version(plugin: str, versions: Sequence[PluginVersion]) -> PluginVersion:
    for row in versions:
        if row.state in ("installed", "enabled"):
            return row
    states = ", ".join(f"{r.version} {r.state}" for r in versions)
    raise ConflictError(
        f"Plugin '{plugin}' has no installed or enabled version to enable ({states}); "
        f"name the version: {plugin}==VERSION"
    )


def disable_versions(
    *, session: Session, plugin: str, version: str | None = None, force: bool = False
) -> list[PluginVersion]:
    """Take ``version`` (default: every version) of ``plugin`` out of every worker.

    Releases keep naming it; the teams they send to it get no version until it is
    enabled again. Refused while enabled plugins need it, unless ``force``.
    """
    versions = installed_versions(session, plugin)
    if version is None:
        targets = [row for row in versions if row.state in ("installed", "enabled")]
    else:
        targets = [row for row in versions if same_version(row.version, version)]
        if not targets:
            raise _unknown_version(plugin, version, versions)
        version = targets[0].version
    _refuse_while_needed(session, plugin, version, force=force)
    for row in targets:
        _set_state(row, "disabled")
    bump_plugin_revision(session)
    return targets


def _refuse_while_needed(session: Session, plugin: str, version: str | None, *, force: bool) -> None:
    dependents = dependents_of(session, plugin, version=version)
    if dependents and not force:
        needs = ", ".join(
            f"{d.name} {d.version} (requires {plugin}{d.manifest['requires'][plugin]})" for d in dependents
        )
        what = f"{plugin} {version}" if version else plugin
        raise ConflictError(
            f"Plugin {what} is needed by enabled plugins: {needs}. Disable those first, "
            f"or disable with --force (API: ?force=true); they then fail to load"
        )


def _set_state(row: PluginVersion, state: str) -> None:
    if row.state != state:
        row.state, row.reason, row.updated_at = state, None, utcnow()


# --- configurations -----------------------------------------------------------------------


def set_config(*, session: Session, plugin: str, scope: str, config: Any) -> PluginConfig:
    """Store ``config`` for ``scope`` after validating it against the schema of every
    version that may receive it."""
    versions = installed_versions(session, plugin)
    check_scope(session, scope)
    for receiving in _receiving_versions(session, versions):
        errors = schema_problems(receiving.manifest.get("config_schema", {}), config)
        if errors:
            raise InputError(
                f"Configuration for plugin '{plugin}' breaks its JSON Schema in version {receiving.version}; "
                f"nothing was changed:\n" + "\n".join(errors)
            )
    row = session.get(PluginConfig, (plugin, scope)) or PluginConfig(
        plugin=plugin, scope=scope, config=config
    )
    row.config = config
    row.updated_at = utcnow()
    session.add(row)
    bump_plugin_revision(session)
    return row


def effective_config(*, session: Session, plugin: str, region: str | None) -> Mapping[str, Any]:
    """The region's configuration, else the one for all regions, else the default."""
    default = _schema_version(installed_versions(session, plugin)).manifest.get("default_config", {})
    rows = session.exec(select(PluginConfig).where(col(PluginConfig.plugin) == plugin)).all()
    config = for_region({row.scope: row.config for row in rows}, region)
    return default if config is None else config


def _receiving_versions(session: Session, versions: Sequence[PluginVersion]) -> list[PluginVersion]:
    """The enabled versions and the installed ones a release sends teams to; if none, the
    version whose schema stands for the plugin."""
    releases = session.exec(select(PluginRelease).where(PluginRelease.plugin == versions[0].name)).all()
    released = {s["version"] for release in releases for s in release.splits}
    receiving = [
        row
        for row in versions
        if row.state == "enabled" or (row.state in AVAILABLE_STATES and row.version in released)
    ]
    return receiving or [_schema_version(versions)]


def _schema_version(versions: Sequence[PluginVersion]) -> PluginVersion:
    """The highest enabled version, else the highest that could be enabled."""
    for states in (("enabled",), AVAILABLE_STATES):
        for row in versions:
            if row.state in states:
                return row
    raise ConflictError(f"Plugin '{versions[0].name}' has no version that is not failed; install one")

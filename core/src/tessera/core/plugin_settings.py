"""Admin operations on plugins: releases, version states and configurations.

- :func:`enable_plugin` gives one version a share of a region's teams, ahead of
  the versions already there; :func:`set_release` sets a region's splits exactly;
  :func:`disable_in_region` empties them.
- :func:`disable_versions` takes versions out of every worker, refusing while
  enabled plugins need them unless forced.
- :func:`set_config` stores a configuration for a region or all regions,
  validated against the JSON Schema of the highest enabled version.

Each refusal changes nothing; each change bumps the plugin revision in the same
transaction, so every worker serves it from its next request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

import jsonschema
from packaging.version import InvalidVersion, Version
from sqlmodel import Session, col, select

from tessera.core.errors import ConflictError, InputError, NotFoundError
from tessera.core.models import ALL_REGIONS, PluginConfig, PluginRelease, PluginVersion, Region, utcnow
from tessera.core.plugin_dependencies import AVAILABLE_STATES, dependents_of
from tessera.core.plugin_revision import bump_plugin_revision
from tessera.core.rollout import Split, for_region, put_first, total_percent

# --- releases ---------------------------------------------------------------------------


def enable_plugin(
    *, session: Session, plugin: str, scope: str, percent: int, version: str | None = None
) -> PluginRelease:
    """Serve ``version`` (default: the highest installed or enabled) to ``percent`` of the
    teams in ``scope``, ahead of the versions already serving there."""
    versions = installed_versions(session, plugin)
    row = servable_version(session, plugin, version) if version else _default_version(plugin, versions)
    if not 0 <= percent <= 100:
        raise InputError(f"percent must be a whole number from 0 to 100, not {percent}")
    check_scope(session, scope)
    _set_state(row, "enabled")
    release = _release(session, plugin, scope)
    return _store_release(
        session, release, put_first(cast(list[Split], release.splits), row.version, percent)
    )


def set_release(*, session: Session, plugin: str, scope: str, splits: Sequence[Split]) -> PluginRelease:
    """Set ``scope``'s splits exactly, in order; every version named is enabled."""
    installed_versions(session, plugin)
    check_scope(session, scope)
    _check_splits(splits)
    for split in splits:
        _set_state(servable_version(session, plugin, split["version"]), "enabled")
    return _store_release(session, _release(session, plugin, scope), list(splits))


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
    release.splits = [dict(split) for split in splits]
    release.updated_at = utcnow()
    session.add(release)
    bump_plugin_revision(session)
    return release


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
    """``plugin`` ``version``, which must be installed and not failed."""
    row = session.get(PluginVersion, (plugin, version))
    if row is None or row.state == "removed":
        raise _unknown_version(plugin, version, installed_versions(session, plugin))
    if row.state == "failed":
        raise ConflictError(
            f"Plugin {plugin} {version} failed and cannot serve: {row.reason}. "
            f"Install a fixed version, then enable that one"
        )
    return row


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
        targets = [row for row in versions if row.version == version]
        if not targets:
            raise _unknown_version(plugin, version, versions)
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
    """Store ``config`` for ``scope`` after validating it against the plugin's schema."""
    schema = _schema_version(installed_versions(session, plugin)).manifest.get("config_schema", {})
    check_scope(session, scope)
    errors = config_errors(schema, config)
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
    bump_plugin_revision(session)
    return row


def effective_config(*, session: Session, plugin: str, region: str | None) -> Mapping[str, Any]:
    """The region's configuration, else the one for all regions, else the default."""
    default = _schema_version(installed_versions(session, plugin)).manifest.get("default_config", {})
    rows = session.exec(select(PluginConfig).where(col(PluginConfig.plugin) == plugin)).all()
    config = for_region({row.scope: row.config for row in rows}, region)
    return default if config is None else config


def _schema_version(versions: Sequence[PluginVersion]) -> PluginVersion:
    """The highest enabled version, else the highest that could be enabled."""
    for states in (("enabled",), AVAILABLE_STATES):
        for row in versions:
            if row.state in states:
                return row
    raise ConflictError(f"Plugin '{versions[0].name}' has no version that is not failed; install one")


def config_errors(schema: Mapping[str, Any], config: Any) -> list[str]:
    """Every way ``config`` breaks ``schema``, each with its JSON path."""
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(config), key=lambda e: e.json_path)
    ]

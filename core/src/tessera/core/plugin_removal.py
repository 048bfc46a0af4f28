"""Uninstalling plugin versions, and purging a plugin's data once none is left.

Uninstalling marks a version ``removed``; its tables and rows stay, so that
installing it (or another version) again finds them. Purging drops the
plugin's tables, forgets its migrations, configurations and releases, and is
allowed only when every version is removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, delete, select

from tessera.core.errors import ConflictError, NotFoundError
from tessera.core.models import PluginConfig, PluginRelease, PluginVersion, utcnow
from tessera.core.plugin_dependencies import dependents_of
from tessera.core.plugin_migrations import drop_plugin_data
from tessera.core.plugin_revision import bump_plugin_revision
from tessera.core.plugin_settings import find_version


@dataclass(frozen=True)
class PurgeResult:
    plugin: str
    tables: list[str]


def uninstall_plugin(*, session: Session, name: str, version: str, force: bool = False) -> PluginVersion:
    """Mark ``name`` ``version`` (equal under PEP 440) removed.

    Refused while a release names it for some teams or enabled plugins need it;
    ``force`` takes the version out of those releases and leaves the dependents
    without it.
    """
    row = find_version(session, name, version)
    if row is None or row.state == "removed":
        raise NotFoundError(f"Plugin {name} {version} is not installed; `tessera plugins list` shows what is")
    version = row.version
    releases = _releases_naming(session, name, version)
    dependents = dependents_of(session, name, version=version)
    if not force:
        _refuse_while_used(row, releases, dependents)
    for release in releases:
        release.splits = [s for s in release.splits if s["version"] != version]
        release.updated_at = utcnow()
    row.state = "removed"
    row.reason = None
    row.updated_at = utcnow()
    bump_plugin_revision(session)
    return row


def purge_plugin(*, session: Session, name: str) -> PurgeResult:
    """Drop every table and setting of plugin ``name``; refused while a version of it is not removed."""
    rows = session.exec(select(PluginVersion).where(PluginVersion.name == name)).all()
    if not rows:
        raise NotFoundError(f"There is no plugin {name}; `tessera plugins list` shows the installed ones")
    left = [r.version for r in rows if r.state != "removed"]
    if left:
        commands = "; ".join(f"tessera plugins uninstall {name}=={v}" for v in left)
        raise ConflictError(
            f"Plugin {name} still has version(s) {', '.join(left)} installed; its data stays until every "
            f"version is uninstalled: {commands}"
        )
    tables = drop_plugin_data(session=session, plugin=name)
    session.exec(delete(PluginConfig).where(col(PluginConfig.plugin) == name))
    session.exec(delete(PluginRelease).where(col(PluginRelease.plugin) == name))
    bump_plugin_revision(session)
    return PurgeResult(plugin=name, tables=tables)


def _releases_naming(session: Session, name: str, version: str) -> list[PluginRelease]:
    releases = session.exec(select(PluginRelease).where(PluginRelease.plugin == name)).all()
    return [r for r in releases if any(s["version"] == version for s in r.splits)]


def _percent_to(release: PluginRelease, version: str) -> int:
    return sum(int(s["percent"]) for s in release.splits if s["version"] == version)


def _refuse_while_used(
    row: PluginVersion, releases: Sequence[PluginRelease], dependents: Sequence[PluginVersion]
) -> None:
    name, version = row.name, row.version
    releases = [r for r in releases if _percent_to(r, version) > 0]
    if row.state == "enabled":
        reasons = [f"release {r.scope} sends {_percent_to(r, version)}% of its teams to it" for r in releases]
    else:
        reasons = [
            f"release {r.scope} names it for {_percent_to(r, version)}% of its teams "
            f"(they get no version while it is {row.state})"
            for r in releases
        ]
    reasons += [
        f"{d.name} {d.version} (enabled) requires {name}{d.manifest['requires'][name]}" for d in dependents
    ]
    if reasons:
        raise ConflictError(
            f"Plugin {name} {version} is in use: {'; '.join(reasons)}. Move the releases to another version "
            f"and disable the dependents first, or uninstall with --force (takes it out of those releases)."
        )

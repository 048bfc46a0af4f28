"""Installing plugin versions: from a folder, a wheel or a zip, and the bundled ones.

:func:`install_plugin` checks everything before it writes anything (manifest,
SDK range, libraries, imports, plugin dependencies, duplicates), then in one
transaction stores the zipped package, records the version as ``installed``,
runs the version's new migrations and bumps the plugin revision. A refusal
raises :class:`~tessera.core.errors.InputError` or
:class:`~tessera.core.errors.ConflictError` and changes nothing.

:func:`sync_bundled` records the plugins installed as Python distributions
(entry-point group ``tessera.plugins``); the kernel calls it at start.
"""

from __future__ import annotations

import logging
import tempfile
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from tessera.core.errors import ConflictError, InputError, KernelError
from tessera.core.models import PluginRelease, PluginVersion, utcnow
from tessera.core.plugin_checks import check_imports, check_requirements, check_sdk, load_manifest
from tessera.core.plugin_dependencies import check_dependencies
from tessera.core.plugin_migrations import apply_plugin_migrations
from tessera.core.plugin_revision import bump_plugin_revision
from tessera.core.plugin_settings import find_version
from tessera.core.plugin_sources import open_source
from tessera.core.plugin_store import bundled_package_dir, store_artifact, zip_package
from tessera.sdk import Manifest

BUNDLED_GROUP: Final = "tessera.plugins"

log = logging.getLogger(__name__)


def install_plugin(*, session: Session, source: Path, cache_root: Path) -> PluginVersion:
    """Install the plugin version in ``source`` (a folder, ``.whl`` or ``.zip``) in ``session``'s transaction."""
    cache_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_root, prefix=".install-") as workdir:
        plugin = open_source(source, workdir=Path(workdir))
        manifest = load_manifest(plugin.package_dir)
        _check_package_name(manifest, plugin.package)
        previous = _refuse_duplicate(session, manifest)
        check_sdk(manifest)
        check_requirements(manifest, plugin.requirements)
        check_imports(manifest, plugin.package_dir)
        check_dependencies(session=session, manifest=manifest)
        artifact = store_artifact(
            session=session, package=plugin.package, content=zip_package(plugin.package_dir)
        )
        version = _record(session, previous, manifest, package=plugin.package, artifact=artifact.sha256)
        session.flush()
        apply_plugin_migrations(session=session, manifest=manifest, package_dir=plugin.package_dir)
        bump_plugin_revision(session)
    log.info("installed plugin %s %s", manifest.name, manifest.version)
    return version


def sync_bundled(session: Session) -> list[PluginVersion]:
    """Record each bundled plugin version not recorded yet; return the rows added or changed.

    A new version is ``installed`` once its checks and migrations pass, else
    ``failed`` with the reason. A bundled version whose distribution now holds
    another version is marked ``failed``: its files are gone.
    """
    changed: list[PluginVersion] = []
    for entry_point in sorted(entry_points(group=BUNDLED_GROUP), key=lambda e: e.name):
        changed += _sync_entry_point(session, entry_point)
    if changed:
        bump_plugin_revision(session)
    return changed


def _sync_entry_point(session: Session, entry_point: EntryPoint) -> list[PluginVersion]:
    try:
        with session.begin_nested():
            return _record_entry_point(session, entry_point)
    except IntegrityError:  # another worker starting at the same time recorded it first
        return []


def _record_entry_point(session: Session, entry_point: EntryPoint) -> list[PluginVersion]:
    package = entry_point.module
    dist_version = entry_point.dist.version if entry_point.dist else "0"
    try:
        package_dir = bundled_package_dir(package)
        manifest = load_manifest(package_dir)
    except KernelError as err:
        return _record_failure(session, entry_point.name, dist_version, package, err.detail)
    if session.get(PluginVersion, (manifest.name, manifest.version)) is not None:
        return []
    stale = _retire_other_bundled(session, manifest)
    try:
        with session.begin_nested():
            check_sdk(manifest)
            check_imports(manifest, package_dir)
            version = _record(session, None, manifest, package=package, artifact=None)
            session.flush()
            apply_plugin_migrations(session=session, manifest=manifest, package_dir=package_dir)
    except KernelError as err:
        return stale + _record_failure(session, manifest.name, manifest.version, package, err.detail)
    _take_over_releases(session, version, replaced={row.version for row in stale})
    return [*stale, version]


def _take_over_releases(session: Session, bundled: PluginVersion, *, replaced: set[str]) -> None:
    """A bundled upgrade serves whom the version it replaced served.

    Splits naming a replaced bundled version, or a version with no record at
    all (releases carried over by migration 0002), move to the new version,
    which is then enabled.
    """
    known = set(session.exec(select(PluginVersion.version).where(PluginVersion.name == bundled.name)).all())
    releases = session.exec(select(PluginRelease).where(PluginRelease.plugin == bundled.name)).all()
    for release in releases:
        moved = [s for s in release.splits if s["version"] in replaced or s["version"] not in known]
        if not moved:
            continue
        kept = [s for s in release.splits if s not in moved and s["version"] != bundled.version]
        share = sum(s["percent"] for s in moved) + sum(
            s["percent"] for s in release.splits if s["version"] == bundled.version
        )
        release.splits = [{"version": bundled.version, "percent": share}, *kept]
        release.updated_at = utcnow()
        bundled.state = "enabled"


def _record_failure(
    session: Session, name: str, version: str, package: str, reason: str
) -> list[PluginVersion]:
    if session.get(PluginVersion, (name, version)) is not None:
        return []
    log.error("bundled plugin %s %s failed: %s", name, version, reason)
    row = PluginVersion(
        name=name, version=version, state="failed", reason=reason, package=package, manifest={}
    )
    session.add(row)
    return [row]


def _retire_other_bundled(session: Session, manifest: Manifest) -> list[PluginVersion]:
    rows = session.exec(
        select(PluginVersion).where(
            PluginVersion.name == manifest.name,
            col(PluginVersion.artifact).is_(None),
            col(PluginVersion.state).not_in(("failed", "removed")),
        )
    ).all()
    for row in rows:
        row.state = "failed"
        row.reason = (
            f"its distribution was replaced by {manifest.name} {manifest.version}, so its files are gone"
        )
        row.updated_at = utcnow()
    return list(rows)


def _check_package_name(manifest: Manifest, package: str) -> None:
    if not package.isidentifier():
        raise InputError(
            f"Plugin {manifest.name} {manifest.version}: its package folder {package!r} is not a Python "
            f"package name; rename it, e.g. tessera_{manifest.name.replace('-', '_')}"
        )


def _refuse_duplicate(session: Session, manifest: Manifest) -> PluginVersion | None:
    """The removed row of this version, if any, to be reused; a live one equal under PEP 440
    (1.0 and 1.0.0) is a conflict."""
    row = find_version(session, manifest.name, manifest.version)
    if row is not None and row.state != "removed":
        raise ConflictError(
            f"Plugin {manifest.name} {row.version} is already installed (state {row.state}); "
            f"give the new build a new version in plugin.json, or uninstall this one first: "
            f"tessera plugins uninstall {manifest.name}=={row.version}"
        )
    return row if row is not None and row.version == manifest.version else None


def _record(
    session: Session,
    previous: PluginVersion | None,
    manifest: Manifest,
    *,
    package: str,
    artifact: str | None,
) -> PluginVersion:
    """The version's row, ``installed``: a new one, or the removed one installed again."""
    document = _manifest_json(manifest)
    row = previous or PluginVersion(
        name=manifest.name, version=manifest.version, state="installed", package=package, manifest=document
    )
    row.state, row.reason, row.package, row.artifact, row.manifest = (
        "installed",
        None,
        package,
        artifact,
        document,
    )
    row.installed_at = row.updated_at = utcnow()
    session.add(row)
    return row


def _manifest_json(manifest: Manifest) -> dict[str, object]:
    return {
        "name": manifest.name,
        "version": manifest.version,
        "description": manifest.description,
        "sdk": manifest.sdk,
        "requires": dict(manifest.requires),
        "permissions": {
            "read": sorted(manifest.permissions.read),
            "write": sorted(manifest.permissions.write),
            "network": manifest.permissions.network,
        },
        "config_schema": dict(manifest.config_schema),
        "default_config": dict(manifest.default_config),
    }

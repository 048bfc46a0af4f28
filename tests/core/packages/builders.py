"""Build what an admin installs from: wheels and zips of plugin folders, written by hand
(``pip wheel`` is too slow for a test), and read back what the install recorded."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlmodel import Session, select

from tessera.core.db import session_scope
from tessera.core.models import PluginArtifact, PluginMigration, PluginVersion
from tessera.core.plugin_install import install_plugin, sync_bundled
from tessera.core.plugin_revision import current_plugin_revision


def build_wheel(
    package_dir: Path, out_dir: Path, *, version: str = "1.0.0", requires: tuple[str, ...] = ()
) -> Path:
    """A wheel holding ``package_dir`` and a dist-info whose METADATA lists ``requires``."""
    dist = f"{package_dir.name}-{version}"
    metadata = f"Metadata-Version: 2.1\nName: {package_dir.name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires
    )
    wheel = out_dir / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path in sorted(package_dir.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(package_dir.parent).as_posix())
        archive.writestr(f"{dist}.dist-info/METADATA", metadata)
        archive.writestr(
            f"{dist}.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
        )
        archive.writestr(f"{dist}.dist-info/RECORD", "")
    return wheel


def zip_folder(folder: Path, target: Path) -> Path:
    """A zip of ``folder``'s contents (the folder itself is not a member)."""
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def install(engine: Engine, source: Path, cache_root: Path) -> PluginVersion:
    with session_scope(engine) as session:
        return install_plugin(session=session, source=source, cache_root=cache_root)


@dataclass(frozen=True)
class PluginState:
    """Everything an install or removal may change."""

    versions: dict[tuple[str, str], str]
    artifacts: int
    migrations: list[tuple[str, str, str]]
    revision: int
    tables: dict[str, list[str]]


def plugin_state(engine: Engine) -> PluginState:
    with session_scope(engine) as session:
        versions = {(v.name, v.version): v.state for v in session.exec(select(PluginVersion))}
        artifacts = len(session.exec(select(PluginArtifact.sha256)).all())
        migrations = sorted((m.plugin, m.migration, m.version) for m in session.exec(select(PluginMigration)))
        revision = current_plugin_revision(session)
        inspector = inspect(session.connection())
        tables = {t: sorted(c["name"] for c in inspector.get_columns(t)) for t in inspector.get_table_names()}
    return PluginState(versions, artifacts, migrations, revision, tables)


def version_row(session: Session, name: str, version: str) -> PluginVersion:
    row = session.get(PluginVersion, (name, version))
    assert row is not None, f"no plugin_versions row for {name} {version}"
    return row


def set_state(engine: Engine, name: str, version: str, state: str) -> None:
    """Put a version in a state directly, as the runtime's enable or a failed load would."""
    with session_scope(engine) as session:
        version_row(session, name, version).state = state


def record_bundled(engine: Engine) -> None:
    """Record the bundled plugins, as every CLI command and server start does."""
    with session_scope(engine) as session:
        sync_bundled(session)

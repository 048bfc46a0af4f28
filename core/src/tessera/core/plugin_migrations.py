"""Plugin data: each plugin version may ship ``migrations/NNNN_<name>.py`` files.

Each file defines ``upgrade(op)``, ``op`` being an :class:`alembic.operations.Operations`
bound to the install's connection::

    # tessera_hello/migrations/0001_notes.py
    import sqlalchemy as sa
    from tessera.sdk import plugin_table_name

    def upgrade(op):
        op.create_table(
            plugin_table_name("hello", "notes"),
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("text", sa.String(200), nullable=False),
        )

Files run in name order, once per database (``plugin_migrations`` records them),
inside the install's transaction; a released file is never edited, a change
comes as a new file. A migration may create, change and drop only the plugin's
own tables (named by :func:`tessera.sdk.plugin_table_name`): the kernel compares
the tables and columns outside that namespace before and after each file and
refuses the install if any changed. That check cannot see data changes,
indexes, triggers or other schemas: migrations run with the kernel's database
rights, so install only plugins you trust.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from typing import Final, cast

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, MetaData, inspect
from sqlmodel import Session, col, delete, select

from tessera.core.errors import InputError
from tessera.core.models import PluginMigration
from tessera.sdk import Manifest, plugin_table_prefix

MIGRATIONS_DIR: Final = "migrations"
_MIGRATION_FILE: Final = re.compile(r"^[0-9]{4}_[a-z0-9_]+\.py$")


def migration_files(package_dir: Path) -> list[Path]:
    """The package's migration files in the order they run."""
    folder = package_dir / MIGRATIONS_DIR
    files = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    misnamed = [p.name for p in files if not _MIGRATION_FILE.match(p.name)]
    if misnamed:
        raise InputError(
            f"{package_dir.name}/{MIGRATIONS_DIR}: {', '.join(misnamed)} not named NNNN_<name>.py "
            f"(four digits, then lower-case letters, digits and underscores), e.g. 0001_notes.py"
        )
    return files


def apply_plugin_migrations(*, session: Session, manifest: Manifest, package_dir: Path) -> list[str]:
    """Run the version's migrations not yet applied to this database; return their names."""
    applied = set(
        session.exec(select(PluginMigration.migration).where(PluginMigration.plugin == manifest.name))
    )
    pending = [p for p in migration_files(package_dir) if p.stem not in applied]
    connection = session.connection()
    operations = Operations(MigrationContext.configure(connection))
    for path in pending:
        before = _foreign_schema(connection, manifest.name)
        _run(path, operations, manifest)
        _check_namespace(connection, manifest, path, before)
        session.add(PluginMigration(plugin=manifest.name, migration=path.stem, version=manifest.version))
    return [p.stem for p in pending]


def is_plugin_table(plugin: str, table: str) -> bool:
    return table.startswith(plugin_table_prefix(plugin))


def drop_plugin_data(*, session: Session, plugin: str) -> list[str]:
    """Drop the plugin's tables and forget its migrations; return the tables dropped."""
    connection = session.connection()
    names = [t for t in inspect(connection).get_table_names() if is_plugin_table(plugin, t)]
    metadata = MetaData()
    metadata.reflect(connection, only=names)
    metadata.drop_all(connection)
    session.exec(delete(PluginMigration).where(col(PluginMigration.plugin) == plugin))
    return sorted(names)


def _run(path: Path, operations: Operations, manifest: Manifest) -> None:
    where = f"{manifest.name} {manifest.version}: migration {path.name}"
    try:
        upgrade = _load_upgrade(path, manifest.name)
        upgrade(operations)
    except Exception as err:  # the plugin's code: any failure refuses the install
        raise InputError(
            f"Plugin {where} failed: {type(err).__name__}: {err}\n"
            f"Nothing was installed and no data changed; fix the migration and install again."
        ) from err


def _load_upgrade(path: Path, plugin: str) -> Callable[[Operations], object]:
    spec = spec_from_file_location(f"_tessera_plugin_migration_{plugin}_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path.name} cannot be loaded as a Python module")
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    upgrade = getattr(module, "upgrade", None)
    if not callable(upgrade):
        raise TypeError(f"{path.name} defines no upgrade(op) function")
    return cast(Callable[[Operations], object], upgrade)


def _foreign_schema(connection: Connection, plugin: str) -> dict[str, frozenset[str]]:
    """Every table outside the plugin's namespace, with its columns."""
    inspector = inspect(connection)
    return {
        table: frozenset(c["name"] for c in inspector.get_columns(table))
        for table in inspector.get_table_names()
        if not is_plugin_table(plugin, table)
    }


def _check_namespace(
    connection: Connection, manifest: Manifest, path: Path, before: dict[str, frozenset[str]]
) -> None:
    after = _foreign_schema(connection, manifest.name)
    touched = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    if touched:
        raise InputError(
            f"Plugin {manifest.name} {manifest.version}: migration {path.name} touched tables outside the plugin's "
            f"namespace: {', '.join(touched)}. Nothing was installed. A plugin's tables must be named "
            f"with tessera.sdk.plugin_table_name({manifest.name!r}, ...), i.e. "
            f"{plugin_table_prefix(manifest.name)}<name>"
        )

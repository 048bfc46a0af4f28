"""Plugin migrations: run once per database in the install's transaction, only on the
plugin's own tables; a failed one leaves the old version and its data as they were."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update

from tessera.core.db import session_scope
from tessera.core.errors import InputError
from tessera.core.plugin_storage import PluginTables
from tests.core.packages.builders import install, plugin_state
from tests.core.packages.journal import CREATE_NOTES, NOTES_TABLE, V1, V2
from tests.plugin_factory import write_plugin

ADD_PINNED_THEN_FAIL = """
import sqlalchemy as sa


def upgrade(op):
    op.add_column("plugin_journal__notes", sa.Column("pinned", sa.Boolean, nullable=True))
    op.execute("UPDATE plugin_journal__notes SET text = 'overwritten'")
    raise RuntimeError("the disk is full")
"""

CREATE_SHARED_TABLE = """
import sqlalchemy as sa


def upgrade(op):
    op.create_table("notes", sa.Column("id", sa.Integer, primary_key=True))
"""

CHANGE_USERS = """
import sqlalchemy as sa


def upgrade(op):
    op.add_column("users", sa.Column("journal_note", sa.String(100), nullable=True))
"""


def _journal(engine, tmp_path, cache_root, version, files):
    return install(
        engine, write_plugin(tmp_path / version, name="journal", version=version, files=files), cache_root
    )


def _notes(engine):
    with session_scope(engine) as session:
        storage = PluginTables(session, "journal")
        notes = storage.table("notes")
        return [dict(row._mapping) for row in storage.execute(select(notes).order_by(notes.c.id))]


def _write_notes(engine, *texts):
    with session_scope(engine) as session:
        storage = PluginTables(session, "journal")
        for text in texts:
            storage.execute(insert(storage.table("notes")).values(text=text))


def test_install_runs_the_versions_migrations_and_records_them(engine, tmp_path, cache_root):
    _journal(engine, tmp_path, cache_root, "1.0.0", V1)
    _write_notes(engine, "first", "second")
    assert _notes(engine) == [{"id": 1, "text": "first"}, {"id": 2, "text": "second"}]
    assert plugin_state(engine).migrations == [("journal", "0001_notes", "1.0.0")]


def test_upgrade_runs_only_the_new_migration_and_keeps_the_rows(engine, tmp_path, cache_root):
    _journal(engine, tmp_path, cache_root, "1.0.0", V1)
    _write_notes(engine, "kept")
    _journal(engine, tmp_path, cache_root, "2.0.0", V2)
    assert _notes(engine) == [{"id": 1, "text": "kept", "author": None}]
    assert plugin_state(engine).migrations == [
        ("journal", "0001_notes", "1.0.0"),
        ("journal", "0002_author", "2.0.0"),
    ]
    with session_scope(engine) as session:
        storage = PluginTables(session, "journal")
        notes = storage.table("notes")
        storage.execute(update(notes).values(author="ann"))
    assert _notes(engine) == [{"id": 1, "text": "kept", "author": "ann"}]


def test_a_failing_migration_refuses_the_upgrade_and_changes_nothing(engine, tmp_path, cache_root):
    _journal(engine, tmp_path, cache_root, "1.0.0", V1)
    _journal(engine, tmp_path, cache_root, "2.0.0", V2)
    _write_notes(engine, "precious")
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        _journal(
            engine, tmp_path, cache_root, "3.0.0", V2 | {"migrations/0003_pinned.py": ADD_PINNED_THEN_FAIL}
        )
    assert (
        "journal 3.0.0: migration 0003_pinned.py failed: RuntimeError: the disk is full"
        in refused.value.detail
    )
    assert plugin_state(engine) == before
    assert _notes(engine) == [{"id": 1, "text": "precious", "author": None}]


@pytest.mark.parametrize(
    ("migration", "touched"),
    [(CREATE_SHARED_TABLE, "notes"), (CHANGE_USERS, "users")],
    ids=["new-table", "core-table"],
)
def test_a_migration_outside_the_plugins_namespace_is_refused_and_rolled_back(
    engine, tmp_path, cache_root, migration, touched
):
    _journal(engine, tmp_path, cache_root, "1.0.0", V1)
    _write_notes(engine, "precious")
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        _journal(engine, tmp_path, cache_root, "2.0.0", V1 | {"migrations/0002_sneaky.py": migration})
    message = refused.value.detail
    assert f"migration 0002_sneaky.py touched tables outside the plugin's namespace: {touched}" in message
    assert "plugin_table_name('journal', ...), i.e. plugin_journal__<name>" in message
    assert plugin_state(engine) == before
    assert _notes(engine) == [{"id": 1, "text": "precious"}]


def test_a_misnamed_migration_file_is_refused(engine, tmp_path, cache_root):
    with pytest.raises(InputError) as refused:
        _journal(engine, tmp_path, cache_root, "1.0.0", {"migrations/notes.py": CREATE_NOTES})
    assert "notes.py not named NNNN_<name>.py" in refused.value.detail
    assert plugin_state(engine).versions == {}


def test_a_downgrade_runs_no_migration_and_keeps_the_newer_schema(engine, tmp_path, cache_root):
    _journal(engine, tmp_path, cache_root, "2.0.0", V2)
    _journal(engine, tmp_path, cache_root, "1.0.0", V1)
    assert plugin_state(engine).migrations == [
        ("journal", "0001_notes", "2.0.0"),
        ("journal", "0002_author", "2.0.0"),
    ]
    assert plugin_state(engine).tables[NOTES_TABLE] == ["author", "id", "text"]

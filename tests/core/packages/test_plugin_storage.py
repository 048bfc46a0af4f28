"""PluginTables lets a plugin reach its own tables and refuses every other one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, literal_column, select, table, text
from sqlmodel import SQLModel

from tessera.core.db import session_scope
from tessera.core.errors import NotFoundError
from tessera.core.plugin_storage import PluginTables
from tessera.sdk import PluginPermissionError
from tests.core.packages.builders import install
from tests.plugin_factory import write_plugin

USERS = SQLModel.metadata.tables["users"]

CREATE = """
import sqlalchemy as sa
from tessera.sdk import plugin_table_name


def upgrade(op):
    op.create_table(plugin_table_name("{plugin}", "notes"), sa.Column("id", sa.Integer, primary_key=True))
"""


@pytest.fixture
def storage(engine, tmp_path, cache_root):
    for plugin in ("journal", "diary"):
        files = {"migrations/0001_notes.py": CREATE.replace("{plugin}", plugin)}
        install(engine, write_plugin(tmp_path, name=plugin, files=files), cache_root)
    with session_scope(engine) as session:
        storage = PluginTables(session, "journal")
        storage.execute(insert(storage.table("notes")).values(id=7))
        yield storage


def _refused_table(storage, statement):
    with pytest.raises(PluginPermissionError) as refused:
        storage.execute(statement)
    assert refused.value.plugin == "journal"
    assert "plugin 'journal' lacks the permission" in str(refused.value)
    return refused.value.permission


def test_storage_counts_its_own_rows(storage):
    notes = storage.table("notes")
    assert storage.execute(select(func.count()).select_from(notes)).scalar_one() == 1


def test_storage_refuses_a_statement_on_a_core_table(storage):
    assert _refused_table(storage, select(USERS)) == "table:users"


def test_storage_refuses_a_core_table_hidden_in_a_subquery(storage):
    notes = storage.table("notes")
    users = USERS
    hidden = select(notes).where(notes.c.id.in_(select(func.length(users.c.key))))
    assert _refused_table(storage, hidden) == "table:users"


def test_storage_refuses_another_plugins_table(storage):
    assert _refused_table(storage, select(table("plugin_diary__notes"))) == "table:plugin_diary__notes"


def test_storage_refuses_sql_it_cannot_check(storage):
    notes = storage.table("notes")
    with pytest.raises(
        TypeError, match="runs select, insert, update and delete statements .*, not TextClause"
    ):
        storage.execute(text("SELECT * FROM users"))
    for statement in (
        select(notes).where(text("1 = 1")),
        select(literal_column("(SELECT count(*) FROM api_tokens)")).select_from(notes),
    ):
        with pytest.raises(TypeError, match="storage cannot check SQL given as text"):
            storage.execute(statement)


def test_storage_says_which_table_is_missing(storage):
    with pytest.raises(NotFoundError) as refused:
        storage.table("tags")
    assert "Plugin 'journal' has no table 'tags' (plugin_journal__tags)" in refused.value.detail

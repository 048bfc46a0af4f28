"""The migrations of "journal", the test plugin that keeps notes in a table of its own."""

from __future__ import annotations

NOTES_TABLE = "plugin_journal__notes"

CREATE_NOTES = """
import sqlalchemy as sa
from tessera.sdk import plugin_table_name


def upgrade(op):
    op.create_table(
        plugin_table_name("journal", "notes"),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.String(200), nullable=False),
    )
"""

ADD_AUTHOR = """
import sqlalchemy as sa


def upgrade(op):
    op.add_column("plugin_journal__notes", sa.Column("author", sa.String(100), nullable=True))
"""

V1 = {"migrations/0001_notes.py": CREATE_NOTES}
V2 = V1 | {"migrations/0002_author.py": ADD_AUTHOR}

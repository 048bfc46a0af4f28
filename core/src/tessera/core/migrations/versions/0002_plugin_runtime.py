"""Plugin runtime: versions and their states, artifacts, releases with version splits,
plugin migrations, and the revision workers watch.

Replaces ``installed_plugins`` and ``plugin_rollouts``: each rollout becomes a
release whose one split names the version that was installed.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plugin_artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("package", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "plugin_versions",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("package", sa.String(length=100), nullable=False),
        sa.Column("artifact", sa.String(length=64), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["artifact"], ["plugin_artifacts.sha256"]),
        sa.PrimaryKeyConstraint("name", "version"),
    )
    releases = op.create_table(
        "plugin_releases",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("splits", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "scope"),
    )
    op.create_table(
        "plugin_migrations",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("migration", sa.String(length=200), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "migration"),
    )
    state = op.create_table(
        "kernel_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plugin_revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(state, [{"id": 1, "plugin_revision": 0}])
    _move_rollouts_to_releases(releases)
    op.drop_table("plugin_rollouts")
    op.drop_table("installed_plugins")


def _move_rollouts_to_releases(releases: sa.Table) -> None:
    rows = op.get_bind().execute(
        sa.text(
            "SELECT r.plugin, r.scope, r.percent, r.updated_at, i.version "
            "FROM plugin_rollouts r JOIN installed_plugins i ON i.name = r.plugin"
        ).columns(updated_at=sa.DateTime(timezone=True))
    )
    moved = [
        {
            "plugin": row.plugin,
            "scope": row.scope,
            "splits": [{"version": row.version, "percent": row.percent}] if row.percent else [],
            "updated_at": row.updated_at,
        }
        for row in rows
    ]
    if moved:
        op.bulk_insert(releases, moved)


def downgrade() -> None:
    raise NotImplementedError("0002 cannot be undone: releases with several versions have no 0001 form")

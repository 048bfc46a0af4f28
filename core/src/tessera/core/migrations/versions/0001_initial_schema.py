"""Initial schema: organisation, customers, catalogue, pipeline, plugin state.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sector", sa.String(length=100), nullable=True),
        sa.Column("year_established", sa.Integer(), nullable=True),
        sa.Column("revenue", sa.BigInteger(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("office_location", sa.String(length=100), nullable=True),
        sa.Column("subsidiary_of", sa.String(length=200), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "installed_plugins",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.String(length=50), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "plugin_configs",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "scope"),
    )
    op.create_table(
        "plugin_rollouts",
        sa.Column("plugin", sa.String(length=100), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("plugin", "scope"),
    )
    op.create_table(
        "products",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("series", sa.String(length=100), nullable=True),
        sa.Column("sales_price", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "regions",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "contacts",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("account", sa.String(length=120), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["accounts.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contacts_account"), ["account"], unique=False)

    op.create_table(
        "teams",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["region"],
            ["regions.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_teams_region"), ["region"], unique=False)

    op.create_table(
        "users",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("team", sa.String(length=120), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["team"],
            ["teams.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_team"), ["team"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user"],
            ["users.key"],
        ),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user"), ["user"], unique=False)

    op.create_table(
        "opportunities",
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("close_value", sa.BigInteger(), nullable=True),
        sa.Column("engage_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("account", sa.String(length=120), nullable=True),
        sa.Column("product", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["accounts.key"],
        ),
        sa.ForeignKeyConstraint(
            ["owner"],
            ["users.key"],
        ),
        sa.ForeignKeyConstraint(
            ["product"],
            ["products.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_opportunities_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunities_close_date"), ["close_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunities_owner"), ["owner"], unique=False)
        batch_op.create_index(batch_op.f("ix_opportunities_product"), ["product"], unique=False)

    op.create_table(
        "activities",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("opportunity", sa.String(length=120), nullable=True),
        sa.Column("account", sa.String(length=120), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["account"],
            ["accounts.key"],
        ),
        sa.ForeignKeyConstraint(
            ["opportunity"],
            ["opportunities.key"],
        ),
        sa.ForeignKeyConstraint(
            ["owner"],
            ["users.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_account"), ["account"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_opportunity"), ["opportunity"], unique=False)
        batch_op.create_index(batch_op.f("ix_activities_owner"), ["owner"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("opportunity", sa.String(length=120), nullable=True),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity"],
            ["opportunities.key"],
        ),
        sa.ForeignKeyConstraint(
            ["owner"],
            ["users.key"],
        ),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tasks_opportunity"), ["opportunity"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_owner"), ["owner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tasks_owner"))
        batch_op.drop_index(batch_op.f("ix_tasks_opportunity"))

    op.drop_table("tasks")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activities_owner"))
        batch_op.drop_index(batch_op.f("ix_activities_opportunity"))
        batch_op.drop_index(batch_op.f("ix_activities_account"))

    op.drop_table("activities")
    with op.batch_alter_table("opportunities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opportunities_product"))
        batch_op.drop_index(batch_op.f("ix_opportunities_owner"))
        batch_op.drop_index(batch_op.f("ix_opportunities_close_date"))
        batch_op.drop_index(batch_op.f("ix_opportunities_account"))

    op.drop_table("opportunities")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_team"))

    op.drop_table("users")
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_teams_region"))

    op.drop_table("teams")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contacts_account"))

    op.drop_table("contacts")
    op.drop_table("regions")
    op.drop_table("products")
    op.drop_table("plugin_rollouts")
    op.drop_table("plugin_configs")
    op.drop_table("installed_plugins")
    op.drop_table("accounts")

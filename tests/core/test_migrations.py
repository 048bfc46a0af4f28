from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import Session, SQLModel, select

from tessera.core.db import alembic_config, create_db_engine, migrate
from tessera.core.models import PluginRelease

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_migrations_build_exactly_the_schema_the_models_declare(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_migration_0002_turns_each_rollout_into_a_release_of_the_installed_version(empty_database_url):
    engine = create_db_engine(empty_database_url)
    try:
        command.upgrade(alembic_config(engine), "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO installed_plugins (name, version, installed_at) VALUES ('commission', '0.1.0', :t)"
                ),
                {"t": NOW},
            )
            connection.execute(
                text(
                    "INSERT INTO plugin_rollouts (plugin, scope, percent, updated_at) VALUES (:p, :s, :n, :t)"
                ),
                [
                    {"p": "commission", "s": "East", "n": 50, "t": NOW},
                    {"p": "commission", "s": "all", "n": 0, "t": NOW},
                ],
            )
        migrate(engine)
        with Session(engine) as session:
            releases = {r.scope: r.splits for r in session.exec(select(PluginRelease)).all()}
        assert releases == {"East": [{"version": "0.1.0", "percent": 50}], "all": []}
        assert "plugin_rollouts" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()

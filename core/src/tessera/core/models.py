"""The kernel's tables.

Regions, teams, users, accounts and products are identified by a stable string
``key`` chosen by people (a team's key is its manager's name in the Maven
export); opportunities, contacts, activities and tasks have a ``key`` too,
generated when the caller gives none. References between records hold the
referenced record's key, so the API and the database speak the same language.

Each resource has a ``<X>Base`` with its editable fields and a table class
``<X>``; the API derives its create, update and public shapes from them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary
from sqlmodel import Field, SQLModel

from tessera.core.money import Money

# The scope of a plugin setting that applies to every region (and to callers
# without a region); a region's own setting overrides it.
ALL_REGIONS = "all"

KEY_MAX = 120


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _key(**kwargs: Any) -> Any:
    return Field(primary_key=True, min_length=1, max_length=KEY_MAX, **kwargs)


def _ref(table: str, *, optional: bool = False) -> Any:
    return Field(
        default=None if optional else ...,
        foreign_key=f"{table}.key",
        index=True,
        min_length=1,
        max_length=KEY_MAX,
    )


# -- organisation ------------------------------------------------------------


class RegionBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)


class Region(RegionBase, table=True):
    __tablename__ = "regions"
    key: str = _key()


class TeamBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    region: str = _ref("regions")


class Team(TeamBase, table=True):
    __tablename__ = "teams"
    key: str = _key()


class UserBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(max_length=20)
    team: str | None = _ref("teams", optional=True)


class User(UserBase, table=True):
    __tablename__ = "users"
    key: str = _key()


class ApiToken(SQLModel, table=True):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"
    digest: str = Field(primary_key=True, max_length=64)
    user: str = _ref("users")
    created_at: dt.datetime = Field(default_factory=utcnow)


# -- customers and catalogue ----------------------------------------------------


class AccountBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    sector: str | None = Field(default=None, max_length=100)
    year_established: int | None = None
    revenue: Decimal | None = Field(default=None, sa_type=Money)
    employees: int | None = Field(default=None, ge=0)
    office_location: str | None = Field(default=None, max_length=100)
    subsidiary_of: str | None = Field(default=None, max_length=200)


class Account(AccountBase, table=True):
    __tablename__ = "accounts"
    key: str = _key()


class ContactBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    account: str | None = _ref("accounts", optional=True)


class Contact(ContactBase, table=True):
    __tablename__ = "contacts"
    key: str = _key()


class ProductBase(SQLModel):
    name: str = Field(min_length=1, max_length=200)
    series: str | None = Field(default=None, max_length=100)
    sales_price: Decimal | None = Field(default=None, sa_type=Money, ge=0)


class Product(ProductBase, table=True):
    __tablename__ = "products"
    key: str = _key()


# -- pipeline ---------------------------------------------------------------------

STAGES = ("Prospecting", "Engaging", "Won", "Lost")


class OpportunityBase(SQLModel):
    stage: str = Field(max_length=40)
    amount: Decimal | None = Field(default=None, sa_type=Money, ge=0)
    close_value: Decimal | None = Field(default=None, sa_type=Money, ge=0)
    engage_date: dt.date | None = None
    close_date: dt.date | None = Field(default=None, index=True)
    owner: str = _ref("users")
    account: str | None = _ref("accounts", optional=True)
    product: str = _ref("products")


class Opportunity(OpportunityBase, table=True):
    __tablename__ = "opportunities"
    key: str = _key()


class ActivityBase(SQLModel):
    kind: str = Field(max_length=20)
    subject: str = Field(min_length=1, max_length=500)
    occurred_at: dt.datetime
    owner: str = _ref("users")
    opportunity: str | None = _ref("opportunities", optional=True)
    account: str | None = _ref("accounts", optional=True)


class Activity(ActivityBase, table=True):
    __tablename__ = "activities"
    key: str = _key()


class TaskBase(SQLModel):
    title: str = Field(min_length=1, max_length=500)
    due_date: dt.date | None = None
    status: str = Field(default="open", max_length=20)
    owner: str = _ref("users")
    opportunity: str | None = _ref("opportunities", optional=True)


class Task(TaskBase, table=True):
    __tablename__ = "tasks"
    key: str = _key()


# -- plugins ------------------------------------------------------------------------


PLUGIN_STATES = ("installed", "enabled", "disabled", "failed", "removed")


class PluginArtifact(SQLModel, table=True):
    """The files of an installed plugin package, zipped, stored once by content hash.

    Kept in the database so that every worker on every host can load any version.
    """

    __tablename__ = "plugin_artifacts"
    sha256: str = Field(primary_key=True, max_length=64)
    package: str = Field(max_length=100, description="the package's import name, e.g. tessera_commission")
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: dt.datetime = Field(default_factory=utcnow)


class PluginVersion(SQLModel, table=True):
    """One installed version of a plugin and its state.

    ``artifact`` is None for bundled plugins, which load from their installed
    Python distribution (entry-point group ``tessera.plugins``).
    """

    __tablename__ = "plugin_versions"
    name: str = Field(primary_key=True, max_length=100)
    version: str = Field(primary_key=True, max_length=50)
    state: str = Field(max_length=20)
    reason: str | None = Field(default=None, description="why the version failed, when it did")
    package: str = Field(max_length=100)
    artifact: str | None = Field(default=None, foreign_key="plugin_artifacts.sha256", max_length=64)
    manifest: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    installed_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PluginRelease(SQLModel, table=True):
    """Which versions of a plugin serve which share of a region's teams.

    ``scope`` is a region key or :data:`ALL_REGIONS`. ``splits`` is an ordered
    list of ``{"version": str, "percent": int}`` whose percents add up to at
    most 100: the first split takes buckets 1..p1, the next p1+1..p1+p2, and so
    on; buckets beyond the last split get no version (the plugin is off for them).
    """

    __tablename__ = "plugin_releases"
    plugin: str = Field(primary_key=True, max_length=100)
    scope: str = Field(primary_key=True, max_length=KEY_MAX)
    splits: list[dict[str, Any]] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PluginMigration(SQLModel, table=True):
    """A plugin migration applied to this database (``migrations/NNNN_*.py`` in the package)."""

    __tablename__ = "plugin_migrations"
    plugin: str = Field(primary_key=True, max_length=100)
    migration: str = Field(primary_key=True, max_length=200)
    version: str = Field(max_length=50, description="the plugin version that brought it")
    applied_at: dt.datetime = Field(default_factory=utcnow)


class KernelState(SQLModel, table=True):
    """One row. ``plugin_revision`` grows with every change to plugins, releases
    or configurations; a worker that sees a new value rebuilds its plugin set."""

    __tablename__ = "kernel_state"
    id: int = Field(default=1, primary_key=True)
    plugin_revision: int = 0


class PluginConfig(SQLModel, table=True):
    """A plugin's configuration for a region or for :data:`ALL_REGIONS`."""

    __tablename__ = "plugin_configs"
    plugin: str = Field(primary_key=True, max_length=100)
    scope: str = Field(primary_key=True, max_length=KEY_MAX)
    config: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    updated_at: dt.datetime = Field(default_factory=utcnow)

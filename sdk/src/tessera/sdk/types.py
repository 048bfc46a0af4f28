"""Public types handed to plugins by the kernel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypedDict

if TYPE_CHECKING:
    from sqlalchemy import Result, Table
    from sqlalchemy.sql.expression import Executable

Role = Literal["admin", "manager", "rep", "finance", "presales"]
ROLES: tuple[Role, ...] = ("admin", "manager", "rep", "finance", "presales")


@dataclass(frozen=True)
class Caller:
    """The authenticated user a request is made for."""

    user: str
    role: Role
    region: str | None
    team: str | None


class RepRecord(TypedDict):
    """A sales rep as plugins see it."""

    key: str
    name: str
    team: str | None
    region: str | None


class OpportunityRecord(TypedDict):
    """An opportunity as plugins see it; money is :class:`~decimal.Decimal`."""

    key: str
    stage: str
    amount: Decimal | None
    close_value: Decimal | None
    engage_date: dt.date | None
    close_date: dt.date | None
    owner: str
    account: str | None
    product: str


OPPORTUNITY_FIELDS: tuple[str, ...] = tuple(OpportunityRecord.__annotations__)


class AccountRecord(TypedDict):
    """An account as plugins see it."""

    key: str
    name: str
    sector: str | None
    office_location: str | None


class SalesData(Protocol):
    """Read access to the kernel's sales data, limited to what the caller may see
    and to what the plugin's manifest declares (else :class:`PluginPermissionError`)."""

    def visible_reps(self) -> list[RepRecord]:
        """The reps the caller may see: a rep themself, a manager their team,
        admin and finance everyone."""
        ...

    def opportunities(self, *, owners: Collection[str]) -> list[OpportunityRecord]:
        """The opportunities owned by the given reps."""
        ...

    def account(self, key: str) -> AccountRecord | None:
        """One account, or ``None`` if there is no such account."""
        ...


class PluginStorage(Protocol):
    """The plugin's own tables, and nothing else.

    Tables are namespaced per plugin (see :func:`tessera.sdk.plugin_table_name`)
    and created by the plugin's migrations. Statements that touch any other
    table raise :class:`PluginPermissionError`.
    """

    def table(self, name: str) -> Table:
        """The plugin's table ``name`` (unprefixed), reflected from the database."""
        ...

    def execute(self, statement: Executable) -> Result[Any]:
        """Run a SQLAlchemy Core statement on the plugin's tables, in the request's transaction."""
        ...


def plugin_table_name(plugin: str, name: str) -> str:
    """The database name of a plugin's table: ``plugin_<plugin>__<name>``.

    Plugin names have no double dashes and table names no double underscores,
    so no two plugins' tables can share a name.
    """
    if "__" in name or not name.isidentifier():
        raise ValueError(f"table name {name!r}: use letters, digits and single underscores")
    return plugin_table_prefix(plugin) + name


def plugin_table_prefix(plugin: str) -> str:
    """What the names of all of a plugin's tables start with."""
    return f"plugin_{plugin.replace('-', '_')}__"


@dataclass(frozen=True)
class LoadedVersion:
    """A plugin version as its lifecycle hooks see it."""

    name: str
    version: str
    config: Mapping[str, Any]


@dataclass(frozen=True)
class RecordChanged:
    """A record created or updated through the API.

    :param entity: the resource, e.g. ``"opportunities"``.
    :param changes: the fields set, with JSON-ready values.
    """

    entity: str
    key: str
    action: Literal["created", "updated"]
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class PluginContext:
    """Everything one request into a plugin may use.

    :param config: the plugin's configuration for the caller's region.
    :param config_for_region: the configuration for any region (``None``: the
        one for all regions), e.g. to treat each rep by their own region's rules.
    """

    plugin: str
    version: str
    caller: Caller
    config: Mapping[str, Any]
    config_for_region: Callable[[str | None], Mapping[str, Any]]
    data: SalesData
    storage: PluginStorage

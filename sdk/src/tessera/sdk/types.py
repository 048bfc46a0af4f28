"""Public types handed to plugins by the kernel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, TypedDict

Role = Literal["admin", "manager", "rep", "finance", "presales"]
ROLES: tuple[Role, ...] = ("admin", "manager", "rep", "finance", "presales")


@dataclass(frozen=True)
class Caller:
    """The authenticated user a request is made for."""

    user: str
    role: Role
    region: str | None
    team: str | None


@dataclass(frozen=True)
class Manifest:
    """What a plugin declares about itself.

    :param name: the plugin's name, as used in URLs, the CLI and rollouts.
    :param version: a PEP 440 version.
    :param config_schema: the JSON Schema every configuration must satisfy.
    :param default_config: the configuration used until an admin sets one;
        it must satisfy ``config_schema``.
    """

    name: str
    version: str
    description: str
    config_schema: Mapping[str, Any] = field(default_factory=dict)
    default_config: Mapping[str, Any] = field(default_factory=dict)


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


class SalesData(Protocol):
    """Read access to the kernel's sales data, limited to what the caller may see."""

    def visible_reps(self) -> list[RepRecord]:
        """The reps the caller may see: a rep themself, a manager their team,
        admin and finance everyone."""
        ...

    def opportunities(self, *, owners: Collection[str]) -> list[OpportunityRecord]:
        """The opportunities owned by the given reps."""
        ...


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

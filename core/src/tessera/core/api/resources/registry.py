"""The sales resources the core API serves, and what differs between them.

Everything else (routes, shapes, checks) is derived from this table and from
the models, so adding a resource is one entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

from tessera.core.api.resources import filters as f
from tessera.core.models import (
    ALL_REGIONS,
    STAGES,
    Account,
    AccountBase,
    Activity,
    ActivityBase,
    Contact,
    ContactBase,
    Opportunity,
    OpportunityBase,
    Product,
    ProductBase,
    Region,
    RegionBase,
    Task,
    TaskBase,
    Team,
    TeamBase,
    User,
    UserBase,
)
from tessera.sdk import ROLES


def table_name(table: type[SQLModel]) -> str:
    return str(table.__table__.name)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Resource:
    """One table served as ``/api/<name>``.

    :param base: the ``<X>Base`` whose fields are the editable ones.
    :param admin_writes: only admins may create or update records.
    :param generated_keys: ``key`` may be left out on create; one is generated.
    :param choices: fields whose value must be one of a fixed set.
    :param reserved_keys: keys no record may take, in any letter case.
    """

    table: type[SQLModel]
    base: type[SQLModel]
    admin_writes: bool
    generated_keys: bool
    filters: tuple[f.Filter, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    reserved_keys: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        """The plural used in URLs; the same as the table's name."""
        return table_name(self.table)

    @property
    def singular(self) -> str:
        return self.table.__name__.lower()

    @property
    def key_column(self) -> Any:
        return self.table.__table__.c.key  # type: ignore[attr-defined]


RESOURCES: tuple[Resource, ...] = (
    Resource(
        Region, RegionBase, admin_writes=True, generated_keys=False, reserved_keys=frozenset({ALL_REGIONS})
    ),
    Resource(
        Team,
        TeamBase,
        admin_writes=True,
        generated_keys=False,
        filters=(f.equals("region", Team.region, refers_to=Region),),
    ),
    Resource(
        User,
        UserBase,
        admin_writes=True,
        generated_keys=False,
        filters=(
            f.equals("team", User.team, refers_to=Team),
            f.team_in_region(User.team),
            f.equals("role", User.role),
        ),
        choices={"role": ROLES},
    ),
    Resource(Account, AccountBase, admin_writes=False, generated_keys=False),
    Resource(
        Contact,
        ContactBase,
        admin_writes=False,
        generated_keys=True,
        filters=(f.equals("account", Contact.account, refers_to=Account),),
    ),
    Resource(Product, ProductBase, admin_writes=True, generated_keys=False),
    Resource(
        Opportunity,
        OpportunityBase,
        admin_writes=False,
        generated_keys=True,
        filters=(
            f.equals("owner", Opportunity.owner, refers_to=User),
            f.user_in_team(Opportunity.owner),
            f.user_in_region(Opportunity.owner),
            f.equals("stage", Opportunity.stage),
            f.equals("account", Opportunity.account, refers_to=Account),
            f.equals("product", Opportunity.product, refers_to=Product),
            f.date_from("close_from", Opportunity.close_date),
            f.date_to("close_to", Opportunity.close_date),
        ),
        choices={"stage": STAGES},
    ),
    Resource(
        Activity,
        ActivityBase,
        admin_writes=False,
        generated_keys=True,
        filters=(
            f.equals("owner", Activity.owner, refers_to=User),
            f.equals("opportunity", Activity.opportunity, refers_to=Opportunity),
            f.equals("account", Activity.account, refers_to=Account),
        ),
    ),
    Resource(
        Task,
        TaskBase,
        admin_writes=False,
        generated_keys=True,
        filters=(
            f.equals("owner", Task.owner, refers_to=User),
            f.equals("opportunity", Task.opportunity, refers_to=Opportunity),
        ),
    ),
)


def resource_named(name: str) -> Resource:
    return next(r for r in RESOURCES if r.name == name)

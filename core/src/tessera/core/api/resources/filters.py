"""List filters: a query parameter and the SQL condition it adds.

A filter on an opportunity's ``team`` or ``region`` means its owner's team and
that team's region; those are answered with a subquery, so a page of
opportunities is still one ``SELECT``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select
from sqlmodel import SQLModel, col, select

from tessera.core.models import Region, Team, User


@dataclass(frozen=True)
class Filter:
    """One query parameter of a list route.

    :param annotation: the parameter's type; a value of another type is refused.
    :param clause: the condition a value adds to the list's ``WHERE``.
    :param refers_to: the table whose key the value names, if any; an unknown
        key is refused rather than answered with an empty page.
    """

    name: str
    annotation: Any
    description: str
    clause: Callable[[Any], ColumnElement[bool]]
    refers_to: type[SQLModel] | None = None


def equals(
    name: str, column: Any, *, refers_to: type[SQLModel] | None = None, annotation: Any = str
) -> Filter:
    """Records whose ``column`` equals the value."""
    named = f"this {refers_to.__name__.lower()} key" if refers_to else "this"
    return Filter(
        name=name,
        annotation=annotation,
        description=f"only records whose {name} is {named}",
        clause=lambda value: col(column) == value,
        refers_to=refers_to,
    )


def _member_of(
    column: Any, members: Select[Any], group_key: Any, group: type[SQLModel], description: str
) -> Filter:
    """Records whose ``column`` is among the ``members`` whose ``group_key`` is the value."""
    name = group.__name__.lower()
    return Filter(
        name=name,
        annotation=str,
        description=f"only records whose {description} (a {name} key)",
        clause=lambda key: col(column).in_(members.where(col(group_key) == key)),
        refers_to=group,
    )


def user_in_team(user_column: Any) -> Filter:
    """Records whose user (``user_column``, e.g. the owner) belongs to the team."""
    return _member_of(user_column, select(User.key), User.team, Team, "owner is in this team")


def user_in_region(user_column: Any) -> Filter:
    """Records whose user's team is in the region."""
    members = select(User.key).join(Team, col(User.team) == col(Team.key))
    return _member_of(user_column, members, Team.region, Region, "owner's team is in this region")


def team_in_region(team_column: Any) -> Filter:
    """Records whose team is in the region."""
    return _member_of(team_column, select(Team.key), Team.region, Region, "team is in this region")


def date_from(name: str, column: Any) -> Filter:
    return Filter(
        name=name,
        annotation=dt.date,
        description=f"only records whose {column.key} is on or after this date (YYYY-MM-DD)",
        clause=lambda day: col(column) >= day,
    )


def date_to(name: str, column: Any) -> Filter:
    return Filter(
        name=name,
        annotation=dt.date,
        description=f"only records whose {column.key} is on or before this date (YYYY-MM-DD)",
        clause=lambda day: col(column) <= day,
    )

"""Refusing references to records that do not exist.

A field that holds another record's key (a foreign key column) must name an
existing record; so must a filter such as ``?region=``. Every unknown key of a
request is reported at once, before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from tessera.core.api.resources.registry import Resource, resource_named, table_name
from tessera.core.errors import InputError


@dataclass(frozen=True)
class Reference:
    field: str
    target: Resource
    key: str


def field_references(resource: Resource, values: Mapping[str, Any]) -> list[Reference]:
    """The references among a record's field ``values``."""
    columns = resource.table.__table__.c  # type: ignore[attr-defined]
    return [
        Reference(name, resource_named(foreign_key.column.table.name), value)
        for name, value in values.items()
        if value is not None
        for foreign_key in columns[name].foreign_keys
    ]


def filter_references(resource: Resource, values: Mapping[str, Any]) -> list[Reference]:
    """The references among a list's filter ``values``."""
    return [
        Reference(spec.name, resource_named(table_name(spec.refers_to)), values[spec.name])
        for spec in resource.filters
        if spec.refers_to is not None and values.get(spec.name) is not None
    ]


def refuse_unknown(session: Session, references: Iterable[Reference]) -> None:
    unknown = [ref for ref in references if session.get(ref.target.table, ref.key) is None]
    if unknown:
        raise InputError(
            "; ".join(
                f"{ref.field}: no {ref.target.singular} '{ref.key}' exists, "
                f"use the key of an existing one (GET /api/{ref.target.name})"
                for ref in unknown
            )
        )

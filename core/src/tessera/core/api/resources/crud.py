"""List, read, create and update any resource, in the caller's transaction.

Every check runs before anything is written, and the route's session is
rolled back on any error, so a refused request changes nothing.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from tessera.core.api.resources.ownership import OWNER_FIELD, check_owner_write
from tessera.core.api.resources.pagination import fetch_page
from tessera.core.api.resources.references import field_references, filter_references, refuse_unknown
from tessera.core.api.resources.registry import Resource
from tessera.core.errors import ConflictError, NotFoundError
from tessera.sdk import Caller

_KEY_ALPHABET = string.ascii_uppercase + string.digits
_GENERATED_KEY_LENGTH = 8


def list_records(
    *, session: Session, resource: Resource, params: BaseModel
) -> tuple[Sequence[Any], str | None]:
    """One page of records matching the filters in ``params``, and the next page's cursor."""
    values = params.model_dump(exclude_none=True)
    refuse_unknown(session, filter_references(resource, values))
    query = select(resource.table).where(
        *(spec.clause(values[spec.name]) for spec in resource.filters if spec.name in values)
    )
    return fetch_page(
        session=session,
        query=query,
        key=resource.key_column,
        resource=resource.name,
        cursor=values.get("cursor"),
        limit=values["limit"],
    )


def read_record(*, session: Session, resource: Resource, key: str) -> SQLModel:
    record = session.get(resource.table, key)
    if record is None:
        raise NotFoundError(
            f"No {resource.singular} '{key}'; list the existing ones with GET /api/{resource.name}"
        )
    return record


def create_record(*, session: Session, caller: Caller, resource: Resource, data: BaseModel) -> SQLModel:
    values = data.model_dump()
    if OWNER_FIELD in values:
        check_owner_write(session=session, caller=caller, resource=resource, owners=[values[OWNER_FIELD]])
    key = values.pop("key") or _new_key(session, resource)
    if session.get(resource.table, key) is not None:
        raise ConflictError(
            f"A {resource.singular} '{key}' exists already; "
            f"change it with PATCH /api/{resource.name}/{quote(key, safe='')} or choose another key"
        )
    refuse_unknown(session, field_references(resource, values))
    record = resource.table(key=key, **values)
    session.add(record)
    return _stored(session, resource, record)


def update_record(
    *, session: Session, caller: Caller, resource: Resource, key: str, changes: BaseModel
) -> SQLModel:
    record = read_record(session=session, resource=resource, key=key)
    values = changes.model_dump(exclude_unset=True)
    owners = [owner for owner in (getattr(record, OWNER_FIELD, None), values.get(OWNER_FIELD)) if owner]
    check_owner_write(session=session, caller=caller, resource=resource, owners=owners)
    refuse_unknown(session, field_references(resource, values))
    for name, value in values.items():
        setattr(record, name, value)
    return _stored(session, resource, record)


def _stored(session: Session, resource: Resource, record: SQLModel) -> SQLModel:
    """Write ``record`` and read it back as the database holds it."""
    try:
        session.flush()
    except IntegrityError as err:
        raise ConflictError(
            f"The {resource.singular} could not be saved because another request changed the same "
            "records at the same time; read them again and retry"
        ) from err
    session.refresh(record)
    return record


def _new_key(session: Session, resource: Resource) -> str:
    while True:
        key = "".join(secrets.choice(_KEY_ALPHABET) for _ in range(_GENERATED_KEY_LENGTH))
        if session.get(resource.table, key) is None:
            return key

"""Keyset pagination by key, with opaque cursors.

A page is the next ``limit`` records in key order after the cursor's key, so
walking the pages sees every record once even while records are added. The
cursor names the resource it belongs to; a cursor from elsewhere is refused.
Keys are compared in the database's collation (byte order on SQLite).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, Final, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from tessera.core.errors import InputError

LIMIT_DEFAULT: Final = 50
LIMIT_MAX: Final = 500

ItemT = TypeVar("ItemT")


class Page(BaseModel, Generic[ItemT]):
    items: list[ItemT]
    next_cursor: str | None = Field(
        description="pass it as `cursor` for the next page; null on the last page"
    )


def encode_cursor(*, resource: str, after: str) -> str:
    raw = json.dumps({"resource": resource, "after": after}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(*, resource: str, cursor: str) -> str:
    """The key a cursor continues after."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        content: Any = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if content["resource"] == resource and isinstance(content["after"], str):
            return content["after"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        pass
    raise InputError(
        f"cursor '{cursor}' is not a cursor of /api/{resource}; "
        "pass the next_cursor of a previous page, or leave cursor out to start at the first page"
    )


def fetch_page(
    *, session: Session, query: SelectOfScalar[Any], key: Any, resource: str, cursor: str | None, limit: int
) -> tuple[Sequence[Any], str | None]:
    """The rows of one page and the cursor of the next (``None`` on the last page)."""
    if cursor is not None:
        query = query.where(key > decode_cursor(resource=resource, cursor=cursor))
    rows = session.exec(query.order_by(key).limit(limit + 1)).all()
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(resource=resource, after=page[-1].key)

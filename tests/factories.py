"""Small builders for test data, written through the kernel's own code."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine
from sqlmodel import SQLModel, func, select

from tessera.core.auth import issue_token
from tessera.core.db import session_scope
from tessera.core.models import Account, Product, Region, Team, User


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_for(engine: Engine, user_key: str) -> str:
    with session_scope(engine) as session:
        return issue_token(session=session, user_key=user_key)


def add_org(engine: Engine) -> None:
    """Two regions, three teams, an admin, a finance user, a manager and reps."""
    with session_scope(engine) as session:
        session.add_all([Region(key="East", name="East"), Region(key="West", name="West")])
        session.flush()
        session.add_all(
            [
                Team(key="Cara Losch", name="Cara Losch", region="East"),
                Team(key="Rocco Neubert", name="Rocco Neubert", region="East"),
                Team(key="Celia Rouche", name="Celia Rouche", region="West"),
            ]
        )
        session.flush()
        session.add_all(
            [
                User(key="admin", name="Admin", role="admin"),
                User(key="fin", name="Finance", role="finance"),
                User(key="Cara Losch", name="Cara Losch", role="manager", team="Cara Losch"),
                User(key="ann", name="Ann", role="rep", team="Cara Losch"),
                User(key="bob", name="Bob", role="rep", team="Cara Losch"),
                User(key="rob", name="Rob", role="rep", team="Rocco Neubert"),
                User(key="wes", name="Wes", role="rep", team="Celia Rouche"),
            ]
        )


def add_records(engine: Engine, records: Iterable[SQLModel]) -> None:
    """Insert records straight through the ORM, in one transaction."""
    with session_scope(engine) as session:
        session.add_all(list(records))


def add_catalogue(engine: Engine) -> None:
    """Two accounts and two products (call after :func:`add_org`)."""
    add_records(
        engine,
        [
            Account(key="Acme Corporation", name="Acme Corporation", sector="technolgy"),
            Account(key="Betasoloin", name="Betasoloin", sector="medical"),
            Product(key="GTX Pro", name="GTX Pro", series="GTX", sales_price=Decimal("4821")),
            Product(key="MG Special", name="MG Special", series="MG", sales_price=Decimal("55")),
        ],
    )


def stored(engine: Engine, table: type[SQLModel], key: str) -> dict[str, Any] | None:
    """A record's fields as the database holds them, or ``None``."""
    with session_scope(engine) as session:
        record = session.get(table, key)
        return record.model_dump() if record else None


def count(engine: Engine, table: type[SQLModel]) -> int:
    with session_scope(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])

"""Small builders for test data, written through the kernel's own code."""

from __future__ import annotations

from sqlalchemy import Engine

from tessera.core.auth import issue_token
from tessera.core.db import session_scope
from tessera.core.models import Region, Team, User


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

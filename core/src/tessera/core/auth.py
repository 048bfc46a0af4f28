"""Bearer tokens: issued per user, stored only as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets
from typing import cast

from sqlmodel import Session

from tessera.core.errors import AuthenticationError, NotFoundError
from tessera.core.models import ApiToken, Team, User
from tessera.sdk import Caller, Role

TOKEN_PREFIX = "tsk_"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, session: Session, user_key: str) -> str:
    """Create a new token for a user and return it; it is shown only once."""
    if session.get(User, user_key) is None:
        raise NotFoundError(f"No user '{user_key}'; add one with: tessera users add KEY --role ROLE")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(digest=_digest(token), user=user_key))
    return token


def caller_for(*, session: Session, user: User) -> Caller:
    team = session.get(Team, user.team) if user.team else None
    return Caller(
        user=user.key,
        role=cast(Role, user.role),
        region=team.region if team else None,
        team=user.team,
    )


def authenticate(*, session: Session, token: str) -> Caller:
    """The caller a bearer token belongs to."""
    row = session.get(ApiToken, _digest(token))
    user = session.get(User, row.user) if row else None
    if user is None:
        raise AuthenticationError("Unknown bearer token; issue one with: tessera token issue USER_KEY")
    return caller_for(session=session, user=user)

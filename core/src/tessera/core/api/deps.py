"""Dependencies shared by the API routes: the database session and the caller."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from tessera.core.auth import authenticate
from tessera.core.db import session_scope
from tessera.core.errors import AuthenticationError, PermissionDeniedError
from tessera.core.manager import PluginManager
from tessera.sdk import Caller

_bearer = HTTPBearer(auto_error=False, description="A token from `tessera token issue USER_KEY`.")


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


# Function scope: the session commits when the endpoint returns, before the
# response is sent, so a client that reads right after a write sees it and a
# failed commit is reported instead of a 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_plugin_manager(request: Request) -> PluginManager:
    manager: PluginManager = request.app.state.plugin_manager
    return manager


PluginManagerDep = Annotated[PluginManager, Depends(get_plugin_manager)]


def get_current_caller(
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise AuthenticationError("Missing bearer token: send 'Authorization: Bearer <token>'")
    return authenticate(session=session, token=credentials.credentials)


CurrentCaller = Annotated[Caller, Depends(get_current_caller)]


def get_admin_caller(caller: CurrentCaller) -> Caller:
    if caller.role != "admin":
        raise PermissionDeniedError(f"Only admins may do this; '{caller.user}' is a {caller.role}")
    return caller


AdminCaller = Annotated[Caller, Depends(get_admin_caller)]

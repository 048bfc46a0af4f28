"""Dependencies shared by the API routes: the database session, the caller, the
request's plugin set and id, and the hook calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from tessera.core.api.middleware import PLUGIN_SET_KEY, REQUEST_ID_KEY
from tessera.core.auth import authenticate
from tessera.core.db import session_scope
from tessera.core.errors import AuthenticationError, PermissionDeniedError
from tessera.core.hook_calls import HookCalls
from tessera.core.plugin_set import PluginSet
from tessera.sdk import Caller

_bearer = HTTPBearer(auto_error=False, description="A token from `tessera token issue USER_KEY`.")


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.engine) as session:
        yield session


# Function scope: the session commits when the endpoint returns, before the
# response is sent, so a client that reads right after a write sees it and a
# failed commit is reported instead of a 200.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_plugin_set(request: Request) -> PluginSet:
    """The plugin set this request runs on, from start to end."""
    plugin_set: PluginSet = request.scope[PLUGIN_SET_KEY]
    return plugin_set


PluginSetDep = Annotated[PluginSet, Depends(get_plugin_set)]


def get_hook_calls(request: Request) -> HookCalls:
    hooks: HookCalls = request.app.state.hooks
    return hooks


HookCallsDep = Annotated[HookCalls, Depends(get_hook_calls)]


def get_request_id(request: Request) -> str:
    request_id: str = request.scope[REQUEST_ID_KEY]
    return request_id


RequestIdDep = Annotated[str, Depends(get_request_id)]


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

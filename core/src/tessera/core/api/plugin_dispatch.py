"""``/api/plugins/<name>/...``: served by the one version the caller's rollout picks.

The dispatch route authenticates the caller, asks the request's plugin set which
version of the plugin serves them (none: 404 problem+json), and hands the
request to that version's own small FastAPI application, built on first use
from the version's router. That application

- gives each route its :class:`~tessera.sdk.PluginContext` (``ContextDep``),
  with a database session committed when the route returns;
- answers errors as problem+json: a :class:`~tessera.sdk.PluginPermissionError`
  is a 403 naming plugin and permission, an HTTP or validation error its own
  answer, and any other exception escaping a route (a database error, even
  ``SystemExit``) a 500 naming plugin and version, logged with the request id
  and counted against the version. Nothing a plugin route raises reaches the
  kernel's other routes.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Final

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tessera.core.api.deps import CurrentCaller, PluginSetDep, SessionDep
from tessera.core.api.middleware import PLUGIN_SET_KEY, REQUEST_ID_KEY
from tessera.core.api.problems import install_problem_handlers, problem
from tessera.core.errors import NotFoundError, PluginNotEnabledError
from tessera.core.plugin_context import build_context
from tessera.core.plugin_failures import ROUTES, PluginFailures
from tessera.core.plugin_loader import LoadedPlugin
from tessera.sdk import Caller, PluginPermissionError
from tessera.sdk.context import REQUEST_STATE_KEY

PREFIX: Final = "/plugins"
_METHODS: Final = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
# What passes a plugin route's errors unanswered: the server's own interrupts and cancellations.
_NOT_PLUGIN_FAILURES: Final = (KeyboardInterrupt, GeneratorExit, asyncio.CancelledError)
# Where the dispatch route leaves the chosen version and the caller for the version's application.
_PLUGIN_KEY: Final = "tessera.plugin"
_CALLER_KEY: Final = "tessera.caller"

log = logging.getLogger(__name__)


def plugin_dispatch_router(*, engine: Engine, failures: PluginFailures) -> APIRouter:
    """The route that serves every plugin's routes (left out of the kernel's OpenAPI)."""
    router = APIRouter(prefix=PREFIX, include_in_schema=False)
    applications: weakref.WeakKeyDictionary[LoadedPlugin, FastAPI] = weakref.WeakKeyDictionary()

    async def dispatch(
        name: str, request: Request, caller: CurrentCaller, plugin_set: PluginSetDep
    ) -> Response:
        plugin = plugin_set.version_for(name, caller)
        if plugin is None:
            raise PluginNotEnabledError(name, caller.team)
        if plugin.router is None:
            raise NotFoundError(f"Plugin '{name}' {plugin.version} has no routes")
        if plugin not in applications:
            applications[plugin] = _version_application(plugin, engine=engine, failures=failures)
        mount = f"{request.scope.get('root_path', '')}/api{PREFIX}/{name}"
        return _Forward(applications[plugin], mount=mount, plugin=plugin, caller=caller)

    router.add_api_route("/{name}/{path:path}", dispatch, methods=_METHODS)
    return router


class _Forward(Response):
    """Hands the request, unread, to a plugin version's application."""

    def __init__(self, application: ASGIApp, *, mount: str, plugin: LoadedPlugin, caller: Caller) -> None:
        super().__init__()
        self._application = application
        self._extra_scope = {"root_path": mount, _PLUGIN_KEY: plugin, _CALLER_KEY: caller}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routing = ("router", "endpoint", "route", "path_params")
        inner = {key: value for key, value in scope.items() if key not in routing} | self._extra_scope
        await self._application(inner, receive, send)
        if self.background is not None:
            await self.background()


def _version_application(plugin: LoadedPlugin, *, engine: Engine, failures: PluginFailures) -> FastAPI:
    assert plugin.router is not None
    application = FastAPI(
        title=f"{plugin.name} {plugin.version}", openapi_url=None, docs_url=None, redoc_url=None
    )
    application.state.engine = engine
    application.state.failures = failures
    install_problem_handlers(application)
    for kind in [*application.exception_handlers]:
        if isinstance(kind, type) and issubclass(kind, SQLAlchemyError):
            del application.exception_handlers[kind]  # a plugin's database error is its failure
    application.add_exception_handler(PluginPermissionError, _permission_denied)
    application.add_middleware(_RouteErrors, plugin=plugin.name, version=plugin.version, failures=failures)
    application.include_router(plugin.router, dependencies=[Depends(_provide_context)])
    return application


def _provide_context(request: Request, session: SessionDep) -> None:
    context = build_context(
        session=session,
        plugin_set=request.scope[PLUGIN_SET_KEY],
        plugin=request.scope[_PLUGIN_KEY],
        caller=request.scope[_CALLER_KEY],
    )
    setattr(request.state, REQUEST_STATE_KEY, context)


async def _permission_denied(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PluginPermissionError)
    plugin: LoadedPlugin = request.scope[_PLUGIN_KEY]
    request.app.state.failures.record(plugin.name, plugin.version, ROUTES)
    log.error(
        "plugin %s %s: %s (request %s)", plugin.name, plugin.version, exc, request.scope[REQUEST_ID_KEY]
    )
    return problem(403, "Plugin permission denied", str(exc), plugin=exc.plugin, permission=exc.permission)


class _RouteErrors:
    """Turns an exception escaping a plugin route into a 500 problem naming the plugin version."""

    def __init__(self, app: ASGIApp, *, plugin: str, version: str, failures: PluginFailures) -> None:
        self.app = app
        self.plugin = plugin
        self.version = version
        self.failures = failures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except _NOT_PLUGIN_FAILURES:
            raise
        except BaseException as err:  # a plugin's failure, even SystemExit, must not reach the kernel
            request_id = scope[REQUEST_ID_KEY]
            self.failures.record(self.plugin, self.version, ROUTES)
            log.error(
                "plugin %s %s: %s %s raised (request %s)",
                self.plugin,
                self.version,
                scope["method"],
                scope["path"],
                request_id,
                exc_info=err,
            )
            if not started:
                detail = (
                    f"Plugin '{self.plugin}' {self.version} failed to answer {scope['method']} {scope['path']} "
                    f"({type(err).__name__}); other routes are not affected. Request id: {request_id}"
                )
                response = problem(500, "Plugin error", detail, plugin=self.plugin, version=self.version)
                await response(scope, receive, send)

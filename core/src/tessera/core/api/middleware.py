"""Pure ASGI middleware every request passes: its id, and the plugin set it runs on."""

from __future__ import annotations

import re
import uuid
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tessera.core.db import writing
from tessera.core.manager import PluginManager

REQUEST_ID_HEADER: Final = "X-Request-ID"
# Where the request's id and plugin set are kept in the ASGI scope.
REQUEST_ID_KEY: Final = "tessera.request_id"
PLUGIN_SET_KEY: Final = "tessera.plugin_set"
_READING_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})

_USABLE_ID: Final = re.compile(r"^[A-Za-z0-9._:/+=-]{1,128}$")


class RequestIdMiddleware:
    """Gives each request an id, logged with every plugin failure it meets: the
    client's ``X-Request-ID`` when it is a short plain token, else a new one.
    The response carries it back in the same header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get(REQUEST_ID_HEADER, "")
        request_id = given if _USABLE_ID.match(given) else uuid.uuid4().hex
        scope[REQUEST_ID_KEY] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class PluginSetMiddleware:
    """Runs each request on the plugin set that is current when it starts
    (rebuilt first if the plugin revision moved), and holds that set until the
    response is sent, so no version it uses is unloaded under it. A request
    that may write (not GET, HEAD or OPTIONS) begins its SQLite transactions
    with the write lock (:func:`~tessera.core.db.writing`)."""

    def __init__(self, app: ASGIApp, manager: PluginManager) -> None:
        self.app = app
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self.manager.serving() as plugin_set:
            scope[PLUGIN_SET_KEY] = plugin_set
            if scope["method"] in _READING_METHODS:
                await self.app(scope, receive, send)
                return
            with writing():
                await self.app(scope, receive, send)

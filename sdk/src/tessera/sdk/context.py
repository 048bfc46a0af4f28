"""The FastAPI dependency that gives a plugin route its :class:`PluginContext`."""

from __future__ import annotations

from typing import Annotated, Final

from fastapi import Depends, Request

from tessera.sdk.types import PluginContext

REQUEST_STATE_KEY: Final = "tessera_plugin_context"


def plugin_context(request: Request) -> PluginContext:
    """Return the context the kernel prepared for this request."""
    context = getattr(request.state, REQUEST_STATE_KEY, None)
    if not isinstance(context, PluginContext):
        raise RuntimeError(
            "no plugin context on this request: plugin routes must be served by "
            "the Tessera kernel, which mounts them under /api/plugins/<name>/"
        )
    return context


ContextDep = Annotated[PluginContext, Depends(plugin_context)]

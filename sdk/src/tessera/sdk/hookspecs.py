"""The hook specifications: the kernel's promises to plugins.

Hooks are listed in the order the kernel calls them in a plugin's life.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tessera.sdk.markers import _spec

if TYPE_CHECKING:
    from fastapi import APIRouter

# -------------------------------------------------------------------------
# Loading: what a plugin contributes to a worker
# -------------------------------------------------------------------------


@_spec
def tessera_register_routes() -> APIRouter | None:
    """Contribute HTTP routes, mounted under ``/api/plugins/<plugin name>/``.

    Called once per worker when the plugin is loaded. The kernel answers a
    plugin's routes only for callers the plugin is enabled for (by region and
    rollout percentage); everyone else gets a 404 problem+json. Inside a route,
    take the caller, configuration and data through
    :data:`tessera.sdk.ContextDep`.

    :returns: a :class:`fastapi.APIRouter`, or ``None`` to add no routes.

    .. versionadded:: 0.1
    """

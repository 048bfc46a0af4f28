"""The hook specifications: the kernel's promises to plugins.

Hooks are listed in the order the kernel calls them in a plugin version's life.
Each plugin version is registered on its own, so a hook implementation only
ever sees the requests, events and callers its rollout sends to that version.
docs/hooks.md is the reference; a test fails when a hook is missing there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tessera.sdk.markers import _spec

if TYPE_CHECKING:
    from fastapi import APIRouter

    from tessera.sdk.types import LoadedVersion, PluginContext, RecordChanged

# -------------------------------------------------------------------------
# Lifecycle: a version is loaded into, and unloaded from, a worker
# -------------------------------------------------------------------------


@_spec
def tessera_plugin_loaded(plugin: LoadedVersion) -> None:
    """Open the version's resources: it has just been loaded into this worker.

    Called once per worker process, before the version serves any request.
    If it raises, the version is marked failed with the reason and not served.

    :param plugin: the name, version and configuration of the loaded version.

    .. versionadded:: 0.2
    """


@_spec
def tessera_plugin_unloaded(plugin: LoadedVersion) -> None:
    """Close the version's resources: it is leaving this worker.

    Called after the last request that started on this version has finished
    (the version was disabled, upgraded away, uninstalled, or the worker stops).

    :param plugin: the same object :func:`tessera_plugin_loaded` received.

    .. versionadded:: 0.2
    """


# -------------------------------------------------------------------------
# Contributions: what a loaded version adds to the kernel
# -------------------------------------------------------------------------


@_spec
def tessera_register_routes() -> APIRouter | None:
    """Contribute HTTP routes, mounted under ``/api/plugins/<plugin name>/``.

    Called once when the version is loaded. Each request to those routes is
    served by the one version of the plugin that the rollout picks for the
    caller; callers the plugin is not enabled for get a 404 problem+json.
    Inside a route, take the caller, configuration and data through
    :data:`tessera.sdk.ContextDep`.

    :returns: a :class:`fastapi.APIRouter`, or ``None`` to add no routes.

    .. versionadded:: 0.1
    """


@_spec
def tessera_account_facets(account: str, context: PluginContext) -> Mapping[str, Any] | None:
    """Contribute facets to an account's profile (``GET /api/accounts/{key}/profile``).

    Called on each profile request, for the version the caller's rollout picks.
    A hook that raises or exceeds the hook time limit is left out of the
    profile; the profile is still served.

    :param account: the account's key.
    :param context: the caller, configuration and data access for this call.
    :returns: JSON-serialisable facets, shown under the plugin's name, or ``None``.

    .. versionadded:: 0.2
    """


# -------------------------------------------------------------------------
# Events: the kernel tells plugins what happened
# -------------------------------------------------------------------------


@_spec
def tessera_after_record_changed(event: RecordChanged, context: PluginContext) -> None:
    """React to a record created or changed through the API.

    Called after the change is committed, for the version the acting caller's
    rollout picks. A hook that raises or exceeds the time limit is logged and
    counted against the plugin version; the change stands.

    :param event: what changed.
    :param context: the acting caller, configuration and data access.

    .. versionadded:: 0.2
    """

"""The plugin manager: a typed façade over :class:`pluggy.PluginManager`.

Plugins are packages named by entry points in the ``tessera.plugins`` group.
Each must expose a ``MANIFEST`` (:class:`tessera.sdk.Manifest`) whose default
configuration satisfies its own schema. A plugin that fails to load is
reported in :attr:`PluginManager.failures`; the others load.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

import jsonschema
import pluggy
from fastapi import APIRouter

from tessera.sdk import Manifest, hookspecs
from tessera.sdk.markers import PROJECT_NAME

ENTRY_POINT_GROUP = "tessera.plugins"

log = logging.getLogger(__name__)


class PluginLoadError(Exception):
    """A plugin could not be loaded; ``plugin`` names it."""

    def __init__(self, plugin: str, reason: str) -> None:
        super().__init__(f"plugin '{plugin}' cannot be loaded: {reason}")
        self.plugin = plugin
        self.reason = reason


class PluginManager:
    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)
        self._manifests: dict[str, Manifest] = {}
        self.failures: dict[str, str] = {}

    @property
    def manifests(self) -> Mapping[str, Manifest]:
        return self._manifests

    def load_entry_points(self) -> None:
        """Load every plugin installed in the ``tessera.plugins`` group."""
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                self.register(entry_point.load())
            except Exception as err:  # a broken plugin must not stop the kernel
                log.exception("plugin %s failed to load", entry_point.name)
                self.failures[entry_point.name] = f"{type(err).__name__}: {err}"

    def register(self, plugin: ModuleType | object) -> Manifest:
        manifest = getattr(plugin, "MANIFEST", None)
        if not isinstance(manifest, Manifest):
            raise PluginLoadError(repr(plugin), "it has no MANIFEST of type tessera.sdk.Manifest")
        errors = config_errors(manifest.config_schema, manifest.default_config)
        if errors:
            raise PluginLoadError(manifest.name, "its default_config breaks its schema: " + "; ".join(errors))
        self._pm.register(plugin, name=manifest.name)
        self._manifests[manifest.name] = manifest
        return manifest

    def routes(self) -> dict[str, APIRouter]:
        """Each plugin's contributed router (``tessera_register_routes``)."""
        routers: dict[str, APIRouter] = {}
        for impl in self._pm.hook.tessera_register_routes.get_hookimpls():
            try:
                router = impl.function()
            except Exception:
                log.exception("plugin %s failed in tessera_register_routes", impl.plugin_name)
                self.failures[impl.plugin_name] = "tessera_register_routes raised"
                continue
            if isinstance(router, APIRouter):
                routers[impl.plugin_name] = router
            elif router is not None:
                log.error("plugin %s returned %r from tessera_register_routes", impl.plugin_name, router)
                self.failures[impl.plugin_name] = "tessera_register_routes must return an APIRouter or None"
        return routers


def config_errors(schema: Mapping[str, Any], config: Any) -> list[str]:
    """Every way ``config`` breaks ``schema``, each with its JSON path."""
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(validator.iter_errors(config), key=lambda e: e.json_path)
    ]

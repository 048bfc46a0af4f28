"""The plugin versions loaded into this worker, and how many plugin sets hold each."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from tessera.core.plugin_loader import LoadedPlugin

# plugin name, version, artifact hash (None for a bundled plugin): a reinstalled
# version with other files is another load.
LoadKey = tuple[str, str, str | None]


class LoadedVersions:
    """Versions stay loaded while some plugin set holds them. Safe to use from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_key: dict[LoadKey, LoadedPlugin] = {}
        self._holders: dict[LoadedPlugin, int] = {}

    def claim(self, key: LoadKey) -> LoadedPlugin | None:
        """The loaded version, now held by one more set; None if it is not loaded."""
        with self._lock:
            plugin = self._by_key.get(key)
            if plugin is not None:
                self._holders[plugin] += 1
            return plugin

    def add(self, key: LoadKey, plugin: LoadedPlugin) -> None:
        """A version just loaded, held by the set being built."""
        with self._lock:
            self._by_key[key] = plugin
            self._holders[plugin] = 1

    def release(self, plugins: Iterable[LoadedPlugin]) -> list[LoadedPlugin]:
        """One set no longer holds ``plugins``; those no set holds any more, to be unloaded."""
        gone = []
        with self._lock:
            for plugin in plugins:
                self._holders[plugin] -= 1
                if self._holders[plugin] == 0:
                    del self._holders[plugin]
                    self._by_key = {key: p for key, p in self._by_key.items() if p is not plugin}
                    gone.append(plugin)
        return gone

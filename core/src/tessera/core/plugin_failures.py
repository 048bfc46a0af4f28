"""Failures of plugin versions, counted per version and kind in this worker process."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Final

# The kind counted when a plugin's route fails; hook failures count under the hook's name.
ROUTES: Final = "routes"


class PluginFailures:
    """How often each plugin version failed in this worker since it started.

    A kind is a hook's name (``tessera_account_facets``) or :data:`ROUTES`.
    Safe to use from any thread.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter[tuple[str, str, str]] = Counter()

    def record(self, plugin: str, version: str, kind: str) -> None:
        with self._lock:
            self._counts[(plugin, version, kind)] += 1

    def of_version(self, plugin: str, version: str) -> dict[str, int]:
        """The version's failures by kind, e.g. ``{"tessera_account_facets": 2}``."""
        with self._lock:
            return {
                kind: n
                for (name, number, kind), n in sorted(self._counts.items())
                if (name, number) == (plugin, version)
            }

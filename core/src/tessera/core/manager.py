"""This worker's plugins: the current plugin set, rebuilt beside the old one and swapped.

Every request first reads ``kernel_state.plugin_revision`` (one small query).
When it moved, the request starts building the new :class:`~tessera.core.plugin_set.PluginSet`
— one rebuild at a time, in the background — reusing the versions already loaded, loading the new
ones in dependency order, and marking those that fail ``failed`` with the
reason (in a short transaction of their own, which moves the revision again so
every worker drops them). Then the new set becomes current. A request waits for
a running rebuild at most :data:`REBUILD_WAIT` seconds, then runs on the current
set, so a plugin that is slow to load never holds requests up. Requests keep the
set they started with; when the last request on a retired set ends, the
versions no set holds any more are unloaded (``tessera_plugin_unloaded``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Collection, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Final, TypeVar, cast

import anyio
from packaging.specifiers import SpecifierSet
from sqlalchemy import CursorResult, Engine, update
from sqlmodel import Session, col

from tessera.core.db import session_scope
from tessera.core.errors import KernelError
from tessera.core.hook_calls import HookCalls
from tessera.core.models import ALL_REGIONS, PluginVersion, utcnow
from tessera.core.plugin_dependencies import DependencyCycleError, dependency_order
from tessera.core.plugin_loader import LoadedPlugin, PluginLoadError, load_version, unload_version
from tessera.core.plugin_registry import LoadedVersions, LoadKey
from tessera.core.plugin_revision import bump_plugin_revision, current_plugin_revision
from tessera.core.plugin_set import PluginSet, PluginState, read_plugin_state
from tessera.core.plugin_store import package_dir
from tessera.sdk import Manifest, ManifestError

# The revision of the set a worker starts with: no database revision equals it.
NO_REVISION: Final = -1
# The longest a request waits for a rebuild before it runs on the current set.
REBUILD_WAIT: Final = 1.0

log = logging.getLogger(__name__)

_T = TypeVar("_T")


class _Live:
    """A plugin set and the requests running on it."""

    def __init__(self, plugin_set: PluginSet) -> None:
        self.plugin_set = plugin_set
        self.in_flight = 0
        self.retired = False


class PluginManager:
    def __init__(self, *, engine: Engine, hooks: HookCalls, cache_root: Path, load_timeout: float) -> None:
        self._engine = engine
        self._hooks = hooks
        self._cache_root = cache_root
        self._load_timeout = load_timeout
        self._current = _Live(PluginSet(revision=NO_REVISION))
        self._draining: set[_Live] = set()
        self._rebuilding: asyncio.Task[None] | None = None
        self._loaded = LoadedVersions()  # shared with the thread that builds a set

    @property
    def current(self) -> PluginSet:
        return self._current.plugin_set

    @asynccontextmanager
    async def serving(self) -> AsyncIterator[PluginSet]:
        """The up-to-date plugin set, held for one request."""
        live = await self._acquire()
        try:
            yield live.plugin_set
        finally:
            with anyio.CancelScope(shield=True):
                await self._release(live)

    async def refresh(self) -> PluginSet:
        """If the revision moved, rebuild the set (waiting at most :data:`REBUILD_WAIT`); the current set."""
        revision = await anyio.to_thread.run_sync(self._read_revision)
        if revision != self.current.revision:
            if self._rebuilding is None or self._rebuilding.done():
                self._rebuilding = asyncio.create_task(self._rebuild())
            rebuilding = self._rebuilding
            await asyncio.wait({rebuilding}, timeout=REBUILD_WAIT)
            if rebuilding.done():
                rebuilding.result()  # a failed rebuild fails the requests that waited for it
        return self.current

    async def shutdown(self) -> None:
        """Unload every version (the worker is stopping)."""
        if self._rebuilding is not None:
            await asyncio.wait({self._rebuilding})
        sets = [self._current, *self._draining]
        self._current, self._draining = _Live(PluginSet(revision=NO_REVISION)), set()
        for live in sets:
            await self._drop(live)

    # -- leases and swaps (on the event loop) ------------------------------------------

    async def _acquire(self) -> _Live:
        await self.refresh()
        live = self._current
        live.in_flight += 1
        return live

    async def _release(self, live: _Live) -> None:
        live.in_flight -= 1
        if live.retired and live.in_flight == 0 and live in self._draining:
            self._draining.discard(live)
            await self._drop(live)

    async def _rebuild(self) -> None:
        await self._swap(await anyio.to_thread.run_sync(self._build))

    async def _swap(self, plugin_set: PluginSet) -> None:
        old, self._current = self._current, _Live(plugin_set)
        old.retired = True
        if old.in_flight:
            self._draining.add(old)
        else:
            await self._drop(old)

    async def _drop(self, live: _Live) -> None:
        gone = self._loaded.release(live.plugin_set.plugins.values())
        if gone:
            await anyio.to_thread.run_sync(self._unload, gone)

    # -- building a set (in a worker thread) ---------------------------------------------

    def _read_revision(self) -> int:
        with Session(self._engine) as session:
            return current_plugin_revision(session)

    def _build(self) -> PluginSet:
        with session_scope(self._engine) as session:
            state = read_plugin_state(session)
        candidates = []
        for row in state.enabled:
            try:
                candidates.append((row, Manifest.from_dict(row.manifest, source=f"{row.name} {row.version}")))
            except ManifestError as err:
                self._mark_failed(row, str(err))
        plugins: dict[tuple[str, str], LoadedPlugin] = {}
        for row, manifest in in_dependency_order(candidates, lambda candidate: candidate[1]):
            plugin = self._plugin_for(row, manifest, state, plugins.values())
            if plugin is not None:
                plugins[(row.name, row.version)] = plugin
        return PluginSet(
            revision=state.revision, plugins=plugins, releases=state.releases, configs=state.configs
        )

    def _plugin_for(
        self, row: PluginVersion, manifest: Manifest, state: PluginState, loaded: Collection[LoadedPlugin]
    ) -> LoadedPlugin | None:
        """The loaded version (held for the new set), or None once it is marked failed."""
        try:
            unmet = unmet_requirements(manifest, loaded)
            if unmet:
                raise PluginLoadError(manifest, unmet)
            key = (row.name, row.version, row.artifact)
            return self._loaded.claim(key) or self._load(key, row, manifest, state)
        except PluginLoadError as err:
            reason = str(err)
        except KernelError as err:  # e.g. the package files are missing
            reason = err.detail
        self._mark_failed(row, reason)
        return None

    def _load(self, key: LoadKey, row: PluginVersion, manifest: Manifest, state: PluginState) -> LoadedPlugin:
        with session_scope(self._engine) as session:
            folder = package_dir(session=session, version=row, cache_root=self._cache_root)
        config = state.configs.get(row.name, {}).get(ALL_REGIONS, manifest.default_config)
        plugin = load_version(
            manifest=manifest,
            package_dir=folder,
            config=config,
            hooks=self._hooks,
            timeout=self._load_timeout,
        )
        self._loaded.add(key, plugin)
        log.info("plugin %s %s loaded", row.name, row.version)
        return plugin

    def _unload(self, plugins: list[LoadedPlugin]) -> None:
        """Dependents first, then what they depend on."""
        for plugin in reversed(in_dependency_order(plugins, lambda plugin: plugin.manifest)):
            unload_version(plugin, self._hooks)
            log.info("plugin %s %s unloaded", plugin.name, plugin.version)

    def _mark_failed(self, row: PluginVersion, reason: str) -> None:
        log.error("plugin %s %s failed: %s", row.name, row.version, reason)
        with session_scope(self._engine) as session:
            result = session.execute(
                update(PluginVersion)
                .where(
                    col(PluginVersion.name) == row.name,
                    col(PluginVersion.version) == row.version,
                    col(PluginVersion.state) == "enabled",
                )
                .values(state="failed", reason=reason, updated_at=utcnow())
            )
            if cast("CursorResult[Any]", result).rowcount:
                bump_plugin_revision(session)


def in_dependency_order(items: Iterable[_T], manifest_of: Callable[[_T], Manifest]) -> list[_T]:
    """``items`` ordered so that each comes after the plugins its manifest requires."""
    items = list(items)
    try:
        names = dependency_order(manifest_of(item) for item in items)
    except DependencyCycleError:  # refused at install; loading then reports the unmet requirement
        names = sorted({manifest_of(item).name for item in items})
    rank = {name: index for index, name in enumerate(names)}
    return sorted(items, key=lambda item: rank[manifest_of(item).name])


def unmet_requirements(manifest: Manifest, loaded: Collection[LoadedPlugin]) -> str:
    """Why ``manifest``'s requirements are not met by the ``loaded`` versions ('' when they are)."""
    unmet = [
        f"{name}{spec or ' (any version)'}"
        for name, spec in sorted(manifest.requires.items())
        if not any(
            p.name == name and SpecifierSet(spec).contains(p.version, prereleases=True) for p in loaded
        )
    ]
    if not unmet:
        return ""
    return f"it requires {', '.join(unmet)}, and no enabled version satisfies that; enable one, then this version again"

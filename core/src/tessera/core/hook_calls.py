"""Calling plugin hooks: the only place the kernel calls a hook implementation.

Each call reaches exactly one plugin version's implementation and is isolated:

- it runs in a thread pool of its own (a lifecycle hook in a thread of its own,
  so hooks hanging in requests never keep a version from loading), and the
  kernel waits for it at most the
  hook time limit (``TESSERA_HOOK_TIMEOUT``); an ``async def`` implementation is
  awaited, with that limit, on an event loop of the call's own in that pool;
- an implementation that raises or runs out of time is logged with plugin,
  version, hook and request id, counted against the version
  (:class:`~tessera.core.plugin_failures.PluginFailures`) and left out;
- hooks that take a :class:`~tessera.sdk.PluginContext` get a database session
  of their own, committed when the implementation returns in time and rolled
  back when it raises or returns late;
- at most :data:`CALLS_PER_VERSION` calls of one version run at once: while
  that many are still running (hanging), further calls to the version are
  skipped at once and counted against it as :data:`BUSY`, so one hanging
  plugin cannot take the pool from the others.

A thread whose implementation never returns cannot be stopped; it keeps one of
the pool's threads until the worker exits.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeoutError
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter
from fastapi.encoders import jsonable_encoder
from pluggy import HookImpl
from sqlalchemy import Engine
from sqlmodel import Session

from tessera.core.db import session_scope
from tessera.core.plugin_failures import PluginFailures
from tessera.sdk import PluginContext, RecordChanged

if TYPE_CHECKING:
    from tessera.core.plugin_loader import LoadedPlugin

HOOK_THREADS: Final = 16
CALLS_PER_VERSION: Final = 3
# The failure kind counted when a call is skipped because the version's earlier calls still run.
BUSY: Final = "busy"
LIFECYCLE_HOOKS: Final = frozenset(
    {"tessera_plugin_loaded", "tessera_register_routes", "tessera_plugin_unloaded"}
)

log = logging.getLogger(__name__)

# Builds the context a plugin version's implementation receives, in the call's own session.
ContextFactory = Callable[[Session, "LoadedPlugin"], PluginContext]
# A hook's arguments, or a function giving them from the call's own session.
_Arguments = Mapping[str, Any] | Callable[[Session], Mapping[str, Any]]


class HookError(Exception):
    """A hook implementation raised, ran out of time, or returned what it may not."""

    def __init__(self, hook: str, problem: str) -> None:
        super().__init__(f"{hook} {problem}")
        self.hook = hook
        self.problem = problem


class _Abandoned(Exception):
    """The kernel stopped waiting: roll back what the late implementation did."""


@dataclass(frozen=True)
class _Call:
    plugin: LoadedPlugin
    hook: str
    future: Future[Any]
    abandoned: threading.Event


class HookCalls:
    def __init__(self, *, engine: Engine, timeout: float, failures: PluginFailures) -> None:
        self._engine = engine
        self.timeout = timeout
        self.failures = failures
        self._pool = ThreadPoolExecutor(max_workers=HOOK_THREADS, thread_name_prefix="tessera-hook")
        self._slots: weakref.WeakKeyDictionary[LoadedPlugin, threading.BoundedSemaphore] = (
            weakref.WeakKeyDictionary()
        )
        self._slots_lock = threading.Lock()

    def close(self) -> None:
        """Stop accepting calls; calls still running are not waited for."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    # -- lifecycle: failures raise HookError, the version is then not served ----------

    def plugin_loaded(self, plugin: LoadedPlugin) -> None:
        self._call_or_raise(plugin, "tessera_plugin_loaded", {"plugin": plugin.lifecycle})

    def register_routes(self, plugin: LoadedPlugin) -> APIRouter | None:
        router = self._call_or_raise(plugin, "tessera_register_routes", {})
        if router is None or isinstance(router, APIRouter):
            return router
        problem = f"returned {type(router).__name__}; return a fastapi.APIRouter, or None for no routes"
        self._failed(plugin, "tessera_register_routes", problem, request_id=None)
        raise HookError("tessera_register_routes", problem)

    def plugin_unloaded(self, plugin: LoadedPlugin) -> None:
        """Tell the version it is leaving this worker; a failure is logged and counted."""
        self._call_each(
            [plugin], "tessera_plugin_unloaded", lambda p: {"plugin": p.lifecycle}, request_id=None
        )

    # -- contributions and events: failures drop that plugin's part ----------------

    def account_facets(
        self, *, plugins: Sequence[LoadedPlugin], account: str, context: ContextFactory, request_id: str
    ) -> dict[str, Any]:
        """Each plugin's facets of ``account``, by plugin name; failed or empty ones left out."""
        hook = "tessera_account_facets"

        def arguments(plugin: LoadedPlugin) -> _Arguments:
            return lambda session: {"account": account, "context": context(session, plugin)}

        facets: dict[str, Any] = {}
        for plugin, result in self._call_each(plugins, hook, arguments, request_id=request_id):
            if result is None:
                continue
            if not isinstance(result, Mapping):
                problem = f"returned {type(result).__name__}; return a mapping of facets, or None"
                self._failed(plugin, hook, problem, request_id=request_id)
                continue
            try:
                facets[plugin.name] = jsonable_encoder(result)
            except (TypeError, ValueError) as err:
                self._failed(plugin, hook, f"returned facets that are not JSON: {err}", request_id=request_id)
        return facets

    def after_record_changed(
        self,
        *,
        plugins: Sequence[LoadedPlugin],
        event: RecordChanged,
        context: ContextFactory,
        request_id: str,
    ) -> None:
        def arguments(plugin: LoadedPlugin) -> _Arguments:
            return lambda session: {"event": event, "context": context(session, plugin)}

        self._call_each(plugins, "tessera_after_record_changed", arguments, request_id=request_id)

    # -- machinery ----------------------------------------------------------------

    def _call_or_raise(self, plugin: LoadedPlugin, hook: str, arguments: _Arguments) -> Any:
        call = self._start(plugin, hook, arguments, request_id=None)
        if call is None:
            return None
        problem, result = self._finish(call, time.monotonic() + self.timeout, request_id=None)
        if problem is not None:
            raise HookError(hook, problem)
        return result

    def _call_each(
        self,
        plugins: Sequence[LoadedPlugin],
        hook: str,
        arguments: Callable[[LoadedPlugin], _Arguments],
        *,
        request_id: str | None,
    ) -> list[tuple[LoadedPlugin, Any]]:
        """Call every version's implementation at once; the results of those that succeeded in time."""
        deadline = time.monotonic() + self.timeout
        calls = [
            call
            for plugin in plugins
            if (call := self._start(plugin, hook, arguments(plugin), request_id=request_id))
        ]
        answers = [(call.plugin, self._finish(call, deadline, request_id=request_id)) for call in calls]
        return [(plugin, result) for plugin, (problem, result) in answers if problem is None]

    def _start(
        self, plugin: LoadedPlugin, hook: str, arguments: _Arguments, *, request_id: str | None
    ) -> _Call | None:
        """The call under way; None when the version has no implementation or is busy."""
        impls = getattr(plugin.hooks.hook, hook).get_hookimpls()
        if not impls:
            return None
        abandoned = threading.Event()
        if hook in LIFECYCLE_HOOKS:
            return _Call(plugin, hook, _in_own_thread(self._run, impls[0], arguments, abandoned), abandoned)
        slots = self._slots_of(plugin)
        if not slots.acquire(blocking=False):
            problem = f"skipped: {CALLS_PER_VERSION} earlier calls of this version are still running"
            self._failed(plugin, hook, problem, request_id=request_id, kind=BUSY)
            return None
        future = self._pool.submit(self._run, impls[0], arguments, abandoned)
        future.add_done_callback(lambda _done: slots.release())
        return _Call(plugin, hook, future, abandoned)

    def _slots_of(self, plugin: LoadedPlugin) -> threading.BoundedSemaphore:
        with self._slots_lock:
            if plugin not in self._slots:
                self._slots[plugin] = threading.BoundedSemaphore(CALLS_PER_VERSION)
            return self._slots[plugin]

    def _finish(self, call: _Call, deadline: float, *, request_id: str | None) -> tuple[str | None, Any]:
        """``(None, result)``, or ``(problem, None)`` once the failure is logged and counted."""
        try:
            return None, call.future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeoutError:
            call.abandoned.set()
            call.future.cancel()
            problem, error = f"did not return within {self.timeout:g} s (TESSERA_HOOK_TIMEOUT)", None
        except BaseException as err:  # a plugin's failure, even SystemExit, must not reach the kernel
            problem, error = f"raised {type(err).__name__}: {err}", err
        self._failed(call.plugin, call.hook, problem, request_id=request_id, error=error)
        return problem, None

    def _failed(
        self,
        plugin: LoadedPlugin,
        hook: str,
        problem: str,
        *,
        request_id: str | None,
        error: BaseException | None = None,
        kind: str | None = None,
    ) -> None:
        self.failures.record(plugin.name, plugin.version, kind or hook)
        log.error(
            "plugin %s %s: hook %s %s (request %s)",
            plugin.name,
            plugin.version,
            hook,
            problem,
            request_id or "-",
            exc_info=error,
        )

    def _run(self, impl: HookImpl, arguments: _Arguments, abandoned: threading.Event) -> Any:
        """In a pool thread: one implementation, in a session of its own when it takes a context."""
        if not callable(arguments):
            return self._invoke(impl, arguments)
        with session_scope(self._engine) as session:
            result = self._invoke(impl, arguments(session))
            if abandoned.is_set():
                raise _Abandoned
            return result

    def _invoke(self, impl: HookImpl, arguments: Mapping[str, Any]) -> Any:
        result = impl.function(**{name: arguments[name] for name in impl.argnames})
        if inspect.isawaitable(result):
            return asyncio.run(_awaited(result, self.timeout))
        return result


def _in_own_thread(function: Callable[..., Any], *arguments: Any) -> Future[Any]:
    """``function(*arguments)`` run in a new daemon thread; its outcome, when it has one."""
    future: Future[Any] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(function(*arguments))
        except BaseException as err:  # handed to whoever waits for the call
            future.set_exception(err)

    threading.Thread(target=run, name="tessera-lifecycle-hook", daemon=True).start()
    return future


async def _awaited(awaitable: Awaitable[Any], timeout: float) -> Any:
    return await asyncio.wait_for(awaitable, timeout)

"""Loading one plugin version into this worker, and unloading it again.

A version is imported from its package folder under a module name of its own,
``tessera_plugins.<name>.v<version>`` (e.g. ``tessera_plugins.commission.v0_2_0``),
so several versions of one plugin live side by side in one process; plugins
import their own modules relatively, which keeps each version's modules apart.
Each version gets a :class:`pluggy.PluginManager` of its own holding just that
version, so its hooks only ever see what its rollout sends it.

Loading then checks the version's hooks against the specifications, calls
``tessera_plugin_loaded`` and collects ``tessera_register_routes``. Any failure
raises :class:`PluginLoadError` with a reason that names the plugin and the fix;
nothing of the version stays imported. The import runs in a thread of its own
and is waited for at most the load time limit (``TESSERA_PLUGIN_LOAD_TIMEOUT``):
an import that hangs keeps only that thread.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import inspect
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pluggy
from fastapi import APIRouter

from tessera.core.hook_calls import HookCalls, HookError
from tessera.sdk import LoadedVersion, Manifest, hookspecs
from tessera.sdk.markers import PROJECT_NAME

PLUGIN_MODULES: Final = "tessera_plugins"
HOOK_NAMES: Final = tuple(sorted(name for name in vars(hookspecs) if name.startswith(f"{PROJECT_NAME}_")))

# Imports and unloads of plugin modules happen one at a time, so an old
# version's unload never removes the modules of the same version loaded anew.
_modules_lock = threading.Lock()


class PluginLoadError(Exception):
    """A plugin version cannot be loaded; ``reason`` says why and what to fix."""

    def __init__(self, manifest: Manifest, reason: str) -> None:
        super().__init__(f"plugin {manifest.name} {manifest.version} cannot be loaded: {reason}")
        self.reason = reason


@dataclass(frozen=True, eq=False)
class LoadedPlugin:
    """A plugin version loaded into this worker.

    :param hooks: the version's own pluggy manager; call it only through
        :class:`~tessera.core.hook_calls.HookCalls`.
    :param lifecycle: what the lifecycle hooks receive.
    :param router: the routes it serves under ``/api/plugins/<name>/``, if any.
    """

    manifest: Manifest
    module: ModuleType
    hooks: pluggy.PluginManager
    lifecycle: LoadedVersion
    router: APIRouter | None = None

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version


def module_name(name: str, version: str) -> str:
    """The version-qualified module name a plugin version is imported as."""
    version_part = version.replace("!", "_epoch_").replace("+", "__").replace(".", "_")
    return f"{PLUGIN_MODULES}.{name.replace('-', '_')}.v{version_part}"


def load_version(
    *, manifest: Manifest, package_dir: Path, config: Mapping[str, Any], hooks: HookCalls, timeout: float
) -> LoadedPlugin:
    """Import (within ``timeout`` seconds), register and start a version;
    raise :class:`PluginLoadError` if any step fails."""
    module = _import(manifest, package_dir, timeout)
    try:
        plugin = LoadedPlugin(
            manifest=manifest,
            module=module,
            hooks=_register(manifest, module),
            lifecycle=LoadedVersion(name=manifest.name, version=manifest.version, config=config),
        )
        _start(plugin, hooks)
    except BaseException:
        _forget_module(module)
        raise
    return _with_routes(plugin, hooks)


def unload_version(plugin: LoadedPlugin, hooks: HookCalls) -> None:
    """Tell the version it leaves (``tessera_plugin_unloaded``) and drop its modules."""
    hooks.plugin_unloaded(plugin)
    _forget_module(plugin.module)


def _start(plugin: LoadedPlugin, hooks: HookCalls) -> None:
    try:
        hooks.plugin_loaded(plugin)
    except HookError as err:
        raise PluginLoadError(plugin.manifest, str(err)) from err


def _with_routes(plugin: LoadedPlugin, hooks: HookCalls) -> LoadedPlugin:
    try:
        return replace(plugin, router=hooks.register_routes(plugin))
    except HookError as err:
        unload_version(plugin, hooks)
        raise PluginLoadError(plugin.manifest, str(err)) from err


def _import(manifest: Manifest, package_dir: Path, timeout: float) -> ModuleType:
    name = module_name(manifest.name, manifest.version)
    init = package_dir / "__init__.py"
    if not init.is_file():
        raise PluginLoadError(manifest, f"its package folder {package_dir} has no __init__.py")
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(package_dir)])
    assert spec is not None and spec.loader is not None, init
    module = importlib.util.module_from_spec(spec)
    with _modules_lock:
        _forget(name)
        _add_parents(name)
        importlib.invalidate_caches()
        sys.modules[name] = module
        problem = _execute(module, spec.loader, timeout)
        if problem:
            _forget(name)
            raise PluginLoadError(manifest, problem)
    return module


def _execute(module: ModuleType, loader: importlib.abc.Loader, timeout: float) -> str:
    """Run the module's code in a thread of its own; why it failed ('' when it did not)."""
    raised: list[BaseException] = []

    def run() -> None:
        try:
            loader.exec_module(module)
        except BaseException as err:  # whatever a plugin raises on import, even SystemExit
            raised.append(err)

    thread = threading.Thread(target=run, name=f"tessera-import-{module.__name__}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        return (
            f"importing it did not finish within {timeout:g} s (TESSERA_PLUGIN_LOAD_TIMEOUT); "
            "make its import quick (no waiting at module level), or raise the limit"
        )
    if raised:
        return f"importing it raised {type(raised[0]).__name__}: {raised[0]}"
    return ""


def _add_parents(name: str) -> None:
    """Empty namespace modules for ``tessera_plugins`` and ``tessera_plugins.<name>``."""
    parts = name.split(".")
    for depth in range(1, len(parts)):
        parent = ".".join(parts[:depth])
        if parent not in sys.modules:
            module = ModuleType(parent)
            module.__path__ = []
            sys.modules[parent] = module


def _forget_module(module: ModuleType) -> None:
    """Forget ``module`` unless the same version has been imported anew since."""
    with _modules_lock:
        if sys.modules.get(module.__name__) is module:
            _forget(module.__name__)


def _forget(name: str) -> None:
    """Remove a version's module and its submodules, so a later load imports afresh."""
    for loaded in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
        del sys.modules[loaded]


def _register(manifest: Manifest, module: ModuleType) -> pluggy.PluginManager:
    manager = pluggy.PluginManager(PROJECT_NAME)
    manager.add_hookspecs(hookspecs)
    problems = _hook_problems(manager, module)
    if problems:
        raise PluginLoadError(manifest, "; ".join(problems))
    try:
        manager.register(module, name=f"{manifest.name}=={manifest.version}")
        manager.check_pending()
    except pluggy.PluginValidationError as err:
        raise PluginLoadError(manifest, f"its hooks do not match their specifications: {err}") from err
    return manager


def _hook_problems(manager: pluggy.PluginManager, module: ModuleType) -> list[str]:
    """Each marked function that is no hook, or takes arguments its hook does not offer."""
    problems = []
    for attribute in sorted(vars(module)):
        if manager.parse_hookimpl_opts(module, attribute) is None:
            continue
        caller = getattr(manager.hook, attribute, None)
        if caller is None or caller.spec is None:
            problems.append(f"{attribute} is not a hook; rename it to one of {', '.join(HOOK_NAMES)}")
            continue
        offered = caller.spec.argnames
        extra = [name for name in _required_parameters(getattr(module, attribute)) if name not in offered]
        if extra:
            problems.append(
                f"hook {attribute} takes {', '.join(extra)}, which its specification does not offer; "
                f"take only ({', '.join(offered)}) or some of them"
            )
    return problems


def _required_parameters(function: Any) -> list[str]:
    return [
        parameter.name
        for parameter in inspect.signature(function).parameters.values()
        if parameter.default is inspect.Parameter.empty
        and parameter.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]

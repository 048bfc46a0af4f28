"""Checks a plugin package must pass before it is installed; none runs its code.

- :func:`load_manifest`: ``plugin.json`` valid against the manifest schema;
- :func:`check_sdk`: the running SDK inside the manifest's ``sdk`` range;
- :func:`check_requirements`: the libraries it needs are installed here, in
  versions it accepts (libraries are shared by every plugin version);
- :func:`check_imports`: the package imports itself only relatively, so each
  version can be imported under its own name, and never imports the kernel.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import Version

import tessera.sdk
from tessera.core.errors import InputError
from tessera.sdk import Manifest, ManifestError

_KERNEL_PACKAGE = "tessera.core"


def load_manifest(package_dir: Path) -> Manifest:
    """The package's validated manifest, or an :class:`InputError` listing every problem."""
    try:
        return Manifest.load(package_dir)
    except ManifestError as err:
        raise InputError(f"{err}\nFix plugin.json and try again; nothing was installed.") from err


def check_sdk(manifest: Manifest) -> None:
    running = tessera.sdk.__version__
    if not manifest.sdk_range.contains(Version(running), prereleases=True):
        raise InputError(
            f"Plugin {_label(manifest)} needs tessera-sdk {manifest.sdk}, but this kernel runs "
            f"tessera-sdk {running}: install a version of the plugin built for SDK {running}"
        )


def check_requirements(manifest: Manifest, requirements: Iterable[str]) -> None:
    problems = [p for r in requirements if (p := _requirement_problem(r))]
    if problems:
        raise InputError(
            f"Plugin {_label(manifest)} needs libraries this kernel does not have in a version it accepts:\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\nLibraries are shared by every plugin version: relax the plugin's requirements, "
            "or install the library into the kernel's environment first."
        )


def check_imports(manifest: Manifest, package_dir: Path) -> None:
    problems = [p for path in sorted(package_dir.rglob("*.py")) for p in _import_problems(path, package_dir)]
    if problems:
        shown = "\n".join(f"  {p}" for p in problems)
        raise InputError(
            f"Plugin {_label(manifest)} cannot be installed:\n{shown}\n"
            f"Import the package's own modules relatively (from .module import name), so that "
            f"several versions of it can be loaded side by side; reach the kernel only through tessera.sdk."
        )


def _requirement_problem(text: str) -> str | None:
    try:
        requirement = Requirement(text)
    except InvalidRequirement as err:
        return f"{text!r} is not a valid requirement: {err}"
    if requirement.marker is not None and not requirement.marker.evaluate():
        return None
    try:
        installed = version(requirement.name)
    except PackageNotFoundError:
        return f"needs {requirement}, which is not installed"
    if not requirement.specifier.contains(installed, prereleases=True):
        return f"needs {requirement}, {requirement.name} {installed} is installed"
    return None


def _import_problems(path: Path, package_dir: Path) -> Iterator[str]:
    shown = path.relative_to(package_dir.parent).as_posix()
    try:
        tree = ast.parse(path.read_bytes(), filename=shown)
    except SyntaxError as err:
        yield f"{shown}:{err.lineno}: syntax error: {err.msg}"
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for module in _absolute_imports(node):
            if _is_within(module, package_dir.name):
                yield f"{shown}:{node.lineno}: imports its own package absolutely ({module})"
            elif _is_within(module, _KERNEL_PACKAGE):
                yield f"{shown}:{node.lineno}: imports the kernel ({module}); plugins may import only tessera.sdk"


def _absolute_imports(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    return [node.module] if node.level == 0 and node.module else []


def _is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _label(manifest: Manifest) -> str:
    return f"{manifest.name} {manifest.version}"

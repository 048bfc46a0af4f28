"""Where an install finds a plugin's package and the libraries it needs.

A source is one of:

- a package folder, the one holding ``plugin.json`` and ``__init__.py``;
- a project folder holding ``src/<package>/plugin.json`` or ``<package>/plugin.json``,
  whose ``pyproject.toml`` lists the libraries in ``[project].dependencies``;
- a wheel (``.whl``), whose ``*.dist-info/METADATA`` lists them as ``Requires-Dist``;
- a zip (``.zip``) of any of the folders above.

Archives are unpacked into a work folder first; nothing is imported.
"""

from __future__ import annotations

import tomllib
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Final

from tessera.core.errors import InputError
from tessera.sdk import MANIFEST_FILE

MAX_UNPACKED_BYTES: Final = 100 * 1024 * 1024
_ARCHIVES: Final = (".whl", ".zip")


@dataclass(frozen=True)
class PluginSource:
    """A plugin package on disk, ready to check.

    :param package_dir: the folder holding ``plugin.json`` and ``__init__.py``.
    :param requirements: PEP 508 requirements on third-party libraries.
    """

    package_dir: Path
    requirements: tuple[str, ...]

    @property
    def package(self) -> str:
        """The package's import name, e.g. ``tessera_hello``."""
        return self.package_dir.name


def open_source(source: Path, *, workdir: Path) -> PluginSource:
    """Find the plugin package in ``source``, unpacking an archive under ``workdir``."""
    if source.is_dir():
        return _from_folder(source)
    if not source.is_file():
        raise InputError(f"{source} does not exist: give a plugin folder, a wheel (.whl) or a zip")
    if source.suffix not in _ARCHIVES:
        raise InputError(f"{source} is neither a folder, a wheel (.whl) nor a zip of a plugin folder")
    unpacked = _unpack(source, workdir / "source")
    metadata = sorted(unpacked.glob("*.dist-info/METADATA"))
    if metadata:
        return PluginSource(_package_dir(unpacked, source), _wheel_requirements(metadata[0]))
    return _from_folder(unpacked, shown_as=source)


def _from_folder(folder: Path, *, shown_as: Path | None = None) -> PluginSource:
    """A folder given on the command line may be the package inside a project: look
    up to two levels above it for ``pyproject.toml``; inside an archive, never above it."""
    package_dir = _package_dir(folder, shown_as or folder)
    places = [
        p for p in (package_dir, *package_dir.parents[:2]) if shown_as is None or p.is_relative_to(folder)
    ]
    project = next((p for p in places if (p / "pyproject.toml").is_file()), None)
    requirements = _project_requirements(project / "pyproject.toml") if project else ()
    return PluginSource(package_dir, requirements)


def _package_dir(folder: Path, shown_as: Path) -> Path:
    if (folder / MANIFEST_FILE).is_file():
        return _with_init(folder, shown_as)
    found = sorted(
        {m.parent for m in (*folder.glob(f"*/{MANIFEST_FILE}"), *folder.glob(f"src/*/{MANIFEST_FILE}"))}
    )
    if len(found) == 1:
        return _with_init(found[0], shown_as)
    if not found:
        raise InputError(
            f"{shown_as} holds no plugin package: expected {MANIFEST_FILE} in it, "
            f"in <package>/ or in src/<package>/ beside the package's __init__.py"
        )
    names = ", ".join(str(p.relative_to(folder)) for p in found)
    raise InputError(f"{shown_as} holds several plugin packages ({names}); install them one at a time")


def _with_init(package_dir: Path, shown_as: Path) -> Path:
    if not (package_dir / "__init__.py").is_file():
        raise InputError(
            f"{shown_as}: the plugin package {package_dir.name} has {MANIFEST_FILE} but no __init__.py; "
            "a plugin is a Python package with both side by side"
        )
    return package_dir


def _project_requirements(pyproject: Path) -> tuple[str, ...]:
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{pyproject} is not valid TOML: {err}") from err
    project = document.get("project", {})
    dependencies = project.get("dependencies", []) if isinstance(project, dict) else None
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise InputError(f"{pyproject}: [project].dependencies must be a list of requirement strings")
    return tuple(dependencies)


def _wheel_requirements(metadata: Path) -> tuple[str, ...]:
    try:
        text = metadata.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"the wheel's {metadata.parent.name}/METADATA is not UTF-8 text: {err}") from err
    message = Parser().parsestr(text, headersonly=True)
    return tuple(message.get_all("Requires-Dist") or ())


def _unpack(archive: Path, target: Path) -> Path:
    try:
        with zipfile.ZipFile(archive) as opened:
            size = sum(info.file_size for info in opened.infolist())
            if size > MAX_UNPACKED_BYTES:
                raise InputError(
                    f"{archive.name} unpacks to {size} bytes, more than the {MAX_UNPACKED_BYTES} a plugin may have"
                )
            opened.extractall(target)
    except zipfile.BadZipFile as err:
        raise InputError(f"{archive.name} is not a valid zip archive: {err}") from err
    return target

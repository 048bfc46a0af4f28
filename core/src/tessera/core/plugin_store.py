"""Plugin package files: zipped into the database on install, unpacked on demand.

An installed version's package is stored as a zip of its package folder (the
folder holding ``plugin.json`` and ``__init__.py``), keyed by its SHA-256, so
any worker on any host can load it. Workers unpack into a cache folder named by
the hash; a bundled plugin loads from its installed distribution instead.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from importlib.util import find_spec
from pathlib import Path

from sqlmodel import Session

from tessera.core.errors import NotFoundError
from tessera.core.models import PluginArtifact, PluginVersion

_SKIPPED = {"__pycache__"}


def zip_package(package_dir: Path) -> bytes:
    """The package folder's files as a zip, in a stable order, without caches."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(package_dir.rglob("*")):
            relative = path.relative_to(package_dir)
            if path.is_file() and not _SKIPPED & set(relative.parts) and path.suffix != ".pyc":
                info = zipfile.ZipInfo(relative.as_posix(), date_time=(1980, 1, 1, 0, 0, 0))
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def store_artifact(*, session: Session, package: str, content: bytes) -> PluginArtifact:
    """Store zipped package files once per content hash and return the row."""
    sha256 = hashlib.sha256(content).hexdigest()
    artifact = session.get(PluginArtifact, sha256)
    if artifact is None:
        artifact = PluginArtifact(sha256=sha256, package=package, content=content)
        session.add(artifact)
    return artifact


def package_dir(*, session: Session, version: PluginVersion, cache_root: Path) -> Path:
    """A folder holding the version's package files, ready to import."""
    if version.artifact is None:
        return bundled_package_dir(version.package)
    target = cache_root / version.artifact / version.package
    if not target.is_dir():
        artifact = session.get(PluginArtifact, version.artifact)
        if artifact is None:
            raise NotFoundError(
                f"The files of plugin {version.name} {version.version} are missing from the database"
            )
        _unpack(artifact.content, target)
    return target


def bundled_package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise NotFoundError(f"Package {package!r} is not installed, or is not a package")
    return Path(next(iter(spec.submodule_search_locations)))


def _unpack(content: bytes, target: Path) -> None:
    """Unpack beside the target, then rename: a concurrent worker never sees half a package."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpacking-"))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            archive.extractall(staging)
        try:
            os.rename(staging, target)
        except OSError:
            if not target.is_dir():  # another worker did not win the race either
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)

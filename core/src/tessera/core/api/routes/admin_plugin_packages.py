"""``/api/admin/plugins``: install, uninstall and purge plugin versions (admins only).

Install takes the package as the request body (``application/octet-stream``):
a wheel with ``?filename=hello-1.0.0-py3-none-any.whl``, or a zip of the plugin
folder with ``?filename=hello.zip``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from pydantic import BaseModel, Field

from tessera.core.api.deps import AdminCaller, SessionDep
from tessera.core.errors import InputError
from tessera.core.models import PluginVersion
from tessera.core.plugin_install import install_plugin
from tessera.core.plugin_removal import purge_plugin, uninstall_plugin
from tessera.core.plugin_sources import MAX_UNPACKED_BYTES
from tessera.core.settings import Settings

router = APIRouter(prefix="/admin/plugins", tags=["admin: plugin packages"])

_UPLOAD_SUFFIXES = (".whl", ".zip")


class PluginVersionPublic(BaseModel):
    name: str
    version: str
    state: str
    reason: str | None
    package: str
    artifact: str | None = Field(description="SHA-256 of the stored package; null for a bundled plugin")
    manifest: dict[str, Any]


class PurgePublic(BaseModel):
    plugin: str
    tables: list[str] = Field(description="the plugin's tables that were dropped")


async def _upload(request: Request) -> bytes:
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_UNPACKED_BYTES:
        raise InputError(
            f"The package is {declared} bytes, more than the {MAX_UNPACKED_BYTES} a plugin may have"
        )
    body = await request.body()
    if not body:
        raise InputError("The request body is empty: send the wheel or zip as application/octet-stream")
    if len(body) > MAX_UNPACKED_BYTES:
        raise InputError(
            f"The package is {len(body)} bytes, more than the {MAX_UNPACKED_BYTES} a plugin may have"
        )
    return body


@router.post("/install", status_code=status.HTTP_201_CREATED)
def install(
    _admin: AdminCaller,
    session: SessionDep,
    content: Annotated[bytes, Depends(_upload)],
    filename: Annotated[str, Query(description="the file's name, ending in .whl or .zip")],
) -> PluginVersionPublic:
    suffix = Path(filename).suffix
    if suffix not in _UPLOAD_SUFFIXES:
        raise InputError(f"filename {filename!r} must end in .whl (a wheel) or .zip (a zipped plugin folder)")
    name = f"upload{suffix}"  # the client's name is not a safe file name on this host
    cache_root = Settings.from_env().plugin_cache_dir
    cache_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_root, prefix=".upload-") as folder:
        source = Path(folder) / name
        source.write_bytes(content)
        version = install_plugin(session=session, source=source, cache_root=cache_root)
    return _public(version)


@router.delete("/{name}/versions/{version}")
def uninstall(
    name: str, version: str, _admin: AdminCaller, session: SessionDep, force: bool = False
) -> PluginVersionPublic:
    return _public(uninstall_plugin(session=session, name=name, version=version, force=force))


@router.post("/{name}/purge")
def purge(name: str, _admin: AdminCaller, session: SessionDep) -> PurgePublic:
    result = purge_plugin(session=session, name=name)
    return PurgePublic(plugin=result.plugin, tables=result.tables)


def _public(version: PluginVersion) -> PluginVersionPublic:
    return PluginVersionPublic.model_validate(version, from_attributes=True)

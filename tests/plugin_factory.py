"""Write throwaway plugin packages to disk, as a plugin author would lay them out."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

DEFAULT_CODE = """
from fastapi import APIRouter
from tessera.sdk import ContextDep, hookimpl


@hookimpl
def tessera_register_routes() -> APIRouter:
    router = APIRouter()

    @router.get("/version")
    def version(ctx: ContextDep) -> dict[str, str]:
        return {"plugin": ctx.plugin, "version": ctx.version, "user": ctx.caller.user}

    return router
"""


def write_plugin(
    root: Path,
    *,
    name: str,
    version: str = "1.0.0",
    sdk: str = ">=0.2,<0.3",
    requires: dict[str, str] | None = None,
    permissions: dict[str, Any] | None = None,
    config_schema: dict[str, Any] | None = None,
    default_config: dict[str, Any] | None = None,
    code: str = DEFAULT_CODE,
    files: dict[str, str] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Write a plugin package under ``root`` and return its folder.

    ``code`` becomes ``__init__.py``; ``files`` maps further relative paths to
    their text (e.g. ``{"migrations/0001_notes.py": ...}``); ``manifest``, when
    given, is written as ``plugin.json`` instead of one built from the arguments.
    """
    package = (
        root / f"{name.replace('-', '_')}_{version.replace('.', '_')}" / f"tessera_{name.replace('-', '_')}"
    )
    package.mkdir(parents=True)
    document = manifest or {
        "name": name,
        "version": version,
        "description": f"Test plugin {name} {version}.",
        "sdk": sdk,
        "requires": requires or {},
        "permissions": permissions or {"read": ["users"], "write": [], "network": False},
        "config_schema": config_schema or {"type": "object"},
        "default_config": default_config or {},
    }
    (package / "plugin.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    (package / "__init__.py").write_text(textwrap.dedent(code), encoding="utf-8")
    for relative, text in (files or {}).items():
        path = package / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return package

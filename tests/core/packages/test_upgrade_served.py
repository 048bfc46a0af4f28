"""In a running server: an admin installs a plugin with a table, its route writes rows
through ``ctx.storage``; the upgrade that brings a migration keeps them, and a failed
upgrade leaves the old version serving its data."""

from __future__ import annotations

import pytest

from tests.core.packages.builders import build_wheel, plugin_state
from tests.core.packages.journal import V1, V2
from tests.factories import add_org, auth, token_for
from tests.plugin_factory import write_plugin

OCTETS = {"Content-Type": "application/octet-stream"}

CODE = """
from fastapi import APIRouter
from sqlalchemy import insert, select
from tessera.sdk import ContextDep, hookimpl


@hookimpl
def tessera_register_routes() -> APIRouter:
    router = APIRouter()

    @router.post("/notes")
    def add_note(ctx: ContextDep, text: str) -> dict[str, str]:
        ctx.storage.execute(insert(ctx.storage.table("notes")).values(text=text))
        return {"added": text}

    @router.get("/notes")
    def read_notes(ctx: ContextDep) -> dict[str, object]:
        notes = ctx.storage.table("notes")
        columns = sorted(notes.c.keys())
        texts = ctx.storage.execute(select(notes.c.text).order_by(notes.c.id)).scalars().all()
        return {"version": ctx.version, "columns": columns, "notes": list(texts)}

    return router
"""


BREAK = """
def upgrade(op):
    op.execute("DELETE FROM plugin_journal__notes")
    raise ValueError("bad data")
"""


@pytest.fixture
def admin(engine):
    add_org(engine)
    return auth(token_for(engine, "admin"))


def _install(api, admin, tmp_path, version, files):
    package = write_plugin(tmp_path / version, name="journal", version=version, code=CODE, files=files)
    wheel = build_wheel(package, tmp_path / version, version=version)
    params = {"filename": wheel.name}
    return api.post(
        "/api/admin/plugins/install", params=params, content=wheel.read_bytes(), headers=admin | OCTETS
    )


def _serve(api, admin, version):
    body = {"splits": [{"version": version, "percent": 100}]}
    response = api.put("/api/admin/plugins/journal/releases/all", json=body, headers=admin)
    assert response.status_code == 200, response.text


def test_upgrade_keeps_rows_and_a_failed_upgrade_keeps_the_old_version_serving(
    api, engine, admin, tmp_path, data_dir
):
    rep = auth(token_for(engine, "ann"))
    assert _install(api, admin, tmp_path, "1.0.0", V1).status_code == 201
    _serve(api, admin, "1.0.0")
    assert (
        api.post("/api/plugins/journal/notes", params={"text": "call Acme"}, headers=rep).status_code == 200
    )
    assert api.get("/api/plugins/journal/notes", headers=rep).json() == {
        "version": "1.0.0",
        "columns": ["id", "text"],
        "notes": ["call Acme"],
    }

    assert _install(api, admin, tmp_path, "2.0.0", V2).status_code == 201
    _serve(api, admin, "2.0.0")
    upgraded = {"version": "2.0.0", "columns": ["author", "id", "text"], "notes": ["call Acme"]}
    assert api.get("/api/plugins/journal/notes", headers=rep).json() == upgraded

    before = plugin_state(engine)
    failed = _install(api, admin, tmp_path, "3.0.0", V2 | {"migrations/0003_break.py": BREAK})
    assert failed.status_code == 422
    assert "journal 3.0.0: migration 0003_break.py failed: ValueError: bad data" in failed.json()["detail"]
    assert plugin_state(engine) == before
    assert api.get("/api/plugins/journal/notes", headers=rep).json() == upgraded
    states = {v["version"]: v["state"] for v in _versions(api, admin)}
    assert states == {"1.0.0": "enabled", "2.0.0": "enabled"}

    assert api.delete("/api/admin/plugins/journal/versions/1.0.0", headers=admin).status_code == 200
    assert plugin_state(engine).versions[("journal", "1.0.0")] == "removed"
    assert api.get("/api/plugins/journal/notes", headers=rep).json() == upgraded


def _versions(api, admin):
    plugins = {p["name"]: p for p in api.get("/api/admin/plugins", headers=admin).json()}
    return plugins["journal"]["versions"]

"""Many clients writing at once, through core routes and a plugin's storage, all succeed
(on SQLite the writers wait their turn instead of failing with "database is locked")."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

NOTES_TABLE = """
import sqlalchemy as sa
from tessera.sdk import plugin_table_name


def upgrade(op):
    op.create_table(
        plugin_table_name("tally", "notes"),
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seen", sa.Integer, nullable=False),
    )
"""

NOTES_ROUTES = """
from fastapi import APIRouter
from sqlalchemy import func, insert, select
from tessera.sdk import ContextDep, hookimpl


@hookimpl
def tessera_register_routes():
    router = APIRouter()

    @router.post("/notes")
    def add_note(ctx: ContextDep) -> dict[str, int]:
        notes = ctx.storage.table("notes")
        seen = ctx.storage.execute(select(func.count()).select_from(notes)).scalar_one()
        ctx.storage.execute(insert(notes).values(seen=seen))
        return {"seen": seen}

    @router.get("/notes")
    def count_notes(ctx: ContextDep) -> dict[str, int]:
        notes = ctx.storage.table("notes")
        return {"notes": ctx.storage.execute(select(func.count()).select_from(notes)).scalar_one()}

    return router
"""

CLIENTS = 8
REQUESTS = 20


def test_concurrent_core_and_plugin_writes_all_succeed(runtime):
    runtime.add("tally", code=NOTES_ROUTES, files={"migrations/0001_notes.py": NOTES_TABLE})
    headers = runtime.headers("ann")
    created = runtime.client.post("/api/accounts", json={"key": "Zeta", "name": "Zeta"}, headers=headers)
    assert created.status_code == 201, created.text

    def write(client_number: int) -> list[int]:
        statuses = []
        with httpx.Client(base_url=runtime.client.base_url, headers=headers, timeout=60) as client:
            for number in range(REQUESTS):
                if number % 2:
                    answer = client.post("/api/plugins/tally/notes")
                else:
                    answer = client.patch("/api/accounts/Zeta", json={"sector": f"s{client_number}-{number}"})
                statuses.append(answer.status_code)
        return statuses

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = [status for client in pool.map(write, range(CLIENTS)) for status in client]
    assert statuses.count(200) == CLIENTS * REQUESTS, sorted(set(statuses))
    assert runtime.get("/api/plugins/tally/notes").json() == {"notes": CLIENTS * REQUESTS // 2}
    assert runtime.failures("tally") == {}

"""A plugin never takes the kernel down: failing, hanging and overreaching plugins."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.core.runtime.conftest import hook_code

FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        record = context.data.account(account)
        return {"sector": record["sector"], "served_by": context.version, "user": context.caller.user}
    """
)

RAISING_FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        raise KeyError("health score")
    """
)

HANGING_FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        time.sleep(3)
        return {"late": True}
    """,
    imports="import time",
)

HANGING_ASYNC_FACETS = hook_code(
    """
    async def tessera_account_facets(account, context):
        await asyncio.sleep(30)
        return {"late": True}
    """,
    imports="import asyncio",
)

RECORDS_EVENTS = """
import json
from pathlib import Path

from tessera.sdk import hookimpl


@hookimpl
def tessera_after_record_changed(event, context):
    seen = context.data.account(event.key) if event.entity == "accounts" else None
    line = {
        "version": context.version,
        "user": context.caller.user,
        "entity": event.entity,
        "key": event.key,
        "action": event.action,
        "changes": dict(event.changes),
        "seen": seen,
    }
    with Path(context.config["journal"]).open("a", encoding="utf-8") as journal:
        journal.write(json.dumps(line) + "\\n")
"""

RAISING_EVENTS = hook_code(
    """
    def tessera_after_record_changed(event, context):
        raise RuntimeError("webhook down")
    """
)

ROUTES = """
from fastapi import APIRouter
from tessera.sdk import ContextDep, hookimpl


@hookimpl
def tessera_register_routes():
    router = APIRouter()

    @router.get("/crash")
    def crash(ctx: ContextDep) -> dict[str, str]:
        raise ZeroDivisionError("division by zero")

    @router.get("/account")
    def account(ctx: ContextDep) -> dict[str, str]:
        return dict(ctx.data.account("Acme Corporation") or {})

    @router.get("/reps")
    def reps(ctx: ContextDep) -> list[str]:
        return [rep["key"] for rep in ctx.data.visible_reps()]

    return router
"""

READS_ACCOUNTS = {"read": ["accounts"], "write": [], "network": False}
PROFILE = "/api/accounts/Acme Corporation/profile"


@pytest.fixture
def hook_timeout() -> float:
    return 0.5


def test_hook_tessera_account_facets_adds_each_plugins_facets_to_the_profile(runtime):
    runtime.add("health", code=FACETS, permissions=READS_ACCOUNTS)
    profile = runtime.get(PROFILE, "ann")
    assert profile.status_code == 200, profile.text
    body = profile.json()
    assert (body["key"], body["name"], body["sector"]) == (
        "Acme Corporation",
        "Acme Corporation",
        "technolgy",
    )
    assert body["facets"] == {"health": {"sector": "technolgy", "served_by": "1.0.0", "user": "ann"}}
    assert runtime.get("/api/accounts/Nobody/profile").status_code == 404


def test_a_facet_hook_that_raises_is_left_out_logged_with_the_request_id_and_counted(runtime, caplog):
    runtime.add("health", code=FACETS, permissions=READS_ACCOUNTS)
    runtime.add("flaky", code=RAISING_FACETS)
    with caplog.at_level(logging.ERROR, logger="tessera.core.hook_calls"):
        profile = runtime.get(PROFILE, "ann", **{"X-Request-ID": "req-42"})
    assert profile.status_code == 200
    assert profile.headers["X-Request-ID"] == "req-42"
    assert list(profile.json()["facets"]) == ["health"]
    assert runtime.failures("flaky") == {"tessera_account_facets": 1}
    assert runtime.failures("health") == {}
    [record] = [r for r in caplog.records if "flaky" in r.getMessage()]
    assert record.getMessage() == (
        "plugin flaky 1.0.0: hook tessera_account_facets raised KeyError: 'health score' (request req-42)"
    )
    assert runtime.get("/api/accounts", "ann").status_code == 200


@pytest.mark.parametrize("code", [HANGING_FACETS, HANGING_ASYNC_FACETS], ids=["sync", "async"])
def test_a_facet_hook_that_hangs_is_cut_off_after_the_time_limit(runtime, code):
    runtime.add("health", code=FACETS, permissions=READS_ACCOUNTS)
    runtime.add("stuck", code=code)
    assert runtime.get("/api/me").status_code == 200  # load both first
    started = time.monotonic()
    profile = runtime.get(PROFILE)
    elapsed = time.monotonic() - started
    assert profile.status_code == 200
    assert list(profile.json()["facets"]) == ["health"]
    assert 0.5 <= elapsed < 2.0
    assert runtime.failures("stuck") == {"tessera_account_facets": 1}


def test_hook_tessera_after_record_changed_sees_each_committed_change_once(runtime, tmp_path):
    journal = tmp_path / "events.log"
    runtime.add(
        "audit", code=RECORDS_EVENTS, permissions=READS_ACCOUNTS, default_config={"journal": str(journal)}
    )
    runtime.add("webhook", code=RAISING_EVENTS)
    headers = runtime.headers("ann")
    created = runtime.client.post("/api/accounts", json={"key": "Zeta", "name": "Zeta"}, headers=headers)
    assert created.status_code == 201, created.text
    updated = runtime.client.patch("/api/accounts/Zeta", json={"sector": "retail"}, headers=headers)
    assert updated.status_code == 200
    refused = runtime.client.post("/api/accounts", json={"key": "Zeta", "name": "Again"}, headers=headers)
    assert refused.status_code == 409

    events = [json.loads(line) for line in journal.read_text(encoding="utf-8").splitlines()]
    assert [(e["action"], e["entity"], e["key"], e["user"], e["version"]) for e in events] == [
        ("created", "accounts", "Zeta", "ann", "1.0.0"),
        ("updated", "accounts", "Zeta", "ann", "1.0.0"),
    ]
    assert events[0]["changes"]["name"] == "Zeta" and "key" not in events[0]["changes"]
    assert events[1]["changes"] == {"sector": "retail"}
    # the hook runs after the commit: it reads the change in a session of its own
    assert (events[0]["seen"]["name"], events[1]["seen"]["sector"]) == ("Zeta", "retail")
    assert runtime.failures("webhook") == {"tessera_after_record_changed": 2}


def test_an_exception_in_a_plugin_route_is_a_500_problem_naming_the_plugin_and_nothing_else_fails(runtime):
    runtime.add("shaky", code=ROUTES, permissions={"read": ["users", "accounts"]})
    crash = runtime.get("/api/plugins/shaky/crash", **{"X-Request-ID": "req-7"})
    assert crash.status_code == 500
    assert crash.headers["content-type"] == "application/problem+json"
    assert crash.json() == {
        "type": "about:blank",
        "title": "Plugin error",
        "status": 500,
        "detail": "Plugin 'shaky' 1.0.0 failed to answer GET /api/plugins/shaky/crash (ZeroDivisionError); "
        "other routes are not affected. Request id: req-7",
        "plugin": "shaky",
        "version": "1.0.0",
    }
    assert runtime.get("/api/plugins/shaky/reps").json() == ["ann"]
    assert runtime.get("/api/me").status_code == 200
    assert runtime.failures("shaky") == {"routes": 1}


def test_a_plugin_reading_an_entity_it_did_not_declare_gets_403_naming_plugin_and_permission(runtime):
    runtime.add("snoop", code=ROUTES, permissions={"read": ["users"]})
    runtime.add("peek", code=FACETS, permissions={"read": ["users"]})
    refused = runtime.get("/api/plugins/snoop/account")
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    body = refused.json()
    assert (body["plugin"], body["permission"]) == ("snoop", "read:accounts")
    assert body["detail"] == (
        "plugin 'snoop' lacks the permission 'read:accounts'; declare it under \"permissions\" in its plugin.json"
    )
    assert runtime.get("/api/plugins/snoop/reps").json() == ["ann"]  # what it declared still works

    profile = runtime.get(PROFILE)
    assert profile.status_code == 200 and profile.json()["facets"] == {}
    assert runtime.failures("peek") == {"tessera_account_facets": 1}
    assert runtime.get("/api/accounts").status_code == 200

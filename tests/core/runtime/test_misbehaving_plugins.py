"""Plugins that hang on import, exit, hog the hook threads or fail in the database
never hold up or break the kernel, and each failure is charged to its own version."""

from __future__ import annotations

import time

import pytest

from tests.core.runtime.conftest import eventually, hook_code

HANGS_ON_IMPORT = "import time\n\ntime.sleep(6)\n"
EXITS_ON_IMPORT = "raise SystemExit(3)\n"

FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        return {"ok": True}
    """
)

HANGING_FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        time.sleep(6)
    """,
    imports="import time",
)

EXITING_FACETS = hook_code(
    """
    def tessera_account_facets(account, context):
        raise SystemExit(4)
    """
)

EXITING_EVENTS = hook_code(
    """
    def tessera_after_record_changed(event, context):
        raise SystemExit(5)
    """
)

STARTS = hook_code(
    """
    def tessera_plugin_loaded(plugin):
        return None
    """
)

FAILING_ROUTES = """
import sqlalchemy.exc
from fastapi import APIRouter
from tessera.sdk import hookimpl


@hookimpl
def tessera_register_routes():
    router = APIRouter()

    @router.get("/exit")
    def leave() -> None:
        raise SystemExit(6)

    @router.get("/locked")
    def locked() -> None:
        raise sqlalchemy.exc.OperationalError("UPDATE t", {}, Exception("database is locked"))

    return router
"""

PROFILE = "/api/accounts/Acme Corporation/profile"


@pytest.fixture
def hook_timeout() -> float:
    return 0.3


@pytest.fixture
def plugin_load_timeout() -> float:
    return 1.0


def _timed_get(runtime, path):
    started = time.monotonic()
    response = runtime.get(path)
    return response, time.monotonic() - started


def test_a_plugin_hanging_on_import_is_marked_failed_while_requests_go_on(runtime):
    runtime.add("hello")
    assert runtime.get("/api/plugins/hello/version").status_code == 200
    runtime.add("sleepy", code=HANGS_ON_IMPORT)
    for path in ["/api/me", "/api/plugins/hello/version", "/api/me"]:
        response, elapsed = _timed_get(runtime, path)
        assert response.status_code == 200 and elapsed < 1.5, (path, elapsed)
    eventually(lambda: runtime.state("sleepy")[0] == "failed", within=5)
    reason = runtime.state("sleepy")[1]
    assert reason is not None and "did not finish within 1 s (TESSERA_PLUGIN_LOAD_TIMEOUT)" in reason
    assert runtime.get("/api/plugins/hello/version").json()["plugin"] == "hello"


def test_a_plugin_exiting_on_import_is_marked_failed_and_the_kernel_answers(runtime):
    runtime.add("quitter", code=EXITS_ON_IMPORT)
    me = runtime.get("/api/me")
    assert me.status_code == 200, me.text
    assert runtime.state("quitter") == (
        "failed",
        "plugin quitter 1.0.0 cannot be loaded: importing it raised SystemExit: 3",
    )


def test_hooks_raising_system_exit_are_left_out_and_counted(runtime):
    runtime.add("healthy", code=FACETS)
    runtime.add("quitter", code=EXITING_FACETS)
    runtime.add("leaver", code=EXITING_EVENTS)
    profile = runtime.get(PROFILE)
    assert profile.status_code == 200, profile.text
    assert profile.json()["facets"] == {"healthy": {"ok": True}}
    headers = runtime.headers("ann")
    created = runtime.client.post("/api/accounts", json={"key": "Zeta", "name": "Zeta"}, headers=headers)
    updated = runtime.client.patch("/api/accounts/Zeta", json={"sector": "retail"}, headers=headers)
    assert (created.status_code, updated.status_code) == (201, 200), updated.text
    assert runtime.get("/api/accounts/Zeta/profile").json()["sector"] == "retail"
    assert runtime.failures("quitter") == {"tessera_account_facets": 2}  # both profiles
    assert runtime.failures("leaver") == {"tessera_after_record_changed": 2}


def test_system_exit_and_database_errors_in_plugin_routes_are_500_problems_naming_the_version(runtime):
    runtime.add("shaky", code=FAILING_ROUTES)
    for path, error in [("exit", "SystemExit"), ("locked", "OperationalError")]:
        answer = runtime.get(f"/api/plugins/shaky/{path}")
        assert answer.status_code == 500
        assert answer.headers["content-type"] == "application/problem+json"
        assert (answer.json()["plugin"], answer.json()["version"]) == ("shaky", "1.0.0")
        assert (
            f"Plugin 'shaky' 1.0.0 failed to answer GET /api/plugins/shaky/{path} ({error})"
            in (answer.json()["detail"])
        )
    assert runtime.get("/api/me").status_code == 200
    assert runtime.failures("shaky") == {"routes": 2}


def test_a_hanging_hook_is_skipped_as_busy_and_never_starves_other_plugins(runtime):
    runtime.add("healthy", code=FACETS)
    runtime.add("stuck", code=HANGING_FACETS)
    for _ in range(20):
        profile = runtime.get(PROFILE)
        assert profile.json()["facets"] == {"healthy": {"ok": True}}
    assert runtime.failures("stuck") == {"busy": 17, "tessera_account_facets": 3}
    assert runtime.failures("healthy") == {}
    runtime.add("starter", code=STARTS)
    assert runtime.get("/api/me").status_code == 200
    assert runtime.state("starter") == ("enabled", None)

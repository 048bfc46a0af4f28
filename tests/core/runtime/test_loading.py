"""Loading plugin versions into a running server: lifecycle hooks, and versions that fail to load."""

from __future__ import annotations

import threading

import httpx

from tests.core.runtime.conftest import eventually, hook_code, serving
from tests.factories import add_org

JOURNAL_CODE = """
import time
from pathlib import Path

from fastapi import APIRouter
from tessera.sdk import ContextDep, hookimpl


def note(plugin, event):
    with Path(plugin.config["journal"]).open("a", encoding="utf-8") as journal:
        journal.write(f"{event} {plugin.name} {plugin.version}\\n")


@hookimpl
def tessera_plugin_loaded(plugin):
    note(plugin, "loaded")


@hookimpl
def tessera_plugin_unloaded(plugin):
    note(plugin, "unloaded")


@hookimpl
def tessera_register_routes():
    router = APIRouter()

    @router.get("/slow")
    def slow(ctx: ContextDep) -> dict[str, str]:
        with Path(ctx.config["journal"]).open("a", encoding="utf-8") as journal:
            journal.write(f"serving slowly {ctx.version}\\n")
        time.sleep(1.5)
        return {"version": ctx.version}

    return router
"""

RAISES_ON_IMPORT = """
raise RuntimeError("no driver for the sentiment service")
"""


def journal_of(runtime, tmp_path, name="journal", version="1.0.0"):
    journal = tmp_path / f"{name}-{version}.log"
    runtime.install(name, version, code=JOURNAL_CODE, default_config={"journal": str(journal)})
    return journal


def lines(path):
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def test_hook_tessera_plugin_loaded_runs_once_before_the_version_serves(runtime, tmp_path):
    journal = journal_of(runtime, tmp_path)
    assert runtime.get("/api/me").status_code == 200
    assert lines(journal) == []  # installed is not loaded

    runtime.enable("journal", "1.0.0")
    for _ in range(3):
        assert runtime.get("/api/me").json()["plugins"] == [{"name": "journal", "version": "1.0.0"}]
    assert lines(journal) == ["loaded journal 1.0.0"]


def test_hook_tessera_plugin_unloaded_waits_for_the_last_request_on_the_version(runtime, tmp_path):
    journal = journal_of(runtime, tmp_path)
    runtime.enable("journal", "1.0.0")
    assert runtime.get("/api/me").status_code == 200
    slow: dict[str, httpx.Response] = {}
    in_flight = threading.Thread(target=lambda: slow.update(answer=runtime.get("/api/plugins/journal/slow")))
    in_flight.start()
    eventually(lambda: "serving slowly 1.0.0" in lines(journal))

    disabled = runtime.client.post(
        "/api/admin/plugins/journal/versions/1.0.0/disable", headers=runtime.headers("admin")
    )
    assert disabled.status_code == 200, disabled.text
    assert runtime.get("/api/me").json()["plugins"] == []  # new requests run on the new set
    assert "unloaded journal 1.0.0" not in lines(journal)  # the slow request still runs on it

    in_flight.join(timeout=10)
    assert slow["answer"].status_code == 200 and slow["answer"].json() == {"version": "1.0.0"}
    eventually(lambda: lines(journal)[-1] == "unloaded journal 1.0.0")
    assert lines(journal) == ["loaded journal 1.0.0", "serving slowly 1.0.0", "unloaded journal 1.0.0"]


def test_a_stopping_worker_unloads_every_version(engine, settings, tmp_path):
    add_org(engine)
    with serving(engine, settings, tmp_path / "sources") as runtime:
        journal = journal_of(runtime, tmp_path)
        runtime.enable("journal", "1.0.0")
        assert runtime.get("/api/me").status_code == 200
        assert lines(journal) == ["loaded journal 1.0.0"]
    assert lines(journal) == ["loaded journal 1.0.0", "unloaded journal 1.0.0"]


def test_a_version_that_raises_on_import_is_failed_with_the_reason_and_the_others_load(runtime):
    runtime.add("broken", code=RAISES_ON_IMPORT)
    runtime.add("fine")

    me = runtime.get("/api/me")
    assert me.status_code == 200
    assert me.json()["plugins"] == [{"name": "fine", "version": "1.0.0"}]
    state, reason = runtime.state("broken")
    assert state == "failed"
    assert reason == (
        "plugin broken 1.0.0 cannot be loaded: "
        "importing it raised RuntimeError: no driver for the sentiment service"
    )
    assert runtime.get("/api/plugins/fine/version").json()["version"] == "1.0.0"
    assert runtime.get("/api/plugins/broken/version").status_code == 404
    assert runtime.get("/api/accounts").status_code == 200
    listed = runtime.client.get("/api/admin/plugins", headers=runtime.headers("admin")).json()
    broken = next(p for p in listed if p["name"] == "broken")
    assert broken["versions"] == [{"version": "1.0.0", "state": "failed", "reason": reason, "failures": {}}]


def test_a_hook_whose_signature_does_not_match_its_spec_fails_the_version_naming_hook_and_fix(runtime):
    runtime.add(
        "mismatch",
        code=hook_code(
            """
            def tessera_account_facets(account, context, customer):
                return {"customer": customer}
            """
        ),
    )
    runtime.add(
        "typo",
        code=hook_code(
            """
            def tessera_account_facet(account, context):
                return {}
            """
        ),
    )
    assert runtime.get("/api/me").json()["plugins"] == []
    assert runtime.state("mismatch") == (
        "failed",
        "plugin mismatch 1.0.0 cannot be loaded: hook tessera_account_facets takes customer, which its "
        "specification does not offer; take only (account, context) or some of them",
    )
    state, reason = runtime.state("typo")
    assert state == "failed"
    assert "tessera_account_facet is not a hook; rename it to one of tessera_account_facets," in reason


def test_a_version_whose_loaded_hook_raises_is_failed_and_not_served(runtime):
    runtime.add(
        "nostart",
        code=hook_code(
            """
            def tessera_plugin_loaded(plugin):
                raise ConnectionError("cache server refused")
            """
        ),
    )
    assert runtime.get("/api/me").json()["plugins"] == []
    assert runtime.state("nostart") == (
        "failed",
        "plugin nostart 1.0.0 cannot be loaded: "
        "tessera_plugin_loaded raised ConnectionError: cache server refused",
    )


def test_hook_tessera_register_routes_must_give_a_router_or_none(runtime):
    runtime.add(
        "stringy",
        code=hook_code(
            """
            def tessera_register_routes():
                return "/hello"
            """
        ),
    )
    runtime.add("quiet", code="from tessera.sdk import hookimpl\n")
    assert runtime.get("/api/me").json()["plugins"] == [{"name": "quiet", "version": "1.0.0"}]
    assert runtime.state("stringy")[1] == (
        "plugin stringy 1.0.0 cannot be loaded: tessera_register_routes returned str; "
        "return a fastapi.APIRouter, or None for no routes"
    )
    no_routes = runtime.get("/api/plugins/quiet/anything")
    assert (no_routes.status_code, no_routes.json()["detail"]) == (404, "Plugin 'quiet' 1.0.0 has no routes")


def test_a_version_whose_required_plugin_is_not_enabled_is_failed_naming_the_requirement(runtime):
    runtime.install("base")
    runtime.install("addon", requires={"base": ">=1.0"})
    runtime.enable("addon", "1.0.0")
    assert runtime.get("/api/me").json()["plugins"] == []
    assert runtime.state("addon") == (
        "failed",
        "plugin addon 1.0.0 cannot be loaded: it requires base>=1.0, and no enabled version satisfies "
        "that; enable one, then this version again",
    )

"""Loading plugins: manifests, default configurations and contributed routes."""

from __future__ import annotations

import pytest
from fastapi import APIRouter

from tessera.core.manager import PluginLoadError, PluginManager
from tessera.sdk import Manifest, hookimpl

SCHEMA = {"type": "object", "properties": {"greeting": {"type": "string"}}, "required": ["greeting"]}


class Hello:
    MANIFEST = Manifest(
        name="hello",
        version="1.0.0",
        description="Greets.",
        config_schema=SCHEMA,
        default_config={"greeting": "hi"},
    )

    @hookimpl
    def tessera_register_routes(self) -> APIRouter:
        router = APIRouter()

        @router.get("/greeting")
        def greeting() -> dict[str, str]:
            return {"greeting": "hi"}

        return router


class Broken:
    MANIFEST = Manifest(name="broken", version="0.1.0", description="Raises.")

    @hookimpl
    def tessera_register_routes(self) -> APIRouter:
        raise RuntimeError("boom")


class WrongReturn:
    MANIFEST = Manifest(name="wrong", version="0.1.0", description="Returns a string.")

    @hookimpl
    def tessera_register_routes(self) -> str:
        return "not a router"


def test_hook_tessera_register_routes_collects_each_plugins_router():
    manager = PluginManager()
    manager.register(Hello())
    routers = manager.routes()
    assert list(routers) == ["hello"]
    assert [getattr(route, "path", None) for route in routers["hello"].routes] == ["/greeting"]


def test_a_plugin_failing_in_register_routes_is_reported_and_the_others_load():
    manager = PluginManager()
    for plugin in (Hello(), Broken(), WrongReturn()):
        manager.register(plugin)
    assert list(manager.routes()) == ["hello"]
    assert manager.failures == {
        "broken": "tessera_register_routes raised",
        "wrong": "tessera_register_routes must return an APIRouter or None",
    }


def test_a_plugin_without_manifest_is_refused():
    with pytest.raises(PluginLoadError, match="has no MANIFEST"):
        PluginManager().register(object())


def test_a_default_config_breaking_its_own_schema_is_refused():
    class BadDefault:
        MANIFEST = Manifest(
            name="bad", version="1.0.0", description="", config_schema=SCHEMA, default_config={}
        )

    with pytest.raises(
        PluginLoadError, match=r"plugin 'bad' cannot be loaded: .*'greeting' is a required property"
    ):
        PluginManager().register(BadDefault())


def test_installed_plugins_load_from_entry_points(plugin_manager):
    assert "commission" in plugin_manager.manifests
    assert plugin_manager.failures == {}

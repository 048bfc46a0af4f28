"""Plugin dependencies are resolved against the installed versions; refusals name the chain."""

from __future__ import annotations

import pytest

from tessera.core.db import session_scope
from tessera.core.errors import InputError
from tessera.core.plugin_dependencies import DependencyCycleError, dependency_order, dependents_of
from tessera.sdk import Manifest
from tests.core.packages.builders import install, plugin_state, set_state
from tests.plugin_factory import write_plugin


def _install(engine, tmp_path, cache_root, name, version="1.0.0", requires=None):
    folder = tmp_path / f"{name}-{version}"
    return install(engine, write_plugin(folder, name=name, version=version, requires=requires), cache_root)


def _manifest(name, requires=None):
    return Manifest.from_dict(
        {"name": name, "version": "1.0", "description": "", "sdk": ">=0.2", "requires": requires or {}}
    )


def test_install_accepts_a_plugin_whose_dependencies_are_installed(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "base", "1.0.0")
    _install(engine, tmp_path, cache_root, "base", "2.0.0")
    installed = _install(engine, tmp_path, cache_root, "addon", requires={"base": ">=1.5"})
    assert (installed.name, installed.version, installed.state) == ("addon", "1.0.0", "installed")


def test_install_refuses_a_missing_dependency(engine, tmp_path, cache_root):
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        _install(engine, tmp_path, cache_root, "lonely", requires={"friend": ">=1"})
    assert "lonely 1.0.0 requires friend>=1, installed: none" in refused.value.detail
    assert plugin_state(engine) == before


def test_install_refuses_a_conflicting_dependency_naming_the_chain(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "a", "1.0.0")
    _install(engine, tmp_path, cache_root, "a", "2.0.0")
    _install(engine, tmp_path, cache_root, "b", requires={"a": ">=2"})
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        _install(engine, tmp_path, cache_root, "c", requires={"b": "", "a": "<2"})
    message = refused.value.detail
    assert "Plugin c 1.0.0 cannot be installed" in message
    assert "c 1.0.0 → b 1.0.0 requires a>=2, installed: a 1.0.0, a 2.0.0" in message
    assert "c 1.0.0 requires a<2, installed: a 1.0.0, a 2.0.0" in message
    assert plugin_state(engine) == before


def test_install_refuses_a_version_that_closes_a_dependency_cycle(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "a", "1.0.0")
    _install(engine, tmp_path, cache_root, "b", requires={"a": ""})
    before = plugin_state(engine)
    with pytest.raises(DependencyCycleError) as refused:
        _install(engine, tmp_path, cache_root, "a", "2.0.0", requires={"b": ""})
    assert "Plugin a 2.0.0 cannot be installed" in refused.value.detail
    assert "a → b → a" in refused.value.detail
    assert plugin_state(engine) == before


def test_install_does_not_count_removed_or_failed_versions_as_dependencies(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "gone")
    _install(engine, tmp_path, cache_root, "broken")
    set_state(engine, "gone", "1.0.0", "removed")
    set_state(engine, "broken", "1.0.0", "failed")
    with pytest.raises(InputError) as refused:
        _install(engine, tmp_path, cache_root, "needy", requires={"gone": "", "broken": ">=1"})
    assert "needy 1.0.0 requires gone (any version), installed: none" in refused.value.detail
    assert "needy 1.0.0 requires broken>=1, installed: none" in refused.value.detail


def test_dependency_order_puts_dependencies_first():
    manifests = [
        _manifest("report", {"ledger": "", "crm": ">=1"}),
        _manifest("crm"),
        _manifest("ledger", {"crm": ""}),
    ]
    assert dependency_order(manifests) == ["crm", "ledger", "report"]


def test_dependency_order_names_a_cycle_in_the_direction_plugins_depend():
    manifests = [
        _manifest("a", {"b": ""}),
        _manifest("b", {"c": ""}),
        _manifest("c", {"a": ""}),
        _manifest("d"),
    ]
    with pytest.raises(DependencyCycleError) as refused:
        dependency_order(manifests)
    cycle = refused.value.cycle
    assert cycle[0] == cycle[-1] and len(cycle) == 4
    pairs = {(cycle[i], cycle[i + 1]) for i in range(3)}
    assert pairs == {("a", "b"), ("b", "c"), ("c", "a")}


def test_dependents_of_lists_enabled_plugins_left_without_the_version(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "base", "1.0.0")
    _install(engine, tmp_path, cache_root, "base", "2.0.0")
    _install(engine, tmp_path, cache_root, "old-user", requires={"base": "<2"})
    _install(engine, tmp_path, cache_root, "any-user", requires={"base": ""})
    _install(engine, tmp_path, cache_root, "idle-user", requires={"base": ""})
    for name, version in (("old-user", "1.0.0"), ("any-user", "1.0.0"), ("base", "1.0.0")):
        set_state(engine, name, version, "enabled")
    with session_scope(engine) as session:
        assert sorted(v.name for v in dependents_of(session, "base")) == ["any-user", "old-user"]
        # base 2.0.0 is only installed: it serves nobody, so it cannot stand in for 1.0.0
        assert sorted(v.name for v in dependents_of(session, "base", version="1.0.0")) == [
            "any-user",
            "old-user",
        ]
        assert dependents_of(session, "base", version="2.0.0") == []  # not enabled: nobody relies on it
    set_state(engine, "base", "2.0.0", "enabled")
    with session_scope(engine) as session:
        assert [v.name for v in dependents_of(session, "base", version="1.0.0")] == ["old-user"]
        assert dependents_of(session, "base", version="2.0.0") == []

"""Uninstall marks a version removed and keeps its data; purge deletes the data once
every version is gone. Both refuse while something still uses the plugin."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tessera.core.db import session_scope
from tessera.core.errors import ConflictError, NotFoundError
from tessera.core.models import PluginConfig, PluginRelease
from tessera.core.plugin_removal import purge_plugin, uninstall_plugin
from tests.core.packages.builders import install, plugin_state, set_state
from tests.core.packages.journal import NOTES_TABLE, V1
from tests.plugin_factory import write_plugin


def _install(engine, tmp_path, cache_root, name, version="1.0.0", requires=None, files=None):
    package = write_plugin(
        tmp_path / f"{name}-{version}", name=name, version=version, requires=requires, files=files
    )
    return install(engine, package, cache_root)


def _uninstall(engine, name, version, force=False):
    with session_scope(engine) as session:
        return uninstall_plugin(session=session, name=name, version=version, force=force)


def _purge(engine, name):
    with session_scope(engine) as session:
        return purge_plugin(session=session, name=name)


def _release(engine, plugin, scope, *splits):
    with session_scope(engine) as session:
        session.add(
            PluginRelease(
                plugin=plugin, scope=scope, splits=[{"version": v, "percent": p} for v, p in splits]
            )
        )


def _splits(engine, plugin):
    with session_scope(engine) as session:
        return {
            r.scope: r.splits
            for r in session.exec(select(PluginRelease).where(PluginRelease.plugin == plugin))
        }


def test_uninstall_marks_the_version_removed_and_bumps_the_revision(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "hello")
    before = plugin_state(engine)
    _uninstall(engine, "hello", "1.0.0")
    after = plugin_state(engine)
    assert after.versions == {("hello", "1.0.0"): "removed"}
    assert after.revision == before.revision + 1


def test_uninstall_refuses_a_version_a_release_sends_teams_to(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "hello", "1.0.0")
    _install(engine, tmp_path, cache_root, "hello", "2.0.0")
    set_state(engine, "hello", "1.0.0", "enabled")
    _release(engine, "hello", "East", ("2.0.0", 20), ("1.0.0", 80))
    _release(engine, "hello", "all", ("1.0.0", 100))
    _release(engine, "hello", "West", ("2.0.0", 100), ("1.0.0", 0))
    before = plugin_state(engine)
    with pytest.raises(ConflictError) as refused:
        _uninstall(engine, "hello", "1.0.0")
    message = refused.value.detail
    assert "Plugin hello 1.0.0 is in use" in message
    assert "release East sends 80% of its teams to it" in message
    assert "release all sends 100% of its teams to it" in message
    assert "West" not in message
    assert "--force" in message
    assert plugin_state(engine) == before


def test_uninstall_of_a_failed_version_says_the_release_names_it_but_serves_no_one(
    engine, tmp_path, cache_root
):
    _install(engine, tmp_path, cache_root, "hello", "1.0.0")
    set_state(engine, "hello", "1.0.0", "failed")
    _release(engine, "hello", "East", ("1.0.0", 100))
    with pytest.raises(ConflictError) as refused:
        _uninstall(engine, "hello", "1.0.0")
    message = refused.value.detail
    assert "release East names it for 100% of its teams (they get no version while it is failed)" in message
    assert "sends" not in message
    _uninstall(engine, "hello", "1.0", force=True)  # equal under PEP 440
    assert plugin_state(engine).versions == {("hello", "1.0.0"): "removed"}
    assert _splits(engine, "hello") == {"East": []}


def test_uninstall_with_force_takes_the_version_out_of_its_releases(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "hello", "1.0.0")
    _install(engine, tmp_path, cache_root, "hello", "2.0.0")
    _release(engine, "hello", "East", ("2.0.0", 20), ("1.0.0", 80))
    _release(engine, "hello", "all", ("1.0.0", 100))
    _uninstall(engine, "hello", "1.0.0", force=True)
    assert _splits(engine, "hello") == {"East": [{"version": "2.0.0", "percent": 20}], "all": []}
    assert plugin_state(engine).versions == {("hello", "1.0.0"): "removed", ("hello", "2.0.0"): "installed"}


def test_uninstall_refuses_a_version_enabled_plugins_need(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "base", "1.0.0")
    _install(engine, tmp_path, cache_root, "addon", requires={"base": ">=1"})
    set_state(engine, "base", "1.0.0", "enabled")
    set_state(engine, "addon", "1.0.0", "enabled")
    with pytest.raises(ConflictError) as refused:
        _uninstall(engine, "base", "1.0.0")
    assert "addon 1.0.0 (enabled) requires base>=1" in refused.value.detail
    _uninstall(engine, "base", "1.0.0", force=True)
    assert plugin_state(engine).versions[("base", "1.0.0")] == "removed"


def test_uninstall_allows_a_version_dependents_do_not_need(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "base", "1.0.0")
    _install(engine, tmp_path, cache_root, "base", "2.0.0")
    _install(engine, tmp_path, cache_root, "addon", requires={"base": ">=1"})
    for name, version in (("base", "1.0.0"), ("base", "2.0.0"), ("addon", "1.0.0")):
        set_state(engine, name, version, "enabled")
    _uninstall(engine, "base", "1.0.0")
    assert plugin_state(engine).versions[("base", "1.0.0")] == "removed"


def test_uninstall_refuses_an_unknown_or_removed_version(engine, tmp_path, cache_root):
    with pytest.raises(NotFoundError, match="Plugin ghost 1.0.0 is not installed"):
        _uninstall(engine, "ghost", "1.0.0")
    _install(engine, tmp_path, cache_root, "hello")
    _uninstall(engine, "hello", "1.0.0")
    with pytest.raises(NotFoundError, match="Plugin hello 1.0.0 is not installed"):
        _uninstall(engine, "hello", "1.0.0")


def test_uninstall_keeps_the_data_and_purge_drops_it(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "journal", files=V1)
    with session_scope(engine) as session:
        session.add(PluginConfig(plugin="journal", scope="all", config={}))
    _release(engine, "journal", "all", ("1.0.0", 0))
    _uninstall(engine, "journal", "1.0.0")
    assert NOTES_TABLE in plugin_state(engine).tables
    before = plugin_state(engine)
    result = _purge(engine, "journal")
    after = plugin_state(engine)
    assert result.tables == [NOTES_TABLE]
    assert NOTES_TABLE not in after.tables
    assert after.migrations == []
    assert after.revision == before.revision + 1
    assert _splits(engine, "journal") == {}
    with session_scope(engine) as session:
        assert session.exec(select(PluginConfig)).all() == []


def test_purge_refuses_while_a_version_is_installed(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "journal", "1.0.0", files=V1)
    _install(engine, tmp_path, cache_root, "journal", "2.0.0", files=V1)
    _uninstall(engine, "journal", "1.0.0")
    before = plugin_state(engine)
    with pytest.raises(ConflictError) as refused:
        _purge(engine, "journal")
    assert "journal still has version(s) 2.0.0 installed" in refused.value.detail
    assert "tessera plugins uninstall journal==2.0.0" in refused.value.detail
    assert plugin_state(engine) == before


def test_purge_refuses_an_unknown_plugin(engine):
    with pytest.raises(NotFoundError, match="There is no plugin ghost"):
        _purge(engine, "ghost")


def test_a_purged_plugin_installs_again_with_fresh_tables(engine, tmp_path, cache_root):
    _install(engine, tmp_path, cache_root, "journal", files=V1)
    _uninstall(engine, "journal", "1.0.0")
    _purge(engine, "journal")
    _install(engine, tmp_path / "again", cache_root, "journal", files=V1)
    state = plugin_state(engine)
    assert state.migrations == [("journal", "0001_notes", "1.0.0")]
    assert NOTES_TABLE in state.tables

"""sync_bundled records the plugins installed as Python distributions (entry-point group
``tessera.plugins``): once, with their migrations, or as failed with the reason."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from sqlmodel import select

import tessera_commission
from tessera.core.db import session_scope
from tessera.core.models import PluginVersion
from tessera.core.plugin_install import sync_bundled
from tessera.sdk import Manifest
from tests.core.packages.builders import plugin_state, version_row
from tests.plugin_factory import write_plugin

CREATE_NOTES = """
import sqlalchemy as sa


def upgrade(op):
    op.create_table("plugin_shipped__notes", sa.Column("id", sa.Integer, primary_key=True))
"""


def _sync(engine):
    with session_scope(engine) as session:
        return [(v.name, v.version, v.state) for v in sync_bundled(session)]


def _distribute(site, package, *, name, version):
    """Make ``package`` an installed distribution with a ``tessera.plugins`` entry point."""
    for old in site.glob(f"{name}-*.dist-info"):
        for path in old.iterdir():
            path.unlink()
        old.rmdir()
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[tessera.plugins]\n{name} = {package}\n")
    importlib.invalidate_caches()


@pytest.fixture
def site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def _rows(engine, name):
    with session_scope(engine) as session:
        rows = session.exec(select(PluginVersion).where(PluginVersion.name == name)).all()
        return {r.version: (r.state, r.reason) for r in rows}


def test_sync_bundled_records_the_commission_plugin_once(engine):
    manifest = Manifest.load(Path(tessera_commission.__file__).parent)
    before = plugin_state(engine)
    assert ("commission", manifest.version, "installed") in _sync(engine)
    with session_scope(engine) as session:
        row = version_row(session, "commission", manifest.version)
        assert (row.artifact, row.package) == (None, "tessera_commission")
        assert Manifest.from_dict(row.manifest) == manifest
    assert plugin_state(engine).revision == before.revision + 1
    recorded = plugin_state(engine)
    assert _sync(engine) == []
    assert plugin_state(engine) == recorded


def test_sync_bundled_runs_a_bundled_plugins_migrations(engine, site):
    package = write_plugin(site, name="shipped", files={"migrations/0001_notes.py": CREATE_NOTES})
    package.rename(site / package.name)
    _distribute(site, package.name, name="shipped", version="1.0.0")
    assert ("shipped", "1.0.0", "installed") in _sync(engine)
    state = plugin_state(engine)
    assert ("shipped", "0001_notes", "1.0.0") in state.migrations
    assert "plugin_shipped__notes" in state.tables


def test_sync_bundled_records_an_invalid_bundled_plugin_as_failed(engine, site):
    package = write_plugin(site, name="badbundle", manifest={"name": "badbundle", "version": "1.0.0"})
    package.rename(site / package.name)
    _distribute(site, package.name, name="badbundle", version="1.0.0")
    assert ("badbundle", "1.0.0", "failed") in _sync(engine)
    state, reason = _rows(engine, "badbundle")["1.0.0"]
    assert "'description' is a required property" in reason and "'sdk' is a required property" in reason


def test_sync_bundled_fails_a_bundled_plugin_whose_migration_fails_and_keeps_no_trace_of_it(engine, site):
    broken = CREATE_NOTES + "    raise RuntimeError('no')\n"
    package = write_plugin(site, name="shipped", files={"migrations/0001_notes.py": broken})
    package.rename(site / package.name)
    _distribute(site, package.name, name="shipped", version="1.0.0")
    assert ("shipped", "1.0.0", "failed") in _sync(engine)
    assert "RuntimeError: no" in _rows(engine, "shipped")["1.0.0"][1]
    state = plugin_state(engine)
    assert "plugin_shipped__notes" not in state.tables
    assert not [m for m in state.migrations if m[0] == "shipped"]
    assert (
        state.versions[("commission", Manifest.load(Path(tessera_commission.__file__).parent).version)]
        == "installed"
    )


def test_sync_bundled_fails_the_old_version_when_its_distribution_is_upgraded(engine, site):
    old = write_plugin(site / "v1", name="shipped", version="1.0.0")
    old.rename(site / old.name)
    _distribute(site, old.name, name="shipped", version="1.0.0")
    _sync(engine)
    (site / old.name / "plugin.json").write_text(
        (site / old.name / "plugin.json").read_text().replace('"1.0.0"', '"1.1.0"')
    )
    _distribute(site, old.name, name="shipped", version="1.1.0")
    _sync(engine)
    rows = _rows(engine, "shipped")
    assert rows["1.1.0"] == ("installed", None)
    assert rows["1.0.0"][0] == "failed"
    assert "replaced by shipped 1.1.0" in rows["1.0.0"][1]

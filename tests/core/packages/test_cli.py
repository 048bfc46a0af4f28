"""``tessera plugins install|uninstall|purge`` from the command line."""

from __future__ import annotations

from tests.core.packages.builders import build_wheel, plugin_state, record_bundled
from tests.core.packages.journal import NOTES_TABLE, V1
from tests.factories import add_org, auth, token_for
from tests.plugin_factory import write_plugin


def test_cli_installs_uninstalls_and_purges(cli, engine, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="journal", files=V1)
    wheel = build_wheel(package, tmp_path)
    assert "Installed journal 1.0.0" in cli("plugins", "install", str(wheel)).output
    assert plugin_state(engine).versions[("journal", "1.0.0")] == "installed"
    output = cli("plugins", "uninstall", "journal==1.0.0").output
    assert "Uninstalled journal 1.0.0; its data stays until: tessera plugins purge journal" in output
    assert NOTES_TABLE in plugin_state(engine).tables
    assert "Purged journal: dropped plugin_journal__notes" in cli("plugins", "purge", "journal").output
    assert NOTES_TABLE not in plugin_state(engine).tables
    assert not (data_dir / "plugin-cache").exists() or list((data_dir / "plugin-cache").iterdir()) == []


def test_cli_install_reports_every_manifest_problem_and_exits_1(cli, engine, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="bad", manifest={"name": "bad", "version": "x", "sdk": "?"})
    record_bundled(engine)
    before = plugin_state(engine)
    output = cli("plugins", "install", str(package), expect_exit=1).output
    assert "error: invalid plugin manifest" in output
    assert "$: 'description' is a required property" in output
    assert plugin_state(engine) == before


def test_cli_install_names_a_path_that_does_not_exist(cli, tmp_path, data_dir):
    output = cli("plugins", "install", str(tmp_path / "nowhere"), expect_exit=1).output
    assert "nowhere does not exist" in output


def test_cli_uninstall_refuses_a_spec_without_a_version(cli, data_dir):
    output = cli("plugins", "uninstall", "journal", expect_exit=1).output
    assert "'journal' does not name a version: write NAME==VERSION, e.g. hello==1.0.0" in output


def test_cli_uninstall_force_takes_the_version_out_of_its_release(cli, engine, tmp_path, data_dir):
    cli("plugins", "install", str(write_plugin(tmp_path, name="hello")))
    cli("plugins", "enable", "hello==1.0.0", "--region", "all")
    refused = cli("plugins", "uninstall", "hello==1.0.0", expect_exit=1).output
    assert "release all sends 100% of its teams to it" in refused
    cli("plugins", "uninstall", "hello==1.0.0", "--force")
    assert plugin_state(engine).versions[("hello", "1.0.0")] == "removed"


def test_cli_versions_equal_under_pep_440_are_one_version(cli, api, engine, tmp_path, data_dir):
    add_org(engine)
    cli("plugins", "install", str(write_plugin(tmp_path / "short", name="hello", version="1.0")))
    long = write_plugin(tmp_path / "long", name="hello")
    before = plugin_state(engine)
    refused = cli("plugins", "install", str(long), expect_exit=1)
    assert "Plugin hello 1.0 is already installed (state installed)" in refused.output
    assert plugin_state(engine) == before
    assert cli("plugins", "enable", "hello==1.0.0", "--region", "all").output == "hello in all: 1.0 100%\n"
    admin = auth(token_for(engine, "admin"))
    response = api.delete("/api/admin/plugins/hello/versions/1.00", params={"force": "true"}, headers=admin)
    assert response.status_code == 200 and response.json()["version"] == "1.0"
    assert cli("plugins", "install", str(long)).exit_code == 0
    hello = {key: state for key, state in plugin_state(engine).versions.items() if key[0] == "hello"}
    assert hello == {("hello", "1.0"): "removed", ("hello", "1.0.0"): "installed"}

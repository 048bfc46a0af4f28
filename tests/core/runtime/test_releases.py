"""Releases through the CLI and the admin API: version splits, ramps, refusals, disabling versions."""

from __future__ import annotations

import json

import pytest

from tests.factories import add_org, auth, token_for
from tests.plugin_factory import write_plugin


@pytest.fixture
def tally(cli, engine, tmp_path, monkeypatch):
    """Plugin ``tally`` installed in versions 1.0.0 and 2.0.0, on the factory org."""
    monkeypatch.setenv("TESSERA_DATA_DIR", str(tmp_path / "data"))
    add_org(engine)
    for version in ("1.0.0", "2.0.0"):
        cli("plugins", "install", str(write_plugin(tmp_path / "sources", name="tally", version=version)))


def releases(api, engine, name="tally"):
    plugins = api.get("/api/admin/plugins", headers=auth(token_for(engine, "admin"))).json()
    return next(p["releases"] for p in plugins if p["name"] == name)


def split(version, percent):
    return {"version": version, "percent": percent}


def test_enable_puts_the_version_first_and_trims_the_others(cli, api, engine, tally):
    assert cli("plugins", "enable", "tally==1.0.0", "--region", "all").output == "tally in all: 1.0.0 100%\n"
    canary = cli("plugins", "enable", "tally==2.0.0", "--region", "all", "--percent", "20").output
    assert canary == "tally in all: 2.0.0 20%, 1.0.0 80%\n"
    assert releases(api, engine) == {"all": [split("2.0.0", 20), split("1.0.0", 80)]}
    cli("plugins", "enable", "tally==2.0.0", "--region", "all", "--percent", "50")
    assert releases(api, engine) == {"all": [split("2.0.0", 50), split("1.0.0", 50)]}
    cli("plugins", "enable", "tally", "--region", "East", "--percent", "10")  # the highest installed
    assert releases(api, engine)["East"] == [split("2.0.0", 10)]


def test_release_sets_splits_exactly_and_the_listing_shows_each_versions_share(cli, api, engine, tally):
    cli("plugins", "release", "tally", "--region", "East", "--split", "2.0.0=20", "--split", "1.0.0=80")
    cli("plugins", "disable", "tally", "--region", "West")
    assert releases(api, engine) == {"East": [split("2.0.0", 20), split("1.0.0", 80)], "West": []}
    rows = [line.split("│")[1:5] for line in cli("plugins", "list").output.splitlines() if "tally" in line]
    assert [[cell.strip() for cell in row] for row in rows] == [
        ["tally", "2.0.0", "enabled", "East 20%"],
        ["tally", "1.0.0", "enabled", "East 80%"],
        ["tally", "-", "off", "West 100%"],
    ]
    admin = auth(token_for(engine, "admin"))
    response = api.put(
        "/api/admin/plugins/tally/releases/East", json={"splits": [split("1.0.0", 100)]}, headers=admin
    )
    assert response.status_code == 200
    assert response.json()["releases"]["East"] == [split("1.0.0", 100)]
    assert response.json()["rollouts"] == {"East": 100, "West": 0}


@pytest.mark.parametrize(
    ("splits", "message"),
    [
        (["3.0.0=10"], "Plugin 'tally' has no version '3.0.0'; installed versions: 2.0.0, 1.0.0"),
        (["2.0.0=60", "1.0.0=50"], "the shares add up to 110%, more than 100%"),
        (["2.0.0=10", "2.0.0=20"], "2.0.0 is named more than once"),
        (["2.0.0=0"], "2.0.0=0: a share is a whole percent from 1 to 100"),
        (["2.0.0:20"], "--split '2.0.0:20' is not VERSION=PERCENT, e.g. --split 2.0.0=20"),
    ],
)
def test_a_bad_release_is_refused_and_changes_nothing(cli, api, engine, tally, splits, message):
    cli("plugins", "release", "tally", "--region", "East", "--split", "1.0.0=100")
    arguments = [part for text in splits for part in ("--split", text)]
    output = cli("plugins", "release", "tally", "--region", "East", *arguments, expect_exit=1).output
    assert message in output
    assert releases(api, engine) == {"East": [split("1.0.0", 100)]}


def test_a_failed_version_cannot_be_released(cli, api, engine, tally, tmp_path):
    broken = write_plugin(
        tmp_path / "broken", name="tally", version="3.0.0", code="raise ImportError('gone')"
    )
    cli("plugins", "install", str(broken))
    cli("plugins", "enable", "tally==3.0.0", "--region", "all", "--percent", "10")
    assert api.get("/api/me", headers=auth(token_for(engine, "ann"))).status_code == 200  # loads: fails
    output = cli("plugins", "enable", "tally==3.0.0", "--region", "all", expect_exit=1).output
    assert (
        "Plugin tally 3.0.0 failed and cannot serve: plugin tally 3.0.0 cannot be loaded: importing it raised"
        in output
    )
    listing = cli("plugins", "list").output
    assert "failed" in listing and "ImportError: gone" in listing


def test_disabling_a_version_others_need_is_refused_unless_forced(cli, api, engine, tally, tmp_path):
    addon = write_plugin(tmp_path / "addon", name="addon", requires={"tally": "<2"})
    cli("plugins", "install", str(addon))
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")
    cli("plugins", "enable", "addon", "--region", "all")
    ann = auth(token_for(engine, "ann"))
    assert [p["name"] for p in api.get("/api/me", headers=ann).json()["plugins"]] == ["addon", "tally"]

    refused = cli("plugins", "disable", "tally==1.0.0", expect_exit=1).output
    assert "Plugin tally 1.0.0 is needed by enabled plugins: addon 1.0.0 (requires tally<2)" in refused
    admin = auth(token_for(engine, "admin"))
    response = api.post("/api/admin/plugins/tally/versions/1.0.0/disable", headers=admin)
    assert response.status_code == 409
    assert [p["name"] for p in api.get("/api/me", headers=ann).json()["plugins"]] == ["addon", "tally"]

    response = api.post("/api/admin/plugins/tally/versions/1.0.0/disable?force=true", headers=admin)
    assert response.status_code == 200
    assert [v["state"] for v in response.json()["versions"]] == ["installed", "disabled"]
    assert api.get("/api/me", headers=ann).json()["plugins"] == []
    failed = next(p for p in api.get("/api/admin/plugins", headers=admin).json() if p["name"] == "addon")
    assert failed["versions"][0]["state"] == "failed"
    assert "it requires tally<2, and no enabled version satisfies that" in failed["versions"][0]["reason"]


def test_disable_without_a_region_takes_every_version_out_and_enable_brings_one_back(cli, api, engine, tally):
    cli("plugins", "release", "tally", "--region", "all", "--split", "2.0.0=50", "--split", "1.0.0=50")
    assert cli("plugins", "disable", "tally").output == "Disabled tally 2.0.0, 1.0.0\n"
    ann = auth(token_for(engine, "ann"))
    assert api.get("/api/me", headers=ann).json()["plugins"] == []
    assert api.get("/api/plugins/tally/version", headers=ann).status_code == 404
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")
    assert api.get("/api/plugins/tally/version", headers=ann).json()["version"] == "1.0.0"
    refused = cli("plugins", "disable", "tally==1.0.0", "--region", "East", expect_exit=1).output
    assert "--region turns the whole plugin off in a region" in refused


def test_configuration_is_validated_against_the_highest_enabled_version(
    cli, api, engine, tmp_path, monkeypatch
):
    monkeypatch.setenv("TESSERA_DATA_DIR", str(tmp_path / "data"))
    add_org(engine)
    for version, required in (("1.0.0", "rate"), ("2.0.0", "plan")):
        schema = {"type": "object", "required": [required], "properties": {required: {"type": "string"}}}
        package = write_plugin(
            tmp_path / "sources",
            name="payout",
            version=version,
            config_schema=schema,
            default_config={required: "standard"},
        )
        cli("plugins", "install", str(package))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"rate": "0.05"}))
    cli("plugins", "enable", "payout==1.0.0", "--region", "all")
    cli("plugins", "configure", "payout", str(config))
    cli("plugins", "enable", "payout==2.0.0", "--region", "all", "--percent", "10")
    refused = cli("plugins", "configure", "payout", str(config), expect_exit=1).output
    assert "breaks its JSON Schema" in refused and "'plan' is a required property" in refused
    admin = auth(token_for(engine, "admin"))
    assert api.get("/api/admin/plugins/payout/config/all", headers=admin).json() == {"rate": "0.05"}

"""Releases through the CLI and the admin API: version splits, ramps, refusals, disabling versions."""

from __future__ import annotations

import json

import pytest

from tessera.core.db import session_scope
from tests.core.packages.builders import version_row
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


def states(api, engine, name="tally"):
    plugins = api.get("/api/admin/plugins", headers=auth(token_for(engine, "admin"))).json()
    return {v["version"]: v["state"] for p in plugins if p["name"] == name for v in p["versions"]}


def api_enable(api, engine, **body):
    admin = auth(token_for(engine, "admin"))
    response = api.post("/api/admin/plugins/tally/enable", json=body, headers=admin)
    assert response.status_code == 200, response.text
    return response


def split(version, percent):
    return {"version": version, "percent": percent}


def test_enable_puts_the_version_first_and_trims_the_others(cli, api, engine, tally):
    assert cli("plugins", "enable", "tally==1.0.0", "--region", "all").output == "tally in all: 1.0.0 100%\n"
    canary = cli("plugins", "enable", "tally==2.0.0", "--region", "all", "--percent", "20").output
    assert canary == "tally in all: 2.0.0 20%, 1.0.0 80%\n"
    assert releases(api, engine) == {"all": [split("2.0.0", 20), split("1.0.0", 80)]}
    cli("plugins", "enable", "tally==2.0.0", "--region", "all", "--percent", "50")
    assert releases(api, engine) == {"all": [split("2.0.0", 50), split("1.0.0", 50)]}
    cli("plugins", "enable", "tally", "--region", "East", "--percent", "100")  # the highest installed
    assert releases(api, engine)["East"] == [split("2.0.0", 100)]


def test_a_region_without_its_own_release_starts_from_the_one_for_all_regions(cli, api, engine, tally):
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")
    canary = cli("plugins", "enable", "tally==2.0.0", "--region", "East", "--percent", "20").output
    assert canary == "tally in East: 2.0.0 20%, 1.0.0 80%\n"
    response = api_enable(api, engine, region="West", percent=30, version="2.0.0")
    assert response.json()["releases"]["West"] == [split("2.0.0", 30), split("1.0.0", 70)]
    assert response.json()["releases"]["all"] == [split("1.0.0", 100)]


def test_lowering_a_share_keeps_the_total_served(cli, api, engine, tally):
    cli("plugins", "release", "tally", "--region", "all", "--split", "2.0.0=35", "--split", "1.0.0=65")
    lowered = cli("plugins", "enable", "tally==2.0.0", "--region", "all", "--percent", "20").output
    assert lowered == "tally in all: 2.0.0 20%, 1.0.0 80%\n"
    response = api_enable(api, engine, region="all", percent=0, version="2.0.0")
    assert response.json()["releases"]["all"] == [split("1.0.0", 100)]
    cli("plugins", "release", "tally", "--region", "East", "--split", "1.0.0=30", "--split", "2.0.0=40")
    cli("plugins", "enable", "tally==1.0.0", "--region", "East", "--percent", "10")
    assert releases(api, engine)["East"] == [split("1.0.0", 10), split("2.0.0", 60)]


def test_a_region_can_drop_its_own_release_to_follow_all_again(cli, api, engine, tally):
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")
    cli("plugins", "disable", "tally", "--region", "East")
    cli("plugins", "release", "tally", "--region", "West", "--split", "2.0.0=100")
    ann = auth(token_for(engine, "ann"))  # a rep in East
    assert api.get("/api/plugins/tally/version", headers=ann).status_code == 404
    assert cli("plugins", "release", "tally", "--region", "East", "--follow-all").output == (
        "tally in East: follows all\n"
    )
    assert api.get("/api/plugins/tally/version", headers=ann).json()["version"] == "1.0.0"
    admin = auth(token_for(engine, "admin"))
    response = api.delete("/api/admin/plugins/tally/releases/West", headers=admin)
    assert response.status_code == 200
    assert response.json()["releases"] == {"all": [split("1.0.0", 100)]}
    again = api.delete("/api/admin/plugins/tally/releases/West", headers=admin)
    assert again.status_code == 404 and "has no release of its own" in again.json()["detail"]
    refused = cli("plugins", "release", "tally", "--region", "all", "--follow-all", expect_exit=1).output
    assert "'all' is the release the regions follow" in refused
    both = cli(
        "plugins", "release", "tally", "--region", "East", "--follow-all", "--split", "1.0.0=5", expect_exit=1
    )
    assert "give it without --split" in both.output
    assert releases(api, engine) == {"all": [split("1.0.0", 100)]}


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


def test_naming_a_failed_version_tries_it_again(cli, api, engine, tally, tmp_path):
    broken = write_plugin(
        tmp_path / "broken", name="tally", version="3.0.0", code="raise ImportError('gone')"
    )
    cli("plugins", "install", str(broken))
    cli("plugins", "enable", "tally==3.0.0", "--region", "all", "--percent", "10")
    ann = auth(token_for(engine, "ann"))
    assert api.get("/api/me", headers=ann).status_code == 200  # loads: fails
    assert states(api, engine)["3.0.0"] == "failed"
    retried = cli("plugins", "enable", "tally==3.0.0", "--region", "all").output
    assert retried == "tally in all: 3.0.0 100%\n"
    with session_scope(engine) as session:  # read before any worker loads it again
        assert version_row(session, "tally", "3.0.0").state == "enabled"
    assert api.get("/api/me", headers=ann).status_code == 200  # loads again: fails again
    assert states(api, engine)["3.0.0"] == "failed"
    assert "ImportError: gone" in cli("plugins", "list").output


def test_a_version_that_failed_for_a_missing_dependency_serves_once_retried(
    cli, api, engine, tally, tmp_path
):
    cli("plugins", "install", str(write_plugin(tmp_path / "addon", name="addon", requires={"tally": "<2"})))
    cli("plugins", "enable", "addon==1.0.0", "--region", "all")
    admin = auth(token_for(engine, "admin"))
    ann = auth(token_for(engine, "ann"))
    assert api.get("/api/me", headers=ann).json()["plugins"] == []
    addon = next(p for p in api.get("/api/admin/plugins", headers=admin).json() if p["name"] == "addon")
    assert addon["versions"][0]["state"] == "failed"
    assert "enable one, then this version again" in addon["versions"][0]["reason"]
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")  # the advice, followed
    response = api.put(
        "/api/admin/plugins/addon/releases/all", json={"splits": [split("1.0", 100)]}, headers=admin
    )
    assert response.status_code == 200
    assert response.json()["versions"][0]["state"] == "enabled"
    assert [p["name"] for p in api.get("/api/me", headers=ann).json()["plugins"]] == ["addon", "tally"]


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


def test_a_merely_installed_version_does_not_stand_in_for_a_needed_one(cli, api, engine, tally, tmp_path):
    cli("plugins", "install", str(write_plugin(tmp_path / "addon", name="addon", requires={"tally": ""})))
    cli("plugins", "enable", "tally==1.0.0", "--region", "all")  # 2.0.0 stays only installed
    cli("plugins", "enable", "addon==1.0.0", "--region", "all")
    refused = cli("plugins", "disable", "tally==1.0.0", expect_exit=1).output
    assert "Plugin tally 1.0.0 is needed by enabled plugins: addon 1.0.0" in refused
    admin = auth(token_for(engine, "admin"))
    response = api.post("/api/admin/plugins/tally/versions/1.0/disable", headers=admin)  # 1.0 == 1.0.0
    assert response.status_code == 409
    assert states(api, engine) == {"2.0.0": "installed", "1.0.0": "enabled"}
    assert states(api, engine, "addon") == {"1.0.0": "enabled"}
    cli("plugins", "enable", "tally==2.0", "--region", "East")  # 2.0 == 2.0.0; now 2.0.0 is enabled
    assert releases(api, engine)["East"] == [split("2.0.0", 100)]
    assert cli("plugins", "disable", "tally==1.0.0").output == "Disabled tally 1.0.0\n"


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


def test_configuration_is_validated_against_every_version_that_may_receive_it(
    cli, api, engine, tmp_path, monkeypatch
):
    monkeypatch.setenv("TESSERA_DATA_DIR", str(tmp_path / "data"))
    add_org(engine)
    for version, required in (("1.0.0", "rate"), ("2.0.0", "plan"), ("3.0.0", "tier")):
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
    cli("plugins", "configure", "payout", str(config))  # 2.0.0 and 3.0.0 are only installed
    refused = cli(
        "plugins", "enable", "payout==2.0.0", "--region", "all", "--percent", "10", expect_exit=1
    ).output
    assert "'payout' 2.0.0 cannot serve: the configuration for 'all' breaks its JSON Schema" in refused
    both = tmp_path / "both.json"
    both.write_text(json.dumps({"rate": "0.05", "plan": "x"}))
    cli("plugins", "configure", "payout", str(both))
    cli("plugins", "enable", "payout==2.0.0", "--region", "all", "--percent", "10")
    refused = cli("plugins", "configure", "payout", str(config), expect_exit=1).output
    assert "breaks its JSON Schema in version 2.0.0" in refused and "'plan' is a required property" in refused
    admin = auth(token_for(engine, "admin"))
    response = api.put("/api/admin/plugins/payout/config/East", json={"plan": "x"}, headers=admin)
    assert response.status_code == 422
    assert "breaks its JSON Schema in version 1.0.0" in response.json()["detail"]
    cli("plugins", "disable", "payout==1.0.0")  # still named by the release: enabling it serves it again
    response = api.put("/api/admin/plugins/payout/config/East", json={"plan": "x"}, headers=admin)
    assert "breaks its JSON Schema in version 1.0.0" in response.json()["detail"]
    assert api.get("/api/admin/plugins/payout/config/all", headers=admin).json() == {
        "rate": "0.05",
        "plan": "x",
    }
    cli("plugins", "release", "payout", "--region", "all", "--split", "2.0.0=100")
    response = api.put("/api/admin/plugins/payout/config/East", json={"plan": "x"}, headers=admin)
    assert response.status_code == 200
    assert api.get("/api/admin/plugins/payout/config/East", headers=admin).json() == {"plan": "x"}

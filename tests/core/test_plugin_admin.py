"""Enabling, disabling and configuring plugins through the CLI and the admin API."""

from __future__ import annotations

import json

import pytest

from tests.factories import add_org, auth, token_for


@pytest.fixture
def admin(engine):
    add_org(engine)
    return auth(token_for(engine, "admin"))


def _rollouts(api, admin):
    plugins = api.get("/api/admin/plugins", headers=admin).json()
    return {p["name"]: p["rollouts"] for p in plugins}


def test_enable_and_disable_through_the_cli_show_in_the_listing(cli, api, admin):
    cli("plugins", "enable", "commission", "--region", "East", "--percent", "20")
    cli("plugins", "enable", "commission", "--region", "all", "--percent", "100")
    assert _rollouts(api, admin)["commission"] == {"East": 20, "all": 100}
    cli("plugins", "disable", "commission", "--region", "East")
    assert _rollouts(api, admin)["commission"] == {"East": 0, "all": 100}
    listing = cli("plugins", "list").output
    assert "commission" in listing and "all 100%" in listing


def test_enable_through_the_admin_api(api, admin):
    response = api.post(
        "/api/admin/plugins/commission/enable", json={"region": "West", "percent": 35}, headers=admin
    )
    assert response.status_code == 200
    assert response.json()["rollouts"] == {"West": 35}
    response = api.post("/api/admin/plugins/commission/disable", json={"region": "West"}, headers=admin)
    assert response.json()["rollouts"] == {"West": 0}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nope", "--region", "East", "--percent", "10"],
            "No plugin 'nope' is installed; installed plugins: commission",
        ),
        (
            ["commission", "--region", "North", "--percent", "10"],
            "No region 'North'; use one of: East, West, or 'all'",
        ),
        (
            ["commission", "--region", "East", "--percent", "101"],
            "percent must be a whole number from 0 to 100",
        ),
        (
            ["commission", "--region", "East", "--percent", "-1"],
            "percent must be a whole number from 0 to 100",
        ),
    ],
)
def test_bad_enable_is_refused_by_the_cli_and_changes_nothing(cli, api, admin, args, message):
    cli("plugins", "enable", "commission", "--region", "East", "--percent", "20")
    result = cli("plugins", "enable", *args, expect_exit=1)
    assert message in result.output
    assert _rollouts(api, admin)["commission"] == {"East": 20}


@pytest.mark.parametrize(
    ("plugin", "body", "status"),
    [
        ("nope", {"region": "East", "percent": 10}, 404),
        ("commission", {"region": "North", "percent": 10}, 404),
        ("commission", {"region": "East", "percent": 101}, 422),
        ("commission", {"region": "East"}, 422),
        ("commission", {"region": "East", "percent": True}, 422),
        ("commission", {"region": "East", "percent": "50"}, 422),
        ("commission", {"region": "East", "percent": 50, "colour": "red"}, 422),
    ],
)
def test_bad_enable_is_refused_by_the_api_as_problem(api, admin, plugin, body, status):
    response = api.post(f"/api/admin/plugins/{plugin}/enable", json=body, headers=admin)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"]
    assert _rollouts(api, admin)["commission"] == {}


@pytest.mark.parametrize("user", ["ann", "Cara Losch", "fin"])
def test_admin_routes_refuse_every_role_but_admin(api, engine, user):
    add_org(engine)
    headers = auth(token_for(engine, user))
    for method, path, body in [
        ("GET", "/api/admin/plugins", None),
        ("POST", "/api/admin/plugins/commission/enable", {"region": "all", "percent": 100}),
        ("PUT", "/api/admin/plugins/commission/config/all", {}),
    ]:
        response = api.request(method, path, json=body, headers=headers)
        assert response.status_code == 403, path
        assert "Only admins" in response.json()["detail"]


def test_config_breaking_the_schema_is_refused_and_changes_nothing(cli, api, admin, tmp_path):
    before = api.get("/api/admin/plugins/commission/config/all", headers=admin).json()
    bad = {"plan": {"quota": "lots"}}
    response = api.put("/api/admin/plugins/commission/config/all", json=bad, headers=admin)
    assert response.status_code == 422
    assert "breaks its JSON Schema" in response.json()["detail"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    assert (
        "breaks its JSON Schema" in cli("plugins", "configure", "commission", str(path), expect_exit=1).output
    )
    for content in (b"{not json", b'{"plan": "\xff"}', b"[" * 100_000):
        path.write_bytes(content)
        output = cli("plugins", "configure", "commission", str(path), expect_exit=1).output
        assert "is not a JSON document in UTF-8 we can read" in output
    assert cli("plugins", "configure", "commission", str(tmp_path), expect_exit=2).exit_code == 2
    assert api.get("/api/admin/plugins/commission/config/all", headers=admin).json() == before


def test_config_of_an_unknown_region_is_404(api, admin):
    response = api.get("/api/admin/plugins/commission/config/Mars", headers=admin)
    assert response.status_code == 404
    assert "No region 'Mars'" in response.json()["detail"]


def test_plugins_list_shows_where_a_plugin_is_off(cli, admin):
    cli("plugins", "enable", "commission", "--region", "all", "--percent", "100")
    cli("plugins", "disable", "commission", "--region", "East")
    listing = cli("plugins", "list").output
    assert "off" in listing and "East 100%" in listing

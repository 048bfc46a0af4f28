"""The admin API installs a package sent as the request body, uninstalls and purges."""

from __future__ import annotations

import pytest

from tests.core.packages.builders import build_wheel, plugin_state, zip_folder
from tests.factories import add_org, auth, token_for
from tests.plugin_factory import write_plugin

OCTETS = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def admin(engine):
    add_org(engine)
    return auth(token_for(engine, "admin")) | OCTETS


def _upload(api, headers, path):
    return api.post(
        "/api/admin/plugins/install",
        params={"filename": path.name},
        content=path.read_bytes(),
        headers=headers,
    )


def test_admin_installs_a_wheel_then_uninstalls_and_purges_it(api, engine, admin, tmp_path, data_dir):
    wheel = build_wheel(write_plugin(tmp_path, name="hello", version="1.1.0"), tmp_path, version="1.1.0")
    response = _upload(api, admin, wheel)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["name"], body["version"], body["state"], body["package"]) == (
        "hello",
        "1.1.0",
        "installed",
        "tessera_hello",
    )
    assert plugin_state(engine).versions[("hello", "1.1.0")] == "installed"
    response = api.delete("/api/admin/plugins/hello/versions/1.1.0", headers=admin)
    assert response.status_code == 200 and response.json()["state"] == "removed"
    response = api.post("/api/admin/plugins/hello/purge", headers=admin)
    assert response.json() == {"plugin": "hello", "tables": []}


def test_admin_installs_a_zip_of_a_plugin_folder(api, engine, admin, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="zipped")
    response = _upload(api, admin, zip_folder(package.parent, tmp_path / "zipped.zip"))
    assert response.status_code == 201, response.text
    assert plugin_state(engine).versions[("zipped", "1.0.0")] == "installed"


def test_admin_install_refusals_are_problems_that_change_nothing(api, engine, admin, tmp_path, data_dir):
    wheel = build_wheel(write_plugin(tmp_path / "a", name="twice"), tmp_path)
    assert _upload(api, admin, wheel).status_code == 201
    before = plugin_state(engine)
    duplicate = _upload(api, admin, wheel)
    assert duplicate.status_code == 409
    assert duplicate.headers["content-type"] == "application/problem+json"
    assert "twice 1.0.0 is already installed" in duplicate.json()["detail"]
    future = build_wheel(write_plugin(tmp_path / "b", name="future", sdk=">=1.0"), tmp_path)
    refused = _upload(api, admin, future)
    assert refused.status_code == 422 and "needs tessera-sdk >=1.0" in refused.json()["detail"]
    wrong_name = api.post(
        "/api/admin/plugins/install", params={"filename": "x.tar.gz"}, content=b"x", headers=admin
    )
    assert wrong_name.status_code == 422 and "must end in .whl" in wrong_name.json()["detail"]
    assert plugin_state(engine) == before


def test_admin_uninstall_refuses_a_released_version_unless_forced(api, engine, admin, tmp_path, data_dir):
    assert _upload(api, admin, build_wheel(write_plugin(tmp_path, name="hello"), tmp_path)).status_code == 201
    enabled = api.post(
        "/api/admin/plugins/hello/enable",
        json={"region": "East", "percent": 30},
        headers=auth(token_for(engine, "admin")),
    )
    assert enabled.status_code == 200
    refused = api.delete("/api/admin/plugins/hello/versions/1.0.0", headers=admin)
    assert (
        refused.status_code == 409 and "release East sends 30% of its teams to it" in refused.json()["detail"]
    )
    forced = api.delete("/api/admin/plugins/hello/versions/1.0.0", params={"force": "true"}, headers=admin)
    assert forced.status_code == 200 and forced.json()["state"] == "removed"


def test_only_admins_manage_plugin_packages(api, engine, tmp_path, data_dir):
    add_org(engine)
    rep = auth(token_for(engine, "ann")) | OCTETS
    wheel = build_wheel(write_plugin(tmp_path, name="hello"), tmp_path)
    assert _upload(api, rep, wheel).status_code == 403
    assert api.delete("/api/admin/plugins/hello/versions/1.0.0", headers=rep).status_code == 403
    assert api.post("/api/admin/plugins/hello/purge", headers=rep).status_code == 403
    assert _upload(api, OCTETS, wheel).status_code == 401
    assert ("hello", "1.0.0") not in plugin_state(engine).versions

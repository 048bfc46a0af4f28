"""Malformed packages are refused with a message, never a server error or a traceback."""

from __future__ import annotations

import json
import zipfile

import pytest

from tests.core.packages.builders import build_wheel, plugin_state, zip_folder
from tests.factories import add_org, auth, token_for
from tests.plugin_factory import write_plugin

OCTETS = {"Content-Type": "application/octet-stream"}


@pytest.fixture
def admin(engine):
    add_org(engine)
    return auth(token_for(engine, "admin")) | OCTETS


def upload(api, headers, content: bytes, filename: str):
    return api.post(
        "/api/admin/plugins/install", params={"filename": filename}, content=content, headers=headers
    )


def refused(response) -> str:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return str(response.json()["detail"])


def test_a_wheel_whose_metadata_is_not_utf8_is_refused(api, admin, engine, tmp_path, data_dir):
    built = build_wheel(write_plugin(tmp_path, name="latin"), tmp_path)
    wheel = tmp_path / "latin-1.0.0-py3-none-any.whl"
    with zipfile.ZipFile(built) as source, zipfile.ZipFile(wheel, "w") as target:
        for member in source.namelist():
            content = source.read(member)
            target.writestr(member, b"Name: caf\xe9\n" if member.endswith("/METADATA") else content)
    before = plugin_state(engine)
    assert "is not UTF-8 text" in refused(upload(api, admin, wheel.read_bytes(), wheel.name))
    assert plugin_state(engine) == before


def test_a_project_whose_pyproject_is_malformed_is_refused(api, admin, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="oddproject")
    (package.parent / "pyproject.toml").write_text("project = 1\n")
    archive = zip_folder(package.parent, tmp_path / "odd.zip")
    detail = refused(upload(api, admin, archive.read_bytes(), "odd.zip"))
    assert "[project].dependencies must be a list" in detail


def test_a_manifest_nested_too_deeply_is_refused(api, admin, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="deep")
    (package / "plugin.json").write_text("[" * 100_000 + "]" * 100_000)
    archive = zip_folder(package.parent, tmp_path / "deep.zip")
    assert "not a JSON document" in refused(upload(api, admin, archive.read_bytes(), "deep.zip"))


def test_a_config_schema_with_a_remote_ref_is_refused_without_fetching_it(api, admin, tmp_path, data_dir):
    schema = {"$ref": "http://127.0.0.1:9/schema.json"}
    package = write_plugin(tmp_path, name="remote", config_schema=schema)
    archive = zip_folder(package.parent, tmp_path / "remote.zip")
    detail = refused(upload(api, admin, archive.read_bytes(), "remote.zip"))
    assert "refers to 'http://127.0.0.1:9/schema.json', which is not in the schema" in detail


def test_a_remote_ref_anywhere_in_the_config_schema_is_refused(api, admin, tmp_path, data_dir):
    schema = {"type": "object", "properties": {"x": {"$ref": "https://127.0.0.1:9/nested.json"}}}
    package = write_plugin(tmp_path, name="nested", config_schema=schema)
    archive = zip_folder(package.parent, tmp_path / "nested.zip")
    detail = refused(upload(api, admin, archive.read_bytes(), "nested.zip"))
    assert "$ref 'https://127.0.0.1:9/nested.json' points outside the schema" in detail


def test_a_package_without_init_is_refused(api, admin, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="noinit")
    (package / "__init__.py").unlink()
    archive = zip_folder(package.parent, tmp_path / "noinit.zip")
    assert "no __init__.py" in refused(upload(api, admin, archive.read_bytes(), "noinit.zip"))


@pytest.mark.parametrize("filename", ["bad\x00name.zip", "x" * 300 + ".zip", "../../escape.zip"])
def test_any_upload_file_name_is_safe(api, admin, engine, tmp_path, data_dir, filename):
    archive = zip_folder(write_plugin(tmp_path, name="named").parent, tmp_path / "named.zip")
    response = upload(api, admin, archive.read_bytes(), filename)
    assert response.status_code == 201, response.text
    assert plugin_state(engine).versions[("named", "1.0.0")] == "installed"


def test_cli_reports_a_malformed_package_without_a_traceback(cli, tmp_path, data_dir):
    package = write_plugin(tmp_path, name="brokenjson")
    (package / "plugin.json").write_bytes(json.dumps({"name": "x"}).encode()[:-1])
    output = cli("plugins", "install", str(package), expect_exit=1).output
    assert "not a JSON document" in output and "Traceback" not in output

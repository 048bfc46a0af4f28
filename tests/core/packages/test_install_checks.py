"""Every refusal of ``install_plugin`` names the plugin and the fix, and changes nothing."""

from __future__ import annotations

from importlib.metadata import version

import pytest

import tessera.sdk
from tessera.core.errors import ConflictError, InputError
from tests.core.packages.builders import build_wheel, install, plugin_state
from tests.plugin_factory import write_plugin


def test_install_refuses_an_invalid_manifest_naming_every_problem(engine, tmp_path, cache_root):
    package = write_plugin(
        tmp_path,
        name="broken",
        manifest={
            "name": "Broken Plugin",
            "version": "one",
            "sdk": ">=0.2",
            "permissions": {"read": ["salaries"]},
            "colour": "red",
        },
    )
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        install(engine, package, cache_root)
    message = refused.value.detail
    assert "$.name" in message and "Broken Plugin" in message
    assert "'description' is a required property" in message
    assert "$.permissions.read[0]" in message and "salaries" in message
    assert "'colour' was unexpected" in message
    assert "Fix plugin.json" in message
    assert plugin_state(engine) == before


def test_install_refuses_a_plugin_that_needs_a_newer_sdk_naming_both_versions(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path, name="future", sdk=">=0.9")
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        install(engine, package, cache_root)
    assert "future 1.0.0 needs tessera-sdk >=0.9" in refused.value.detail
    assert f"runs tessera-sdk {tessera.sdk.__version__}" in refused.value.detail
    assert plugin_state(engine) == before


def test_install_refuses_a_library_requirement_the_environment_does_not_meet(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path, name="oldschema")
    wheel = build_wheel(package, tmp_path, requires=("jsonschema<4", "packaging>=20"))
    installed = version("jsonschema")
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        install(engine, wheel, cache_root)
    assert f"needs jsonschema<4, jsonschema {installed} is installed" in refused.value.detail
    problems = [line for line in refused.value.detail.splitlines() if line.startswith("  ")]
    assert problems == [f"  needs jsonschema<4, jsonschema {installed} is installed"]
    assert plugin_state(engine) == before


def test_install_refuses_a_library_that_is_not_installed_from_the_projects_pyproject(
    engine, tmp_path, cache_root
):
    package = write_plugin(tmp_path, name="needy")
    project = package.parent
    (project / "pyproject.toml").write_text(
        '[project]\nname = "needy"\nversion = "1.0.0"\n'
        'dependencies = ["tessera-sdk>=0.2", "no-such-library-anywhere>=1", "colorama; sys_platform == \'nowhere\'"]\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as refused:
        install(engine, project, cache_root)
    assert "needs no-such-library-anywhere>=1, which is not installed" in refused.value.detail
    assert "tessera-sdk" not in refused.value.detail
    assert "colorama" not in refused.value.detail


def test_install_refuses_a_package_that_imports_itself_absolutely_with_file_and_line(
    engine, tmp_path, cache_root
):
    code = "from tessera.sdk import hookimpl\n\nfrom tessera_selfish.helpers import shout\n"
    package = write_plugin(
        tmp_path,
        name="selfish",
        code=code,
        files={
            "helpers.py": "import os\nimport tessera_selfish.more\n\ndef shout():\n    return 1\n",
            "more.py": "",
        },
    )
    before = plugin_state(engine)
    with pytest.raises(InputError) as refused:
        install(engine, package, cache_root)
    message = refused.value.detail
    assert (
        "tessera_selfish/__init__.py:3: imports its own package absolutely (tessera_selfish.helpers)"
        in message
    )
    assert (
        "tessera_selfish/helpers.py:2: imports its own package absolutely (tessera_selfish.more)" in message
    )
    assert "from .module import name" in message
    assert plugin_state(engine) == before


def test_install_refuses_a_package_that_imports_the_kernel(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path, name="nosy", code="from tessera.core.models import User\n")
    with pytest.raises(InputError) as refused:
        install(engine, package, cache_root)
    assert "tessera_nosy/__init__.py:1: imports the kernel (tessera.core.models)" in refused.value.detail


def test_install_refuses_the_same_version_twice_with_409(engine, tmp_path, cache_root):
    install(engine, write_plugin(tmp_path / "first", name="twice"), cache_root)
    before = plugin_state(engine)
    with pytest.raises(ConflictError) as refused:
        install(engine, write_plugin(tmp_path / "second", name="twice"), cache_root)
    assert refused.value.status == 409
    assert "twice 1.0.0 is already installed (state installed)" in refused.value.detail
    assert "tessera plugins uninstall twice==1.0.0" in refused.value.detail
    assert plugin_state(engine) == before


def test_install_refuses_a_source_without_a_plugin_package(engine, tmp_path, cache_root):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError) as refused:
        install(engine, tmp_path / "empty", cache_root)
    assert "holds no plugin package" in refused.value.detail
    not_a_zip = tmp_path / "hello.whl"
    not_a_zip.write_bytes(b"not a zip at all")
    with pytest.raises(InputError) as refused:
        install(engine, not_a_zip, cache_root)
    assert "hello.whl is not a valid zip archive" in refused.value.detail

"""A plugin installs from its package folder, its project folder, a wheel or a zip,
and is stored so that any worker can load it back."""

from __future__ import annotations

import pytest

from tessera.core.db import session_scope
from tessera.core.errors import InputError
from tessera.core.plugin_store import package_dir
from tessera.sdk import Manifest
from tests.core.packages.builders import (
    build_wheel,
    install,
    plugin_state,
    set_state,
    version_row,
    zip_folder,
)
from tests.plugin_factory import write_plugin

FILES = {"routes.py": "ROUTES = []\n", "templates/card.txt": "Hello {name}\n"}


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _assert_stored(engine, version, source_package, cache_root):
    with session_scope(engine) as session:
        row = version_row(session, version.name, version.version)
        unpacked = package_dir(session=session, version=row, cache_root=cache_root / "worker")
    assert row.state == "installed" and row.artifact is not None and row.package == source_package.name
    assert Manifest.from_dict(row.manifest) == Manifest.load(source_package)
    assert _files(unpacked) == _files(source_package)


def test_install_from_the_package_folder_records_the_version_and_bumps_the_revision(
    engine, tmp_path, cache_root
):
    package = write_plugin(tmp_path, name="hello", version="1.2.0", files=FILES)
    before = plugin_state(engine)
    version = install(engine, package, cache_root)
    after = plugin_state(engine)
    assert (version.name, version.version) == ("hello", "1.2.0")
    assert after.versions == before.versions | {("hello", "1.2.0"): "installed"}
    assert after.revision == before.revision + 1
    _assert_stored(engine, version, package, cache_root)


@pytest.mark.parametrize("layout", ["src", "flat"])
def test_install_from_a_project_folder_finds_the_package(engine, tmp_path, cache_root, layout):
    package = write_plugin(tmp_path, name="hello", files=FILES)
    project = package.parent
    if layout == "src":
        (project / "src").mkdir()
        package = package.rename(project / "src" / package.name)
    (project / "pyproject.toml").write_text('[project]\nname = "hello"\ndependencies = ["jsonschema>=4"]\n')
    version = install(engine, project, cache_root)
    _assert_stored(engine, version, package, cache_root)


def test_install_from_a_wheel(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path / "src", name="wheely", version="2.0.0", files=FILES)
    wheel = build_wheel(
        package, tmp_path, version="2.0.0", requires=("jsonschema>=4", "pytest; extra == 'test'")
    )
    version = install(engine, wheel, cache_root)
    assert (version.name, version.version, version.package) == ("wheely", "2.0.0", "tessera_wheely")
    _assert_stored(engine, version, package, cache_root)


def test_install_from_a_zip_of_the_plugin_folder(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path / "src", name="zipped", files=FILES)
    archive = zip_folder(package.parent, tmp_path / "zipped.zip")
    version = install(engine, archive, cache_root)
    _assert_stored(engine, version, package, cache_root)


def test_install_leaves_no_work_files_behind(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path / "src", name="tidy")
    install(engine, build_wheel(package, tmp_path), cache_root)
    assert list(cache_root.iterdir()) == []


def test_install_refuses_a_folder_with_two_plugin_packages(engine, tmp_path, cache_root):
    project = write_plugin(tmp_path, name="first").parent
    second = write_plugin(tmp_path, name="second")
    second.rename(project / second.name)
    with pytest.raises(InputError) as refused:
        install(engine, project, cache_root)
    assert "holds several plugin packages (tessera_first, tessera_second)" in refused.value.detail


def test_install_again_after_uninstall_reuses_the_version(engine, tmp_path, cache_root):
    package = write_plugin(tmp_path, name="again")
    install(engine, package, cache_root)
    set_state(engine, "again", "1.0.0", "removed")
    version = install(engine, package, cache_root)
    assert plugin_state(engine).versions == {("again", "1.0.0"): "installed"}
    assert version.state == "installed"

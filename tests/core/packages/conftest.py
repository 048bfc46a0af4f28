"""Fixtures for installing plugin packages: a package cache and a data folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache_root(tmp_path: Path) -> Path:
    return tmp_path / "plugin-cache"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TESSERA_DATA_DIR for the CLI and the server, so nothing lands in the working directory."""
    folder = tmp_path / "data"
    monkeypatch.setenv("TESSERA_DATA_DIR", str(folder))
    return folder

"""Kernel settings, read from ``TESSERA_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tessera.core.errors import InputError

DEFAULT_DATA_DIR = Path(".tessera")
DEFAULT_HOOK_TIMEOUT = 2.0
DEFAULT_PLUGIN_LOAD_TIMEOUT = 10.0


@dataclass(frozen=True)
class Settings:
    """
    :param database_url: an SQLAlchemy URL; SQLite under ``data_dir`` by default,
        ``postgresql+psycopg://...`` for PostgreSQL.
    :param data_dir: where the embedded database and local files live.
    :param hook_timeout: seconds a plugin's hook implementation may run before
        the kernel stops waiting for it (``TESSERA_HOOK_TIMEOUT``).
    :param plugin_load_timeout: seconds importing a plugin version may take
        before it is marked failed (``TESSERA_PLUGIN_LOAD_TIMEOUT``).
    """

    database_url: str
    data_dir: Path
    hook_timeout: float = DEFAULT_HOOK_TIMEOUT
    plugin_load_timeout: float = DEFAULT_PLUGIN_LOAD_TIMEOUT

    @property
    def plugin_cache_dir(self) -> Path:
        """Where installed plugin packages are unpacked to be imported."""
        return self.data_dir / "plugin-cache"

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("TESSERA_DATA_DIR") or DEFAULT_DATA_DIR)
        url = os.environ.get("TESSERA_DATABASE_URL") or f"sqlite:///{data_dir / 'tessera.db'}"
        return cls(
            database_url=url,
            data_dir=data_dir,
            hook_timeout=_seconds("TESSERA_HOOK_TIMEOUT", DEFAULT_HOOK_TIMEOUT),
            plugin_load_timeout=_seconds("TESSERA_PLUGIN_LOAD_TIMEOUT", DEFAULT_PLUGIN_LOAD_TIMEOUT),
        )


def _seconds(variable: str, default: float) -> float:
    text = os.environ.get(variable)
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise InputError(f"{variable} must be a number of seconds above 0, e.g. 2 or 0.5; not {text!r}")
    return seconds

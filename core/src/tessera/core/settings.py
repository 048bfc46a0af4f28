"""Kernel settings, read from ``TESSERA_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DATA_DIR = Path(".tessera")


@dataclass(frozen=True)
class Settings:
    """
    :param database_url: an SQLAlchemy URL; SQLite under ``data_dir`` by default,
        ``postgresql+psycopg://...`` for PostgreSQL.
    :param data_dir: where the embedded database and local files live.
    """

    database_url: str
    data_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("TESSERA_DATA_DIR") or DEFAULT_DATA_DIR)
        url = os.environ.get("TESSERA_DATABASE_URL") or f"sqlite:///{data_dir / 'tessera.db'}"
        return cls(database_url=url, data_dir=data_dir)

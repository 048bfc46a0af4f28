"""Commission: quarterly statements from won opportunities (work in progress)."""

from __future__ import annotations

from tessera.sdk import Manifest

__version__ = "0.1.0"

MANIFEST = Manifest(name="commission", version=__version__, description="Sales commission statements.")

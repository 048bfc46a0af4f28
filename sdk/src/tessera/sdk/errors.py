"""Errors a plugin may see or raise.

Hierarchy::

    TesseraError
    ├── ManifestError           a plugin.json is invalid; ``problems`` says where
    └── PluginPermissionError   a plugin reached beyond its manifest's permissions
"""

from __future__ import annotations


class TesseraError(Exception):
    """Root of the errors the SDK defines."""


class ManifestError(TesseraError):
    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"invalid plugin manifest {source}:\n" + "\n".join(f"  {p}" for p in problems))
        self.source = source
        self.problems = problems


class PluginPermissionError(TesseraError):
    def __init__(self, plugin: str, permission: str) -> None:
        super().__init__(
            f"plugin '{plugin}' lacks the permission {permission!r}; "
            f'declare it under "permissions" in its plugin.json'
        )
        self.plugin = plugin
        self.permission = permission

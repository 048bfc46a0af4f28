"""The kernel's errors. Each maps to one HTTP status and an RFC 7807 problem.

Hierarchy::

    KernelError
    ├── InputError              422  the request or file is wrong; nothing changed
    │   └── ImportRefusedError        an import refused whole, with every bad row
    ├── AuthenticationError     401  no token, or a token we do not know
    ├── PermissionDeniedError   403  the caller's role may not do this
    ├── NotFoundError           404  no such record, plugin or region
    │   └── PluginNotEnabledError     the plugin is off for the caller's team
    ├── ConflictError           409  the record exists already
    └── UnavailableError        503  the database cannot be reached or opened
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class KernelError(Exception):
    """Root of every error the kernel reports to a user."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InputError(KernelError):
    status = 422
    title = "Invalid input"


@dataclass(frozen=True)
class RowProblem:
    """One row of an input file that cannot be imported."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


class ImportRefusedError(InputError):
    title = "Import refused"

    def __init__(self, problems: list[RowProblem]) -> None:
        shown = "\n".join(str(p) for p in problems[:50])
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(
            f"{len(problems)} row(s) cannot be imported; nothing was imported. "
            f"Fix these rows and run the import again:\n{shown}{more}"
        )
        self.problems = problems


class AuthenticationError(KernelError):
    status = 401
    title = "Not authenticated"


class PermissionDeniedError(KernelError):
    status = 403
    title = "Permission denied"


class NotFoundError(KernelError):
    status = 404
    title = "Not found"


class PluginNotEnabledError(NotFoundError):
    title = "Plugin not enabled"

    def __init__(self, plugin: str, team: str | None) -> None:
        who = f"team '{team}'" if team else "callers without a team"
        super().__init__(
            f"Plugin '{plugin}' is not enabled for {who}; "
            f"an admin can enable it with: tessera plugins enable {plugin} --region ..."
        )
        self.plugin = plugin


class ConflictError(KernelError):
    status = 409
    title = "Conflict"


class UnavailableError(KernelError):
    status = 503
    title = "Service unavailable"

"""Who may write a record that has an owner (opportunities, activities, tasks).

Admins write any; a manager writes the records owned by their team's members
(and themself); reps and presales write only their own; finance only reads.
Records without an owner (accounts, contacts) may be written by anyone signed in.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from tessera.core.api.resources.registry import Resource
from tessera.core.errors import PermissionDeniedError
from tessera.core.models import User
from tessera.sdk import Caller

OWNER_FIELD = "owner"
RULE = "Admins write any; managers write their team's; reps and presales write their own; finance only reads."


def check_owner_write(*, session: Session, caller: Caller, resource: Resource, owners: Iterable[str]) -> None:
    """Refuse unless ``caller`` may write a record of ``resource`` owned by each of ``owners``."""
    if OWNER_FIELD not in resource.base.model_fields or caller.role == "admin":
        return
    if caller.role == "finance":
        raise PermissionDeniedError(f"Finance users may read {resource.name} but not write them")
    for owner in owners:
        if not _may_write_for(session, caller, owner):
            raise PermissionDeniedError(
                f"'{caller.user}' ({caller.role}) may not write {resource.name} owned by '{owner}'. {RULE}"
            )


def _may_write_for(session: Session, caller: Caller, owner: str) -> bool:
    if owner == caller.user:
        return True
    if caller.role != "manager" or caller.team is None:
        return False
    user = session.get(User, owner)
    return user is not None and user.team == caller.team

"""The kernel's implementation of :class:`tessera.sdk.SalesData` for one plugin and caller.

Each read is checked against the permissions in the plugin version's manifest:
reading an entity the manifest does not list under ``permissions.read`` raises
:class:`tessera.sdk.PluginPermissionError` naming the plugin and ``read:<entity>``.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from tessera.core.models import Account, Opportunity, Team, User
from tessera.sdk import (
    AccountRecord,
    Caller,
    OpportunityRecord,
    Permissions,
    PluginPermissionError,
    RepRecord,
)

# Roles that see every rep's numbers.
SEE_EVERYONE = frozenset({"admin", "finance"})


class DatabaseSalesData:
    def __init__(self, *, session: Session, caller: Caller, plugin: str, permissions: Permissions) -> None:
        self._session = session
        self._caller = caller
        self._plugin = plugin
        self._permissions = permissions

    def _require_read(self, entity: str) -> None:
        if entity not in self._permissions.read:
            raise PluginPermissionError(self._plugin, f"read:{entity}")

    def visible_reps(self) -> list[RepRecord]:
        self._require_read("users")
        query = select(User, Team).join(Team, isouter=True).where(User.role == "rep")
        if self._caller.role == "manager":
            if self._caller.team is None:
                return []  # a manager without a team manages nobody
            query = query.where(User.team == self._caller.team)
        elif self._caller.role not in SEE_EVERYONE:
            query = query.where(User.key == self._caller.user)
        rows = self._session.exec(query.order_by(col(User.key))).all()
        return [
            RepRecord(key=u.key, name=u.name, team=u.team, region=t.region if t else None) for u, t in rows
        ]

    def opportunities(self, *, owners: Collection[str]) -> list[OpportunityRecord]:
        self._require_read("opportunities")
        query = select(Opportunity).where(col(Opportunity.owner).in_(list(owners)))
        return [
            OpportunityRecord(
                key=o.key,
                stage=o.stage,
                amount=o.amount,
                close_value=o.close_value,
                engage_date=o.engage_date,
                close_date=o.close_date,
                owner=o.owner,
                account=o.account,
                product=o.product,
            )
            for o in self._session.exec(query.order_by(col(Opportunity.key))).all()
        ]

    def account(self, key: str) -> AccountRecord | None:
        self._require_read("accounts")
        account = self._session.get(Account, key)
        if account is None:
            return None
        return AccountRecord(
            key=account.key, name=account.name, sector=account.sector, office_location=account.office_location
        )

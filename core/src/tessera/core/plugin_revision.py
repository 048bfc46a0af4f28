"""The plugin revision: one number every worker watches to know its plugin set is stale."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from tessera.core.models import KernelState


def bump_plugin_revision(session: Session) -> None:
    """Mark plugins, releases or configurations changed, in the caller's transaction."""
    session.execute(update(KernelState).values(plugin_revision=col(KernelState.plugin_revision) + 1))


def current_plugin_revision(session: Session) -> int:
    return session.exec(select(KernelState.plugin_revision)).one()

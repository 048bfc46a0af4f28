"""Telling plugins about records created or updated through the API.

An endpoint notes each change on :class:`RecordEvents`; once the request's
session has committed, ``tessera_after_record_changed`` is called for each
change, on the version of each plugin that the acting caller's rollout picks.
A change that is rolled back is announced to no one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy import event
from sqlmodel import Session

from tessera.core.api.deps import CurrentCaller, HookCallsDep, PluginSetDep, RequestIdDep, SessionDep
from tessera.core.hook_calls import HookCalls
from tessera.core.plugin_context import context_factory
from tessera.core.plugin_set import PluginSet
from tessera.sdk import Caller, RecordChanged


class RecordEvents:
    def __init__(
        self, *, session: Session, caller: Caller, plugin_set: PluginSet, hooks: HookCalls, request_id: str
    ) -> None:
        self._session = session
        self._caller = caller
        self._plugin_set = plugin_set
        self._hooks = hooks
        self._request_id = request_id
        self._pending: list[RecordChanged] = []

    def created(self, entity: str, record: BaseModel) -> None:
        """``record`` (as answered) was created; its fields are the changes."""
        changes = record.model_dump(mode="json")
        key = str(changes.pop("key"))
        self._note(RecordChanged(entity=entity, key=key, action="created", changes=changes))

    def updated(self, entity: str, key: str, changes: BaseModel) -> None:
        """The fields sent in ``changes`` were set on record ``key``."""
        values = changes.model_dump(mode="json", exclude_unset=True)
        self._note(RecordChanged(entity=entity, key=key, action="updated", changes=values))

    def _note(self, change: RecordChanged) -> None:
        if not self._pending:
            event.listen(self._session, "after_commit", self._announce, once=True)
        self._pending.append(change)

    def _announce(self, _session: Any) -> None:
        plugins = self._plugin_set.serving(self._caller)
        context = context_factory(plugin_set=self._plugin_set, caller=self._caller)
        for change in self._pending:
            self._hooks.after_record_changed(
                plugins=plugins, event=change, context=context, request_id=self._request_id
            )


def get_record_events(
    session: SessionDep,
    caller: CurrentCaller,
    plugin_set: PluginSetDep,
    hooks: HookCallsDep,
    request_id: RequestIdDep,
) -> RecordEvents:
    return RecordEvents(
        session=session, caller=caller, plugin_set=plugin_set, hooks=hooks, request_id=request_id
    )


RecordEventsDep = Annotated[RecordEvents, Depends(get_record_events)]

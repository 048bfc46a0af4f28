"""``/api/accounts/{key}/profile``: an account with the facets plugins contribute to it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field, create_model

from tessera.core.api.deps import CurrentCaller, HookCallsDep, PluginSetDep, RequestIdDep, SessionDep
from tessera.core.api.resources import crud
from tessera.core.api.resources.registry import resource_named
from tessera.core.api.resources.shapes import public_shape
from tessera.core.plugin_context import context_factory

router = APIRouter(tags=["accounts"])

_ACCOUNTS = resource_named("accounts")
_ACCOUNT = public_shape(_ACCOUNTS)
AccountProfile = create_model(
    "AccountProfile",
    __base__=_ACCOUNT,
    facets=(
        dict[str, Any],
        Field(description="each plugin's facets (tessera_account_facets), by plugin name"),
    ),
)


@router.get(
    "/accounts/{key:path}/profile",
    response_model=AccountProfile,
    summary="Read an account's profile",
    description="The account and the facets of each plugin version serving the caller. "
    "A plugin whose facets fail or time out is left out; the profile is still served.",
)
def read_account_profile(
    key: str,
    session: SessionDep,
    caller: CurrentCaller,
    plugin_set: PluginSetDep,
    hooks: HookCallsDep,
    request_id: RequestIdDep,
) -> Any:
    account = crud.read_record(session=session, resource=_ACCOUNTS, key=key)
    facets = hooks.account_facets(
        plugins=plugin_set.serving(caller),
        account=key,
        context=context_factory(plugin_set=plugin_set, caller=caller),
        request_id=request_id,
    )
    return AccountProfile.model_validate(
        {**_ACCOUNT.model_validate(account, from_attributes=True).model_dump(), "facets": facets}
    )

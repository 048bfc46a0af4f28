"""One router factory serves every resource: list, read, create and update.

FastAPI reads parameter types from an endpoint's signature; the shapes here are
built at runtime, so each endpoint gets its concrete types through
:func:`_typed` after it is defined.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlmodel import SQLModel

from tessera.core.api.deps import CurrentCaller, SessionDep, get_admin_caller
from tessera.core.api.record_events import RecordEventsDep
from tessera.core.api.resources import crud, shapes
from tessera.core.api.resources.ownership import OWNER_FIELD, RULE
from tessera.core.api.resources.pagination import LIMIT_DEFAULT, LIMIT_MAX, Page
from tessera.core.api.resources.registry import RESOURCES, Resource

EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])

_READERS = "Any authenticated caller may read."
_ANYONE_WRITES = "Any authenticated caller may create and update these."
_ADMINS_WRITE = "Only admins may create and update these; other roles get 403."


def _typed(endpoint: EndpointT, **annotations: Any) -> EndpointT:
    endpoint.__annotations__.update(annotations)
    return endpoint


def resources_router() -> APIRouter:
    """The routes of every resource in :data:`RESOURCES`."""
    router = APIRouter()
    for resource in RESOURCES:
        router.include_router(resource_router(resource))
    return router


def resource_router(resource: Resource) -> APIRouter:
    public = shapes.public_shape(resource)
    router = APIRouter(prefix=f"/{resource.name}", tags=[resource.name])
    router.add_api_route(
        "",
        _list_endpoint(resource, public),
        methods=["GET"],
        response_model=Page[public],  # type: ignore[valid-type]
        summary=f"List {resource.name}",
        description=_list_description(resource),
    )
    router.add_api_route(
        "/{key:path}",
        _read_endpoint(resource, public),
        methods=["GET"],
        response_model=public,
        summary=f"Read one {resource.singular}",
        description=f"The {resource.singular} with this key (URL-encoded). {_READERS}",
    )
    who_writes, write_guard = _write_rule(resource)
    router.add_api_route(
        "",
        _create_endpoint(resource, public),
        methods=["POST"],
        status_code=201,
        response_model=public,
        summary=f"Create a {resource.singular}",
        description=f"{_create_description(resource)} {who_writes}",
        dependencies=write_guard,
    )
    router.add_api_route(
        "/{key:path}",
        _update_endpoint(resource, public),
        methods=["PATCH"],
        response_model=public,
        summary=f"Update a {resource.singular}",
        description=f"Changes the fields sent and no others; the key cannot change. {who_writes}",
        dependencies=write_guard,
    )
    return router


def _write_rule(resource: Resource) -> tuple[str, list[Any]]:
    """Who may create and update, as the docs say it and as the route enforces it."""
    if resource.admin_writes:
        return _ADMINS_WRITE, [Depends(get_admin_caller)]
    if OWNER_FIELD in resource.base.model_fields:
        return RULE, []
    return _ANYONE_WRITES, []


def _list_description(resource: Resource) -> str:
    filters = ", ".join(f"`{spec.name}`" for spec in resource.filters) or "none"
    return (
        f"{resource.name.capitalize()} in key order, `limit` at a time (default {LIMIT_DEFAULT}, "
        f"at most {LIMIT_MAX}); pass `next_cursor` back as `cursor` for the next page. "
        f"Filters: {filters}. {_READERS}"
    )


def _create_description(resource: Resource) -> str:
    if resource.generated_keys:
        return "`key` is optional: leave it out to have a short unique one generated."
    return "`key` is required and cannot change later."


def _public(public: type[BaseModel], record: SQLModel) -> BaseModel:
    return public.model_validate(record, from_attributes=True)


def _list_endpoint(resource: Resource, public: type[BaseModel]) -> Callable[..., Any]:
    def list_records(params: BaseModel, session: SessionDep, _caller: CurrentCaller) -> Any:
        rows, next_cursor = crud.list_records(session=session, resource=resource, params=params)
        return {"items": [_public(public, row) for row in rows], "next_cursor": next_cursor}

    return _typed(list_records, params=Annotated[shapes.query_shape(resource), Query()])


def _read_endpoint(resource: Resource, public: type[BaseModel]) -> Callable[..., Any]:
    def read_record(key: str, session: SessionDep, _caller: CurrentCaller) -> Any:
        return _public(public, crud.read_record(session=session, resource=resource, key=key))

    return read_record


def _create_endpoint(resource: Resource, public: type[BaseModel]) -> Callable[..., Any]:
    def create_record(
        body: BaseModel, session: SessionDep, caller: CurrentCaller, events: RecordEventsDep
    ) -> Any:
        answer = _public(
            public, crud.create_record(session=session, caller=caller, resource=resource, data=body)
        )
        events.created(resource.name, answer)
        return answer

    return _typed(create_record, body=shapes.create_shape(resource))


def _update_endpoint(resource: Resource, public: type[BaseModel]) -> Callable[..., Any]:
    def update_record(
        key: str, body: BaseModel, session: SessionDep, caller: CurrentCaller, events: RecordEventsDep
    ) -> Any:
        record = crud.update_record(session=session, caller=caller, resource=resource, key=key, changes=body)
        events.updated(resource.name, key, body)
        return _public(public, record)

    return _typed(update_record, body=shapes.update_shape(resource))

"""The pydantic shapes of a resource, derived from its ``<X>Base`` and its table.

- ``<X>Create``: the editable fields plus ``key``; unknown fields are refused.
- ``<X>Update``: the same fields, each optional; only the ones sent change,
  and a field that may not be empty may not be sent as ``null``.
- ``<X>Public``: ``key`` and every editable field, as answered.
- ``<X>Query``: a list's filters, ``limit`` and ``cursor``; unknown ones are refused.

Input is held to what the columns can store: money has at most two decimal
places and fits the cents column, integers fit 32 bits, and date-times
need an offset (``Z`` for UTC); they are stored and answered in UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final, Literal, get_args

from annotated_types import BaseMetadata, Ge, Gt
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    create_model,
    model_validator,
)
from pydantic.fields import FieldInfo
from sqlalchemy import Integer
from sqlalchemy.types import TypeEngine

from tessera.core.api.resources.pagination import LIMIT_DEFAULT, LIMIT_MAX
from tessera.core.api.resources.registry import Resource
from tessera.core.models import KEY_MAX
from tessera.core.money import Money

_FORBID_EXTRA = ConfigDict(extra="forbid")
_INT32 = 2**31 - 1
# Money is stored as cents in a 64-bit column: 17 digits, 2 of them decimals, fit.
_MONEY_DIGITS = 17
# A key starts and ends with a visible character; spaces inside are fine.
_KEY_PATTERN = r"^\S(.*\S)?$"
_CONTROL_CHARACTERS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _one_of(choices: tuple[str, ...]) -> Any:
    return Literal.__getitem__(choices)


def _annotated(annotation: Any, metadata: list[Any]) -> Any:
    return Annotated[(annotation, *metadata)] if metadata else annotation


def _column_type(resource: Resource, name: str) -> TypeEngine[Any]:
    column_type: TypeEngine[Any] = resource.table.__table__.c[name].type  # type: ignore[attr-defined]
    return column_type


def _limits(column_type: TypeEngine[Any], *, has_lower_bound: bool) -> list[Any]:
    """What the column can store, beyond the model's own constraints."""
    if isinstance(column_type, Money):
        return [Field(max_digits=_MONEY_DIGITS, decimal_places=2)]
    if type(column_type) is Integer:
        return [Field(le=_INT32)] + ([] if has_lower_bound else [Field(ge=-_INT32 - 1)])
    return []


def _or_none(annotation: Any, info: FieldInfo) -> Any:
    """``annotation``, or ``None`` too when the model's field may be ``None``."""
    return annotation | None if type(None) in get_args(info.annotation) else annotation


def _input_type(resource: Resource, name: str, info: FieldInfo) -> Any:
    column_type = _column_type(resource, name)
    if name in resource.choices:
        return _or_none(_one_of(resource.choices[name]), info)
    if dt.datetime in (info.annotation, *get_args(info.annotation)):
        return _or_none(AwareDatetime, info)
    constraints = [m for m in info.metadata if isinstance(m, BaseMetadata)]
    has_lower_bound = any(isinstance(m, (Ge, Gt)) for m in constraints)
    return _annotated(info.annotation, [*constraints, *_limits(column_type, has_lower_bound=has_lower_bound)])


def _key_type(resource: Resource) -> Any:
    def not_reserved(key: str) -> str:
        if key.casefold() in resource.reserved_keys:
            raise ValueError(f"the key '{key}' is reserved; choose another")
        return key

    return Annotated[
        str,
        Field(min_length=1, max_length=KEY_MAX, pattern=_KEY_PATTERN),
        AfterValidator(not_reserved),
    ]


def _key_field(resource: Resource) -> tuple[Any, Any]:
    if resource.generated_keys:
        doc = f"the {resource.singular}'s key; leave it out to have a short unique one generated"
        return _key_type(resource) | None, Field(None, description=doc)
    return _key_type(resource), Field(description=f"the {resource.singular}'s stable key, chosen by you")


def _refuse_control_characters(data: Any) -> Any:
    """Text may not hold control characters such as NUL (PostgreSQL cannot store NUL at all)."""
    for name, value in data.items() if isinstance(data, dict) else ():
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise ValueError(f"{name}: remove the control characters (such as NUL) from the text")
    return data


_TEXT_CHECK: Final[dict[str, Any]] = {"text": model_validator(mode="before")(_refuse_control_characters)}


def create_shape(resource: Resource) -> type[BaseModel]:
    fields: dict[str, Any] = {"key": _key_field(resource)}
    for name, info in resource.base.model_fields.items():
        default = ... if info.is_required() else info.default
        fields[name] = (_input_type(resource, name, info), default)
    return create_model(
        f"{resource.table.__name__}Create", __config__=_FORBID_EXTRA, __validators__=_TEXT_CHECK, **fields
    )


def update_shape(resource: Resource) -> type[BaseModel]:
    fields: dict[str, Any] = {
        name: (_input_type(resource, name, info), None) for name, info in resource.base.model_fields.items()
    }
    return create_model(
        f"{resource.table.__name__}Update", __config__=_FORBID_EXTRA, __validators__=_TEXT_CHECK, **fields
    )


def public_shape(resource: Resource) -> type[BaseModel]:
    fields: dict[str, Any] = {"key": (str, ...)}
    for name, info in resource.base.model_fields.items():
        fields[name] = (info.annotation, ...)
    return create_model(
        f"{resource.table.__name__}Public", __config__=ConfigDict(from_attributes=True), **fields
    )


def query_shape(resource: Resource) -> type[BaseModel]:
    fields: dict[str, Any] = {
        "limit": (int, Field(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX, description="records per page")),
        "cursor": (str | None, Field(None, description="the `next_cursor` of the previous page")),
    }
    for spec in resource.filters:
        annotation = (
            _one_of(resource.choices[spec.name]) if spec.name in resource.choices else spec.annotation
        )
        fields[spec.name] = (annotation | None, Field(None, description=spec.description))
    return create_model(f"{resource.table.__name__}Query", __config__=_FORBID_EXTRA, **fields)

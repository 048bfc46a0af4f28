"""The plugin's configuration: its JSON Schema, the default plan "standard", and parsing.

The kernel validates every configuration against :data:`CONFIG_SCHEMA` before
it stores one, so :func:`load_config` reads documents known to be valid.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, get_args, get_type_hints

from tessera.sdk import OPPORTUNITY_FIELDS, OpportunityRecord
from tessera_commission.credits import FieldMapping, WonCondition
from tessera_commission.plan import Plan, to_cents


def _fields_holding(kind: type) -> list[str]:
    """The opportunity fields whose values are of type ``kind`` when present."""
    hints = get_type_hints(OpportunityRecord)
    return [name for name in OPPORTUNITY_FIELDS if kind in (hints[name], *get_args(hints[name]))]


MONEY_FIELDS: Final = _fields_holding(Decimal)
DATE_FIELDS: Final = _fields_holding(dt.date)
TEXT_FIELDS: Final = _fields_holding(str)
# The kernel hands over a rep's opportunities by their ``owner``, so only that
# field can name the rep a credit goes to.
OWNER_FIELDS: Final = ["owner"]

# Amounts are decimal strings, exact to the cent, below a trillion.
_MONEY_PATTERN: Final = "^(0|[1-9][0-9]{0,11})([.][0-9]{1,2})?$"
_POSITIVE_MONEY_PATTERN: Final = "^[1-9][0-9]{0,11}([.][0-9]{1,2})?$"
_RATE_PATTERN: Final = "^(0([.][0-9]{1,6})?|1([.]0{1,6})?)$"

_FIELDS_SCHEMA: Final[dict[str, Any]] = {
    "description": "Which opportunity fields give a credit's amount, date and rep, and when a deal is won.",
    "type": "object",
    "additionalProperties": False,
    "required": ["amount", "date", "owner", "won"],
    "properties": {
        "amount": {"description": "The money field whose value is credited.", "enum": MONEY_FIELDS},
        "date": {"description": "The date field that places a credit in a quarter.", "enum": DATE_FIELDS},
        "owner": {"description": "The field naming the rep who is credited.", "enum": OWNER_FIELDS},
        "won": {
            "description": "An opportunity credits its rep only when this text field equals this value.",
            "type": "object",
            "additionalProperties": False,
            "required": ["field", "equals"],
            "properties": {
                "field": {"enum": TEXT_FIELDS},
                "equals": {"type": "string", "minLength": 1},
            },
        },
    },
}

_PLAN_SCHEMA: Final[dict[str, Any]] = {
    "description": "What a rep earns per calendar quarter.",
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "quota", "rate_to_quota", "rate_above_quota", "cap"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 100},
        "quota": {
            "description": 'Quarterly quota per rep, at least 1, e.g. "60000".',
            "type": "string",
            "pattern": _POSITIVE_MONEY_PATTERN,
        },
        "rate_to_quota": {
            "description": 'Share of the credited value up to quota paid out, 0 to 1, e.g. "0.05".',
            "type": "string",
            "pattern": _RATE_PATTERN,
        },
        "rate_above_quota": {
            "description": 'Share of the credited value above quota paid out, 0 to 1, e.g. "0.08".',
            "type": "string",
            "pattern": _RATE_PATTERN,
        },
        "cap": {
            "description": 'Most a rep is paid per quarter, e.g. "12000.00"; null for no cap.',
            "type": ["string", "null"],
            "pattern": _MONEY_PATTERN,
        },
    },
}

CONFIG_SCHEMA: Final[dict[str, Any]] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Commission configuration",
    "type": "object",
    "additionalProperties": False,
    "required": ["fields", "plan"],
    "properties": {"fields": _FIELDS_SCHEMA, "plan": _PLAN_SCHEMA},
}

DEFAULT_CONFIG: Final[dict[str, Any]] = {
    "fields": {
        "amount": "close_value",
        "date": "close_date",
        "owner": "owner",
        "won": {"field": "stage", "equals": "Won"},
    },
    "plan": {
        "name": "standard",
        "quota": "60000.00",
        "rate_to_quota": "0.05",
        "rate_above_quota": "0.08",
        "cap": "12000.00",
    },
}


@dataclass(frozen=True)
class CommissionConfig:
    fields: FieldMapping
    plan: Plan


def load_config(config: Mapping[str, Any]) -> CommissionConfig:
    """Read a configuration that satisfies :data:`CONFIG_SCHEMA`."""
    fields, plan = config["fields"], config["plan"]
    return CommissionConfig(
        fields=FieldMapping(
            amount=fields["amount"],
            date=fields["date"],
            owner=fields["owner"],
            won=WonCondition(field=fields["won"]["field"], equals=fields["won"]["equals"]),
        ),
        plan=Plan(
            name=plan["name"],
            quota=to_cents(Decimal(plan["quota"])),
            rate_to_quota=Decimal(plan["rate_to_quota"]),
            rate_above_quota=Decimal(plan["rate_above_quota"]),
            cap=None if plan["cap"] is None else to_cents(Decimal(plan["cap"])),
        ),
    )

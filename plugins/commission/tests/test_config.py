"""The configuration schema: the default satisfies it, mistakes are named by path."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any, get_args, get_type_hints

import jsonschema
import pytest

from tessera.sdk import OPPORTUNITY_FIELDS, OpportunityRecord
from tessera_commission.config import CONFIG_SCHEMA, DEFAULT_CONFIG, MANIFEST, load_config


def schema_errors(config: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(CONFIG_SCHEMA)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(config)]


def changed(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    config = copy.deepcopy(DEFAULT_CONFIG)
    parent = config
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return config


def test_schema_is_a_valid_json_schema_and_the_default_satisfies_it() -> None:
    jsonschema.Draft202012Validator.check_schema(CONFIG_SCHEMA)
    assert schema_errors(DEFAULT_CONFIG) == []
    assert MANIFEST.name == "commission"


def fields_holding(kind: type) -> list[str]:
    hints = get_type_hints(OpportunityRecord)
    return [name for name in OPPORTUNITY_FIELDS if kind in (hints[name], *get_args(hints[name]))]


def test_field_mappings_offer_exactly_the_sdk_fields_of_the_right_type() -> None:
    fields = CONFIG_SCHEMA["properties"]["fields"]["properties"]
    assert fields["amount"]["enum"] == fields_holding(Decimal)
    assert fields["date"]["enum"] == fields_holding(dt.date)
    assert fields["won"]["properties"]["field"]["enum"] == fields_holding(str)
    assert fields["owner"]["enum"] == ["owner"]


def test_default_config_is_the_plan_standard() -> None:
    config = load_config(DEFAULT_CONFIG)
    assert (config.fields.amount, config.fields.date, config.fields.owner) == (
        "close_value",
        "close_date",
        "owner",
    )
    assert (config.fields.won.field, config.fields.won.equals) == ("stage", "Won")
    plan = config.plan
    assert (plan.name, plan.quota, plan.rate_to_quota, plan.rate_above_quota, plan.cap) == (
        "standard",
        Decimal("60000.00"),
        Decimal("0.05"),
        Decimal("0.08"),
        Decimal("12000.00"),
    )


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("plan", "quota"), "sixty thousand", "$.plan.quota: 'sixty thousand' does not match"),
        (("plan", "quota"), "0", "$.plan.quota: '0' does not match"),
        (("plan", "quota"), 60000, "$.plan.quota: 60000 is not of type 'string'"),
        (("plan", "cap"), "12000.001", "$.plan.cap: '12000.001' does not match"),
        (("plan", "rate_to_quota"), "5%", "$.plan.rate_to_quota: '5%' does not match"),
        (("plan", "rate_above_quota"), "1.5", "$.plan.rate_above_quota: '1.5' does not match"),
        (("fields", "amount"), "stage", "$.fields.amount: 'stage' is not one of ['amount', 'close_value']"),
        (("fields", "date"), "close_value", "$.fields.date: 'close_value' is not one of"),
        (("fields", "owner"), "account", "$.fields.owner: 'account' is not one of ['owner']"),
        (("fields", "won", "field"), "deal_stage", "$.fields.won.field: 'deal_stage' is not one of"),
        (("plan", "bonus"), "1", "$.plan: Additional properties are not allowed ('bonus' was unexpected)"),
    ],
)
def test_schema_names_what_is_wrong_and_where(path: tuple[str, ...], value: Any, message: str) -> None:
    errors = schema_errors(changed(path, value))
    assert len(errors) == 1
    assert errors[0].startswith(message)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("plan", "cap"), None),
        (("plan", "quota"), "1"),
        (("plan", "rate_above_quota"), "1.000000"),
        (("fields", "amount"), "amount"),
        (("fields", "date"), "engage_date"),
        (("fields", "won", "field"), "product"),
    ],
)
def test_schema_accepts_other_plans_and_mappings(path: tuple[str, ...], value: Any) -> None:
    assert schema_errors(changed(path, value)) == []


def test_a_plan_without_a_cap_loads_as_uncapped() -> None:
    assert load_config(changed(("plan", "cap"), None)).plan.cap is None

"""The core REST API: create, read, update and list every sales resource through the live server."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from jsonschema import Draft202012Validator

from tessera.core.models import Opportunity
from tests.factories import add_catalogue, add_org, add_records, auth, token_for

# resource: (a record to create, a change to make to it), in the canonical form the API answers.
SAMPLES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "regions": ({"key": "Central", "name": "Central office"}, {"name": "Central"}),
    "teams": (
        {"key": "Dustin Brinkmann", "name": "Dustin Brinkmann", "region": "East"},
        {"region": "West", "name": "Brinkmann's team"},
    ),
    "users": (
        {"key": "Anna Snelling", "name": "Anna Snelling", "role": "rep", "team": "Cara Losch"},
        {"role": "presales", "team": None},
    ),
    "accounts": (
        {
            "key": "Cancity",
            "name": "Cancity",
            "sector": "retail",
            "year_established": 2001,
            "revenue": "718.62",
            "employees": 2448,
            "office_location": "United States",
            "subsidiary_of": None,
        },
        {"revenue": "1100.04", "subsidiary_of": "Acme Corporation"},
    ),
    "contacts": (
        {
            "key": "C-1",
            "name": "Jo Park",
            "email": "jo@cancity.example",
            "phone": None,
            "account": "Betasoloin",
        },
        {"phone": "+1 555 0100", "account": "Acme Corporation"},
    ),
    "products": (
        {"key": "GTX Basic", "name": "GTX Basic", "series": "GTX", "sales_price": "550.00"},
        {"sales_price": "560.50"},
    ),
    "opportunities": (
        {
            "key": "1C1I7A6R",
            "stage": "Engaging",
            "amount": "1054.00",
            "close_value": None,
            "engage_date": "2016-10-20",
            "close_date": None,
            "owner": "ann",
            "account": "Betasoloin",
            "product": "GTX Pro",
        },
        {"stage": "Won", "close_value": "1054.00", "close_date": "2017-03-01", "owner": "bob"},
    ),
    "activities": (
        {
            "key": "A-1",
            "kind": "call",
            "subject": "First call",
            "occurred_at": "2017-01-05T08:30:00Z",
            "owner": "ann",
            "opportunity": "OPEN-1",
            "account": "Acme Corporation",
        },
        {"subject": "First call, notes added", "opportunity": None},
    ),
    "tasks": (
        {
            "key": "T-1",
            "title": "Send the quote",
            "due_date": "2017-01-10",
            "status": "open",
            "owner": "ann",
            "opportunity": "OPEN-1",
        },
        {"status": "done", "due_date": None},
    ),
}
ANYONE_WRITES = ["accounts", "contacts", "opportunities", "activities", "tasks"]
ADMIN_WRITES = ["regions", "teams", "users", "products"]


@pytest.fixture
def admin(engine):
    add_org(engine)
    add_catalogue(engine)
    add_records(engine, [Opportunity(key="OPEN-1", stage="Prospecting", owner="ann", product="GTX Pro")])
    return auth(token_for(engine, "admin"))


def path(resource: str, key: str) -> str:
    return f"/api/{resource}/{quote(key, safe='')}"


@pytest.mark.parametrize("resource", list(SAMPLES))
def test_resource_create_read_update_list_round_trip(api, admin, resource):
    record, change = SAMPLES[resource]
    created = api.post(f"/api/{resource}", json=record, headers=admin)
    assert created.status_code == 201, created.text
    assert created.json() == record
    assert api.get(path(resource, record["key"]), headers=admin).json() == record

    updated = api.patch(path(resource, record["key"]), json=change, headers=admin)
    assert updated.status_code == 200, updated.text
    assert updated.json() == {**record, **change}
    assert api.get(path(resource, record["key"]), headers=admin).json() == {**record, **change}

    listed = api.get(f"/api/{resource}", params={"limit": 500}, headers=admin).json()
    assert {**record, **change} in listed["items"]
    assert listed["next_cursor"] is None


def test_resource_keys_with_spaces_are_addressed_url_encoded(api, admin):
    response = api.get("/api/teams/Cara%20Losch", headers=admin)
    assert response.status_code == 200
    assert response.json() == {"key": "Cara Losch", "name": "Cara Losch", "region": "East"}


def test_resource_key_with_slash_is_addressable(api, admin):
    record = {"key": "Acme/EMEA", "name": "Acme EMEA"}
    assert api.post("/api/accounts", json=record, headers=admin).status_code == 201
    assert api.get(path("accounts", "Acme/EMEA"), headers=admin).json()["name"] == "Acme EMEA"


@pytest.mark.parametrize("resource", ["contacts", "opportunities", "activities", "tasks"])
def test_resource_create_without_key_generates_a_short_unique_one(api, admin, resource):
    record = {name: value for name, value in SAMPLES[resource][0].items() if name != "key"}
    keys = {api.post(f"/api/{resource}", json=record, headers=admin).json()["key"] for _ in range(3)}
    assert len(keys) == 3
    for key in keys:
        assert 1 <= len(key) <= 12
        assert api.get(path(resource, key), headers=admin).json() == {"key": key, **record}


def test_resource_create_applies_model_defaults(api, admin):
    created = api.post("/api/tasks", json={"title": "Call back", "owner": "bob"}, headers=admin).json()
    assert created["status"] == "open"
    assert created["due_date"] is None


def test_resource_money_answers_decimal_strings_to_the_cent(api, admin):
    body = {"stage": "Won", "owner": "ann", "product": "GTX Pro", "close_value": 1054.5, "amount": "12.500"}
    created = api.post("/api/opportunities", json=body, headers=admin).json()
    assert (created["close_value"], created["amount"]) == ("1054.50", "12.50")


def test_resource_date_times_are_stored_and_answered_in_utc(api, admin):
    body = {**SAMPLES["activities"][0], "key": "A-2", "occurred_at": "2017-01-05T10:30:00+02:00"}
    assert (
        api.post("/api/activities", json=body, headers=admin).json()["occurred_at"] == "2017-01-05T08:30:00Z"
    )
    assert api.get(path("activities", "A-2"), headers=admin).json()["occurred_at"] == "2017-01-05T08:30:00Z"


def test_resource_patch_changes_only_the_fields_sent(api, admin):
    api.patch(path("opportunities", "OPEN-1"), json={"amount": "99.00"}, headers=admin)
    assert api.get(path("opportunities", "OPEN-1"), headers=admin).json() == {
        "key": "OPEN-1",
        "stage": "Prospecting",
        "amount": "99.00",
        "close_value": None,
        "engage_date": None,
        "close_date": None,
        "owner": "ann",
        "account": None,
        "product": "GTX Pro",
    }


@pytest.mark.parametrize("resource", ANYONE_WRITES)
def test_resource_any_user_may_write_customers_and_their_own_pipeline(api, admin, engine, resource):
    record, change = SAMPLES[resource]
    change = {name: value for name, value in change.items() if name != "owner"}  # giving away is refused
    rep = auth(token_for(engine, record.get("owner", "wes")))
    assert api.post(f"/api/{resource}", json=record, headers=rep).status_code == 201
    assert api.patch(path(resource, record["key"]), json=change, headers=rep).status_code == 200


@pytest.mark.parametrize("resource", list(SAMPLES))
def test_resource_reads_need_a_bearer_token(api, admin, resource):
    for response in (api.get(f"/api/{resource}"), api.get(path(resource, "anything"))):
        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"


def test_resource_routes_appear_in_openapi(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for resource in SAMPLES:
        assert set(paths[f"/api/{resource}"]) == {"get", "post"}
        assert set(paths[f"/api/{resource}/{{key}}"]) == {"get", "patch"}
    assert "Only admins" in paths["/api/users"]["post"]["description"]
    assert "Any authenticated caller" in paths["/api/accounts"]["post"]["description"]
    assert "reps and presales write their own" in paths["/api/opportunities"]["post"]["description"]
    for schema in response.json()["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert api.get("/docs").status_code == 200

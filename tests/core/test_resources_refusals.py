"""The core REST API refuses bad requests with problem+json and changes nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from sqlmodel import SQLModel

from tessera.core.models import (
    Account,
    Activity,
    Contact,
    Opportunity,
    Product,
    Region,
    Task,
    Team,
    User,
)
from tests.factories import add_catalogue, add_org, add_records, auth, count, stored, token_for

TABLES: dict[str, type[SQLModel]] = {
    "regions": Region,
    "teams": Team,
    "users": User,
    "accounts": Account,
    "contacts": Contact,
    "products": Product,
    "opportunities": Opportunity,
    "activities": Activity,
    "tasks": Task,
}
OPPORTUNITY: dict[str, Any] = {"key": "OPEN-1", "stage": "Prospecting", "owner": "ann", "product": "GTX Pro"}


@pytest.fixture
def admin(engine):
    add_org(engine)
    add_catalogue(engine)
    add_records(engine, [Opportunity(**OPPORTUNITY)])
    return auth(token_for(engine, "admin"))


def problem(response, status: int) -> str:
    """The problem's detail, after checking it is one."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    return str(body["detail"])


def test_resource_unknown_key_is_404_naming_resource_and_key(api, admin):
    detail = problem(api.get("/api/teams/No%20Such%20Team", headers=admin), 404)
    assert "team 'No Such Team'" in detail
    detail = problem(api.patch("/api/opportunities/NOPE", json={"stage": "Won"}, headers=admin), 404)
    assert "opportunity 'NOPE'" in detail


def test_resource_create_existing_key_is_409_and_keeps_the_record(api, admin, engine):
    before = stored(engine, Team, "Cara Losch")
    body = {"key": "Cara Losch", "name": "Someone else", "region": "West"}
    detail = problem(api.post("/api/teams", json=body, headers=admin), 409)
    assert "team 'Cara Losch' exists already" in detail
    assert "PATCH /api/teams/Cara%20Losch" in detail
    assert stored(engine, Team, "Cara Losch") == before


@pytest.mark.parametrize(
    ("resource", "body", "field", "value"),
    [
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "owner": "nobody"}, "owner", "nobody"),
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "product": "Hoverboard"}, "product", "Hoverboard"),
        ("users", {"key": "zed", "name": "Zed", "role": "rep", "team": "X"}, "team", "X"),
        ("teams", {"key": "New Team", "name": "New Team", "region": "North"}, "region", "North"),
        ("contacts", {"name": "Jo", "account": "Initech"}, "account", "Initech"),
        ("tasks", {"title": "Call", "owner": "ann", "opportunity": "GONE"}, "opportunity", "GONE"),
    ],
)
def test_resource_create_with_unknown_reference_is_422_and_creates_nothing(
    api, admin, engine, resource, body, field, value
):
    before = count(engine, TABLES[resource])
    detail = problem(api.post(f"/api/{resource}", json=body, headers=admin), 422)
    assert f"{field}: no " in detail and f"'{value}'" in detail
    assert count(engine, TABLES[resource]) == before


def test_resource_update_with_unknown_reference_changes_nothing(api, admin, engine):
    before = stored(engine, Opportunity, "OPEN-1")
    body = {"stage": "Won", "owner": "nobody", "account": "Initech"}
    detail = problem(api.patch("/api/opportunities/OPEN-1", json=body, headers=admin), 422)
    assert "owner: no user 'nobody'" in detail and "account: no account 'Initech'" in detail
    assert stored(engine, Opportunity, "OPEN-1") == before


@pytest.mark.parametrize(
    ("resource", "body", "expected"),
    [
        ("users", {"key": "zed", "name": "Zed", "role": "boss"}, "body.role"),
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "stage": "Closed"}, "body.stage"),
        ("regions", {"key": "all", "name": "Everywhere"}, "'all' is reserved"),
        ("regions", {"key": "All", "name": "Everywhere"}, "'All' is reserved"),
        ("regions", {"key": "North", "name": "North", "manager": "Zed"}, "body.manager"),
        ("regions", {"name": "North"}, "body.key"),
        ("regions", {"key": " North", "name": "North"}, "body.key"),
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "amount": "10.005"}, "2 decimal places"),
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "amount": "-1"}, "body.amount"),
        ("opportunities", {**OPPORTUNITY, "key": "NEW-1", "close_date": "2017-02-30"}, "body.close_date"),
        ("accounts", {"key": "Big", "name": "Big", "employees": 2**40}, "body.employees"),
        ("accounts", {"key": "Neg", "name": "Neg", "employees": -1}, "body.employees"),
        ("regions", {"key": "a\u0000b", "name": "x"}, "control characters"),
        ("accounts", {"key": "Nul", "name": "x\u0000y"}, "name: remove the control characters"),
        (
            "activities",
            {"kind": "call", "subject": "Hi", "owner": "ann", "occurred_at": "2017-01-05T08:30:00"},
            "timezone",
        ),
    ],
)
def test_resource_create_with_invalid_field_is_422_and_creates_nothing(
    api, admin, engine, resource, body, expected
):
    before = count(engine, TABLES[resource])
    detail = problem(api.post(f"/api/{resource}", json=body, headers=admin), 422)
    assert expected in detail
    assert count(engine, TABLES[resource]) == before


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"stage": "Closed"}, "body.stage"),
        ({"stage": None}, "body.stage"),
        ({"owner": None}, "body.owner"),
        ({"key": "RENAMED"}, "body.key"),
        ({"amount": "1.999"}, "body.amount"),
        ({"colour": "red"}, "body.colour"),
    ],
)
def test_resource_update_with_invalid_field_is_422_and_changes_nothing(api, admin, engine, body, expected):
    before = stored(engine, Opportunity, "OPEN-1")
    detail = problem(api.patch("/api/opportunities/OPEN-1", json=body, headers=admin), 422)
    assert expected in detail
    assert stored(engine, Opportunity, "OPEN-1") == before


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("regions", {"key": "North", "name": "North"}),
        ("teams", {"key": "New Team", "name": "New Team", "region": "East"}),
        ("users", {"key": "zed", "name": "Zed", "role": "admin"}),
        ("products", {"key": "Hoverboard", "name": "Hoverboard"}),
    ],
)
def test_resource_admin_only_writes_are_refused_for_a_rep(api, admin, engine, resource, body):
    rep = auth(token_for(engine, "ann"))
    table = TABLES[resource]
    detail = problem(api.post(f"/api/{resource}", json=body, headers=rep), 403)
    assert "Only admins" in detail and "'ann' is a rep" in detail
    assert stored(engine, table, body["key"]) is None

    existing = {"regions": "East", "teams": "Cara Losch", "users": "ann", "products": "GTX Pro"}[resource]
    before = stored(engine, table, existing)
    problem(api.patch(f"/api/{resource}/{quote(existing)}", json={"name": "Renamed"}, headers=rep), 403)
    assert stored(engine, table, existing) == before


def test_resource_rep_cannot_promote_themself(api, admin, engine):
    rep = auth(token_for(engine, "ann"))
    before = stored(engine, User, "ann")
    problem(api.patch("/api/users/ann", json={"role": "admin"}, headers=rep), 403)
    assert stored(engine, User, "ann") == before
    assert api.get("/api/me", headers=rep).json()["role"] == "rep"


def test_resource_writes_need_a_bearer_token(api, admin, engine):
    before = stored(engine, Opportunity, "OPEN-1")
    problem(api.post("/api/opportunities", json={**OPPORTUNITY, "key": "NEW-1"}), 401)
    problem(api.patch("/api/opportunities/OPEN-1", json={"stage": "Won"}), 401)
    assert stored(engine, Opportunity, "NEW-1") is None
    assert stored(engine, Opportunity, "OPEN-1") == before


def test_resource_values_the_database_cannot_handle_are_422_problems(api, admin, engine):
    late = {"kind": "call", "subject": "Hi", "owner": "ann", "occurred_at": "9999-12-31T23:59:59-01:00"}
    problem(api.post("/api/activities", json=late, headers=admin), 422)
    assert count(engine, Activity) == 0
    # PostgreSQL cannot compare text with NUL; SQLite simply finds nothing.
    response = api.get("/api/regions/a%00b", headers=admin)
    assert response.status_code in (404, 422)
    assert response.headers["content-type"] == "application/problem+json"
    assert api.get("/api/opportunities?owner=a%00b", headers=admin).status_code in (200, 422)


def test_malformed_json_says_the_body_is_not_json(api, admin):
    response = api.post(
        "/api/regions", content=b'{"key": "x", ', headers={**admin, "content-type": "application/json"}
    )
    assert "the body is not valid JSON" in problem(response, 422)

"""Who may write opportunities, activities and tasks: owners, their managers, admins."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tessera.core.models import Opportunity
from tests.factories import add_catalogue, add_org, add_records, auth, stored, token_for

DEAL = {"stage": "Won", "close_value": "100.00", "close_date": "2017-05-02", "product": "GTX Pro"}


def stored_deal(key: str, owner: str) -> Opportunity:
    return Opportunity(
        key=key,
        owner=owner,
        stage="Won",
        close_value=Decimal("100.00"),
        close_date=dt.date(2017, 5, 2),
        product="GTX Pro",
    )


@pytest.fixture
def deals(engine):
    add_org(engine)
    add_catalogue(engine)
    add_records(
        engine,
        [stored_deal("ANN-1", "ann"), stored_deal("ROB-1", "rob")],
    )


def patch(api, engine, user, key, body):
    return api.patch(f"/api/opportunities/{key}", json=body, headers=auth(token_for(engine, user)))


@pytest.mark.parametrize(
    ("user", "key", "status"),
    [
        ("ann", "ANN-1", 200),  # her own
        ("ann", "ROB-1", 403),  # another team's rep
        ("bob", "ANN-1", 403),  # a teammate's
        ("Cara Losch", "ANN-1", 200),  # the manager of ann's team
        ("Cara Losch", "ROB-1", 403),  # another team's
        ("fin", "ANN-1", 403),  # finance reads only
        ("admin", "ROB-1", 200),
    ],
)
def test_owned_records_are_written_by_owner_manager_or_admin(api, engine, deals, user, key, status):
    before = stored(engine, Opportunity, key)
    response = patch(api, engine, user, key, {"close_value": "0.00"})
    assert response.status_code == status, response.text
    if status == 403:
        assert response.headers["content-type"] == "application/problem+json"
        assert stored(engine, Opportunity, key) == before


def test_a_rep_cannot_give_a_deal_away_or_create_one_for_someone_else(api, engine, deals):
    assert patch(api, engine, "ann", "ANN-1", {"owner": "rob"}).status_code == 403
    created = api.post(
        "/api/opportunities",
        json={"key": "FAKE", "owner": "rob", **DEAL},
        headers=auth(token_for(engine, "ann")),
    )
    assert created.status_code == 403
    assert "may not write opportunities owned by 'rob'" in created.json()["detail"]
    assert stored(engine, Opportunity, "FAKE") is None

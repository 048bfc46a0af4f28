"""List filters of the core REST API, each checked against a small known pipeline."""

from __future__ import annotations

import datetime as dt

import pytest

from tessera.core.models import Activity, Contact, Opportunity, Task
from tests.factories import add_catalogue, add_org, add_records, auth, token_for

# Teams: Cara Losch (East: Cara Losch, ann, bob), Rocco Neubert (East: rob), Celia Rouche (West: wes).
# key, stage, owner, account, product, close date
OPPORTUNITIES = [
    ("O1", "Won", "ann", "Acme Corporation", "GTX Pro", dt.date(2017, 3, 1)),
    ("O2", "Lost", "bob", "Betasoloin", "MG Special", dt.date(2017, 3, 31)),
    ("O3", "Won", "rob", "Acme Corporation", "MG Special", dt.date(2017, 4, 1)),
    ("O4", "Engaging", "wes", None, "GTX Pro", None),
    ("O5", "Won", "wes", "Betasoloin", "GTX Pro", dt.date(2017, 6, 30)),
]
WHEN = dt.datetime(2017, 1, 5, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def token(engine):
    add_org(engine)
    add_catalogue(engine)
    add_records(
        engine,
        [
            Opportunity(key=key, stage=stage, owner=owner, account=account, product=product, close_date=close)
            for key, stage, owner, account, product, close in OPPORTUNITIES
        ],
    )
    add_records(
        engine,
        [
            Contact(key="K1", name="Jo", account="Acme Corporation"),
            Contact(key="K2", name="Kim", account="Betasoloin"),
            Contact(key="K3", name="Lee"),
            Activity(key="A1", kind="call", subject="Intro", occurred_at=WHEN, owner="ann", opportunity="O1"),
            Activity(
                key="A2", kind="email", subject="Quote", occurred_at=WHEN, owner="wes", account="Betasoloin"
            ),
            Task(key="T1", title="Call back", owner="ann", opportunity="O1"),
            Task(key="T2", title="Send deck", owner="wes", opportunity="O5"),
            Task(key="T3", title="Plan", owner="wes"),
        ],
    )
    return auth(token_for(engine, "rob"))


def keys(api, token, resource, **params):
    """The keys listed, sorted here: the order of mixed-case keys depends on the database's collation."""
    response = api.get(f"/api/{resource}", params=params, headers=token)
    assert response.status_code == 200, response.text
    return sorted(item["key"] for item in response.json()["items"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["O1", "O2", "O3", "O4", "O5"]),
        ({"owner": "wes"}, ["O4", "O5"]),
        ({"team": "Cara Losch"}, ["O1", "O2"]),
        ({"region": "East"}, ["O1", "O2", "O3"]),
        ({"region": "West"}, ["O4", "O5"]),
        ({"stage": "Won"}, ["O1", "O3", "O5"]),
        ({"account": "Acme Corporation"}, ["O1", "O3"]),
        ({"product": "MG Special"}, ["O2", "O3"]),
        ({"close_from": "2017-03-31"}, ["O2", "O3", "O5"]),
        ({"close_to": "2017-04-01"}, ["O1", "O2", "O3"]),
        ({"close_from": "2017-03-31", "close_to": "2017-04-01"}, ["O2", "O3"]),
        ({"region": "East", "stage": "Won"}, ["O1", "O3"]),
        ({"team": "Rocco Neubert", "stage": "Lost"}, []),
    ],
)
def test_opportunities_filter(api, token, params, expected):
    assert keys(api, token, "opportunities", **params) == expected


@pytest.mark.parametrize(
    ("resource", "params", "expected"),
    [
        ("teams", {"region": "East"}, ["Cara Losch", "Rocco Neubert"]),
        ("teams", {"region": "West"}, ["Celia Rouche"]),
        ("users", {"team": "Cara Losch"}, sorted(["Cara Losch", "ann", "bob"])),
        ("users", {"region": "West"}, ["wes"]),
        ("users", {"role": "rep"}, ["ann", "bob", "rob", "wes"]),
        ("users", {"role": "rep", "region": "East"}, ["ann", "bob", "rob"]),
        ("contacts", {"account": "Betasoloin"}, ["K2"]),
        ("activities", {"owner": "wes"}, ["A2"]),
        ("activities", {"opportunity": "O1"}, ["A1"]),
        ("activities", {"account": "Betasoloin"}, ["A2"]),
        ("tasks", {"owner": "wes"}, ["T2", "T3"]),
        ("tasks", {"opportunity": "O1"}, ["T1"]),
    ],
)
def test_resource_filter(api, token, resource, params, expected):
    assert keys(api, token, resource, **params) == expected


@pytest.mark.parametrize(
    ("resource", "params", "expected"),
    [
        ("opportunities", {"regoin": "East"}, "query.regoin"),
        ("accounts", {"region": "East"}, "query.region"),
        ("opportunities", {"close_from": "March 2017"}, "query.close_from"),
        ("opportunities", {"close_to": "2017-02-30"}, "query.close_to"),
        ("opportunities", {"stage": "Closed"}, "query.stage"),
        ("users", {"role": "boss"}, "query.role"),
        ("opportunities", {"region": "Nowhere"}, "region: no region 'Nowhere'"),
        ("opportunities", {"owner": "nobody"}, "owner: no user 'nobody'"),
        ("users", {"team": "X"}, "team: no team 'X'"),
    ],
)
def test_resource_filter_refuses_bad_values(api, token, resource, params, expected):
    response = api.get(f"/api/{resource}", params=params, headers=token)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert expected in response.json()["detail"]

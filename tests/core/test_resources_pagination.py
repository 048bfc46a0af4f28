"""Cursor pagination of the core REST API lists."""

from __future__ import annotations

import base64
import json
import random

import pytest

from tessera.core.models import Opportunity
from tests.factories import add_catalogue, add_org, add_records, auth, token_for

TOTAL = 120


@pytest.fixture
def token(engine):
    add_org(engine)
    add_catalogue(engine)
    numbers = list(range(TOTAL))
    random.Random(7).shuffle(numbers)
    add_records(
        engine,
        [
            Opportunity(
                key=f"OPP-{n:03d}", stage="Won" if n % 3 == 0 else "Engaging", owner="ann", product="GTX Pro"
            )
            for n in numbers
        ],
    )
    return auth(token_for(engine, "ann"))


def walk(api, token, **params):
    """Every page of /api/opportunities, following next_cursor to the end."""
    pages, cursor = [], None
    while True:
        response = api.get(
            "/api/opportunities", params={**params, "cursor": cursor} if cursor else params, headers=token
        )
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["key"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_pagination_walks_every_record_once_in_key_order(api, token):
    pages = walk(api, token, limit=50)
    assert [len(page) for page in pages] == [50, 50, 20]
    listed = [key for page in pages for key in page]
    assert listed == [f"OPP-{n:03d}" for n in range(TOTAL)]


def test_pagination_with_a_filter_keeps_the_filter_on_every_page(api, token):
    pages = walk(api, token, stage="Won", limit=7)
    listed = [key for page in pages for key in page]
    assert listed == [f"OPP-{n:03d}" for n in range(0, TOTAL, 3)]
    assert [len(page) for page in pages] == [7, 7, 7, 7, 7, 5]


def test_pagination_last_full_page_has_no_next_cursor(api, token):
    pages = walk(api, token, stage="Won", limit=20)
    assert [len(page) for page in pages] == [20, 20]


def test_pagination_defaults_to_fifty(api, token):
    body = api.get("/api/opportunities", headers=token).json()
    assert len(body["items"]) == 50
    assert body["next_cursor"]


def test_pagination_sees_records_added_after_the_cursor(api, token, engine):
    first = api.get("/api/opportunities", params={"limit": 100}, headers=token).json()
    add_records(engine, [Opportunity(key="OPP-999", stage="Won", owner="ann", product="GTX Pro")])
    rest = api.get(
        "/api/opportunities", params={"limit": 100, "cursor": first["next_cursor"]}, headers=token
    ).json()
    assert [item["key"] for item in rest["items"]][-1] == "OPP-999"
    assert len(rest["items"]) == TOTAL - 100 + 1


def _forged(content: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(content).encode()).decode()


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 501},
        {"limit": "ten"},
        {"cursor": "not-a-cursor"},
        {"cursor": "%%%"},
        {"cursor": _forged({"resource": "accounts", "after": "OPP-010"})},
        {"cursor": _forged(["OPP-010"])},
        {"cursor": _forged({"resource": "opportunities", "after": 10})},
    ],
)
def test_pagination_refuses_bad_limit_or_cursor(api, token, params):
    response = api.get("/api/opportunities", params=params, headers=token)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert ("cursor" in detail) if "cursor" in params else ("limit" in detail)


def test_pagination_cursor_of_another_list_is_refused(api, token):
    cursor = api.get("/api/opportunities", params={"limit": 1}, headers=token).json()["next_cursor"]
    response = api.get("/api/accounts", params={"cursor": cursor}, headers=token)
    assert response.status_code == 422
    assert "not a cursor of /api/accounts" in response.json()["detail"]

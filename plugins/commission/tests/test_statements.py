"""Statements from opportunity records: who is credited what, in which quarter."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from tessera.sdk import OpportunityRecord
from tessera_commission.config import DEFAULT_CONFIG, load_config
from tessera_commission.period import Quarter
from tessera_commission.statements import Statement, statements

STANDARD = load_config(DEFAULT_CONFIG)
Q2 = Quarter(2017, 2)


def deal(
    key: str, owner: str, closed: dt.date | None, value: str | None, stage: str = "Won"
) -> OpportunityRecord:
    return OpportunityRecord(
        key=key,
        stage=stage,
        amount=Decimal("999.00"),
        close_value=None if value is None else Decimal(value),
        engage_date=dt.date(2017, 1, 15),
        close_date=closed,
        owner=owner,
        account=None,
        product="GTX Basic",
    )


def by_rep(found: list[Statement]) -> dict[str, Statement]:
    return {statement.rep: statement for statement in found}


def test_statements_credit_won_deals_closed_in_the_quarter_to_their_owner() -> None:
    deals = [
        deal("in-1", "ann", dt.date(2017, 4, 1), "40000.00"),
        deal("in-2", "ann", dt.date(2017, 6, 30), "30000.50"),
        deal("before", "ann", dt.date(2017, 3, 31), "5000.00"),
        deal("after", "ann", dt.date(2017, 7, 1), "5000.00"),
        deal("lost", "ann", dt.date(2017, 5, 1), "0", stage="Lost"),
        deal("bob-1", "bob", dt.date(2017, 5, 2), "100.00"),
    ]
    ann = by_rep(statements(reps=["ann", "bob"], opportunities=deals, config=STANDARD, quarter=Q2))["ann"]
    assert [(line.opportunity, line.credit) for line in ann.lines] == [
        ("in-1", Decimal("40000.00")),
        ("in-2", Decimal("30000.50")),
    ]
    assert ann.credited == Decimal("70000.50")
    assert ann.attainment == Decimal("1.1667")
    assert ann.payout.total == Decimal("3800.04")  # 3000.00 + 8 % of 10000.50


def test_statements_include_every_rep_asked_for_even_without_credits() -> None:
    deals = [deal("only", "ann", dt.date(2017, 5, 1), "10.00")]
    found = statements(reps=["ann", "cy", "bob"], opportunities=deals, config=STANDARD, quarter=Q2)
    assert [statement.rep for statement in found] == ["ann", "cy", "bob"]
    cy = found[1]
    assert (cy.credited, cy.attainment, cy.payout.total, cy.lines) == (
        Decimal("0.00"),
        Decimal("0.0000"),
        Decimal("0.00"),
        (),
    )


def test_statements_leave_out_won_deals_without_a_close_value_or_date() -> None:
    deals = [
        deal("no-value", "ann", dt.date(2017, 5, 1), None),
        deal("no-date", "ann", None, "10.00"),
        deal("ok", "ann", dt.date(2017, 5, 1), "10.00"),
    ]
    (ann,) = statements(reps=["ann"], opportunities=deals, config=STANDARD, quarter=Q2)
    assert [line.opportunity for line in ann.lines] == ["ok"]


def test_statements_follow_the_configured_field_mapping() -> None:
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["fields"] = {
        "amount": "amount",
        "date": "engage_date",
        "owner": "owner",
        "won": {"field": "stage", "equals": "Engaging"},
    }
    deals = [
        deal("engaging", "ann", None, None, stage="Engaging"),
        deal("won", "ann", dt.date(2017, 1, 20), "50.00"),
    ]
    (ann,) = statements(
        reps=["ann"], opportunities=deals, config=load_config(config), quarter=Quarter(2017, 1)
    )
    assert [(line.opportunity, line.date, line.credit) for line in ann.lines] == [
        ("engaging", dt.date(2017, 1, 15), Decimal("999.00"))
    ]

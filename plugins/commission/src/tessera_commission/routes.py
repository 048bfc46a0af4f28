"""``GET /api/plugins/commission/statements``: statements for the reps the caller may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from tessera.sdk import ContextDep

from .config import load_config
from .period import QUARTER_FORM, Quarter
from .statements import Statement, statements


class CreditLinePublic(BaseModel):
    opportunity: str = Field(description="The key of the won opportunity.")
    date: dt.date
    credit: Decimal


class TierPublic(BaseModel):
    name: str
    base: Decimal = Field(description="The part of the credited value this tier pays on.")
    rate: Decimal
    amount: Decimal = Field(description="base × rate, rounded half-up to the cent.")


class PayoutCalculationPublic(BaseModel):
    tiers: list[TierPublic]
    before_cap: Decimal = Field(description="The sum of the tiers' amounts.")
    cap: Decimal | None
    cap_applied: bool


class StatementPublic(BaseModel):
    rep: str
    period: str = Field(examples=["2017-Q2"])
    plan: str
    quota: Decimal
    credited: Decimal
    attainment: Decimal = Field(description="credited ÷ quota, rounded half-up to four places.")
    payout: Decimal
    lines: list[CreditLinePublic] = Field(description="Each won opportunity credited, by date.")
    payout_calculation: PayoutCalculationPublic


class StatementsPublic(BaseModel):
    items: list[StatementPublic]


PeriodQuery = Annotated[
    str | None, Query(description=f"The calendar quarter, {QUARTER_FORM}.", examples=["2017-Q2"])
]


def _quarter(period: str | None) -> Quarter:
    """The requested quarter; a missing or malformed one is refused as a 422."""
    try:
        if period is None:
            raise ValueError(f"the period is missing; give it as {QUARTER_FORM}")
        return Quarter.parse(period)
    except ValueError as err:
        error = {"type": "value_error", "loc": ("query", "period"), "msg": str(err), "input": period}
        raise RequestValidationError([error]) from err


def _public(statement: Statement) -> StatementPublic:
    payout = statement.payout
    return StatementPublic(
        rep=statement.rep,
        period=str(statement.period),
        plan=statement.plan.name,
        quota=statement.plan.quota,
        credited=statement.credited,
        attainment=statement.attainment,
        payout=payout.total,
        lines=[CreditLinePublic.model_validate(line, from_attributes=True) for line in statement.lines],
        payout_calculation=PayoutCalculationPublic(
            tiers=[TierPublic.model_validate(tier, from_attributes=True) for tier in payout.tiers],
            before_cap=payout.before_cap,
            cap=payout.cap,
            cap_applied=payout.cap_applied,
        ),
    )


def build_router() -> APIRouter:
    router = APIRouter()

    @router.get("/statements")
    def read_statements(ctx: ContextDep, period: PeriodQuery = None) -> StatementsPublic:
        """One statement for every rep the caller may see, including reps credited nothing,
        each under the plan configured for the rep's own region."""
        quarter = _quarter(period)
        reps = ctx.data.visible_reps()
        opportunities = ctx.data.opportunities(owners=[rep["key"] for rep in reps])
        by_rep: dict[str, Statement] = {}
        for region in {rep["region"] for rep in reps}:
            in_region = [rep["key"] for rep in reps if rep["region"] == region]
            owners = set(in_region)
            found = statements(
                reps=in_region,
                opportunities=[o for o in opportunities if o["owner"] in owners],
                config=load_config(ctx.config_for_region(region)),
                quarter=quarter,
            )
            by_rep.update((s.rep, s) for s in found)
        return StatementsPublic(items=[_public(by_rep[rep["key"]]) for rep in reps])

    return router

"""A rep's commission statement for one quarter: credits, attainment and payout."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tessera.sdk import OpportunityRecord

from .config import CommissionConfig
from .credits import CreditLine, credits_by_rep
from .period import Quarter
from .plan import ZERO, Payout, Plan, attainment, compute_payout, to_cents


@dataclass(frozen=True)
class Statement:
    rep: str
    period: Quarter
    plan: Plan
    credited: Decimal
    attainment: Decimal
    payout: Payout
    lines: tuple[CreditLine, ...]


def statement_for(rep: str, quarter: Quarter, plan: Plan, lines: tuple[CreditLine, ...]) -> Statement:
    """The statement of ``rep`` for ``quarter`` from its credit lines."""
    credited = to_cents(sum((line.credit for line in lines), start=ZERO))
    return Statement(
        rep=rep,
        period=quarter,
        plan=plan,
        credited=credited,
        attainment=attainment(plan, credited),
        payout=compute_payout(plan, credited),
        lines=lines,
    )


def statements(
    *,
    reps: Iterable[str],
    opportunities: Iterable[OpportunityRecord],
    config: CommissionConfig,
    quarter: Quarter,
) -> list[Statement]:
    """One statement per rep, in the order given, including reps credited nothing."""
    credits = credits_by_rep(opportunities, config.fields, quarter)
    return [statement_for(rep, quarter, config.plan, tuple(credits.get(rep, ()))) for rep in reps]

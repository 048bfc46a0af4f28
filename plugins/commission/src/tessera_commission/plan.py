"""A commission plan and the payout it gives for a credited value: pure Decimal arithmetic.

The payout has two tiers: ``rate_to_quota`` of the credited value up to the
quota, plus ``rate_above_quota`` of the part above it. Each tier's amount is
rounded half-up to the cent; the payout is their sum, capped at ``cap`` when
the plan has one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

CENT: Final = Decimal("0.01")
# Attainment is a ratio kept to four places: 1.2058 is 120.58 % of quota.
ATTAINMENT_STEP: Final = Decimal("0.0001")
ZERO: Final = Decimal(0)


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to whole cents."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Plan:
    """What a rep earns per quarter; ``quota`` and ``cap`` are whole cents."""

    name: str
    quota: Decimal
    rate_to_quota: Decimal
    rate_above_quota: Decimal
    cap: Decimal | None


@dataclass(frozen=True)
class TierPayout:
    """One tier of a payout: ``rate`` of ``base``, rounded to ``amount``."""

    name: str
    base: Decimal
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Payout:
    """How a payout was computed: its tiers, their sum and the cap."""

    tiers: tuple[TierPayout, ...]
    before_cap: Decimal
    cap: Decimal | None
    cap_applied: bool
    total: Decimal


def attainment(plan: Plan, credited: Decimal) -> Decimal:
    """The credited value as a ratio of the quota, rounded half-up to four places."""
    return (credited / plan.quota).quantize(ATTAINMENT_STEP, rounding=ROUND_HALF_UP)


def _tier(name: str, base: Decimal, rate: Decimal) -> TierPayout:
    return TierPayout(name=name, base=to_cents(base), rate=rate, amount=to_cents(base * rate))


def compute_payout(plan: Plan, credited: Decimal) -> Payout:
    """The payout for ``credited`` (a non-negative value) under ``plan``."""
    tiers = (
        _tier("up to quota", min(credited, plan.quota), plan.rate_to_quota),
        _tier("above quota", max(credited - plan.quota, ZERO), plan.rate_above_quota),
    )
    before_cap = sum((tier.amount for tier in tiers), start=ZERO)
    total = before_cap if plan.cap is None else min(before_cap, plan.cap)
    return Payout(
        tiers=tiers, before_cap=before_cap, cap=plan.cap, cap_applied=total < before_cap, total=total
    )

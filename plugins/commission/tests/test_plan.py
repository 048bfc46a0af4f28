"""The payout arithmetic: hand-checked examples and properties over many plans."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera_commission.config import DEFAULT_CONFIG, load_config
from tessera_commission.plan import Plan, attainment, compute_payout

STANDARD = load_config(DEFAULT_CONFIG).plan

money = st.decimals(min_value=0, max_value=Decimal("1000000000"), places=2)
rates = st.decimals(min_value=0, max_value=1, places=6)
plans = st.builds(
    Plan,
    name=st.just("any"),
    quota=st.decimals(min_value=1, max_value=Decimal("100000000"), places=2),
    rate_to_quota=rates,
    rate_above_quota=rates,
    cap=st.none() | money,
)
capped_plans = plans.filter(lambda plan: plan.cap is not None)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def standard_by_hand(credited: Decimal) -> Decimal:
    """The plan "standard" as the issue states it."""
    up_to_quota = cents(Decimal("0.05") * min(credited, Decimal(60000)))
    above_quota = cents(Decimal("0.08") * max(credited - Decimal(60000), Decimal(0)))
    return min(up_to_quota + above_quota, Decimal(12000))


@pytest.mark.parametrize(
    ("credited", "payout"),
    [
        ("0", "0.00"),
        ("12345.70", "617.29"),  # 617.285 rounds half-up, not to even
        ("60000.00", "3000.00"),
        ("100000.00", "6200.00"),
        ("162500.00", "11200.00"),
        ("175000.00", "12000.00"),  # 12200.00 before the cap
        ("1000000.00", "12000.00"),
    ],
)
def test_standard_plan_pays_the_hand_checked_amounts(credited: str, payout: str) -> None:
    assert compute_payout(STANDARD, Decimal(credited)).total == Decimal(payout)


def test_standard_plan_explains_a_capped_payout() -> None:
    payout = compute_payout(STANDARD, Decimal("175000.00"))
    assert [(t.name, t.base, t.rate, t.amount) for t in payout.tiers] == [
        ("up to quota", Decimal("60000.00"), Decimal("0.05"), Decimal("3000.00")),
        ("above quota", Decimal("115000.00"), Decimal("0.08"), Decimal("9200.00")),
    ]
    assert (payout.before_cap, payout.cap, payout.cap_applied) == (
        Decimal("12200.00"),
        Decimal("12000.00"),
        True,
    )


def test_attainment_is_the_ratio_to_quota_rounded_half_up_to_four_places() -> None:
    assert attainment(STANDARD, Decimal("72345.67")) == Decimal("1.2058")
    assert attainment(STANDARD, Decimal("3.00")) == Decimal("0.0001")  # 0.00005 rounds up
    assert attainment(STANDARD, Decimal("0")) == Decimal("0.0000")


@given(money)
def test_standard_payout_equals_the_hand_formula(credited: Decimal) -> None:
    assert compute_payout(STANDARD, credited).total == standard_by_hand(credited)


@given(capped_plans, money)
def test_payout_never_exceeds_the_cap(plan: Plan, credited: Decimal) -> None:
    payout = compute_payout(plan, credited)
    assert plan.cap is not None
    assert payout.total <= plan.cap
    assert payout.cap_applied == (payout.before_cap > plan.cap)


@given(plans, money)
def test_payout_is_never_negative_and_in_whole_cents(plan: Plan, credited: Decimal) -> None:
    payout = compute_payout(plan, credited)
    assert payout.total >= 0
    assert payout.total == cents(payout.total)


@given(plans, money, money)
def test_payout_is_monotone_in_credited_value(plan: Plan, one: Decimal, other: Decimal) -> None:
    low, high = sorted((one, other))
    assert compute_payout(plan, low).total <= compute_payout(plan, high).total


@given(plans, money)
def test_payout_tiers_add_up_to_the_payout_before_the_cap(plan: Plan, credited: Decimal) -> None:
    payout = compute_payout(plan, credited)
    assert sum(tier.base for tier in payout.tiers) == credited
    assert sum(tier.amount for tier in payout.tiers) == payout.before_cap
    assert payout.total == (payout.before_cap if plan.cap is None else min(payout.before_cap, plan.cap))

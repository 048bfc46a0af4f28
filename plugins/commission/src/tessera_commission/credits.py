"""Which opportunities credit which rep, and how much: the configured field mapping."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from tessera.sdk import OpportunityRecord

from .period import Quarter


@dataclass(frozen=True)
class WonCondition:
    """An opportunity is won when its ``field`` equals ``equals``."""

    field: str
    equals: str


@dataclass(frozen=True)
class FieldMapping:
    """The opportunity fields that give a credit's amount, date and owner."""

    amount: str
    date: str
    owner: str
    won: WonCondition


@dataclass(frozen=True)
class CreditLine:
    """What one won opportunity credits its owner."""

    opportunity: str
    rep: str
    date: dt.date
    credit: Decimal


def credit_line(record: OpportunityRecord, mapping: FieldMapping) -> CreditLine | None:
    """The credit ``record`` gives; ``None`` unless it is won and has an amount and a date."""
    values: Mapping[str, object] = record
    if values[mapping.won.field] != mapping.won.equals:
        return None
    amount, date, owner = values[mapping.amount], values[mapping.date], values[mapping.owner]
    if not (isinstance(amount, Decimal) and isinstance(date, dt.date) and isinstance(owner, str)):
        return None
    return CreditLine(opportunity=record["key"], rep=owner, date=date, credit=amount)


def credits_by_rep(
    records: Iterable[OpportunityRecord], mapping: FieldMapping, quarter: Quarter
) -> dict[str, list[CreditLine]]:
    """The credit lines dated in ``quarter``, by rep, each rep's in date order."""
    lines: dict[str, list[CreditLine]] = defaultdict(list)
    for record in records:
        line = credit_line(record, mapping)
        if line is not None and Quarter.of(line.date) == quarter:
            lines[line.rep].append(line)
    return {rep: sorted(rep_lines, key=_date_order) for rep, rep_lines in lines.items()}


def _date_order(line: CreditLine) -> tuple[dt.date, str]:
    return line.date, line.opportunity

"""Calendar quarters, the periods statements are made for, written ``YYYY-Qn``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

QUARTER_FORM: Final = "YYYY-Qn: a four-digit year from 0001, '-Q' and a quarter from 1 to 4, e.g. 2017-Q2"
_QUARTER: Final = re.compile(r"([0-9]{4})-Q([1-4])")
_FIRST_YEAR: Final = 1


@dataclass(frozen=True, order=True)
class Quarter:
    """One calendar quarter: ``number`` 1 is January to March."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2017-Q2``; :class:`ValueError` names the expected form otherwise."""
        match = _QUARTER.fullmatch(text)
        if match is None or int(match[1]) < _FIRST_YEAR:
            raise ValueError(f"'{text}' is not a calendar quarter; write it as {QUARTER_FORM}")
        return cls(year=int(match[1]), number=int(match[2]))

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        """The quarter ``day`` falls in."""
        return cls(year=day.year, number=(day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-Q{self.number}"

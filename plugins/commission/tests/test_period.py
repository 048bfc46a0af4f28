"""Calendar quarters as the statements route reads and writes them."""

from __future__ import annotations

import datetime as dt

import pytest

from tessera_commission.period import Quarter


def test_quarter_parses_and_prints_the_same_text() -> None:
    assert Quarter.parse("2017-Q2") == Quarter(year=2017, number=2)
    assert str(Quarter.parse("2017-Q2")) == "2017-Q2"


@pytest.mark.parametrize(
    "text", ["2017-Q5", "2017-Q0", "0000-Q1", "abc", "", "17-Q1", "2017Q1", "2017-q1", "2017-Q1 "]
)
def test_quarter_refuses_other_text_naming_the_form(text: str) -> None:
    with pytest.raises(ValueError, match=r"write it as YYYY-Qn.*e\.g\. 2017-Q2"):
        Quarter.parse(text)


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2017, 1, 1), "2017-Q1"),
        (dt.date(2017, 3, 31), "2017-Q1"),
        (dt.date(2017, 4, 1), "2017-Q2"),
        (dt.date(2017, 9, 30), "2017-Q3"),
        (dt.date(2017, 10, 1), "2017-Q4"),
        (dt.date(2017, 12, 31), "2017-Q4"),
    ],
)
def test_quarter_of_a_day_is_its_calendar_quarter(day: dt.date, quarter: str) -> None:
    assert str(Quarter.of(day)) == quarter


def test_early_years_are_written_with_four_digits() -> None:
    assert str(Quarter.parse("0001-Q3")) == "0001-Q3"

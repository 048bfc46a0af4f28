"""Reading CSV files for an import: every bad file, row and cell becomes a :class:`RowProblem`.

:func:`read_csv` gives a file's rows with their line numbers; :class:`Cells`
turns one row's text into typed values and records, refusing what it cannot
convert. Nothing stops at the first problem, so an import can report them all.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlmodel import SQLModel

from tessera.core.bulk_upsert import Record
from tessera.core.errors import RowProblem
from tessera.core.models import KEY_MAX
from tessera.core.money import CENT

_INTEGER = re.compile(r"-?[0-9]+")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SHOWN = 40  # characters of a bad value quoted in a problem
_INT32 = 2**31 - 1  # integer columns are 32-bit
_MONEY_LIMIT = Decimal(10) ** 15  # cents must fit a 64-bit column
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CsvRow:
    file: str
    line: int
    cells: dict[str, str]


def read_csv(
    directory: Path, file: str, columns: Sequence[str], problems: list[RowProblem]
) -> list[CsvRow] | None:
    """The rows of ``directory/file`` that have every field, or None if the file cannot be read.

    Rows with too few or too many fields are left out and reported, as is a
    missing file, a header without one of ``columns`` or text that is not UTF-8.
    """
    path = directory / file
    if not path.is_file():
        problems.append(RowProblem(file, 0, f"the file is missing; expected it in {directory}"))
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_rows(csv.DictReader(handle), file, columns, problems)
    except UnicodeDecodeError as err:
        problems.append(RowProblem(file, 0, f"the file is not UTF-8 text ({err}); save it as UTF-8"))
    except csv.Error as err:
        problems.append(RowProblem(file, 0, f"the file is not valid CSV: {err}"))
    return None


def _read_rows(
    reader: csv.DictReader[str], file: str, columns: Sequence[str], problems: list[RowProblem]
) -> list[CsvRow] | None:
    header = list(reader.fieldnames or [])
    missing = [c for c in columns if c not in header]
    if missing:
        reason = f"missing column(s) {', '.join(missing)}; the header must name {', '.join(columns)}"
        problems.append(RowProblem(file, 1, reason))
        return None
    rows = []
    for cells in reader:
        extra = len(cells.get(None) or [])
        absent = sum(value is None for value in cells.values())
        if extra or absent:
            reason = f"the row has {len(header) + extra - absent} fields but the header has {len(header)}"
            problems.append(RowProblem(file, reader.line_num, reason))
        else:
            rows.append(CsvRow(file, reader.line_num, cells))
    return rows


class Cells:
    """Typed access to one row's cells; each bad cell becomes a problem and clears :attr:`ok`."""

    def __init__(self, row: CsvRow, problems: list[RowProblem]) -> None:
        self._row = row
        self._problems = problems
        self.ok = True

    @property
    def line(self) -> int:
        return self._row.line

    def refuse(self, reason: str) -> None:
        self.ok = False
        self._problems.append(RowProblem(self._row.file, self._row.line, reason))

    def text(self, column: str, *, required: bool = False) -> str | None:
        value = self._row.cells[column].strip()
        if _CONTROL_CHARACTERS.search(value):
            self.refuse(f"{column} holds control characters (such as NUL); remove them")
            return None
        if value:
            return value
        if required:
            self.refuse(f"{column} is empty")
        return None

    def date(self, column: str) -> dt.date | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            if _ISO_DATE.fullmatch(value):
                return dt.date.fromisoformat(value)
        except ValueError:
            pass
        self.refuse(f"{column} '{value}' is not a date like 2017-03-31")
        return None

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        if _INTEGER.fullmatch(value) and abs(int(value)) <= _INT32:
            return int(value)
        self.refuse(f"{column} '{value[:_SHOWN]}' is not a whole number from -{_INT32} to {_INT32}")
        return None

    def money(self, column: str) -> Decimal | None:
        value = self.text(column)
        try:
            amount = None if value is None else Decimal(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if amount is None:
            return None
        if not amount.is_finite() or abs(amount) >= _MONEY_LIMIT or amount != amount.quantize(CENT):
            self.refuse(f"{column} '{value}' is not an amount like 1234.50 (below {_MONEY_LIMIT:,})")
            return None
        return amount

    def record(self, model: type[SQLModel], what: str, key: str | None, **values: Any) -> Record | None:
        """``key`` and ``values`` checked against ``model``'s constraints, or None after refusing them.

        ``model`` is a ``<X>Base`` (plain pydantic, fast), so ``key`` is checked here.
        Nothing is checked once the row has a problem.
        """
        if key is not None and len(key) > KEY_MAX:
            self.refuse(f"{what} key '{key[:_SHOWN]}…' is longer than {KEY_MAX} characters")
        if not self.ok:
            return None
        try:
            checked = model.model_validate(values)
        except ValidationError as err:
            for error in err.errors():
                field_name = ".".join(str(part) for part in error["loc"])
                self.refuse(f"{what} {field_name} '{str(error['input'])[:_SHOWN]}': {error['msg']}")
            return None
        return {"key": key} | checked.model_dump(include=set(values))

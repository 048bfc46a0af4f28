"""Import the Maven Analytics "CRM + Sales Opportunities" export.

The export is four CSV files in one folder; they map onto the kernel like this:

- ``sales_teams.csv``: each ``regional_office`` is a region; each ``manager``
  leads one team whose key is the manager's name, and is a user with role
  ``manager`` in it; each ``sales_agent`` is a user with role ``rep`` in their
  manager's team. Keys are the names exactly as written.
- ``accounts.csv`` and ``products.csv``: keyed by ``account`` and ``product``.
- ``sales_pipeline.csv``: one opportunity per ``opportunity_id``. Its product
  is matched ignoring spaces and case, so ``GTXPro`` is the product ``GTX Pro``;
  an open deal without an account keeps none.

Every file is read and every row checked before anything is written. If any
row cannot be imported, :class:`~tessera.core.errors.ImportRefusedError` lists
them all (file, line, reason) and nothing changes. Records are upserted by key
in bulk, so importing the same export twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from sqlalchemy import Table
from sqlmodel import Session, SQLModel

from tessera.core.bulk_upsert import EntityCounts, Record, upsert_by_key
from tessera.core.csv_rows import Cells, CsvRow, read_csv
from tessera.core.errors import ImportRefusedError, RowProblem
from tessera.core.models import (
    ALL_REGIONS,
    STAGES,
    Account,
    AccountBase,
    Opportunity,
    OpportunityBase,
    Product,
    ProductBase,
    Region,
    RegionBase,
    Team,
    TeamBase,
    User,
    UserBase,
)

TEAMS_FILE: Final = "sales_teams.csv"
PRODUCTS_FILE: Final = "products.csv"
ACCOUNTS_FILE: Final = "accounts.csv"
PIPELINE_FILE: Final = "sales_pipeline.csv"

COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    TEAMS_FILE: ("sales_agent", "manager", "regional_office"),
    PRODUCTS_FILE: ("product", "series", "sales_price"),
    ACCOUNTS_FILE: (
        "account",
        "sector",
        "year_established",
        "revenue",
        "employees",
        "office_location",
        "subsidiary_of",
    ),
    PIPELINE_FILE: (
        "opportunity_id",
        "sales_agent",
        "product",
        "account",
        "deal_stage",
        "engage_date",
        "close_date",
        "close_value",
    ),
}

ImportProgress = Callable[[str, int, int], None]
"""Called as ``progress(step, done, total)`` while an import runs."""


@dataclass(frozen=True)
class ImportSummary:
    """What an import did, per entity (regions, teams, managers, reps, ...)."""

    counts: dict[str, EntityCounts]

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated for c in self.counts.values())


def import_maven_crm(*, session: Session, directory: Path, progress: ImportProgress | None) -> ImportSummary:
    """Import the export in ``directory`` into the session's transaction, or refuse it whole."""
    report = progress or (lambda _step, _done, _total: None)
    total = len(COLUMNS) + 1 + len(_ENTITIES)
    problems: list[RowProblem] = []
    rows: dict[str, list[CsvRow] | None] = {}
    for done, (file, columns) in enumerate(COLUMNS.items()):
        report(f"Reading {file}", done, total)
        rows[file] = read_csv(directory, file, columns, problems)
    report("Checking rows", len(COLUMNS), total)
    readable = {file: file_rows for file, file_rows in rows.items() if file_rows is not None}
    if len(readable) < len(rows):  # row checks would only repeat that a file is missing
        raise _refusal(problems)
    records = _check_export(readable, problems)
    if problems:
        raise _refusal(problems)
    connection = session.connection()
    counts: dict[str, EntityCounts] = {}
    for done, (entity, table) in enumerate(_ENTITIES.items(), start=len(COLUMNS) + 1):
        report(f"Writing {entity}", done, total)
        counts[entity] = upsert_by_key(connection, table, records[entity])
    report("Done", total, total)
    return ImportSummary(counts)


def _refusal(problems: list[RowProblem]) -> ImportRefusedError:
    """The problems in file and line order."""
    files = list(COLUMNS)
    return ImportRefusedError(sorted(problems, key=lambda p: (files.index(p.file), p.line)))


# -- checking -----------------------------------------------------------------------


@dataclass
class _Organisation:
    regions: dict[str, Record] = field(default_factory=dict)
    teams: dict[str, Record] = field(default_factory=dict)
    managers: dict[str, Record] = field(default_factory=dict)
    reps: dict[str, Record] = field(default_factory=dict)
    agent_lines: dict[str, int] = field(default_factory=dict)
    team_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class _Catalogue:
    """Products by normalised name, and every account name in the export."""

    products: dict[str, Record] = field(default_factory=dict)
    product_lines: dict[str, int] = field(default_factory=dict)
    accounts: dict[str, Record] = field(default_factory=dict)
    account_lines: dict[str, int] = field(default_factory=dict)


def _check_export(rows: Mapping[str, list[CsvRow]], problems: list[RowProblem]) -> dict[str, list[Record]]:
    org = _check_teams(rows[TEAMS_FILE], problems)
    catalogue = _Catalogue()
    _check_products(rows[PRODUCTS_FILE], problems, catalogue)
    _check_accounts(rows[ACCOUNTS_FILE], problems, catalogue)
    opportunities = _check_pipeline(rows[PIPELINE_FILE], problems, org, catalogue)
    return {
        "regions": list(org.regions.values()),
        "teams": list(org.teams.values()),
        "managers": list(org.managers.values()),
        "reps": list(org.reps.values()),
        "accounts": list(catalogue.accounts.values()),
        "products": list(catalogue.products.values()),
        "opportunities": opportunities,
    }


def _check_teams(rows: list[CsvRow], problems: list[RowProblem]) -> _Organisation:
    org = _Organisation()
    for row in rows:
        cells = Cells(row, problems)
        agent = cells.text("sales_agent", required=True)
        manager = cells.text("manager", required=True)
        office = cells.text("regional_office", required=True)
        if agent is not None:
            _refuse_repeat(cells, org.agent_lines, agent, f"sales agent '{agent}'")
        if manager is not None and office is not None and manager in org.teams:
            region = org.teams[manager]["region"]
            if region != office:
                line = org.team_lines[manager]
                cells.refuse(f"manager '{manager}' leads a team in {region} (line {line}), not in {office}")
        if agent is None or manager is None or office is None:
            continue
        _add_member(cells, org, agent=agent, manager=manager, office=office)
    for name in sorted(org.reps.keys() & org.managers.keys()):
        line = org.agent_lines[name]
        problems.append(RowProblem(TEAMS_FILE, line, f"'{name}' is both a sales agent and a manager"))
    return org


def _add_member(cells: Cells, org: _Organisation, *, agent: str, manager: str, office: str) -> None:
    if office.casefold() == ALL_REGIONS:
        cells.refuse(f"regional_office '{office}' is reserved (it means every region); rename the office")
        return
    region = cells.record(RegionBase, "region", key=office, name=office)
    team = cells.record(TeamBase, "team", key=manager, name=manager, region=office)
    boss = cells.record(UserBase, "manager", key=manager, name=manager, role="manager", team=manager)
    rep = cells.record(UserBase, "sales agent", key=agent, name=agent, role="rep", team=manager)
    if region is None or team is None or boss is None or rep is None:
        return
    org.regions.setdefault(office, region)
    org.team_lines.setdefault(manager, cells.line)
    org.teams.setdefault(manager, team)
    org.managers.setdefault(manager, boss)
    org.reps[agent] = rep


def _refuse_repeat(cells: Cells, lines: dict[str, int], key: str, what: str) -> None:
    """Remember where ``key`` first appeared; refuse a second appearance."""
    first = lines.setdefault(key, cells.line)
    if first != cells.line:
        cells.refuse(f"{what} appears again; it is first on line {first}")


def product_match_key(name: str) -> str:
    """The form product names are matched in: no spaces, case folded."""
    return "".join(name.split()).casefold()


def _check_products(rows: list[CsvRow], problems: list[RowProblem], catalogue: _Catalogue) -> None:
    for row in rows:
        cells = Cells(row, problems)
        name = cells.text("product", required=True)
        series = cells.text("series")
        price = cells.money("sales_price")
        if name is None:
            continue
        _refuse_repeat(cells, catalogue.product_lines, product_match_key(name), f"product '{name}'")
        record = cells.record(ProductBase, "product", key=name, name=name, series=series, sales_price=price)
        if record is not None:
            catalogue.products[product_match_key(name)] = record


def _check_accounts(rows: list[CsvRow], problems: list[RowProblem], catalogue: _Catalogue) -> None:
    for row in rows:
        cells = Cells(row, problems)
        name = cells.text("account", required=True)
        values = {
            "sector": cells.text("sector"),
            "year_established": cells.integer("year_established"),
            "revenue": cells.money("revenue"),
            "employees": cells.integer("employees"),
            "office_location": cells.text("office_location"),
            "subsidiary_of": cells.text("subsidiary_of"),
        }
        if name is None:
            continue
        _refuse_repeat(cells, catalogue.account_lines, name, f"account '{name}'")
        record = cells.record(AccountBase, "account", key=name, name=name, **values)
        if record is not None:
            catalogue.accounts[name] = record


def _check_pipeline(
    rows: list[CsvRow], problems: list[RowProblem], org: _Organisation, catalogue: _Catalogue
) -> list[Record]:
    records = []
    seen: dict[str, int] = {}
    for row in rows:
        cells = Cells(row, problems)
        key = cells.text("opportunity_id", required=True)
        if key is not None:
            _refuse_repeat(cells, seen, key, f"opportunity_id '{key}'")
        values = {
            "owner": _known_agent(cells, org),
            "product": _known_product(cells, catalogue),
            "account": _known_account(cells, catalogue),
            "stage": _known_stage(cells),
            "engage_date": cells.date("engage_date"),
            "close_date": cells.date("close_date"),
            "close_value": cells.money("close_value"),
        }
        if values["stage"] == "Won":
            for column in ("close_date", "close_value"):
                if cells.text(column) is None:
                    cells.refuse(f"the deal is Won but its {column} is empty")
        record = cells.record(OpportunityBase, "opportunity", key=key, **values)
        if record is not None:
            records.append(record)
    return records


def _known_agent(cells: Cells, org: _Organisation) -> str | None:
    agent = cells.text("sales_agent", required=True)
    if agent is not None and agent not in org.agent_lines:
        cells.refuse(f"sales_agent '{agent}' is not in {TEAMS_FILE}")
    return agent


def _known_product(cells: Cells, catalogue: _Catalogue) -> str | None:
    name = cells.text("product", required=True)
    if name is None:
        return None
    match = catalogue.products.get(product_match_key(name))
    if match is None:
        known = ", ".join(sorted(p["key"] for p in catalogue.products.values()))
        cells.refuse(f"product '{name}' is not in {PRODUCTS_FILE} (it has: {known})")
        return None
    return str(match["key"])


def _known_account(cells: Cells, catalogue: _Catalogue) -> str | None:
    account = cells.text("account")
    if account is not None and account not in catalogue.account_lines:
        cells.refuse(f"account '{account}' is not in {ACCOUNTS_FILE}")
    return account


def _known_stage(cells: Cells) -> str | None:
    stage = cells.text("deal_stage", required=True)
    if stage is not None and stage not in STAGES:
        cells.refuse(f"deal_stage '{stage}' is not one of {', '.join(STAGES)}")
    return stage


# -- writing --------------------------------------------------------------------------


def _table(model: type[SQLModel]) -> Table:
    return SQLModel.metadata.tables[str(model.__tablename__)]


# In the order they are written: each refers only to those before it.
_ENTITIES: Final[Mapping[str, Table]] = {
    "regions": _table(Region),
    "teams": _table(Team),
    "managers": _table(User),
    "reps": _table(User),
    "accounts": _table(Account),
    "products": _table(Product),
    "opportunities": _table(Opportunity),
}

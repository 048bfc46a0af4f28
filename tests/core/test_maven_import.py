"""``tessera import maven-crm``: the real export, its quirks, and every way to refuse it."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import SQLModel, col, func, select

from tessera.core.db import session_scope
from tessera.core.errors import ImportRefusedError, RowProblem
from tessera.core.maven_import import ImportSummary, import_maven_crm
from tessera.core.models import Account, Opportunity, Product, Region, Team, User
from tests.factories import count


def run_import(engine: Engine, directory: Path) -> ImportSummary:
    with session_scope(engine) as session:
        return import_maven_crm(session=session, directory=directory, progress=None)


def refusal(engine: Engine, directory: Path) -> list[RowProblem]:
    with pytest.raises(ImportRefusedError) as refused:
        run_import(engine, directory)
    return refused.value.problems


def snapshot(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(table.select().order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


def pipeline_rows(directory: Path) -> list[dict[str, str]]:
    with (directory / "sales_pipeline.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def export_copy(maven_dir: Path, tmp_path: Path) -> Path:
    """A copy of the real export that a test may damage."""
    copy = tmp_path / "export"
    shutil.copytree(maven_dir, copy)
    return copy


def edit_line(directory: Path, file: str, line: int, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in one line (1-based, the header is line 1) of a CSV file."""
    path = directory / file
    lines = path.read_bytes().split(b"\r\n")
    assert old.encode() in lines[line - 1], f"{file}:{line} has no {old!r}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old.encode(), new.encode(), 1)
    path.write_bytes(b"\r\n".join(lines))


# -- the real export ----------------------------------------------------------------


def test_import_of_the_real_export_gives_its_documented_shape_and_repeats_as_a_no_op(engine, maven_dir):
    def shape() -> dict[str, object]:
        with session_scope(engine) as session:
            won = select(func.count(), func.sum(Opportunity.close_value)).where(Opportunity.stage == "Won")
            reps = select(func.count()).select_from(User).where(User.role == "rep")
            return {
                "regions": count(engine, Region),
                "teams": count(engine, Team),
                "reps": session.exec(reps).one(),
                "accounts": count(engine, Account),
                "products": count(engine, Product),
                "opportunities": count(engine, Opportunity),
                "won": tuple(session.exec(won).one()),
            }

    first = run_import(engine, maven_dir)
    expected = {
        "regions": 3,
        "teams": 6,
        "reps": 35,
        "accounts": 85,
        "products": 7,
        "opportunities": 8800,
        "won": (4238, Decimal("10005534")),
    }
    assert shape() == expected
    assert first.counts["opportunities"].created == 8800

    second = run_import(engine, maven_dir)
    assert shape() == expected
    assert not second.changed
    assert {entity: c.unchanged for entity, c in second.counts.items()} == {
        entity: c.created for entity, c in first.counts.items()
    }


def test_import_keys_teams_by_manager_and_keeps_the_exports_quirks(engine, maven_dir):
    run_import(engine, maven_dir)
    rows = pipeline_rows(maven_dir)
    with session_scope(engine) as session:
        cara = session.get(User, "Cara Losch")
        assert cara is not None and (cara.role, cara.team) == ("manager", "Cara Losch")
        team = session.get(Team, "Cara Losch")
        assert team is not None and team.region == "East"
        agent = session.get(User, "Violet Mclelland")
        assert agent is not None and (agent.role, agent.team) == ("rep", "Cara Losch")

        without_account = session.exec(select(Opportunity).where(col(Opportunity.account).is_(None))).all()
        assert len(without_account) == sum(r["account"] == "" for r in rows) > 0
        assert {o.stage for o in without_account} <= {"Engaging", "Prospecting"}

        gtx_pro = select(func.count()).select_from(Opportunity).where(Opportunity.product == "GTX Pro")
        assert session.exec(gtx_pro).one() == sum(r["product"] in ("GTXPro", "GTX Pro") for r in rows) > 0
        assert session.get(Product, "GTXPro") is None


def test_import_updates_only_the_changed_record(engine, export_copy):
    run_import(engine, export_copy)
    edit_line(export_copy, "sales_pipeline.csv", 2, ",Won,", ",Lost,")

    summary = run_import(engine, export_copy)

    assert summary.counts["opportunities"].updated == 1
    assert summary.counts["opportunities"].unchanged == 8799
    with session_scope(engine) as session:
        changed = session.get(Opportunity, pipeline_rows(export_copy)[0]["opportunity_id"])
        assert changed is not None and changed.stage == "Lost"


# -- refusals -------------------------------------------------------------------------

PIPELINE = "sales_pipeline.csv"


@pytest.mark.parametrize(
    ("file", "line", "old", "new", "reason"),
    [
        (PIPELINE, 2, "Moses Frase", "Moses Frost", "sales_agent 'Moses Frost' is not in sales_teams.csv"),
        (PIPELINE, 2, "GTX Plus Basic", "GTX Turbo", "product 'GTX Turbo' is not in products.csv"),
        (PIPELINE, 2, "Cancity", "Cancitty", "account 'Cancitty' is not in accounts.csv"),
        (PIPELINE, 2, "2016-10-20", "2016-02-30", "engage_date '2016-02-30' is not a date"),
        (PIPELINE, 2, "2017-03-01", "01/03/2017", "close_date '01/03/2017' is not a date"),
        (PIPELINE, 2, ",1054", ",1O54", "close_value '1O54' is not an amount"),
        (PIPELINE, 2, ",1054", ",10.545", "close_value '10.545' is not an amount"),
        (PIPELINE, 2, ",1054", ",-1054", "close_value '-1054': Input should be greater than or equal to 0"),
        (PIPELINE, 2, "1C1I7A6R,", ",", "opportunity_id is empty"),
        (PIPELINE, 2, ",2017-03-01,", ",,", "the deal is Won but its close_date is empty"),
        (PIPELINE, 2, ",1054", ",", "the deal is Won but its close_value is empty"),
        (PIPELINE, 2, ",Won,", ",Wonn,", "deal_stage 'Wonn' is not one of Prospecting, Engaging, Won, Lost"),
        (PIPELINE, 2, ",Cancity,", ",Cancity,extra,", "the row has 9 fields but the header has 8"),
        (
            PIPELINE,
            3,
            "Z063OYW0",
            "1C1I7A6R",
            "opportunity_id '1C1I7A6R' appears again; it is first on line 2",
        ),
        ("accounts.csv", 2, ",2822,", ",many,", "employees 'many' is not a whole number"),
        (
            "accounts.csv",
            2,
            ",1996,",
            ",99999999999999999999,",
            "year_established '99999999999999999999' is not",
        ),
        (PIPELINE, 2, ",1054", ",1e30", "close_value '1e30' is not an amount"),
        (PIPELINE, 2, ",1054", ",100000000000000000000", "is not an amount like 1234.50"),
        (PIPELINE, 2, "Cancity", "Can\x00city", "account holds control characters"),
        ("accounts.csv", 2, ",1100.04,", ",1100.045,", "revenue '1100.045' is not an amount"),
        (
            "sales_teams.csv",
            6,
            "Central",
            "East",
            "manager 'Dustin Brinkmann' leads a team in Central (line 2)",
        ),
    ],
)
def test_import_refuses_a_bad_row_with_file_line_and_reason(
    engine, export_copy, file, line, old, new, reason
):
    edit_line(export_copy, file, line, old, new)

    problems = refusal(engine, export_copy)

    assert [(p.file, p.line) for p in problems] == [(file, line)]
    assert reason in problems[0].reason
    assert all(count(engine, table) == 0 for table in (Region, Opportunity))


def test_import_refuses_a_regional_office_named_all(engine, export_copy):
    edit_line(export_copy, "sales_teams.csv", 2, "Central", "all")
    problems = refusal(engine, export_copy)
    assert ("sales_teams.csv", 2) in [(p.file, p.line) for p in problems]
    assert any("regional_office 'all' is reserved" in p.reason for p in problems)


def test_refused_import_leaves_the_database_exactly_as_it_was(engine, export_copy):
    run_import(engine, export_copy)
    before = snapshot(engine)
    edit_line(export_copy, PIPELINE, 2, ",Won,", ",Lost,")  # a valid change, refused with the rest
    edit_line(export_copy, "accounts.csv", 2, "technolgy", "technology")
    edit_line(export_copy, PIPELINE, 100, ",", ",,")  # a 9th field

    problems = refusal(engine, export_copy)

    assert [(p.file, p.line) for p in problems] == [(PIPELINE, 100)]
    assert snapshot(engine) == before


def test_import_reports_every_bad_row_of_every_kind_not_just_the_first(engine, export_copy):
    edit_line(export_copy, "accounts.csv", 2, ",2822,", ",many,")
    edit_line(export_copy, PIPELINE, 2, ",", ",,")
    edit_line(export_copy, PIPELINE, 3, ",Won,", ",Wonn,")
    edit_line(export_copy, PIPELINE, 4, "Darcel Schlecht", "Darcel Schlect")

    problems = refusal(engine, export_copy)

    assert [(p.file, p.line) for p in problems] == [
        ("accounts.csv", 2),
        (PIPELINE, 2),
        (PIPELINE, 3),
        (PIPELINE, 4),
    ]


@pytest.mark.parametrize(
    ("file", "last", "added", "reason"),
    [
        (
            "products.csv",
            "GTK 500,GTK,26768",
            "gtx plusbasic,GTX,1",
            "product 'gtx plusbasic' appears again; it is first on line 7",
        ),
        (
            "sales_teams.csv",
            "Carl Lin,Summer Sewald,West",
            "Anna Snelling,Cara Losch,East",
            "sales agent 'Anna Snelling' appears again; it is first on line 2",
        ),
        (
            "sales_teams.csv",
            "Carl Lin,Summer Sewald,West",
            "Cara Losch,Rocco Neubert,East",
            "'Cara Losch' is both a sales agent and a manager",
        ),
    ],
)
def test_import_refuses_a_person_or_product_given_twice(engine, export_copy, file, last, added, reason):
    lines = (export_copy / file).read_bytes().count(b"\r\n")
    edit_line(export_copy, file, lines, last, f"{last}\r\n{added}")  # a row after the last

    problems = refusal(engine, export_copy)

    assert [(p.file, p.line) for p in problems] == [(file, lines + 1)]
    assert reason in problems[0].reason


def test_import_refuses_a_missing_file(engine, export_copy):
    (export_copy / "products.csv").unlink()

    problems = refusal(engine, export_copy)

    assert [p.file for p in problems] == ["products.csv"]
    assert "the file is missing" in problems[0].reason
    assert count(engine, Region) == 0


def test_import_refuses_a_missing_column_naming_it(engine, export_copy):
    edit_line(export_copy, "accounts.csv", 1, "sector,", "")

    problems = refusal(engine, export_copy)

    assert [(p.file, p.line) for p in problems] == [("accounts.csv", 1)]
    assert "missing column(s) sector" in problems[0].reason
    assert count(engine, Region) == 0


# -- the command --------------------------------------------------------------------------


def test_cli_import_prints_progress_and_summary(cli, engine, maven_dir):
    first = cli("import", "maven-crm", str(maven_dir))
    assert "[4/12] Checking rows" in first.stderr
    assert "opportunities   8800  (8800 created, 0 updated, 0 unchanged)" in first.stdout

    second = cli("import", "maven-crm", str(maven_dir))
    assert "nothing changed" in second.stdout
    assert "opportunities   8800  (0 created, 0 updated, 8800 unchanged)" in second.stdout


def test_cli_import_refusal_prints_every_problem_and_exits_1(cli, engine, export_copy):
    bad_lines = list(range(2, 8802, 100))  # more rows than the error's own message lists
    for line in bad_lines:
        edit_line(export_copy, PIPELINE, line, ",", ",,")

    result = cli("import", "maven-crm", str(export_copy), expect_exit=1)

    assert "nothing was imported" in result.stderr
    for line in bad_lines:
        assert f"sales_pipeline.csv:{line}: the row has 9 fields" in result.stderr
    assert count(engine, Opportunity) == 0

"""The commission plugin end to end: a real server, the real CLI, the real database."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from tessera.core.models import Opportunity
from tessera_commission.config import DEFAULT_CONFIG
from tests.factories import add_catalogue, add_org, add_records, auth, token_for

STATEMENTS = "/api/plugins/commission/statements"
EVERY_REP = ["ann", "bob", "rob", "wes"]


def deal(key: str, owner: str, closed: str, value: str, stage: str = "Won") -> Opportunity:
    return Opportunity(
        key=key,
        stage=stage,
        close_value=Decimal(value),
        close_date=dt.date.fromisoformat(closed),
        owner=owner,
        product="GTX Pro",
    )


@pytest.fixture
def pipeline(engine):
    """The factory org with a few deals: ann and bob (East) over quota in 2017-Q2, bob over the cap."""
    add_org(engine)
    add_catalogue(engine)
    add_records(
        engine,
        [
            deal("A-1", "ann", "2017-04-03", "40000.00"),
            deal("A-2", "ann", "2017-06-30", "30000.50"),
            deal("A-Q1", "ann", "2017-03-31", "5000.00"),
            deal("A-LOST", "ann", "2017-05-02", "0", stage="Lost"),
            deal("B-1", "bob", "2017-05-15", "200000.00"),
            deal("R-Q3", "rob", "2017-07-01", "9000.00"),
            deal("W-1", "wes", "2017-04-20", "10000.00"),
        ],
    )


@pytest.fixture
def enabled(pipeline, cli):
    cli("plugins", "enable", "commission", "--region", "all", "--percent", "100")


def statements(api, engine, user: str, period: str = "2017-Q2") -> dict[str, dict[str, Any]]:
    response = api.get(STATEMENTS, params={"period": period}, headers=auth(token_for(engine, user)))
    assert response.status_code == 200, response.text
    return {item["rep"]: item for item in response.json()["items"]}


def payouts(api, engine, user: str) -> dict[str, str]:
    return {rep: item["payout"] for rep, item in statements(api, engine, user).items()}


@pytest.mark.parametrize(
    ("user", "reps"),
    [("ann", ["ann"]), ("Cara Losch", ["ann", "bob"]), ("fin", EVERY_REP), ("admin", EVERY_REP)],
)
def test_statements_cover_exactly_the_reps_the_caller_may_see(api, engine, enabled, user, reps):
    assert list(statements(api, engine, user)) == reps


def test_a_manager_without_a_team_sees_no_statements(api, cli, engine, enabled):
    cli("users", "add", "Drifter", "--role", "manager")
    cli("users", "add", "Loner", "--role", "rep")
    assert statements(api, engine, "Drifter") == {}


def test_statement_shows_credits_attainment_payout_and_how_it_was_computed(api, engine, enabled):
    ann = statements(api, engine, "ann")["ann"]
    assert ann == statements(api, engine, "fin")["ann"]
    assert ann == {
        "rep": "ann",
        "period": "2017-Q2",
        "plan": "standard",
        "quota": "60000.00",
        "credited": "70000.50",
        "attainment": "1.1667",
        "payout": "3800.04",
        "lines": [
            {"opportunity": "A-1", "date": "2017-04-03", "credit": "40000.00"},
            {"opportunity": "A-2", "date": "2017-06-30", "credit": "30000.50"},
        ],
        "payout_calculation": {
            "tiers": [
                {"name": "up to quota", "base": "60000.00", "rate": "0.05", "amount": "3000.00"},
                {"name": "above quota", "base": "10000.50", "rate": "0.08", "amount": "800.04"},
            ],
            "before_cap": "3800.04",
            "cap": "12000.00",
            "cap_applied": False,
        },
    }


def test_statements_cap_the_payout_and_include_reps_credited_nothing(api, engine, enabled):
    found = statements(api, engine, "admin")
    bob, rob = found["bob"], found["rob"]
    assert (bob["credited"], bob["attainment"], bob["payout"]) == ("200000.00", "3.3333", "12000.00")
    assert (bob["payout_calculation"]["before_cap"], bob["payout_calculation"]["cap_applied"]) == (
        "14200.00",
        True,
    )
    assert (rob["credited"], rob["attainment"], rob["payout"], rob["lines"]) == ("0.00", "0.0000", "0.00", [])
    assert statements(api, engine, "admin", "2017-Q3")["rob"]["payout"] == "450.00"


def test_statements_are_404_problem_for_teams_the_plugin_is_not_enabled_for(api, cli, engine, pipeline):
    refused = api.get(STATEMENTS, params={"period": "2017-Q2"}, headers=auth(token_for(engine, "ann")))
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert "Plugin 'commission' is not enabled for team 'Cara Losch'" in refused.json()["detail"]
    cli("plugins", "enable", "commission", "--region", "West", "--percent", "100")
    assert payouts(api, engine, "wes") == {"wes": "500.00"}
    ann = api.get(STATEMENTS, params={"period": "2017-Q2"}, headers=auth(token_for(engine, "ann")))
    assert ann.status_code == 404


@pytest.mark.parametrize("params", [{"period": "2017-Q5"}, {"period": "abc"}, {"period": ""}, {}])
def test_statements_refuse_a_bad_period_naming_the_expected_form(api, engine, enabled, params):
    response = api.get(STATEMENTS, params=params, headers=auth(token_for(engine, "fin")))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "query.period" in detail
    assert "YYYY-Qn" in detail and "e.g. 2017-Q2" in detail


def config_with(**plan: str | None) -> dict[str, Any]:
    config = copy.deepcopy(DEFAULT_CONFIG)
    config["plan"].update(plan)
    return config


def test_config_breaking_the_schema_is_refused_naming_the_field_and_changes_nothing(
    api, cli, engine, enabled, tmp_path
):
    admin = auth(token_for(engine, "admin"))
    before = payouts(api, engine, "fin")
    bad_mapping = copy.deepcopy(DEFAULT_CONFIG)
    bad_mapping["fields"]["amount"] = "stage"
    response = api.put("/api/admin/plugins/commission/config/East", json=bad_mapping, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "$.fields.amount: 'stage' is not one of ['amount', 'close_value']" in response.json()["detail"]
    bad_file = tmp_path / "commission.json"
    bad_file.write_text(json.dumps(config_with(quota="60k")))
    output = cli("plugins", "configure", "commission", str(bad_file), "--region", "all", expect_exit=1).output
    assert "$.plan.quota: '60k' does not match" in output
    assert "nothing was changed" in output
    assert payouts(api, engine, "fin") == before
    for region in ("East", "all"):
        config = api.get(f"/api/admin/plugins/commission/config/{region}", headers=admin).json()
        assert config == DEFAULT_CONFIG


def test_regional_config_changes_the_numbers_of_that_region_only(api, cli, engine, enabled, tmp_path):
    east = config_with(name="east", quota="50000", rate_to_quota="0.10", cap=None)
    admin = auth(token_for(engine, "admin"))
    response = api.put("/api/admin/plugins/commission/config/East", json=east, headers=admin)
    assert response.status_code == 200, response.text
    team = statements(api, engine, "Cara Losch")
    assert {rep: (s["plan"], s["attainment"], s["payout"]) for rep, s in team.items()} == {
        "ann": ("east", "1.4000", "6600.04"),  # 5000.00 + 8 % of 20000.50
        "bob": ("east", "4.0000", "17000.00"),  # 5000.00 + 8 % of 150000.00, no cap
    }
    assert payouts(api, engine, "wes") == {"wes": "500.00"}
    west_file = tmp_path / "west.json"
    west_file.write_text(json.dumps(config_with(name="west", rate_to_quota="0.06")))
    cli("plugins", "configure", "commission", str(west_file), "--region", "West")
    assert payouts(api, engine, "wes") == {"wes": "600.00"}
    assert payouts(api, engine, "ann") == {"ann": "6600.04"}
    everyone = statements(api, engine, "fin")
    assert {rep: s["plan"] for rep, s in everyone.items()} == {
        "ann": "east",
        "bob": "east",
        "rob": "east",
        "wes": "west",
    }
    assert everyone["ann"] == team["ann"]


# -- the real export, computed by hand -------------------------------------------------------


def half_up(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)


def standard_plan_by_hand(credited: Decimal) -> tuple[str, str]:
    """Attainment and payout of the plan "standard", written out from the issue."""
    quota = Decimal(60000)
    to_quota_pay = half_up(Decimal("0.05") * (quota if credited > quota else credited), "0.01")
    above_quota_pay = half_up(Decimal("0.08") * (credited - quota if credited > quota else 0), "0.01")
    payout = min(to_quota_pay + above_quota_pay, Decimal("12000.00"))
    return str(half_up(credited / quota, "0.0001")), f"{payout:.2f}"


def expected_from_csv(maven_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """period -> rep -> what the statement must say, from sales_pipeline.csv."""
    with (maven_dir / "sales_teams.csv").open(newline="") as teams:
        reps = [row["sales_agent"] for row in csv.DictReader(teams)]
    won: dict[tuple[str, str], list[tuple[str, str, Decimal]]] = defaultdict(list)
    with (maven_dir / "sales_pipeline.csv").open(newline="") as pipeline:
        for row in csv.DictReader(pipeline):
            if row["deal_stage"] == "Won":
                closed = dt.date.fromisoformat(row["close_date"])
                period = f"{closed.year}-Q{(closed.month + 2) // 3}"
                line = (closed.isoformat(), row["opportunity_id"], Decimal(row["close_value"]))
                won[(period, row["sales_agent"])].append(line)
    expected: dict[str, dict[str, dict[str, Any]]] = {}
    for period in (f"2017-Q{n}" for n in range(1, 5)):
        expected[period] = {}
        for rep in reps:
            lines = sorted(won[(period, rep)])
            credited = sum((credit for _, _, credit in lines), Decimal(0))
            attainment, payout = standard_plan_by_hand(credited)
            expected[period][rep] = {
                "credited": f"{credited:.2f}",
                "attainment": attainment,
                "payout": payout,
                "lines": [(key, day, f"{credit:.2f}") for day, key, credit in lines],
            }
    return expected


def test_statements_of_the_real_export_match_the_plan_computed_from_the_csv(api, cli, maven_dir):
    cli("import", "maven-crm", str(maven_dir))
    cli("users", "add", "auditor", "--role", "finance")
    token = cli("token", "issue", "auditor").output.strip().splitlines()[-1]
    cli("plugins", "enable", "commission", "--region", "all", "--percent", "100")
    expected = expected_from_csv(maven_dir)
    total_credited = Decimal(0)
    for period, by_rep in expected.items():
        response = api.get(STATEMENTS, params={"period": period}, headers=auth(token))
        assert response.status_code == 200, response.text
        found = {
            item["rep"]: {
                "credited": item["credited"],
                "attainment": item["attainment"],
                "payout": item["payout"],
                "lines": [(line["opportunity"], line["date"], line["credit"]) for line in item["lines"]],
            }
            for item in response.json()["items"]
        }
        assert len(found) == 35
        assert found == by_rep, period
        total_credited += sum(Decimal(item["credited"]) for item in found.values())
    assert total_credited == Decimal("10005534")

"""Enabling a plugin per region and percentage reaches a running server at once."""

from __future__ import annotations

import csv

import pytest
from sqlmodel import Session, select

from tessera.core.models import Team, User
from tessera.core.rollout import bucket
from tests.factories import auth, token_for


@pytest.fixture
def maven(cli, maven_dir):
    cli("import", "maven-crm", str(maven_dir))
    with (maven_dir / "sales_teams.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _reps_of(engine, region):
    with Session(engine) as session:
        query = select(User).join(Team).where(Team.region == region, User.role == "rep")
        return [(user.key, user.team) for user in session.exec(query).all()]


def _sees_commission(api, token):
    me = api.get("/api/me", headers=auth(token)).json()
    statements = api.get(
        "/api/plugins/commission/statements", params={"period": "2017-Q2"}, headers=auth(token)
    )
    listed = any(p["name"] == "commission" for p in me["plugins"])
    assert statements.status_code == (200 if listed else 404), statements.text
    return listed


def test_enable_east_at_50_percent_follows_team_buckets_without_restart(cli, api, engine, maven):
    east = _reps_of(engine, "East")
    assert len(east) == sum(row["regional_office"] == "East" for row in maven)
    tokens = {rep: token_for(engine, rep) for rep, _ in east}
    assert not any(_sees_commission(api, tokens[rep]) for rep, _ in east)

    cli("plugins", "enable", "commission", "--region", "East", "--percent", "50")

    seen = {team: _sees_commission(api, tokens[rep]) for rep, team in east}
    assert seen == {team: bucket("commission", team) <= 50 for _, team in east}
    assert seen == {"Cara Losch": True, "Rocco Neubert": False}
    for rep, team in east:
        assert _sees_commission(api, tokens[rep]) is seen[team]

    outsider = next(rep for rep, team in east if team == "Rocco Neubert")
    refused = api.get("/api/plugins/commission/statements?period=2017-Q2", headers=auth(tokens[outsider]))
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["detail"].startswith("Plugin 'commission' is not enabled for team 'Rocco Neubert'")


def test_central_at_50_percent_includes_the_team_whose_bucket_is_exactly_50(cli, api, engine, maven):
    central = _reps_of(engine, "Central")
    cli("plugins", "enable", "commission", "--region", "Central", "--percent", "50")
    seen = {team: _sees_commission(api, token_for(engine, rep)) for rep, team in central}
    assert bucket("commission", "Dustin Brinkmann") == 50
    assert seen == {"Dustin Brinkmann": True, "Melvin Marxen": False}
    west_rep = _reps_of(engine, "West")[0][0]
    assert not _sees_commission(api, token_for(engine, west_rep))

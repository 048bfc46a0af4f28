from __future__ import annotations

from tests.factories import add_org, auth, token_for


def test_me_without_token_is_refused_as_problem(api):
    response = api.get("/api/me")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_me_with_unknown_token_is_refused(api):
    response = api.get("/api/me", headers=auth("tsk_not-a-token"))
    assert response.status_code == 401
    assert "tessera token issue" in response.json()["detail"]


def test_me_names_user_region_and_team(api, engine):
    add_org(engine)
    response = api.get("/api/me", headers=auth(token_for(engine, "ann")))
    assert response.status_code == 200
    assert response.json() == {
        "user": "ann",
        "role": "rep",
        "region": "East",
        "team": "Cara Losch",
        "plugins": [],
    }


def test_token_issue_prints_token_last(cli, api, engine):
    add_org(engine)
    token = cli("token", "issue", "wes").output.strip().splitlines()[-1]
    assert api.get("/api/me", headers=auth(token)).json()["user"] == "wes"


def test_token_issue_for_unknown_user_is_refused(cli, engine):
    result = cli("token", "issue", "nobody", expect_exit=1)
    assert "No user 'nobody'" in result.output

from __future__ import annotations

import pytest

from tests.factories import add_org, auth


def test_users_add_then_token_gives_a_working_caller(cli, api, engine):
    add_org(engine)
    cli("users", "add", "Jane Doe", "--role", "rep", "--team", "Rocco Neubert")
    token = cli("token", "issue", "Jane Doe").output.splitlines()[-1]
    me = api.get("/api/me", headers=auth(token)).json()
    assert (me["user"], me["role"], me["region"], me["team"]) == ("Jane Doe", "rep", "East", "Rocco Neubert")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["zed", "--role", "boss"],
            "Unknown role 'boss'; use one of: admin, manager, rep, finance, presales",
        ),
        (["zed", "--role", "rep", "--team", "Nobody"], "No team 'Nobody'"),
        (["ann", "--role", "rep"], "User 'ann' exists already"),
    ],
)
def test_users_add_refuses_bad_input_and_adds_nothing(cli, engine, args, message):
    add_org(engine)
    assert message in cli("users", "add", *args, expect_exit=1).output
    assert "No user 'zed'" in cli("token", "issue", "zed", expect_exit=1).output

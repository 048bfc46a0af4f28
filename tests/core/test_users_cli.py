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
            "role: Input should be 'admin', 'manager', 'rep', 'finance' or 'presales'",
        ),
        (["zed", "--role", "rep", "--team", "Nobody"], "No team 'Nobody'"),
        (["ann", "--role", "rep"], "User 'ann' exists already"),
    ],
)
def test_users_add_refuses_bad_input_and_adds_nothing(cli, engine, args, message):
    add_org(engine)
    assert message in cli("users", "add", *args, expect_exit=1).output
    assert "No user 'zed'" in cli("token", "issue", "zed", expect_exit=1).output


@pytest.mark.parametrize(
    ("key", "extra", "message"),
    [
        ("", [], "key"),
        ("   ", [], "key"),
        (" padded ", [], "key"),
        ("x" * 300, [], "key"),
        ("zed", ["--name", "n" * 300], "name"),
    ],
)
def test_users_add_holds_keys_and_names_to_what_the_api_accepts(cli, engine, key, extra, message):
    add_org(engine)
    output = cli("users", "add", key, "--role", "rep", *extra, expect_exit=1).output
    assert "Cannot add this user" in output and message in output

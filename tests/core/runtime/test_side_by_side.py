"""Two versions of one plugin serve side by side in ``tessera serve --workers 2``, each team by
the version its bucket picks; upgrading, downgrading and uninstalling happen under a steady
stream of requests, and no request fails."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import cast

import httpx
import pytest
from sqlmodel import select

from tessera.core.db import session_scope
from tessera.core.models import PluginRelease, Region, Team, User
from tessera.core.rollout import Release, Split, bucket, choose_version
from tessera.sdk import Caller
from tests.factories import add_records, auth, token_for
from tests.live_server import tessera_serve
from tests.plugin_factory import write_plugin

PLUGIN = "tally"
TEAMS = [f"Team {n:02}" for n in range(1, 13)]
CLIENT_THREADS = 4
SETTLE = 1.5  # seconds of traffic between changes


@dataclass(frozen=True)
class Change:
    """A release that took effect at some moment between ``before`` and ``after``."""

    before: float
    after: float
    release: Release


@dataclass(frozen=True)
class Answer:
    team: str
    started: float
    ended: float
    status: int | str
    version: str | None


def rep_of(team: str) -> str:
    return f"rep of {team}"


def expected(release: Release, team: str) -> str | None:
    return choose_version(release, PLUGIN, Caller(user=rep_of(team), role="rep", region="East", team=team))


def allowed(changes: list[Change], answer: Answer) -> set[str | None]:
    """The versions the team may get from a request that overlapped these moments: any release
    in effect, or possibly in effect, while the request ran."""
    ends = [c.after for c in changes[1:]] + [math.inf]
    return {
        expected(change.release, answer.team)
        for change, effect_end in zip(changes, ends, strict=True)
        if change.before <= answer.ended and answer.started <= effect_end
    }


class Traffic:
    """Client threads asking ``GET /api/plugins/tally/version`` for each team in turn, until stopped."""

    def __init__(self, url: str, tokens: dict[str, str]) -> None:
        self.url = url
        self.tokens = tokens
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,)) for n in range(CLIENT_THREADS)]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as client:
            turn = offset
            while not self._stop.is_set():
                team = TEAMS[turn % len(TEAMS)]
                turn += 1
                self.answers.append(ask(client, team, self.tokens[team]))


def ask(client: httpx.Client, team: str, token: str) -> Answer:
    started = time.monotonic()
    try:
        response = client.get(f"/api/plugins/{PLUGIN}/version", headers=auth(token))
    except httpx.HTTPError as err:
        return Answer(team, started, time.monotonic(), type(err).__name__, None)
    version = response.json().get("version") if response.status_code == 200 else None
    return Answer(team, started, time.monotonic(), response.status_code, version)


@pytest.fixture
def teams(engine):
    add_records(engine, [Region(key="East", name="East")])
    add_records(engine, [Team(key=team, name=team, region="East") for team in TEAMS])
    add_records(engine, [User(key=rep_of(team), name=rep_of(team), role="rep", team=team) for team in TEAMS])
    return {team: token_for(engine, rep_of(team)) for team in TEAMS}


def release_of(engine) -> Release:
    with session_scope(engine) as session:
        rows = session.exec(select(PluginRelease).where(PluginRelease.plugin == PLUGIN)).all()
        return {row.scope: cast(list[Split], row.splits) for row in rows}


def changed(cli, *args: str) -> float:
    """Run ``tessera ARGS``; the moment it returned, after its transaction committed."""
    cli(*args)
    return time.monotonic()


def test_versions_serve_side_by_side_and_change_under_load_with_no_failed_request(
    cli, engine, database_url, teams, tmp_path, monkeypatch
):
    data_dir = tmp_path / "data"
    monkeypatch.setenv("TESSERA_DATA_DIR", str(data_dir))
    sources = {
        v: write_plugin(tmp_path / "sources", name=PLUGIN, version=v) for v in ("1.0.0", "2.0.0", "3.0.0")
    }
    cli("plugins", "install", str(sources["1.0.0"]))
    cli("plugins", "install", str(sources["2.0.0"]))
    half = sorted(bucket(PLUGIN, team) for team in TEAMS)[len(TEAMS) // 2 - 1]
    cli(
        "plugins",
        "release",
        PLUGIN,
        "--region",
        "all",
        "--split",
        f"2.0.0={half}",
        "--split",
        f"1.0.0={100 - half}",
    )
    release = release_of(engine)
    assert release == {
        "all": [Split(version="2.0.0", percent=half), Split(version="1.0.0", percent=100 - half)]
    }
    assert {expected(release, team) for team in TEAMS} == {"1.0.0", "2.0.0"}

    env = {"TESSERA_DATABASE_URL": database_url, "TESSERA_DATA_DIR": str(data_dir)}
    with tessera_serve(env=env, workers=2, log=tmp_path / "serve.log") as url:
        with httpx.Client(base_url=url, timeout=30) as client:
            for team in TEAMS * 3:
                assert ask(client, team, teams[team]).version == expected(release, team)

        changes = [Change(-math.inf, -math.inf, release)]
        with Traffic(url, teams) as traffic:
            time.sleep(SETTLE)
            before = time.monotonic()  # upgrade: a third version takes 30%, the others are trimmed
            cli("plugins", "install", str(sources["3.0.0"]))
            after = changed(
                cli, "plugins", "enable", f"{PLUGIN}==3.0.0", "--region", "all", "--percent", "30"
            )
            changes.append(Change(before, after, release_of(engine)))
            assert release_of(engine)["all"][0] == Split(version="3.0.0", percent=30)
            time.sleep(SETTLE)
            before = time.monotonic()  # downgrade: every team back on 1.0.0
            after = changed(
                cli, "plugins", "enable", f"{PLUGIN}==1.0.0", "--region", "all", "--percent", "100"
            )
            changes.append(Change(before, after, release_of(engine)))
            assert release_of(engine) == {"all": [Split(version="1.0.0", percent=100)]}
            time.sleep(SETTLE)
            before = time.monotonic()  # uninstall the versions no team is sent to any more
            cli("plugins", "uninstall", f"{PLUGIN}==3.0.0")
            after = changed(cli, "plugins", "uninstall", f"{PLUGIN}==2.0.0")
            changes.append(Change(before, after, changes[-1].release))
            time.sleep(SETTLE)

        failed = [a for a in traffic.answers if a.status != 200]
        assert failed == [], (tmp_path / "serve.log").read_text()
        misrouted = [a for a in traffic.answers if a.version not in allowed(changes, a)]
        assert misrouted == []
        assert len(traffic.answers) > 100
        served = {a.version for a in traffic.answers}
        assert served == {"1.0.0", "2.0.0", "3.0.0"}
        with httpx.Client(base_url=url, timeout=30) as client:
            for team in TEAMS * 3:
                assert ask(client, team, teams[team]).version == "1.0.0"

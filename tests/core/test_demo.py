"""``tessera demo``: the synthetic pipeline's shape and determinism, and the demo it serves."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlmodel import col, func, select

from tessera.core.db import session_scope
from tessera.core.demo_data import DEMO_SEED, write_demo_export
from tessera.core.maven_import import COLUMNS, import_maven_crm
from tessera.core.models import Opportunity
from tests.factories import auth, free_port

TESSERA = str(Path(sys.executable).with_name("tessera"))
LOGIN_LINE = re.compile(
    r"^  (?P<key>\S.*?)\s+(?P<role>admin|finance|manager|rep)\s+(?P<token>tsk_\S+)$", re.M
)


def csv_column(path: Path, column: str) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row[column] for row in csv.DictReader(handle)]


# -- the synthetic export ------------------------------------------------------------


def test_demo_export_has_the_shape_of_the_maven_export(engine, tmp_path):
    write_demo_export(tmp_path)
    with session_scope(engine) as session:
        summary = import_maven_crm(session=session, directory=tmp_path, progress=None)
    created = {entity: counts.created for entity, counts in summary.counts.items()}
    assert (created["regions"], created["teams"], created["managers"], created["products"]) == (3, 6, 6, 7)
    assert 30 <= created["reps"] <= 40
    assert 80 <= created["accounts"] <= 90
    assert 8500 <= created["opportunities"] <= 9500

    with session_scope(engine) as session:
        stages = dict(session.exec(select(Opportunity.stage, func.count()).group_by(Opportunity.stage)).all())
        first_engaged, last_closed = session.exec(
            select(func.min(Opportunity.engage_date), func.max(Opportunity.close_date))
        ).one()
        without_account = session.exec(
            select(Opportunity.stage).where(col(Opportunity.account).is_(None)).distinct()
        ).all()
    share = {stage: n / created["opportunities"] for stage, n in stages.items()}
    assert 0.40 <= share["Won"] <= 0.55 and 0.20 <= share["Lost"] <= 0.35
    assert 0.10 <= share["Engaging"] <= 0.25 and 0.03 <= share["Prospecting"] <= 0.10
    assert first_engaged is not None and last_closed is not None
    assert (first_engaged.year, first_engaged.month, last_closed.year, last_closed.month) == (
        2016,
        10,
        2017,
        12,
    )
    assert sorted(without_account) == ["Engaging", "Prospecting"]
    spellings = set(csv_column(tmp_path / "sales_pipeline.csv", "product"))
    assert spellings - set(csv_column(tmp_path / "products.csv", "product")), "no product name variant"


def test_demo_export_is_the_same_for_the_same_seed_in_any_process(tmp_path):
    write_demo_export(tmp_path / "here")
    script = "import pathlib, sys; from tessera.core.demo_data import write_demo_export as w; w(pathlib.Path(sys.argv[1]))"
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "there")],
        env={**os.environ, "PYTHONHASHSEED": "1"},
        check=True,
    )
    write_demo_export(tmp_path / "other", seed=DEMO_SEED + 1)

    for file in COLUMNS:
        assert (tmp_path / "here" / file).read_bytes() == (tmp_path / "there" / file).read_bytes(), file
    pipeline = "sales_pipeline.csv"
    assert (tmp_path / "here" / pipeline).read_bytes() != (tmp_path / "other" / pipeline).read_bytes()


# -- the command -------------------------------------------------------------------------


@dataclass(frozen=True)
class Demo:
    url: str
    output: str
    logins: list[tuple[str, str, str]]  # key, role, token

    def token(self, role: str) -> tuple[str, str]:
        """The key and token of the first login with ``role``."""
        return next((key, token) for key, login_role, token in self.logins if login_role == role)

    def get(self, path: str, role: str) -> httpx.Response:
        return httpx.get(self.url + path, headers=auth(self.token(role)[1]), timeout=30)


def demo_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a fresh clone: no database URL, a data folder of its own."""
    env = {name: value for name, value in os.environ.items() if name != "TESSERA_DATABASE_URL"}
    return env | {"TESSERA_DATA_DIR": str(tmp_path / "data")}


@contextmanager
def running_demo(tmp_path: Path, *args: str) -> Iterator[Demo]:
    """``tessera demo ARGS`` in its own process, once it prints its tokens and serves."""
    port = free_port()
    log = tmp_path / f"demo-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [TESSERA, "demo", "--port", str(port), *args],
            env=demo_env(tmp_path),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_serving(process, log, url)
        output = log.read_text(encoding="utf-8")
        logins = [(m["key"], m["role"], m["token"]) for m in LOGIN_LINE.finditer(output)]
        yield Demo(url=url, output=output, logins=logins)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_serving(process: subprocess.Popen[bytes], log: Path, url: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/docs", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, f"tessera demo exited {process.returncode}:\n{log.read_text()}"
        assert time.monotonic() < deadline, f"tessera demo did not serve within 120 s:\n{log.read_text()}"
        time.sleep(0.2)


def test_demo_serves_the_pipeline_with_commission_on_and_tokens_that_work(tmp_path):
    with running_demo(tmp_path) as demo:
        assert f"{demo.url}/docs" in demo.output
        assert f'curl -H "Authorization: Bearer {demo.logins[-1][2]}" {demo.url}/api/me' in demo.output
        assert [role for _, role, _ in demo.logins][:3] == ["admin", "finance", "manager"]
        assert [role for _, role, _ in demo.logins].count("rep") == 3

        rep, _ = demo.token("rep")
        me = demo.get("/api/me", "rep")
        assert me.status_code == 200, me.text
        assert me.json()["user"] == rep
        assert me.json()["plugins"] == [{"name": "commission", "version": me.json()["plugins"][0]["version"]}]
        assert demo.get("/api/me", "admin").json()["role"] == "admin"
        assert demo.get("/api/me", "finance").json()["role"] == "finance"

        statements = demo.get("/api/plugins/commission/statements?period=2017-Q2", "rep")
        assert statements.status_code == 200, statements.text
        assert [s["rep"] for s in statements.json()["items"]] == [rep]


def test_demo_runs_again_without_changes_and_keeps_an_admins_plugin_setting(tmp_path):
    with running_demo(tmp_path) as first:
        assert "imported" in first.output
    subprocess.run(
        [TESSERA, "plugins", "disable", "commission", "--region", "all"],
        env=demo_env(tmp_path),
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    with running_demo(tmp_path) as second:
        assert "nothing changed" in second.output
        me = second.get("/api/me", "rep")
        assert me.status_code == 200, me.text
        assert me.json()["plugins"] == []


def test_demo_with_data_serves_the_real_export(tmp_path, maven_dir):
    managers = set(csv_column(maven_dir / "sales_teams.csv", "manager"))

    with running_demo(tmp_path, "--data", str(maven_dir)) as demo:
        assert "opportunities   8800" in demo.output
        manager, _ = demo.token("manager")
        assert manager in managers
        me = demo.get("/api/me", "manager")
        assert me.status_code == 200, me.text
        assert (me.json()["user"], me.json()["team"]) == (manager, manager)

"""``tessera serve`` in its own processes, on whatever database is configured."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.factories import add_org, auth, free_port, token_for

TESSERA = str(Path(sys.executable).with_name("tessera"))


def test_serve_with_two_workers_answers_every_request(engine, database_url):
    add_org(engine)
    token = token_for(engine, "ann")
    port = free_port()
    env = {**os.environ, "TESSERA_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [TESSERA, "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/me"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
                assert time.monotonic() < deadline, "server did not start within 60 s"
                time.sleep(0.2)
        with httpx.Client(timeout=10) as client:
            answers = [client.get(url, headers=auth(token)) for _ in range(20)]
        assert {a.status_code for a in answers} == {200}
        assert {a.json()["user"] for a in answers} == {"ann"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr:
            process.stderr.close()

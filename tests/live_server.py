"""Serving an application for a test: in a thread of the test process, or as ``tessera serve``."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI

from tests.factories import free_port

TESSERA = str(Path(sys.executable).with_name("tessera"))


@contextmanager
def running_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on loopback, in a thread, until the block ends; its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start within 10 s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def tessera_serve(*, env: dict[str, str], workers: int, log: Path) -> Iterator[str]:
    """``tessera serve --workers N`` in processes of its own, once it answers; its URL."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [TESSERA, "serve", "--port", str(port), "--workers", str(workers)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, f"tessera serve exited:\n{log.read_text()}"
                assert time.monotonic() < deadline, (
                    f"tessera serve did not start within 60 s:\n{log.read_text()}"
                )
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)

"""Helpers for platform tests: settings without a database, a real uvicorn server in
the test's event loop, and ``okno`` run as a real subprocess.

A plain module rather than a conftest.py: several directories' conftests would
otherwise share the module name ``conftest``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from domain.settings import Settings
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def plain_settings(tmp_path: Path) -> Settings:
    """Settings for tests that never reach the database (auth, limits, HTTP plumbing)."""
    return Settings(_env_file=None, var_dir=tmp_path, environment="test",
                    public_base_url="http://testserver")


@contextlib.asynccontextmanager
async def uvicorn_server(app) -> AsyncIterator[str]:
    """A real uvicorn server on a free port, in this event loop; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                            lifespan="off")
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # the test runner owns the signals
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            await task
        await asyncio.sleep(0.02)
    try:
        yield f"127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task


def okno_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh machine: no OKNO_ settings but the ones given."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OKNO_")}
    env.update({"OKNO_VAR_DIR": str(var_dir), "PYTHONUNBUFFERED": "1", **extra})
    return env


def okno(*args: str, env: dict[str, str], cwd: Path, **kwargs) -> subprocess.Popen:
    """``okno ARGS`` as a real process (the console script this checkout installs)."""
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", *args], env={**env, "PYTHONPATH": str(ROOT)}, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )


def run_okno(*args: str, env: dict[str, str], cwd: Path, timeout: float = 60) -> str:
    proc = okno(*args, env=env, cwd=cwd)
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"okno {' '.join(args)} failed:\n{out}\n{err}"
    return out


def wait_until_up(base_url: str, proc: subprocess.Popen, path: str = "/healthz",
                  timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"process exited with {proc.returncode}:\n{out}\n{err}")
        try:
            if httpx.get(base_url + path, timeout=1).status_code < 500:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{base_url}{path} did not answer within {timeout} s")


@contextlib.contextmanager
def stopped_at_exit(proc: subprocess.Popen) -> Iterator[subprocess.Popen]:
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

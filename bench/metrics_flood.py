"""Metrics under a label flood: anonymous requests with invented operation names and
X-Client-App values, then the /metrics page's series count, size and render time.

    uv run python bench/metrics_flood.py [--requests 3000]

In-process (ASGI), no database needed. Run it on an older checkout to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import string
import tempfile
import time
from pathlib import Path

import httpx
from prometheus_client import REGISTRY, generate_latest

from api.app import create_app
from domain.settings import Settings


def word(rng: random.Random, n: int = 12) -> str:
    return rng.choice(string.ascii_letters) + "".join(
        rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def series() -> int:
    return sum(len(f.samples) for f in REGISTRY.collect() if f.name.startswith("okno_"))


async def main(requests: int) -> None:
    settings = Settings(_env_file=None, var_dir=Path(tempfile.mkdtemp()), environment="test")
    app = create_app(settings, manage_resources=False)
    rng = random.Random(16)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://bench") as client:
        before = series()
        started = time.perf_counter()
        for _ in range(requests):
            await client.post("/graphql", json={"query": f"query {word(rng)} {{ me {{ id }} }}"},
                              headers={"X-Client-App": word(rng, 30)})
        flood = time.perf_counter() - started
    after = series()
    started = time.perf_counter()
    page = generate_latest()
    render = time.perf_counter() - started
    print(f"{requests} requests with invented names in {flood:.1f} s: okno samples "
          f"{before} -> {after}, page {len(page) / 1024:.0f} KiB, render {render * 1000:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    asyncio.run(main(parser.parse_args().requests))

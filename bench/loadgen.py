"""A small HTTP/1.1 keep-alive load generator, used by bench/client_card.py when `wrk` is missing.

    python bench/loadgen.py SPEC.json USERS SECONDS

SPEC holds ``url``, ``headers``, ``prefix``, ``suffix`` and ``ids``: each request POSTs
``prefix + id + suffix`` for an id picked at random (seed 42). Prints one JSON line: requests,
non2xx, seconds, rps, p50_ms, p99_ms. It is slower than wrk (one Python process), so it saturates
a fast server sooner; the figures are comparable between servers of one run, not with wrk's.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from urllib.parse import urlsplit


async def user(spec: dict, rng: random.Random, deadline: float, latencies: list[float],
               statuses: list[int]) -> None:
    url = urlsplit(spec["url"])
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    head = "".join(f"{k}: {v}\r\n" for k, v in spec["headers"].items())
    bodies = [(spec["prefix"] + i + spec["suffix"]).encode() for i in spec["ids"]]
    while time.perf_counter() < deadline:
        body = bodies[rng.randrange(len(bodies))]
        request = (f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n{head}"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        started = time.perf_counter()
        writer.write(request)
        status = int((await reader.readline()).split()[1])
        length, chunked = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
            elif name.strip().lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            while size := int((await reader.readline()).strip(), 16):
                await reader.readexactly(size + 2)
            await reader.readline()
        else:
            await reader.readexactly(length)
        latencies.append(time.perf_counter() - started)
        statuses.append(status)
    writer.close()


async def run(spec: dict, users: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: list[int] = []
    rng = random.Random(42)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(user(spec, random.Random(rng.random()), deadline, latencies, statuses)
                           for _ in range(users)))
    elapsed = time.perf_counter() - started
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"requests": len(latencies), "non2xx": sum(not 200 <= s < 300 for s in statuses),
            "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50_ms": pct(0.50), "p99_ms": pct(0.99)}


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    print(json.dumps(asyncio.run(run(spec, int(sys.argv[2]), float(sys.argv[3])))))

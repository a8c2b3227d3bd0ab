"""Client-card benchmark: okno next to the peer a team would pick instead (PostGraphile 5 on the
same tables) and a raw Starlette+asyncpg+orjson endpoint, on the same PostgreSQL data, one run.

    uv run python bench/client_card.py [--clients 10000] [--events 1000000]
        [--duration 15] [--rounds 2] [--users 1,10,50] [--servers okno,postgraphile,raw]
        [--workers 1]
        [--read card|history|own_messages|open_messages]   (bench/hot_reads.py)
    okno without its fast path (api/fastpath), for comparison: OKNO_FAST_PATH=false uv run …
    quick proof that it works:
    uv run python bench/client_card.py --clients 1000 --events 100000 --duration 5 --rounds 1

Needs PostgreSQL (OKNO_BENCH_PG, default postgres://postgres@127.0.0.1:5432), npm (the peer is
installed by `npm ci --prefix bench/peer` on first use: PostGraphile and Node 22 pinned in
bench/peer/package.json) and `wrk` (`apt-get install -y wrk`; without it bench/loadgen.py, a
slower Python load generator, is used and the table says so). Data is generated once into the
database `okno_bench` (OKNO_BENCH_DB) and reused while the sizes are the same.

How it measures, the same way for every server: the answers of all three are first compared for
a sample of clients (in one normalised shape: ids, field names and enum spellings differ) and
nothing is measured if they differ. Then, per round, each server is started alone pinned on
core 0 (taskset -c 0), warmed up, and loaded from core 1 at each concurrency for --duration
seconds with the same 2,000 random clients in the same pseudo-random order. CPU ms per request
is the server's process tree's utime+stime (/proc/<pid>/stat, children included) over the cell
divided by its requests; PostgreSQL's own CPU is not in it (nor pinned). The table gives the
means over rounds (req/s of each round in brackets), the share of core 0 the server used
(req/s x CPU ms; well under 1 when other work ran there) and the machine's 1-minute load
average: on a shared machine the figures are only as good as those two.

``--workers N`` runs okno as ``okno serve --workers N`` pinned on cores 0..N-1 and the load
generator on core N; when the machine has no core left over (N=2 on two cores) the load
generator is not pinned and shares the server's cores, which the table says. CPU ms per request
then sums the N processes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
PEER = ROOT / "bench" / "peer"
PG = os.environ.get("OKNO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("OKNO_BENCH_DB", "okno_bench")
DSN = f"{PG}/{DB}"
QUERY = (
    "query Card($id: ID!) { client(id: $id) { id displayName kind "
    "contacts { id kind value verified primary } "
    "preference { preferredChannel additionalChannel } "
    "history(first: 20) { edges { node { id kind channel direction occurredAt summary } } } } }"
)
# The same card in PostGraphile's generated names (amber preset: the `id` column is `rowId`,
# relations are `<table>sBy<Column>`). Contacts are only orderable by indexed columns: kind then
# creation gives okno's "kind, primary first, created_at" order as long as a client has one
# contact per kind, which the bench data has (the equality check would say otherwise).
PEER_QUERY = (
    "query Card($id: UUID!) { clientByRowId(rowId: $id) { rowId kind lastName firstName "
    "middleName organisationName "
    "contactPointsByClientId(orderBy: [KIND_ASC, CREATED_AT_ASC, ROW_ID_ASC]) "
    "{ nodes { rowId kind value verified primary } } "
    "channelPreferenceByClientId { preferredChannel additionalChannel } "
    "interactionEventsByClientId(first: 20, orderBy: [OCCURRED_AT_DESC, ROW_ID_DESC]) "
    "{ nodes { publicId kind channel direction occurredAt summary } } } }"
)
SECRET = "bench-secret-0123456789-0123456789-abcdef"


def migrate() -> None:
    subprocess.run(["uv", "run", "okno", "migrate"], cwd=ROOT, check=True,
                   env={**os.environ, "OKNO_DATABASE_URL": DSN})


async def prepare(clients: int, events: int) -> list[str]:
    """Generate the data once; return the same 2,000 random client UUIDs for every server."""
    admin = await asyncpg.connect(f"{PG}/postgres")
    exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DB)
    await admin.close()
    if exists:
        conn = await asyncpg.connect(DSN)
        try:
            have = (await conn.fetchval("SELECT count(*) FROM client"),
                    await conn.fetchval("SELECT count(*) FROM interaction_event"))
        except asyncpg.UndefinedTableError:
            have = (0, 0)
        await conn.close()
        if have == (clients, events):
            print(f"reusing {DB}: {clients} clients, {events} events")
            await asyncio.to_thread(migrate)
            return await client_ids()
        admin = await asyncpg.connect(f"{PG}/postgres")
        await admin.execute(f"DROP DATABASE {DB} WITH (FORCE)")
        await admin.close()
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"CREATE DATABASE {DB}")
    await admin.close()
    await asyncio.to_thread(migrate)
    started = time.perf_counter()
    conn = await asyncpg.connect(DSN)
    per_client = events // clients
    await conn.execute(f"""
        INSERT INTO client (id, kind, last_name, first_name, search_name, created_at, updated_at)
        SELECT gen_random_uuid(), 'person', 'Иванов' || i, 'Иван', 'иванов' || i || ' иван',
               now() - make_interval(mins => i), now()
        FROM generate_series(1, {clients}) AS i;
        INSERT INTO contact_point (id, client_id, kind, value, verified, "primary", created_at)
        SELECT gen_random_uuid(), c.id, k.kind, k.kind || '-' || c.id, true, true, now()
        FROM client c CROSS JOIN (VALUES ('email'), ('phone'), ('postal')) AS k(kind);
        INSERT INTO channel_preference (client_id, preferred_channel, preferred_contact_id,
                                        additional_channel, chosen_via, updated_at)
        SELECT cp.client_id, 'email', cp.id, 'web', 'web', now()
        FROM contact_point cp WHERE cp.kind = 'email';
        INSERT INTO interaction_event (public_id, client_id, kind, channel, direction,
                                       occurred_at, summary, anonymised)
        SELECT gen_random_uuid(), c.id,
               (ARRAY['message_received','message_answered','call','delivery'])[1 + g % 4],
               (ARRAY['email','phone','web','postal'])[1 + g % 4], 'inbound',
               now() - make_interval(hours => g), 'Событие номер ' || g, false
        FROM client c CROSS JOIN generate_series(1, {per_client}) AS g;
        ANALYZE;
    """)
    await conn.close()
    print(f"generated {clients} clients and {clients * per_client} events "
          f"in {time.perf_counter() - started:.0f} s")
    return await client_ids()


async def client_ids() -> list[str]:
    conn = await asyncpg.connect(DSN)
    rows = await conn.fetch("SELECT id FROM client ORDER BY random() LIMIT 2000")
    await conn.close()
    return [str(r["id"]) for r in rows]


def global_id(type_name: str, value: str) -> str:
    return base64.b64encode(f"{type_name}:{value}".encode()).decode()


def uuid_of(global_id_: str) -> str:
    return base64.b64decode(global_id_).decode().split(":", 1)[1]


# --- one comparable shape -------------------------------------------------------------------

def lower(value: str | None) -> str | None:
    return value.lower() if value is not None else None


def utc(value: str) -> dt.datetime:
    """okno's DateTime is whole seconds (api/scalars.py), PostGraphile passes microseconds."""
    return dt.datetime.fromisoformat(value).astimezone(dt.UTC).replace(microsecond=0)


def card_of_okno(answer: dict) -> dict | None:
    """okno and the raw endpoint: global IDs, upper-case enums, edges."""
    c = answer["data"]["client"]
    if c is None:
        return None
    pref = c["preference"]
    return {
        "id": uuid_of(c["id"]), "name": c["displayName"], "kind": lower(c["kind"]),
        "contacts": [(uuid_of(p["id"]), lower(p["kind"]), p["value"], p["verified"], p["primary"])
                     for p in c["contacts"]],
        "preference": (lower(pref["preferredChannel"]), lower(pref["additionalChannel"]))
        if pref else None,
        "events": [(uuid_of(e["id"]), lower(e["kind"]), lower(e["channel"]),
                    lower(e["direction"]), utc(e["occurredAt"]), e["summary"])
                   for e in (edge["node"] for edge in c["history"]["edges"])],
    }


def card_of_peer(answer: dict) -> dict | None:
    """PostGraphile: raw column values, name parts instead of okno's display name."""
    c = answer["data"]["clientByRowId"]
    if c is None:
        return None
    pref = c["channelPreferenceByClientId"]
    name = " ".join(p for p in (c["lastName"], c["firstName"], c["middleName"]) if p)
    return {
        "id": c["rowId"], "name": name or c["organisationName"], "kind": lower(c["kind"]),
        "contacts": [(p["rowId"], lower(p["kind"]), p["value"], p["verified"], p["primary"])
                     for p in c["contactPointsByClientId"]["nodes"]],
        "preference": (lower(pref["preferredChannel"]), lower(pref["additionalChannel"]))
        if pref else None,
        "events": [(e["publicId"], lower(e["kind"]), lower(e["channel"]), lower(e["direction"]),
                    utc(e["occurredAt"]), e["summary"])
                   for e in c["interactionEventsByClientId"]["nodes"]],
    }


# --- servers ---------------------------------------------------------------------------------

@dataclass
class Server:
    name: str
    command: list[str]
    cwd: Path
    env: dict[str, str]
    query: str
    encode: Callable[[str], str]  # client UUID -> the variable this server takes
    card: Callable[[dict], dict | None]
    proc: subprocess.Popen | None = field(default=None, repr=False)
    port: int = 0
    log: Path = Path(os.devnull)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    def start(self, cpu: str | None, directory: Path, extra: tuple[str, ...] = ()) -> None:
        self.port = free_port()
        pin = ["taskset", "-c", cpu] if cpu is not None else []
        self.log = directory / f"{self.name}.log"  # a file: a full pipe would stall the server
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                pin + [a.replace("{port}", str(self.port)) for a in self.command] + [*extra],
                cwd=self.cwd,
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None

    def ask(self, client: str, timeout: float = 10) -> dict:
        r = httpx.post(self.url, json={"query": self.query,
                                       "variables": {"id": self.encode(client)}},
                       headers=HEADERS, timeout=timeout)
        r.raise_for_status()
        answer = r.json()
        if answer.get("errors"):
            raise RuntimeError(f"{self.name}: {answer['errors']}")
        return answer

    def wait_ready(self, client: str) -> None:
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log.read_text()[-3000:]}")
            try:
                self.ask(client, timeout=5)
                return
            except (httpx.HTTPError, RuntimeError):
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not come up")

    def cpu_seconds(self) -> float:
        """utime+stime of the server's process tree, reaped children included."""
        children: dict[int, list[int]] = {}
        times: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
            pid = int(entry.name)
            children.setdefault(int(fields[1]), []).append(pid)
            times[pid] = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        total, todo = 0, [self.proc.pid]
        while todo:
            pid = todo.pop()
            total += times.get(pid, 0)
            todo += children.get(pid, [])
        return total / os.sysconf("SC_CLK_TCK")


HEADERS = {"Content-Type": "application/json", "X-Client-App": "bench"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def peer_node() -> str:
    """bench/peer's pinned Node 22 (installed with the peer), else a system Node >= 22."""
    if not (PEER / "node_modules" / "postgraphile").exists():
        if not shutil.which("npm"):
            sys.exit("npm is needed to install the peer (bench/peer); or pass "
                     "--servers okno,raw")
        print("installing the peer: npm ci --prefix bench/peer")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER, check=True)
    pinned = PEER / "node_modules" / ".bin" / "node"
    if pinned.exists():
        return str(pinned)
    system = shutil.which("node")
    version = subprocess.run([system, "--version"], capture_output=True, text=True,
                             check=True).stdout if system else ""
    if system and int(version.lstrip("v").split(".")[0]) >= 22:
        return system
    sys.exit(f"PostGraphile 5 needs Node 22; bench/peer's pinned `node` package did not install "
             f"and the system has {version.strip() or 'no node'}")


def servers(names: list[str], tmp: str, read: str = "card") -> list[Server]:
    env = {**os.environ, "OKNO_DATABASE_URL": DSN, "OKNO_JWT_SECRET": SECRET,
           "OKNO_LINK_SECRET": SECRET + "-links", "OKNO_VAR_DIR": tmp,
           "OKNO_ENVIRONMENT": "production", "OKNO_REDIS_URL": "redis://127.0.0.1:6379/0",
           # Production refuses development stand-ins: the API sends no mail or SMS itself.
           "OKNO_SMTP_HOST": "127.0.0.1", "OKNO_SMS_GATEWAY_URL": "disabled",
           "OKNO_MESSENGER_GATEWAY_URL": "disabled",
           "OKNO_PUBLIC_BASE_URL": "https://okno.bench.example",
           "OKNO_PUBLIC_SURVEY_URL": "https://front.bench.example/survey/{token}",
           "OKNO_CORS_ORIGINS": '["https://front.bench.example"]'}
    okno = Path(sys.executable).with_name("okno")
    okno_cmd = [str(okno)] if okno.exists() else ["uv", "run", "okno"]
    make = {
        "okno": lambda: Server(
            "okno", okno_cmd + ["serve", "--port", "{port}"], ROOT, env, QUERY,
            lambda u: global_id("Client", u), card_of_okno),
        "postgraphile": lambda: Server(
            "postgraphile", [peer_node(), "server.mjs", "{port}"], PEER,
            {**os.environ, "OKNO_BENCH_DSN": DSN, "NODE_ENV": "production",
             "GRAPHILE_ENV": "production"}, PEER_QUERY,
            lambda u: u, card_of_peer),
        "raw": lambda: Server(
            "raw", [sys.executable, str(ROOT / "bench" / "raw_card.py"), DSN, "{port}"], ROOT,
            env, QUERY, lambda u: global_id("Client", u), card_of_okno),
    }
    group = [make[n]() for n in names]
    if read != "card":  # the raw endpoint only knows the card
        from hot_reads import READS

        query, peer_query, of_okno, of_peer = READS[read]
        group = [s for s in group if s.name != "raw"]
        for s in group:
            s.query, s.card = (peer_query, of_peer) if s.name == "postgraphile" else (
                query, of_okno)
    return group


def check_equal(group: list[Server], sample: list[str], directory: Path) -> None:
    """Every server's card for every sampled client in one shape; exit on the first difference."""
    for s in group:
        s.start(None, directory)
    try:
        for s in group:
            s.wait_ready(sample[0])
        for client in sample:
            cards = {s.name: s.card(s.ask(client)) for s in group}
            first = group[0].name
            for name, card in cards.items():
                if card != cards[first]:
                    keys = [k for k in cards[first] if card is None or card[k] != cards[first][k]]
                    diff = "\n".join(f"{k}:\n  {name}: {card and card[k]}\n  {first}: "
                                     f"{cards[first][k]}" for k in keys)
                    sys.exit(f"refusing to measure: {name} and {first} differ for client "
                             f"{client}:\n{diff}")
            if cards[first] is None or len(cards[first]["events"]) == 0:
                sys.exit(f"refusing to measure: client {client} has no card or no events")
    finally:
        for s in group:
            s.stop()
    print(f"answers equal for {len(sample)} clients across {', '.join(s.name for s in group)}")


# --- load ------------------------------------------------------------------------------------

@dataclass
class Cell:
    requests: int
    seconds: float
    p50: float
    p99: float
    cpu_ms: float
    load1: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    @property
    def core(self) -> float:
        """The share of its core the server got: well under 1 when others' work ran there."""
        return self.rps * self.cpu_ms / 1000


def request_parts(server: Server) -> tuple[str, str]:
    """The POST body split around the id, so the load generator only splices the id in."""
    body = json.dumps({"query": server.query, "variables": {"id": "@ID@"}},
                      separators=(",", ":"))
    prefix, suffix = body.split("@ID@")
    return prefix, suffix


def wrk_script(server: Server, ids: list[str], directory: Path) -> Path:
    prefix, suffix = request_parts(server)
    headers = ", ".join(f"['{k}']=[==[{v}]==]" for k, v in HEADERS.items())
    path = directory / f"{server.name}.lua"
    path.write_text(
        "ids = {" + ",".join(f'"{server.encode(i)}"' for i in ids) + "}\n"
        "math.randomseed(42)\n"
        "request = function()\n"
        "  local id = ids[math.random(#ids)]\n"
        f"  return wrk.format('POST', '/graphql', {{{headers}}}, "
        f"[==[{prefix}]==] .. id .. [==[{suffix}]==])\n"
        "end\n")
    return path


def load(server: Server, ids: list[str], users: int, seconds: int, directory: Path,
         cpu: str | None, wrk: bool) -> tuple[int, float, float, float]:
    """(requests, seconds, p50 ms, p99 ms) of one cell, from wrk or bench/loadgen.py."""
    pin = ["taskset", "-c", cpu] if cpu is not None else []
    if wrk:
        out = subprocess.run(
            pin + ["wrk", "-t1", f"-c{users}", f"-d{seconds}s", "--timeout", "10s", "--latency",
                   "-s", str(wrk_script(server, ids, directory)), server.url],
            capture_output=True, text=True, check=True).stdout
        if "Non-2xx" in out or "Socket errors" in out:
            raise RuntimeError(f"{server.name}: errors under load:\n{out}")

        def ms(label: str) -> float:
            m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
            value, unit = float(m.group(1)), m.group(2)
            return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

        m = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
        took = float(m.group(2)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(3)]
        return int(m.group(1)), took, ms("50"), ms("99")
    prefix, suffix = request_parts(server)
    spec = directory / f"{server.name}.json"
    spec.write_text(json.dumps({"url": server.url, "headers": HEADERS, "prefix": prefix,
                                "suffix": suffix, "ids": [server.encode(i) for i in ids]}))
    out = json.loads(subprocess.run(
        pin + [sys.executable, str(ROOT / "bench" / "loadgen.py"), str(spec), str(users),
               str(seconds)], capture_output=True, text=True, check=True).stdout)
    if out["non2xx"]:
        raise RuntimeError(f"{server.name}: {out['non2xx']} non-2xx responses under load")
    return out["requests"], out["seconds"], out["p50_ms"], out["p99_ms"]


def measure(server: Server, ids: list[str], users_list: list[int], args: argparse.Namespace,
            directory: Path, cpus: tuple[str | None, str | None]) -> dict[int, Cell]:
    extra: tuple[str, ...] = ()
    if server.name == "okno" and args.workers > 1:
        cpus = worker_cores(args.workers, cpus)
        extra = ("--workers", str(args.workers))
    server.start(cpus[0], directory, extra)
    try:
        server.wait_ready(ids[0])
        load(server, ids, 10, args.warmup, directory, cpus[1], args.wrk)
        cells = {}
        for users in users_list:
            before = server.cpu_seconds()
            requests, seconds, p50, p99 = load(server, ids, users, args.duration, directory,
                                               cpus[1], args.wrk)
            cpu = server.cpu_seconds() - before
            cells[users] = Cell(requests, seconds, p50, p99, cpu * 1000 / requests,
                                os.getloadavg()[0])
            print(f"  {server.name:<13} c={users:<3} {requests / seconds:7.0f} req/s  "
                  f"p50 {p50:6.2f} ms  p99 {p99:7.2f} ms  {cells[users].cpu_ms:5.2f} CPU ms/req"
                  f"  core {cells[users].core:.2f}  load {cells[users].load1:.1f}", flush=True)
        return cells
    finally:
        server.stop()


def cpu_model() -> str:
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.machine()
    m = re.search(r"^model name\s*:\s*(.+)$", info, re.MULTILINE)
    return m.group(1).strip() if m else platform.machine()


def versions() -> str:
    def out(*command: str, cwd: Path = ROOT) -> str:
        try:
            return subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    graphile = PEER / "node_modules" / "postgraphile" / "package.json"
    peer = json.loads(graphile.read_text())["version"] if graphile.exists() else "?"
    node = PEER / "node_modules" / ".bin" / "node"
    return (f"okno {out('git', 'rev-parse', '--short', 'HEAD')}, Python {sys.version.split()[0]}"
            f"; PostGraphile {peer} on Node {out(str(node), '--version') if node.exists() else '?'}"
            f"; {os.cpu_count()} CPUs ({cpu_model()})")


def report(results: dict[str, dict[int, list[Cell]]], users_list: list[int],
           args: argparse.Namespace, loads: tuple[str, str]) -> None:
    print(f"\n{args.read}: " + ("client + contacts + preference + 20 newest of "
                                 if args.read == "card" else "see bench/hot_reads.py; ") +
          f"{args.events // args.clients} events per client ({args.clients} clients, "
          f"{args.events} events); "
          f"{args.rounds} round(s) of {args.duration} s per cell, "
          f"{'wrk' if args.wrk else 'bench/loadgen.py (not wrk)'}, "
          f"each server alone on one core")
    print(f"load average (1/5/15 min) before: {loads[0]}, after: {loads[1]}")
    print(versions())
    if args.workers > 1:
        server_cores, load_core = worker_cores(args.workers, cores())
        print(f"okno: --workers {args.workers} on cores {server_cores}, the load generator on "
              f"{load_core or 'any core (none left over: it shares the server cores)'}")
    print("core: the share of core 0 the server used (1.00 = all of it); load: the machine's "
          "1-minute load average")
    print("\n| server | users | req/s (per round) | p50 ms | p99 ms | CPU ms/req | core | load |")
    print("|---|---|---|---|---|---|---|---|")
    for name, by_users in results.items():
        for users in users_list:
            cells = by_users[users]
            rounds = "/".join(f"{c.rps:.0f}" for c in cells)
            print(f"| {name} | {users} | {mean(c.rps for c in cells):.0f} ({rounds}) | "
                  f"{mean(c.p50 for c in cells):.2f} | {mean(c.p99 for c in cells):.2f} | "
                  f"{mean(c.cpu_ms for c in cells):.2f} | {mean(c.core for c in cells):.2f} | "
                  f"{mean(c.load1 for c in cells):.1f} |")
    if "okno" not in results:
        return
    for other in [n for n in ("postgraphile", "raw") if n in results]:
        for users in users_list:
            okno, peer = results["okno"][users], results[other][users]
            print(f"okno/{other} at c={users}: req/s "
                  f"{mean(c.rps for c in okno) / mean(c.rps for c in peer):.2f}, CPU ms/req "
                  f"{mean(c.cpu_ms for c in okno) / mean(c.cpu_ms for c in peer):.2f}")


def worker_cores(workers: int, cpus: tuple[str | None, str | None]
                 ) -> tuple[str | None, str | None]:
    """okno --workers N on cores 0..N-1, the load generator on core N if there is one."""
    if cpus[0] is None:
        return cpus
    available = sorted(os.sched_getaffinity(0))
    server = ",".join(str(c) for c in available[:workers])
    return server, (str(available[workers]) if len(available) > workers else None)


def cores() -> tuple[str | None, str | None]:
    if taskset := shutil.which("taskset"):
        if {0, 1} <= os.sched_getaffinity(0):
            return "0", "1"
        print(f"warning: cores 0 and 1 are not both available ({taskset}); not pinning")
    else:
        print("warning: taskset missing; not pinning")
    return None, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=15, help="seconds per cell")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3, help="seconds at c=10 after start")
    parser.add_argument("--users", default="1,10,50")
    parser.add_argument("--servers", default="okno,postgraphile,raw")
    parser.add_argument("--read", choices=["card", "history", "own_messages", "open_messages"],
                        default="card", help="the hot read to measure (bench/hot_reads.py); "
                        "the raw endpoint serves the card only")
    parser.add_argument("--check", type=int, default=50, help="clients compared before measuring")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto",
                        help="auto: wrk if installed, else bench/loadgen.py")
    parser.add_argument("--workers", type=int, default=1,
                        help="okno serve --workers N (cores 0..N-1; see above)")
    args = parser.parse_args()
    args.wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and bool(shutil.which("wrk")))
    if args.loadgen == "wrk" and not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk (Debian/Ubuntu)")
    if not args.wrk and args.loadgen == "auto":
        print("warning: wrk not found (apt-get install -y wrk); using bench/loadgen.py, "
              "a slower Python load generator", file=sys.stderr)
    users_list = [int(u) for u in args.users.split(",")]
    names = args.servers.split(",")
    ids = asyncio.run(prepare(args.clients, args.events))
    sys.path.insert(0, str(ROOT / "bench"))
    if args.read.endswith("messages"):
        from hot_reads import ensure_messages

        asyncio.run(ensure_messages(DSN))

    sys.path.insert(0, str(ROOT))
    from api.auth import mint_token
    from domain.actor import Role
    from domain.settings import Settings

    token = mint_token(Settings(_env_file=None, jwt_secret=SECRET), Role.OPERATOR, "bench")
    HEADERS["Authorization"] = f"Bearer {token}"  # okno's; the other two ignore it
    cpus = cores()
    with tempfile.TemporaryDirectory() as tmp:
        group = servers(names, tmp, args.read)
        check_equal(group, ids[:args.check], Path(tmp))
        load_before = " ".join(f"{x:.1f}" for x in os.getloadavg())
        results: dict[str, dict[int, list[Cell]]] = {s.name: {u: [] for u in users_list}
                                                     for s in group}
        for n in range(args.rounds):
            print(f"round {n + 1}/{args.rounds}")
            for server in group[n % len(group):] + group[:n % len(group)]:  # rotate the order
                for users, cell in measure(server, ids, users_list, args, Path(tmp),
                                           cpus).items():
                    results[server.name][users].append(cell)
        load_after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    report(results, users_list, args, (load_before, load_after))


if __name__ == "__main__":
    main()

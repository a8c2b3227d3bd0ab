"""A database outage on demand: a TCP forwarder between okno and PostgreSQL that a test can
cut (every open connection reset, new ones refused) and restore, without touching the
machine's PostgreSQL (other test runs share it)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from tortoise import Tortoise

from domain import db
from domain.settings import Settings
from tests.support.deliveries import free_port


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.accepted = 0

    async def start(self) -> None:
        """Listen (again): new connections are forwarded."""
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port,
                                                 reuse_address=True)

    async def cut(self) -> None:
        """Stop listening (connects are refused) and reset every open connection."""
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        await asyncio.sleep(0)

    async def close(self) -> None:
        await self.cut()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, up_writer}

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                dst.transport.abort()
                self.writers.discard(dst)

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))


def through(settings: Settings, proxy: TcpProxy) -> Settings:
    parts = urlsplit(settings.database_url)
    netloc = f"{parts.username}@127.0.0.1:{proxy.port}" if parts.username else \
        f"127.0.0.1:{proxy.port}"
    return settings.model_copy(update={"database_url": urlunsplit(parts._replace(netloc=netloc))})


@contextlib.asynccontextmanager
async def proxied_database(settings: Settings) -> AsyncIterator[tuple[TcpProxy, Settings]]:
    """okno's connection pool re-opened through a ``TcpProxy`` for the block (PostgreSQL
    only); the test's own pool is back afterwards."""
    parts = urlsplit(settings.database_url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.start()
    proxied = through(settings, proxy)
    await db.close_db()
    await db.init_db(proxied)
    try:
        yield proxy, proxied
    finally:
        with contextlib.suppress(Exception):
            await Tortoise.close_connections()
        await proxy.close()
        await db.init_db(settings)


async def terminate_sessions(settings: Settings) -> int:
    """pg_terminate_backend every session of okno's database but the caller's: what an
    administrator or a failover does to open connections."""
    parts = urlsplit(settings.database_url)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        return len(await admin.fetch(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()", parts.path.lstrip("/")))
    finally:
        await admin.close()


async def sessions(settings: Settings) -> list[dict]:
    """The database's sessions as PostgreSQL sees them (state, e.g. 'idle in transaction')."""
    parts = urlsplit(settings.database_url)
    admin = await asyncpg.connect(urlunsplit(parts._replace(path="/postgres")))
    try:
        return [dict(r) for r in await admin.fetch(
            "SELECT pid, state FROM pg_stat_activity WHERE datname = $1 "
            "AND pid <> pg_backend_pid()", parts.path.lstrip("/"))]
    finally:
        await admin.close()

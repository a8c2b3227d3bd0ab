"""Request-scoped batch loaders of the consultation line: one statement per relation per
request, whatever the number of calls on the page. Statements: domain/consultation/queries.py."""

from __future__ import annotations

from datetime import UTC, datetime

from api.dataloaders import RowLoader, rows_grouped
from domain.consultation import queries


class LineByIdLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.lines_by_id(ids)


class CurrentScriptsByLineLoader(RowLoader):
    """Each line's current greeting and farewell (the newest version of each kind)."""

    async def fetch(self, ids):
        return await queries.current_scripts(ids)

    def arrange(self, rows, keys):
        current = []
        seen = set()
        for row in rows:  # newest version first within (line, kind)
            if (str(row["line_id"]), row["kind"]) not in seen:
                seen.add((str(row["line_id"]), row["kind"]))
                current.append(row)
        return rows_grouped(current, keys, "line_id")


class CallByIdLoader(RowLoader):
    """Rows by ID with no access check: ``Call.visible`` decides."""

    async def fetch(self, ids):
        return await queries.calls_by_id(ids)


class TransfersByCallLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.transfers_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "call_id")


class OpenMessagesByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.open_messages_of(ids)

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")


class ComingBookingsByClientLoader(RowLoader):
    async def fetch(self, ids):
        return await queries.coming_bookings_of(ids, datetime.now(UTC))

    def arrange(self, rows, keys):
        return rows_grouped(rows, keys, "client_id")

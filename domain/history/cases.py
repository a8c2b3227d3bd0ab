"""Cases: what the areas above history hand it so that the history is whole (R-1.5).

A *case* is a message and everything handled under it: its text, clarifications, the
notices sent about it, the answer, its attachments' names, and the events recorded about
any of these. History sits below the areas that keep these records and imports none of
them: the job passes in a ``ClientCases`` (for exports) and ``Holder`` objects (for the
retention sweep), built by those areas on the shapes defined here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# (source_type, source_id) as events store them: ``record(..., source=(type, id))``.
Source = tuple[str, str]


class CaseRecordKind:
    """The kinds of ``CaseRecord`` (plain strings in the export's JSON document)."""

    MESSAGE = "message"  # the client's own text
    CLARIFICATION = "clarification"  # the executor contacted the client
    NOTICE = "notice"  # a delivery about the case: its subject and body as sent
    ANSWER = "answer"  # the answer on the merits


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One record handled under a case, as the export shows it."""

    kind: str  # a CaseRecordKind value
    at: datetime
    text: str | None
    title: str | None = None
    channel: str | None = None
    attachments: tuple[str, ...] = ()  # file names (the message's)
    details: dict[str, Any] = field(default_factory=dict)  # JSON-safe extras, e.g. outcome


@dataclass(frozen=True, slots=True)
class Case:
    """A message and everything handled under it, for one client's export."""

    id: str  # the message's ID
    record_type: str  # a RecordType value
    number: str | None  # the registration number, once registered
    opened_at: datetime
    closed_at: datetime | None
    status: str
    records: tuple[CaseRecord, ...]
    # Where the case's events point: the message itself and every delivery about it.
    sources: tuple[Source, ...]


ClientCases = Callable[[Any], Awaitable[list[Case]]]


@dataclass(frozen=True, slots=True)
class ExpiredCase:
    """A closed case whose retention period has run out (or one stand-alone record)."""

    id: str
    record_type: str
    closed_at: datetime
    sources: tuple[Source, ...]  # its events are swept with it


@dataclass(frozen=True, slots=True)
class Holder:
    """An area that keeps records of the archive list, as the retention sweep sees it.

    ``expired(record_type, closed_before, limit)`` returns up to ``limit`` closed cases
    of that type closed before the moment and not swept yet (oldest first); an open case
    is never returned. ``sweep(cases, action)`` anonymises or deletes them inside the
    caller's transaction and returns the rows handled per ``ArchiveRecord`` value; after
    it, ``expired`` no longer returns them.
    """

    record_types: Sequence[str]
    expired: Callable[[str, datetime, int], Awaitable[list[ExpiredCase]]]
    sweep: Callable[[list[ExpiredCase], str], Awaitable[dict[str, int]]]

"""The one DateTime rule of the schema (README, "Time"): every DateTime the API returns is
UTC, ISO 8601 with the offset written out and whole seconds, e.g. ``2026-11-02T06:00:00+00:00``.
Inputs must carry an offset (any zone); a time without one is ambiguous and refused.
Dates (``Date``) are calendar dates in the government's zone.

Input moments are limited to the years 1900-2999 (in UTC and as written): nothing okno keeps
is older or further away, and a moment near the calendar's ends overflows as soon as it is
moved to another zone or a term is added to it (an internal error instead of bad input)."""

from __future__ import annotations

import datetime as dt

from strawberry.schema.types.scalar import ScalarDefinition
from strawberry.types.scalar import scalar

UTC = dt.UTC
MIN_YEAR, MAX_YEAR = 1900, 2999


def serialize_datetime(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive values; everything is stored in UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_datetime(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError(  # noqa: TRY004  (graphql-core reports ValueError as bad input)
            "DateTime must be an ISO 8601 string with an offset")
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("DateTime must be ISO 8601, e.g. 2026-11-02T09:00:00+04:00") from None
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs an offset, e.g. 2026-11-02T09:00:00+04:00")
    try:
        utc = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        utc = None
    if utc is None or not all(MIN_YEAR <= d.year <= MAX_YEAR for d in (parsed, utc)):
        raise ValueError(f"DateTime must be within the years {MIN_YEAR}-{MAX_YEAR}")
    return utc


DateTime = scalar(
    dt.datetime, name="DateTime",
    description="A moment in time. Output: UTC, ISO 8601 with offset and whole seconds "
    "(2026-11-02T06:00:00+00:00). Input: ISO 8601 with any offset, years 1900-2999.",
    serialize=serialize_datetime, parse_value=parse_datetime,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    dt.datetime: DateTime._scalar_definition,  # type: ignore[attr-defined]
}

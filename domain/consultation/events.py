"""Pub/sub of call changes for supervisors' wallboards: one channel for every call, one per
line. Publish only after commit, so a listener that reads the call finds it written."""

from __future__ import annotations

from typing import Any

from domain import redis

TOPIC_ALL = "consultation.calls"
TOPIC_LINE = "consultation.line"
ALL = "all"


async def publish_call_updated(call_id: Any, line_id: Any, status: str) -> None:
    payload = {"callId": str(call_id), "lineId": str(line_id), "status": status}
    await redis.publish(TOPIC_ALL, ALL, payload)
    await redis.publish(TOPIC_LINE, str(line_id), payload)

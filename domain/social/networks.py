"""Posting an answer back to a network (the channel adapter): HTTP to the network's API, or
a file sink in development (``var/outbox/social.jsonl``, refused in production).

Requests per network, each carrying the answer's idempotency key where the API has a place
for one: VK ``wall.createComment`` (``guid``) or ``messages.send`` (``random_id``) for an
appeal sent to the community; Telegram ``sendMessage`` as a reply (Telegram has no
idempotency key: okno's state machine alone keeps it from posting twice); any other network
a JSON POST to the source's API URL with an ``Idempotency-Key`` header. A 2xx is success;
429 (with Retry-After), 5xx, 408 and network errors are worth retrying; other 4xx are final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from domain.settings import Settings
from domain.social.models import Network, SocialAnswer, SocialItem, SocialSource

log = logging.getLogger(__name__)

VK_API_VERSION = "5.199"
# VK answers HTTP 200 with an error object; these codes mean "later", not "never".
VK_TRANSIENT = {1, 6, 9, 10, 29}


@dataclass(frozen=True, slots=True)
class Outcome:
    posted: bool
    external_id: str | None = None
    transient: bool = False
    reason: str | None = None
    retry_after: float | None = None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        return None


def _failure(response: httpx.Response) -> Outcome:
    reason = f"Сеть ответила {response.status_code}: {response.text[:200]}"
    status = response.status_code
    transient = status >= 500 or status in (408, 425, 429)
    retry_after = _retry_after(response)
    if status == 429 and retry_after is None:
        try:  # Telegram puts it in the body
            retry_after = float(response.json()["parameters"]["retry_after"])
        except (ValueError, KeyError, TypeError):
            retry_after = None
    return Outcome(False, transient=transient, reason=reason, retry_after=retry_after)


def _vk_request(source: SocialSource, item: SocialItem, answer: SocialAnswer
                ) -> tuple[str, dict[str, Any]]:
    base = source.api_url.rstrip("/")
    common = {"access_token": source.api_token or "", "v": VK_API_VERSION, "message": answer.text}
    if item.source_item_id.startswith("m"):  # an appeal sent to the community's messages
        peer = item.source_item_id[1:].split("_", 1)[0]
        random_id = int.from_bytes(hashlib.sha256(answer.idempotency_key.encode()).digest()[:4])
        return f"{base}/method/messages.send", {**common, "peer_id": peer,
                                                "random_id": str(random_id)}
    owner, _, comment = item.source_item_id.partition("_")
    post = (item.post_id or "").partition("_")[2]
    return f"{base}/method/wall.createComment", {
        **common, "owner_id": owner, "post_id": post, "reply_to_comment": comment,
        "guid": answer.idempotency_key}


def _vk_outcome(response: httpx.Response) -> Outcome:
    if not response.is_success:
        return _failure(response)
    try:
        body = response.json()
    except ValueError:
        return Outcome(False, transient=True, reason="VK ответил не JSON")
    if "error" in body:
        error = body["error"] if isinstance(body["error"], dict) else {}
        code = error.get("error_code")
        return Outcome(False, transient=code in VK_TRANSIENT,
                       reason=f"VK: ошибка {code}: {str(error.get('error_msg'))[:200]}")
    result = body.get("response")
    external = result.get("comment_id") if isinstance(result, dict) else result
    return Outcome(True, external_id=str(external) if external is not None else None)


def _telegram_request(source: SocialSource, item: SocialItem, answer: SocialAnswer
                      ) -> tuple[str, dict[str, Any]]:
    chat, _, message = item.source_item_id.rpartition(":")
    url = f"{source.api_url.rstrip('/')}/bot{source.api_token or ''}/sendMessage"
    body: dict[str, Any] = {"chat_id": chat, "text": answer.text}
    if message.isdigit():
        body["reply_parameters"] = {"message_id": int(message), "allow_sending_without_reply":
                                    True}
    return url, body


def _telegram_outcome(response: httpx.Response) -> Outcome:
    if not response.is_success:
        return _failure(response)
    try:
        result = response.json().get("result") or {}
    except (ValueError, AttributeError):
        return Outcome(True)
    return Outcome(True, external_id=str(result.get("message_id")) if isinstance(result, dict)
                   and result.get("message_id") is not None else None)


def _generic_outcome(response: httpx.Response) -> Outcome:
    if not response.is_success:
        return _failure(response)
    try:
        external = response.json().get("id")
    except (ValueError, AttributeError):
        external = None
    return Outcome(True, external_id=str(external)[:200] if external is not None else None)


async def post(source: SocialSource, item: SocialItem, answer: SocialAnswer,
               settings: Settings) -> Outcome:
    if not source.api_url:
        if settings.production:
            return Outcome(False, reason="Для источника не указан адрес API сети")
        return _to_file(item, answer, settings)
    timeout = settings.gateway_timeout_seconds
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            if source.network == Network.VK:
                url, form = _vk_request(source, item, answer)
                return _vk_outcome(await http.post(url, data=form))
            if source.network == Network.TELEGRAM:
                url, body = _telegram_request(source, item, answer)
                return _telegram_outcome(await http.post(url, json=body))
            headers = {"Idempotency-Key": answer.idempotency_key,
                       "Content-Type": "application/json"}
            if source.api_token:
                headers["Authorization"] = f"Bearer {source.api_token}"
            body = {"idempotencyKey": answer.idempotency_key, "network": str(source.network),
                    "itemId": item.source_item_id, "postId": item.post_id, "url": item.url,
                    "text": answer.text}
            return _generic_outcome(await http.post(source.api_url, content=orjson.dumps(body),
                                                    headers=headers))
    except httpx.HTTPError as exc:
        return Outcome(False, transient=True,
                       reason=f"Сеть недоступна: {type(exc).__name__}: {exc}"[:300])


def _to_file(item: SocialItem, answer: SocialAnswer, settings: Settings) -> Outcome:
    path = settings.outbox_dir / "social.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"idempotencyKey": answer.idempotency_key, "network": str(item.network),
            "itemId": item.source_item_id, "url": item.url, "text": answer.text,
            "at": dt.datetime.now(dt.UTC).isoformat()}
    with path.open("ab") as out:
        out.write(orjson.dumps(line) + b"\n")
    log.info("dev social answer %s written to %s", answer.id, path)
    return Outcome(True, external_id=f"dev:{answer.id}")

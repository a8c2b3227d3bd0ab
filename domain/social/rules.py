"""Pure rules of social items: limits (R-7.2), answer lengths, webhook signatures and the
shapes each network sends. No database, no framework."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from domain.social.models import Network, SocialKind

# the limit in working hours from the moment the item appeared.
LIMIT_HOURS = {SocialKind.MENTION: 6.0, SocialKind.OFFICIAL_APPEAL: 5.0,
               SocialKind.COMMENT: 5.0}

# What each network accepts in one comment or message (characters). OK, MAX and the rest:
# the smallest limit we know of among them, so an answer never gets cut by the network.
ANSWER_LIMITS = {Network.VK: 4096, Network.TELEGRAM: 4096, Network.OK: 4000,
                 Network.MAX: 4000, Network.OTHER: 2000}

# A signed request older (or newer) than this is a replay or a wrong clock: refused.
SIGNATURE_TOLERANCE = dt.timedelta(minutes=5)


def due_at(calendar, kind: SocialKind, received_at: dt.datetime) -> dt.datetime:
    return calendar.add_working_hours(received_at, LIMIT_HOURS[kind]).astimezone(dt.UTC)


def warn_at(calendar, kind: SocialKind, received_at: dt.datetime,
            warning_hours: float) -> dt.datetime:
    """``warning_hours`` of working time before the limit (at intake for a shorter one)."""
    hours = max(LIMIT_HOURS[kind] - warning_hours, 0.0)
    return calendar.add_working_hours(received_at, hours).astimezone(dt.UTC)


def answer_limit(network: Network) -> int:
    return ANSWER_LIMITS[network]


def on_time(due: dt.datetime, answered: dt.datetime | None, now: dt.datetime) -> bool | None:
    """True/False once answered (or moved); while open, False only when already late."""
    if answered is not None:
        return answered <= due
    return False if now > due else None


# --- webhook secrets and signatures ---------------------------------------------------------

def webhook_secret(server_secret: str, source_id: str, version: int) -> str:
    """The source's secret, derived (never stored): URL-safe, 43 characters, which both VK's
    secret key and Telegram's secret token accept."""
    digest = hmac.new(server_secret.encode(), f"okno-social:{source_id}:{version}".encode(),
                      hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def body_signature(secret: str, timestamp: str, raw: bytes) -> str:
    """The generic scheme: hex HMAC-SHA256 of ``<timestamp>.<raw body>``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256).hexdigest()


class Refusal(StrEnum):
    UNSIGNED = "unsigned"  # 401: no signature at all
    FORGED = "forged"  # 403: a signature that does not match, or a stale timestamp


def check_body_signature(secret: str, timestamp: str | None, signature: str | None,
                         raw: bytes, now: dt.datetime) -> Refusal | None:
    if not timestamp or not signature:
        return Refusal.UNSIGNED
    try:
        at = dt.datetime.fromtimestamp(int(timestamp), dt.UTC)
    except (ValueError, OverflowError, OSError):
        return Refusal.FORGED
    if abs(now - at) > SIGNATURE_TOLERANCE:
        return Refusal.FORGED
    expected = "sha256=" + body_signature(secret, timestamp, raw)
    return None if same(signature, expected) else Refusal.FORGED


# --- what came in ---------------------------------------------------------------------------

class Action(StrEnum):
    NEW = "new"
    EDIT = "edit"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One item as a network reported it, in one shape for every network."""

    action: Action
    item_id: str
    kind: SocialKind | None = None  # None: an edit or deletion tells no kind
    text: str | None = None
    author_id: str | None = None
    author_name: str | None = None
    url: str | None = None
    post_id: str | None = None
    at: dt.datetime | None = None  # when the network says it was written (or changed)


class BadPayload(ValueError):
    """A body that parses as JSON but is not what the network sends."""


def _str(value: object, field: str, required: bool = True) -> str | None:
    if value is None or value == "":
        if required:
            raise BadPayload(f"{field} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadPayload(f"{field} must be a string or a number")
    return str(value)


def _epoch(value: object) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadPayload("date must be a Unix time")
    try:
        return dt.datetime.fromtimestamp(value, dt.UTC)
    except (OverflowError, OSError, ValueError):
        raise BadPayload("date is out of range") from None


def _object(value: object, field: str) -> dict:
    if not isinstance(value, dict):
        raise BadPayload(f"{field} must be an object")
    return value


VK_ACTIONS = {"wall_reply_new": Action.NEW, "wall_reply_restore": Action.NEW,
              "wall_reply_edit": Action.EDIT, "wall_reply_delete": Action.DELETE,
              "message_new": Action.NEW, "message_edit": Action.EDIT}


def parse_vk(event: dict) -> Incoming | None:
    """VK Callback API: comments on the community's posts and messages to the community
    (official appeals). Other event types are acknowledged and ignored (None)."""
    kind = event.get("type")
    action = VK_ACTIONS.get(kind) if isinstance(kind, str) else None
    if action is None:
        return None
    obj = _object(event.get("object"), "object")
    if kind.startswith("message_"):
        msg = _object(obj.get("message", obj), "object.message")
        peer = _str(msg.get("peer_id", msg.get("from_id")), "message.peer_id")
        number = _str(msg.get("conversation_message_id", msg.get("id")), "message.id")
        return Incoming(action, f"m{peer}_{number}", SocialKind.OFFICIAL_APPEAL,
                        _str(msg.get("text"), "text", False) or "",
                        _str(msg.get("from_id"), "from_id", False), None, None, None,
                        _epoch(msg.get("update_time") or msg.get("date")))
    owner = _str(obj.get("owner_id", obj.get("post_owner_id")), "object.owner_id")
    comment = _str(obj.get("id"), "object.id")
    post = _str(obj.get("post_id"), "object.post_id", False)
    url = f"https://vk.com/wall{owner}_{post}?reply={comment}" if post else None
    return Incoming(
        action, f"{owner}_{comment}", SocialKind.COMMENT if action != Action.DELETE else None,
        _str(obj.get("text"), "text", False) or ("" if action != Action.DELETE else None),
        _str(obj.get("from_id"), "from_id", False), None, url,
        f"{owner}_{post}" if post else None, _epoch(obj.get("date")))


def parse_telegram(update: dict) -> Incoming | None:
    """Telegram Bot API updates: a private message to the bot is an official appeal, a reply
    in the discussion group of the channel a comment, any other group message a mention.
    Telegram reports edits but not deletions."""
    if "message" in update:
        action, msg = Action.NEW, _object(update["message"], "message")
    elif "edited_message" in update:
        action, msg = Action.EDIT, _object(update["edited_message"], "edited_message")
    else:
        return None
    chat = _object(msg.get("chat"), "message.chat")
    chat_id = _str(chat.get("id"), "chat.id")
    sender = msg.get("from") if isinstance(msg.get("from"), dict) else {}
    name = " ".join(str(p) for p in (sender.get("first_name"), sender.get("last_name")) if p)
    text = msg.get("text", msg.get("caption"))
    if chat.get("type") == "private":
        kind = SocialKind.OFFICIAL_APPEAL
    elif isinstance(msg.get("reply_to_message"), dict):
        kind = SocialKind.COMMENT
    else:
        kind = SocialKind.MENTION
    username = chat.get("username")
    message_id = _str(msg.get("message_id"), "message.message_id")
    return Incoming(
        action, f"{chat_id}:{message_id}", kind, _str(text, "text", False) or "",
        _str(sender.get("id"), "from.id", False), name or None,
        f"https://t.me/{username}/{message_id}" if isinstance(username, str) else None,
        None, _epoch(msg.get("edit_date") or msg.get("date")))


def parse_generic(item: dict) -> Incoming:
    """The generic shape (OK, MAX, others, and the import API): ``{"id", "action",
    "kind", "text", "authorId", "authorName", "url", "postId", "at"}``."""
    try:
        action = Action(item.get("action") or Action.NEW)
    except ValueError:
        raise BadPayload("action must be new, edit or delete") from None
    raw_kind = item.get("kind")
    try:
        kind = SocialKind(raw_kind) if raw_kind is not None else None
    except ValueError:
        raise BadPayload("kind must be mention, official_appeal or comment") from None
    if action == Action.NEW and kind is None:
        raise BadPayload("kind is required")
    at = item.get("at")
    when = None
    if at is not None:
        try:
            when = dt.datetime.fromisoformat(str(at))
        except ValueError:
            raise BadPayload("at must be an ISO 8601 date and time") from None
        if when.tzinfo is None:
            raise BadPayload("at must carry a time zone offset")
    text = _str(item.get("text"), "text", action == Action.NEW)
    return Incoming(action, _str(item.get("id"), "id"), kind, text,
                    _str(item.get("authorId"), "authorId", False),
                    _str(item.get("authorName"), "authorName", False),
                    _str(item.get("url"), "url", False), _str(item.get("postId"), "postId", False),
                    when)


def received_moment(at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """The limit runs from when the person wrote, as the network says; never from a moment
    later than our intake (a wrong clock on the other side cannot extend it)."""
    if at is None:
        return now
    return min(at.astimezone(dt.UTC), now)


def retry_delay(attempt: int, retry_after: float | None, base: float, cap: float) -> float:
    """Seconds before the next posting attempt: the network's Retry-After when it gave one,
    else exponential backoff (base · 2^(attempt-1)), never above ``cap``."""
    if retry_after is not None and retry_after >= 0:
        return min(retry_after, cap)
    return min(base * 2 ** max(attempt - 1, 0), cap)

"""Attachment storage keys are okno's, not the client's (issue 15, "Misuse").

A front end uploads a file to object storage under a key okno issued
(``issueAttachmentKey``) and then names that key in ``receiveMessage``. The key is bound to
whoever asked for it: ``uploads/<random id>.<signature>``, the signature an HMAC
(``link_secret``) over the asker's subject and the id, so another person's key (another
citizen's file) or a key made up by the client is refused, and nothing is stored.

File names are shown to staff and written into exports: only the last path part is kept
(``../../../etc/passwd`` is ``passwd``), characters file systems refuse become ``_``, and
bidi and zero-width characters go as in every name (``clean_text``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from domain.actor import Actor
from domain.errors import DomainError, ErrorCode
from domain.validation import clean_text

PURPOSE = "attachment"
_KEY = re.compile(r"uploads/([0-9a-f]{32})\.([0-9a-f]{32})")
_RESERVED = re.compile(r'[<>:"|?*]')
NAME_MAX = 255


def _signature(secret: str, subject: str, object_id: str) -> str:
    body = f"{PURPOSE}|{subject}|{object_id}".encode()
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()[:32]


def issue_key(actor: Actor, secret: str) -> str:
    object_id = secrets.token_hex(16)
    return f"uploads/{object_id}.{_signature(secret, actor.subject, object_id)}"


def check_key(actor: Actor, key: str | None, secret: str, field: str) -> str:
    """The key, when okno issued it to this actor; INVALID otherwise."""
    match = _KEY.fullmatch((key or "").strip())
    if match is None or not hmac.compare_digest(
            match[2], _signature(secret, actor.subject, match[1])):
        raise DomainError(ErrorCode.INVALID, "Файл не найден: загрузите его ещё раз.", field)
    return match[0]


def clean_file_name(value: str | None, field: str) -> str:
    """The name to show: its last path part, with no characters a file system refuses."""
    name = clean_text(value, field, max_length=1000, required=True)
    name = re.split(r"[/\\]", name)[-1].strip().lstrip(".")
    name = _RESERVED.sub("_", name)
    if not name:
        name = "файл"
    if len(name) > NAME_MAX:  # keep the extension: it tells what opens the file
        stem, dot, ext = name.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 10 else ""
        name = (stem if ext else name)[:NAME_MAX - len(ext)] + ext
    return name

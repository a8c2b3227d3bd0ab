"""Attachment storage keys are issued by okno and bound to whoever asked (issue 15,
"Misuse"): a citizen cannot attach another citizen's file or a key of their own making, and
file names are sanitised (last path part, no bidi or control characters, length cap)."""

from __future__ import annotations

import pytest

from api.relay import encode_id
from domain.clients.models import Client, ClientKind
from domain.errors import DomainError
from domain.messages.models import Attachment
from domain.messages.uploads import clean_file_name

ISSUE = """mutation($name: String!) { issueAttachmentKey(input: {fileName: $name}) {
  storageKey fileName errors { code field } } }"""
RECEIVE = """mutation($input: ReceiveMessageInput!) { receiveMessage(input: $input) {
  message { attachments { fileName storageKey } } errors { code field } } }"""


async def _key(gql, client_id: str, name: str = "скан.pdf") -> str:
    body = await gql(ISSUE, {"name": name}, as_="client", subject=client_id)
    payload = body["data"]["issueAttachmentKey"]
    assert payload["errors"] == []
    return payload["storageKey"]


async def _send(gql, client_id: str, key: str, name: str = "скан.pdf") -> dict:
    body = await gql(RECEIVE, {"input": {
        "clientId": encode_id("Client", client_id), "channel": "WEB",
        "body": "Прошу проверить начисления за отопление.",
        "attachments": [{"fileName": name, "contentType": "application/pdf", "sizeBytes": 10,
                         "storageKey": key}]}}, as_="client", subject=client_id)
    return body["data"]["receiveMessage"]


@pytest.fixture
async def citizens(settings) -> tuple[str, str]:
    a = await Client.create(kind=ClientKind.PERSON, last_name="Орлова")
    b = await Client.create(kind=ClientKind.PERSON, last_name="Кузнецов")
    return str(a.id), str(b.id)


async def test_a_key_works_only_for_whoever_got_it(gql, citizens):
    a, b = citizens
    theirs = await _key(gql, b)
    mine = await _key(gql, a)
    body, sig = mine.rsplit(".", 1)
    for foreign in (theirs, "s3://okno/uploads/b-passport.pdf", f"{body}.{sig[::-1]}",
                    f"{theirs.rsplit('.', 1)[0]}.{sig}", "", " "):
        result = await _send(gql, a, foreign)
        assert result["message"] is None, foreign
        assert result["errors"][0] == {"code": "INVALID",
                                       "field": "attachments.0.storageKey"}, foreign
    assert await Attachment.all().count() == 0
    result = await _send(gql, a, mine)
    assert result["errors"] == []
    assert result["message"]["attachments"] == [{"fileName": "скан.pdf", "storageKey": mine}]


async def test_file_names_are_sanitised(gql, citizens):
    a, _ = citizens
    cases = {"../../../etc/passwd": "passwd", "..\\..\\windows\\win.ini": "win.ini",
             "\u202egpj.exe": "gpj.exe", "a<b>:c?.pdf": "a_b__c_.pdf", "..": "файл",
             "x" * 300 + ".pdf": "x" * 251 + ".pdf"}
    for given, kept in cases.items():
        issued = await gql(ISSUE, {"name": given}, as_="client", subject=a)
        assert issued["data"]["issueAttachmentKey"]["fileName"] == kept
        result = await _send(gql, a, issued["data"]["issueAttachmentKey"]["storageKey"], given)
        assert result["errors"] == [], given
        assert result["message"]["attachments"][0]["fileName"] == kept
    stored = set(await Attachment.all().values_list("file_name", flat=True))
    assert stored == set(cases.values())


def test_a_name_with_control_characters_is_refused():
    with pytest.raises(DomainError):
        clean_file_name("a\x00b.pdf", "fileName")

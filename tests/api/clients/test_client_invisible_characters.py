"""Bidi controls and zero-width characters in names (issue 15, "Misuse"): removed by the one
text cleaner, so a name never spoofs a staff screen (U+202E reverses what follows) or the
email ``To:`` header."""

from __future__ import annotations

import pytest

from domain.clients.models import Client
from domain.deliveries import service as deliveries
from domain.deliveries.models import Purpose
from domain.errors import DomainError
from domain.validation import clean_text
from tests.support.deliveries import MailRecorder, SmtpServer, make_client, run_worker

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068",
        "\u2069", "\u200e", "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
INVISIBLE = BIDI + ZERO_WIDTH


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_one_line_values_lose_them(char):
    assert clean_text(f"Ор{char}лова{char}", "lastName") == "Орлова"
    with pytest.raises(DomainError):
        clean_text(char * 3, "lastName", required=True)


@pytest.mark.parametrize("char", BIDI + ["\u200b", "\u2060", "\ufeff"])
def test_long_texts_lose_bidi_and_zero_width_spaces(char):
    assert clean_text(f"Текст{char} обращения", "text", multiline=True,
                      max_length=100) == "Текст обращения"


def test_long_texts_keep_joiners_emoji_need():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean_text(f"Спасибо {family}", "text", multiline=True) == f"Спасибо {family}"


CREATE = """mutation($in: CreateClientInput!) { createClient(input: $in) {
  client { id displayName } errors { code field } } }"""


async def test_names_of_people_and_organisations_never_carry_them(gql):
    spoof = "".join(INVISIBLE)
    person = {"kind": "PERSON", "lastName": f"Ор{spoof}лова", "firstName": "\u202eАнна",
              "middleName": "Пе\u200bтровна"}
    body = await gql(CREATE, {"in": person}, as_="operator")
    assert body["data"]["createClient"]["errors"] == []
    assert body["data"]["createClient"]["client"]["displayName"] == "Орлова Анна Петровна"
    body = await gql(CREATE, {"in": {"kind": "ORGANISATION",
                                     "organisationName": f"ООО {spoof}Ромашка"}}, as_="operator")
    assert body["data"]["createClient"]["client"]["displayName"] == "ООО Ромашка"
    for row in await Client.all().values("last_name", "first_name", "middle_name",
                                         "organisation_name"):
        assert not any(c in (v or "") for v in row.values() for c in INVISIBLE), row


async def test_the_to_header_never_carries_them(settings):
    """A name written before the rule (straight into the table) is cleaned where it is shown."""
    person = await make_client(email="orlova@example.ru", last_name="Ор\u202eлова\u200b",
                               first_name="\u2067Анна\u2069")
    await deliveries.send(person.id, Purpose.ANSWER, "answer",
                          {"answer_text": "Ответ.", "message_number": "1",
                           "survey_url": "https://okno.example/s/t"}, source=("message", "m-1"))
    with SmtpServer(MailRecorder()) as server:
        await run_worker(server.settings(settings))
    [mail] = server.handler.messages
    assert mail["To"].addresses[0].display_name == "Орлова Анна"
    assert not any(c in str(mail["To"]) for c in INVISIBLE)

"""Bad input to every client mutation, through real HTTP: a clear UserError (or HTTP 401 for
bad tokens, a top-level UNAUTHENTICATED error for none), never a 500, and nothing written:
the client tables and the history are byte-for-byte the same afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from api.auth import mint_token
from api.relay import encode_id
from domain.actor import Role

# The longest text a variable may hold (OKNO_MAX_VARIABLE_STRING_CHARS); a longer one, or
# a body over 1 MiB, is refused before the domain sees it (tests/api/platform).
HUGE = "Я" * 50_000

# A valid input per mutation: each succeeds as given (test_base_inputs_succeed), so any
# failure below is caused by the one thing a case changes.
BASE: dict[str, Callable[[Any], dict[str, Any]]] = {
    "createClient": lambda w: {"kind": "EMPLOYEE", "lastName": "Новиков",
                               "departmentId": w.department_gid},
    "updateClient": lambda w: {"id": w.anna.gid, "firstName": "Анна-Мария"},
    "addContactPoint": lambda w: {"clientId": w.anna.gid, "kind": "EMAIL",
                                  "value": "new@example.com", "label": "рабочий"},
    "verifyContactPoint": lambda w: {"contactId": w.anna.contacts["email"]},
    "removeContactPoint": lambda w: {"contactId": w.anna.contacts["post"]},
    "setChannelPreference": lambda w: {
        "clientId": w.anna.gid, "preferredChannel": "PHONE",
        "preferredContactId": w.anna.contacts["phone"], "additionalChannel": "EMAIL",
        "additionalContactId": w.anna.contacts["email"], "chosenVia": "PHONE"},
    "setProfileTags": lambda w: {"clientId": w.anna.gid, "segments": ["DISABLED"]},
    "addRepresentative": lambda w: {"clientId": w.boris.gid, "representativeId": w.employee.gid,
                                    "basis": "POWER_OF_ATTORNEY", "document": "Доверенность"},
    "removeRepresentative": lambda w: {"id": w.representative_gid},
}

# Every ID argument: (mutation, input field, node type it must name).
ID_FIELDS = [
    ("createClient", "departmentId", "Department"),
    ("updateClient", "id", "Client"),
    ("addContactPoint", "clientId", "Client"),
    ("verifyContactPoint", "contactId", "ContactPoint"),
    ("removeContactPoint", "contactId", "ContactPoint"),
    ("setChannelPreference", "clientId", "Client"),
    ("setChannelPreference", "preferredContactId", "ContactPoint"),
    ("setChannelPreference", "additionalContactId", "ContactPoint"),
    ("setProfileTags", "clientId", "Client"),
    ("addRepresentative", "clientId", "Client"),
    ("addRepresentative", "representativeId", "Client"),
    ("removeRepresentative", "id", "Representative"),
]


def _bad_id(variant: str, type_name: str, current: str) -> str:
    from strawberry import relay

    existing = relay.GlobalID.from_id(current).node_id
    return {
        "unknown": encode_id(type_name, uuid.uuid4()),
        "not_a_uuid": encode_id(type_name, "12345"),
        "sql": encode_id(type_name, "' OR 1=1 --"),
        "malformed": "not-a-global-id",
        # The right row's UUID, labelled with another type: must not be accepted.
        "wrong_type": encode_id("Department" if type_name != "Department" else "Client",
                                existing),
        "nul": "\x00",
        # The right row's bare UUID: IDs are global IDs only.
        "raw_uuid": existing,
    }[variant]


async def _refused(api, snap, name: str, input: dict[str, Any], expected: list[tuple[str, str]],
                   **who) -> dict[str, Any]:
    before = await snap()
    payload = await api.mutate(name, input, **who)
    got = [(e["code"], e["field"]) for e in payload["errors"]]
    assert got == expected, payload
    assert all(e["message"] for e in payload["errors"])
    main = [k for k in payload if k != "errors"]
    assert all(payload[k] is None for k in main), payload
    assert await snap() == before, "a refused mutation changed the database"
    return payload


async def test_base_inputs_succeed(world, api):
    """The baseline of this module: every base input is accepted as it stands."""
    for name, base in BASE.items():
        payload = await api.mutate(name, base(world))
        assert payload["errors"] == [], (name, payload)


# Global IDs of the right type that name nothing: NOT_FOUND, like a record never issued.
UNKNOWN_ID_VARIANTS = ("unknown", "not_a_uuid", "sql")
# Anything that is not a global ID of the right type: INVALID_ID.
INVALID_ID_VARIANTS = ("malformed", "wrong_type", "nul", "raw_uuid")


@pytest.mark.parametrize("name, field, type_name", ID_FIELDS,
                         ids=[f"{m}.{f}" for m, f, _ in ID_FIELDS])
async def test_bad_ids_are_not_found(world, api, snap, name, field, type_name):
    """Unknown or hostile IDs of the right type: NOT_FOUND on that field, nothing written."""
    for variant in UNKNOWN_ID_VARIANTS:
        input = BASE[name](world)
        input[field] = _bad_id(variant, type_name, input[field])
        await _refused(api, snap, name, input, [("NOT_FOUND", field)])


@pytest.mark.parametrize("name, field, type_name", ID_FIELDS,
                         ids=[f"{m}.{f}" for m, f, _ in ID_FIELDS])
async def test_ids_that_are_not_global_ids_are_invalid_id(world, api, snap, name, field,
                                                          type_name):
    """A raw UUID (even the right row's), another type's ID or garbage: INVALID_ID naming the
    field, in the payload (never a top-level error), nothing written."""
    for variant in INVALID_ID_VARIANTS:
        input = BASE[name](world)
        input[field] = _bad_id(variant, type_name, input[field])
        await _refused(api, snap, name, input, [("INVALID_ID", field)])


NO_EXTRA = {"additionalChannel": None, "additionalContactId": None}

# Invalid values: (case id, mutation, changes to the base input, expected errors).
INVALID: list[tuple[str, str, Callable[[Any], dict], list[tuple[str, str]]]] = [
    ("person-without-name", "createClient", lambda w: {"kind": "PERSON", "lastName": "  ",
                                                       "departmentId": None},
     [("REQUIRED", "lastName")]),
    ("employee-without-department", "createClient", lambda w: {"departmentId": None},
     [("REQUIRED", "departmentId")]),
    ("organisation-without-name", "createClient",
     lambda w: {"kind": "ORGANISATION", "lastName": None, "departmentId": None},
     [("REQUIRED", "organisationName")]),
    ("bad-inn-and-ogrn-together", "createClient",
     lambda w: {"inn": "500100732258", "ogrn": "304500116000158"},
     [("INVALID_INN", "inn"), ("INVALID_OGRN", "ogrn")]),
    ("organisation-with-person-inn", "createClient",
     lambda w: {"kind": "ORGANISATION", "organisationName": "АО «Тест»", "inn": "500100732259",
                "departmentId": None},
     [("INVALID_INN", "inn")]),
    ("nul-in-name-and-bad-inn", "createClient", lambda w: {"lastName": "Нов\x00иков",
                                                           "inn": "12"},
     [("FORBIDDEN_CHARACTERS", "lastName"), ("INVALID_INN", "inn")]),
    ("control-chars-in-position", "createClient", lambda w: {"position": "инж\x1b[31mенер"},
     [("FORBIDDEN_CHARACTERS", "position")]),
    ("clearing-both-names", "updateClient", lambda w: {"lastName": None, "firstName": " "},
     [("REQUIRED", "lastName")]),
    ("update-bad-inn", "updateClient", lambda w: {"inn": "7707083894"}, [("INVALID_INN", "inn")]),
    ("update-nul", "updateClient", lambda w: {"firstName": "\x00"},
     [("FORBIDDEN_CHARACTERS", "firstName")]),
    ("invalid-email", "addContactPoint", lambda w: {"value": "anna(at)example.com"},
     [("INVALID_EMAIL", "value")]),
    ("invalid-phone", "addContactPoint", lambda w: {"kind": "PHONE", "value": "12-34"},
     [("INVALID_PHONE", "value")]),
    ("phone-with-letters", "addContactPoint", lambda w: {"kind": "PHONE", "value": "8 800 FLOWERS"},
     [("INVALID_PHONE", "value")]),
    ("invalid-messenger", "addContactPoint", lambda w: {"kind": "MESSENGER", "value": "icq:123"},
     [("INVALID", "value")]),
    ("empty-postal", "addContactPoint", lambda w: {"kind": "POSTAL", "value": "   "},
     [("REQUIRED", "value")]),
    ("duplicate-phone-other-spelling", "addContactPoint",
     lambda w: {"kind": "PHONE", "value": "+7 912 3456789"}, [("DUPLICATE", "value")]),
    ("duplicate-email-other-case", "addContactPoint",
     lambda w: {"value": "Anna.Smirnova@EXAMPLE.com"}, [("DUPLICATE", "value")]),
    ("nul-in-value", "addContactPoint", lambda w: {"value": "a\x00@example.com"},
     [("FORBIDDEN_CHARACTERS", "value")]),
    ("nul-in-label", "addContactPoint", lambda w: {"label": "раб\x00очий"},
     [("FORBIDDEN_CHARACTERS", "label")]),
    ("contact-required", "setChannelPreference",
     lambda w: {"preferredChannel": "EMAIL", "preferredContactId": None, **NO_EXTRA},
     [("CONTACT_REQUIRED", "preferredContactId")]),
    ("contact-kind-mismatch", "setChannelPreference",
     lambda w: {"preferredChannel": "EMAIL", "preferredContactId": w.anna.contacts["phone"],
                **NO_EXTRA},
     [("CONTACT_KIND_MISMATCH", "preferredContactId")]),
    ("contact-for-web", "setChannelPreference",
     lambda w: {"preferredChannel": "WEB"}, [("CONTACT_KIND_MISMATCH", "preferredContactId")]),
    ("another-clients-contact", "setChannelPreference",
     lambda w: {"preferredContactId": w.boris.contacts["phone"]},
     [("NOT_FOUND", "preferredContactId")]),
    ("same-channel-twice", "setChannelPreference",
     lambda w: {"additionalChannel": "PHONE", "additionalContactId": w.anna.contacts["phone"]},
     [("INVALID", "additionalChannel")]),
    ("additional-contact-without-channel", "setChannelPreference",
     lambda w: {"additionalChannel": None}, [("REQUIRED", "additionalChannel")]),
    ("representative-of-self", "addRepresentative", lambda w: {"representativeId": w.boris.gid},
     [("INVALID", "representativeId")]),
    ("organisation-as-representative", "addRepresentative",
     lambda w: {"representativeId": w.org.gid}, [("INVALID", "representativeId")]),
    ("duplicate-representative", "addRepresentative",
     lambda w: {"clientId": w.anna.gid, "representativeId": w.boris.gid},
     [("DUPLICATE", "representativeId")]),
    ("expired-authority", "addRepresentative", lambda w: {"validUntil": "2020-01-31"},
     [("INVALID", "validUntil")]),
    ("nul-in-document", "addRepresentative", lambda w: {"document": "№\x00 1"},
     [("FORBIDDEN_CHARACTERS", "document")]),
]


@pytest.mark.parametrize("name, change, expected", [c[1:] for c in INVALID],
                         ids=[c[0] for c in INVALID])
async def test_invalid_values(world, api, snap, name, change, expected):
    """Invalid values: the errors name their fields in plain Russian, nothing is written."""
    input = {**BASE[name](world), **change(world)}
    await _refused(api, snap, name, input, expected)


async def test_remove_contact_in_use(world, api, snap):
    """R-1.4: a contact a channel preference points at cannot be removed."""
    await _refused(api, snap, "removeContactPoint", {"contactId": world.anna.contacts["email"]},
                   [("CONTACT_IN_USE", "contactId")])


# Where each mutation takes a 10 MB string: its free-text field, else its main ID.
HUGE_FIELD = {
    "createClient": ("lastName", "TOO_LONG"),
    "updateClient": ("firstName", "TOO_LONG"),
    "addContactPoint": ("value", "TOO_LONG"),
    "verifyContactPoint": ("contactId", "INVALID_ID"),
    "removeContactPoint": ("contactId", "INVALID_ID"),
    "setChannelPreference": ("clientId", "INVALID_ID"),
    "setProfileTags": ("clientId", "INVALID_ID"),
    "addRepresentative": ("document", "TOO_LONG"),
    "removeRepresentative": ("id", "INVALID_ID"),
}


@pytest.mark.parametrize("name", list(HUGE_FIELD))
async def test_huge_string(world, api, snap, name):
    """The longest string the request limits let through is a UserError, not a 500 or a
    stored row."""
    field, code = HUGE_FIELD[name]
    input = BASE[name](world)
    input[field] = HUGE
    await _refused(api, snap, name, input, [(code, field)])


async def test_huge_label_too(world, api, snap):
    input = {**BASE["addContactPoint"](world), "label": HUGE}
    await _refused(api, snap, "addContactPoint", input, [("TOO_LONG", "label")])


def token(settings, role: str, ttl_seconds: int | None = None) -> str:
    return mint_token(settings, Role(role), f"{role}-1", None, ttl_seconds)


def _forged(settings) -> str:
    claims = jwt.decode(token(settings, "admin"), options={"verify_signature": False})
    return jwt.encode(claims, "not-the-secret-" * 4, algorithm="HS256")


def _alg_none(settings) -> str:
    claims = jwt.decode(token(settings, "admin"), options={"verify_signature": False})
    return jwt.encode(claims, None, algorithm="none")


BAD_TOKENS: dict[str, Callable[[Any], str]] = {
    "forged": _forged,
    "alg-none": _alg_none,
    "expired": lambda s: token(s, "admin", ttl_seconds=-120),
    "garbage": lambda s: "abc.def.ghi",
    "system-role": lambda s: token(s, "system"),
}


@pytest.mark.parametrize("name", list(BASE))
async def test_bad_tokens_get_401(world, api, settings, snap, name):
    """Forged, unsigned, expired or internal-role tokens: HTTP 401 before anything runs."""
    before = await snap()
    for kind, make in BAD_TOKENS.items():
        response = await api.post(name, BASE[name](world), "Bearer " + make(settings))
        assert response.status_code == 401, (kind, response.text)
    assert await snap() == before


@pytest.mark.parametrize("name", list(BASE))
async def test_anonymous_is_unauthenticated(world, api, snap, name):
    """No token: a top-level UNAUTHENTICATED error, the (nullable) payload null, nothing
    written."""
    before = await snap()
    body = await api.gql(api.document(name), {"input": BASE[name](world)}, as_=None,
                         expect_errors=True)
    assert body["data"] == {name: None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    assert await snap() == before


# Values the GraphQL types themselves refuse (before any resolver runs).
TYPE_ERRORS = [
    ("createClient", {"kind": "ALIEN"}),
    ("setChannelPreference", {"preferredChannel": "CARRIER_PIGEON"}),
    ("addRepresentative", {"validUntil": "31.12.2099"}),
    ("addRepresentative", {"basis": None}),
    ("addContactPoint", {"primary": "yes"}),
    ("setProfileTags", {"segments": [1, 2]}),
    ("setProfileTags", {"segments": ["vip"]}),
    ("setProfileTags", {"segments": ["pensioner"]}),  # enum names, not stored values
    ("setProfileTags", {"lifeSituations": ["PENSIONER"]}),
    ("setProfileTags", {"segments": ["PENSIONER\x00"]}),
    ("updateClient", {"id": None}),
    ("updateClient", {"lastName": 12345}),
]


@pytest.mark.parametrize("name, change", TYPE_ERRORS,
                         ids=[f"{n}-{next(iter(c))}" for n, c in TYPE_ERRORS])
async def test_values_of_the_wrong_graphql_type(world, api, snap, name, change):
    """Wrong enum values, dates, booleans, lists: a GraphQL error naming the variable, not a 500."""
    before = await snap()
    response = await api.post(name, {**BASE[name](world), **change},
                              "Bearer " + token(api.gql.settings, "admin"))
    assert response.status_code in (200, 400), response.text
    body = response.json()
    assert body.get("data") is None and body["errors"][0]["message"]
    assert await snap() == before

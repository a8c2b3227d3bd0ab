"""Executors cannot rate their own work (issue 15, "Misuse"): no staff role ever reads a
usable survey token. The walk selects every field of the types staff read about sent mail
and invitations (Delivery, SurveyInvitation, InteractionEvent, and the objects they lead
to), found by introspecting the schema so a new field is covered, and looks for the live
token in the whole answer; the client the survey is for still gets their link."""

from __future__ import annotations

import json

import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)

from api.relay import encode_id
from api.schema import build_schema
from domain.deliveries.models import Delivery
from domain.history.models import InteractionEvent
from domain.settings import Settings
from domain.surveys import service as surveys
from domain.surveys.models import SurveyInvitation
from tests.contract.factories import Scene

SCHEMA = build_schema(Settings(_env_file=None))._schema
WALKED = ("Delivery", "SurveyInvitation", "InteractionEvent")
STAFF = ("operator", "executor", "supervisor", "admin")


def _selection(type_name: str, depth: int) -> str:
    """Every field that needs no argument (connections get first: 5), ``depth`` levels down.
    A field of an abstract type (``source: Node``) shows its type and ID: the types it can
    be are walked by themselves."""
    type_ = SCHEMA.type_map[type_name]
    if isinstance(type_, GraphQLUnionType | GraphQLInterfaceType):
        return "__typename ... on Node { id }"
    parts = ["__typename"]
    for name, field in type_.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
               for arg in field.args.values()):
            continue
        args = "(first: 5)" if "first" in field.args else ""
        target = get_named_type(field.type)
        if isinstance(target, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if depth > 0:
                parts.append(f"{name}{args} {{ {_selection(target.name, depth - 1)} }}")
        else:
            parts.append(name + args)
    return " ".join(parts)


@pytest.fixture
async def scene(settings, http) -> Scene:
    scene = Scene(settings, http)
    await scene.answered()  # the answer mail carries the survey link
    record = await scene.invitation()
    # And a separate invitation mail for a reception (its own link).
    base = await scene.base()
    await surveys.invite_and_notify(("reception", "R-1"), base["a"], "reception",
                                    settings=settings)
    assert record.status == "open"
    return scene


async def _live_tokens(settings) -> list[str]:
    return [surveys.token_for(r, settings) for r in await SurveyInvitation.all()]


async def _ids() -> dict[str, list[str]]:
    return {
        "Delivery": [encode_id("Delivery", r) for r in
                     await Delivery.all().values_list("id", flat=True)],
        "SurveyInvitation": [encode_id("SurveyInvitation", r) for r in
                             await SurveyInvitation.all().values_list("id", flat=True)],
        "InteractionEvent": [encode_id("InteractionEvent", r) for r in
                             await InteractionEvent.all().values_list("public_id", flat=True)],
    }


@pytest.mark.parametrize("viewer", STAFF)
async def test_no_staff_role_reads_a_live_survey_token(scene, settings, viewer):
    tokens = await _live_tokens(settings)
    assert len(tokens) == 2
    # The tokens are in what was sent: the walk below must find them hidden, not absent.
    bodies = "".join(b or "" for b in await Delivery.all().values_list("body_text", flat=True))
    assert all(t in bodies for t in tokens)
    seen_any = False
    for type_name, ids in (await _ids()).items():
        selection = _selection(type_name, 2)
        for gid in ids:
            body = await scene.gql(f"query($id: ID!) {{ node(id: $id) {{ ... on {type_name} "
                                   f"{{ {selection} }} }} }}", {"id": gid}, viewer=viewer)
            text = json.dumps(body, ensure_ascii=False)
            assert body.get("data") is not None, body["errors"]
            seen_any |= body["data"]["node"] is not None
            for token in tokens:
                assert token not in text and token.split(".")[1] not in text, (
                    viewer, type_name)
    assert seen_any
    outbox = await scene.gql("{ deliveries(first: 100) { edges { node { "
                             + _selection("Delivery", 1) + " } } } }", viewer=viewer)
    assert not any(t in json.dumps(outbox) for t in tokens)


async def test_the_invited_client_still_gets_the_link(scene, settings):
    [mail] = await Delivery.filter(template="answer").values_list("id", flat=True)
    body = await scene.fetch("query($id: ID!) { delivery(id: $id) { text } }",
                             {"id": encode_id("Delivery", mail)}, viewer="own")
    tokens = await _live_tokens(settings)
    assert any(t in body["delivery"]["text"] for t in tokens)

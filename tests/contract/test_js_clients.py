"""The front-end contract as a JavaScript front end meets it: real JS clients on Node against a
live okno (tests/contract/js/).

- ``subscribe.mjs``: graphql-ws (what Apollo, urql, Relay and browsers use) through subscribe →
  event → complete. A Python client forgives what graphql-ws refuses (binary frames: it closes
  with 4004), so only a JS client proves the subscription contract.
- codegen (client preset) over ``schema.graphql`` + ``tsc --strict`` over the typed operations of
  a citizen app and an operator workplace, then ``flows.ts`` runs both flows on the live server,
  and the personal-reception flow (R-4.2, R-4.3, R-4.6, R-4.7): anonymous points and slots, a
  booking, SLOT_TAKEN as data, the desk's day, cancelling twice, ``bookingChanged`` over
  graphql-ws.

Skipped only where ``node`` is absent (CI has it, and ``.ci/run`` installs the packages with
``npm ci``); without ``node_modules`` the test runs ``npm ci`` itself.

SQLite only: what is checked here is the wire (frames, protocol, JSON shapes, types), which does
not depend on the database; both databases are covered by the areas' own tests, and one backend
keeps the test within its time budget. Redis is the real one (subscriptions fan out through it).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.relay import decode_id
from domain.reception.schedules import today
from domain.settings import Settings
from tests.conftest import token
from tests.support.live import live_servers

JS = Path(__file__).resolve().parent / "js"
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = [
    pytest.mark.skipif(NODE is None, reason="node is not installed (CI has it)"),
    pytest.mark.parametrize("backend", ["sqlite"], indirect=True),
]


def _packages_current() -> bool:
    """node_modules exists and was installed from the committed lock (npm keeps a copy)."""
    installed = JS / "node_modules" / ".package-lock.json"
    lock = JS / "package-lock.json"
    return installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime


@pytest.fixture(scope="module")
def js_packages() -> Path:
    if not _packages_current():
        assert NPM, "node is installed but npm is not"
        done = subprocess.run([NPM, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=JS,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return JS


async def run_node(*args: str, timeout: float, env: dict[str, str] | None = None) -> str:
    """Run a Node tool in tests/contract/js without blocking the live server's event loop;
    its output on success, a failed assertion with its output otherwise."""
    proc = await asyncio.create_subprocess_exec(
        *args, cwd=JS, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})})
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"{' '.join(args[:2])} did not finish within {timeout} s") from None
    text = out.decode() + err.decode()
    assert proc.returncode == 0, f"{' '.join(args[:2])} exited {proc.returncode}:\n{text}"
    return out.decode()


class Okno:
    """One live okno server and an admin's GraphQL-over-HTTP client for setting up data."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.settings = settings
        self.url = f"http://127.0.0.1:{port}/graphql"

    async def __call__(self, query: str, variables: dict | None = None, *,
                       bearer: str | None = None) -> dict:
        async with httpx.AsyncClient() as http:
            response = await http.post(self.url, json={"query": query, "variables": variables},
                                       headers={"Authorization": "Bearer " + (
                                           bearer or token(self.settings, "admin", "admin-js"))})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        [payload] = body["data"].values()
        assert payload.get("errors", []) == [], payload
        return payload


@pytest.fixture
async def okno(settings: Settings) -> AsyncIterator[Okno]:
    async with live_servers(settings) as [port]:
        yield Okno(settings, port)


CREATE_CLIENT = """mutation($input: CreateClientInput!) {
  createClient(input: $input) { client { id } errors { code message } } }"""
ADD_CONTACT = """mutation($input: AddContactPointInput!) {
  addContactPoint(input: $input) { contact { id } errors { code message } } }"""
SET_PREFERENCE = """mutation($input: SetChannelPreferenceInput!) {
  setChannelPreference(input: $input) {
    preference { preferredChannel } errors { code message } } }"""
SAVE_DEPARTMENT = """mutation($input: SaveDepartmentInput!) {
  saveDepartment(input: $input) { department { id } errors { code message } } }"""
SAVE_STAFF = """mutation($input: SaveStaffMemberInput!) {
  saveStaffMember(input: $input) { staffMember { id subject } errors { code message } } }"""
SAVE_POINT = """mutation($input: SaveReceptionPointInput!) {
  saveReceptionPoint(input: $input) { point { id } errors { code message } } }"""
SAVE_OFFICIAL = """mutation($input: SaveReceivingOfficialInput!) {
  saveReceivingOfficial(input: $input) { official { id } errors { code message } } }"""
SAVE_SCHEDULE = """mutation($input: SaveReceptionScheduleInput!) {
  saveReceptionSchedule(input: $input) { schedule { id } slotsCreated errors { code message } } }"""


async def a_client(okno: Okno, last_name: str, email: str) -> tuple[str, str]:
    """A person with an email that is also their chosen channel: (global ID, client token)."""
    client = (await okno(CREATE_CLIENT, {"input": {
        "kind": "PERSON", "lastName": last_name, "firstName": "Анна"}}))["client"]["id"]
    contact = (await okno(ADD_CONTACT, {"input": {
        "clientId": client, "kind": "EMAIL", "value": email, "primary": True}}))["contact"]["id"]
    await okno(SET_PREFERENCE, {"input": {
        "clientId": client, "preferredChannel": "EMAIL", "preferredContactId": contact}})
    return client, token(okno.settings, "client", decode_id(client, "Client", "clientId"))


RECEPTION_POINT = "Приёмная Правительства (JS)"
BOOKING = """query($id: ID!) { node(id: $id) { ... on Booking { status slot { freeSeats } } } }"""


async def a_reception(okno: Okno, staff_member: str) -> None:
    """A point with accessibility features and an official receiving there on working-day
    mornings, one seat a slot, for the next weeks: made by the keepers' own mutations."""
    point = (await okno(SAVE_POINT, {"input": {
        "name": RECEPTION_POINT, "address": "г. Ульяновск, пл. Ленина, 1",
        "directions": "Вход с площади, кабинет 201.", "latitude": 54.3142,
        "longitude": 48.4031, "accessibility": ["STEP_FREE_ENTRANCE", "RAMP", "HEARING_LOOP"],
    }}))["point"]["id"]
    official = (await okno(SAVE_OFFICIAL, {"input": {
        "staffMemberId": staff_member, "position": "Министр"}}))["official"]["id"]
    schedule = await okno(SAVE_SCHEDULE, {"input": {
        "officialId": official, "pointId": point, "rrule": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH",
        "validFrom": today().isoformat(), "startTime": "10:00", "endTime": "12:00",
        "slotMinutes": 30, "capacity": 1}})
    assert schedule["slotsCreated"] > 0, schedule


async def test_graphql_ws_subscription_round_trip(js_packages, okno: Okno):
    """The standard JS client (graphql-ws on Node) subscribes, receives one event and completes:
    every frame okno sends is a text frame graphql-ws accepts (binary frames close with 4004)."""
    client, client_token = await a_client(okno, "Подписчикова", "sub@example.org")
    out = await run_node(
        NODE, "subscribe.mjs", "--url", okno.url, "--client-id", client,
        "--client-token", client_token,
        "--staff-token", token(okno.settings, "operator", "op-js"), timeout=40)
    result = json.loads(out.strip().splitlines()[-1])
    assert result["ok"] and result["event"]["__typename"] == "InteractionEvent"


async def test_typed_front_end_flows(js_packages, okno: Okno):
    """The front-end check: codegen (client preset) over schema.graphql, `tsc --strict` over the
    typed operations of a citizen app and an operator workplace, then both flows on a live okno
    with graphql-request, every answer checked at run time (IDs found again by node(id:)); then
    personal reception on a point, official and schedule made by the keepers' mutations: R-4.7
    accessibility shown, R-4.3 booking by the client (the seat is taken, a rival gets
    SLOT_TAKEN), R-4.2 the desk's day, R-4.6 cancel at any time, idempotent, heard live."""
    # Types first: a schema change that breaks an operation fails here, naming it.
    await run_node(NODE, "node_modules/.bin/graphql-codegen", "--config", "codegen.ts",
                   timeout=60)
    await run_node(NODE, "node_modules/.bin/tsc", "-p", "tsconfig.json", "--strict", timeout=60)

    email = "citizen-js@example.org"
    client, client_token = await a_client(okno, "Горожанина", email)
    department = (await okno(SAVE_DEPARTMENT, {"input": {"name": "Отдел ЖКХ"}}))["department"]
    executor = await okno(SAVE_STAFF, {"input": {
        "subject": "exec-js", "fullName": "Исполнитель Иван", "departmentId": department["id"]}})
    rival, rival_token = await a_client(okno, "Соперникова", "rival-js@example.org")
    await a_reception(okno, executor["staffMember"]["id"])
    out = await run_node(NODE, ".build/flows.js", timeout=60, env={
        "OKNO_URL": okno.url, "OKNO_CLIENT_TOKEN": client_token,
        "OKNO_OPERATOR_TOKEN": token(okno.settings, "operator", "op-js"),
        "OKNO_DEPARTMENT": "Отдел ЖКХ", "OKNO_EXECUTOR": "exec-js", "OKNO_CLIENT_EMAIL": email,
        "OKNO_RIVAL_TOKEN": rival_token, "OKNO_RECEPTION_POINT": RECEPTION_POINT,
        "OKNO_TIMEZONE": okno.settings.timezone})
    result = json.loads(out.strip().splitlines()[-1])
    assert result["ok"] and result["client"] == client, result
    # What the JS client saw, seen again from here: the booking is cancelled, the seat free.
    reception = result["reception"]
    assert reception["events"][-1] == "CANCELLED", reception
    booking = await okno(BOOKING, {"id": reception["booking"]})
    assert booking["status"] == "CANCELLED" and booking["slot"]["freeSeats"] == 1, booking
    assert rival != client

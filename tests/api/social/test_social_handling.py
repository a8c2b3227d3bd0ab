"""Moving an item to an individual channel (R-7.3), the client's history once the person is
known, the R-7.2 alerts (a warning before, an escalation after, each once) and the staff's
list with its filters."""

from __future__ import annotations

from api.relay import encode_id
from domain.directory import service as directory
from domain.directory.models import StaffMember
from domain.history.models import InteractionEvent
from domain.messages.models import Message
from domain.social import deadlines, intake, rules
from domain.social.models import Network, SocialAlert, SocialItem
from tests.conftest import count_queries
from tests.support.social import local, make_source

MOVE = """mutation($input: MoveSocialItemToMessageInput!) {
  moveSocialItemToMessage(input: $input) {
    socialItem { id status answeredAt client { id } message { id } }
    message { id channel receivedAt registrationDueDate socialItem { id } }
    errors { code field message } } }"""
ITEMS = """query($status: SocialItemStatus, $kind: SocialItemKind, $network: SocialNetwork,
  $overdue: Boolean, $first: Int) {
  socialItems(status: $status, kind: $kind, network: $network, overdue: $overdue,
  first: $first) { edges { node { id kind network status text dueAt onTime
  sphere { code } answer { state } } } pageInfo { hasNextPage } } }"""


async def ingest(source, item_id: str, kind: str = "comment", author: str = "501",
                 at: str | None = None, text: str = "Во дворе не вывозят мусор") -> SocialItem:
    await intake.ingest(source, [rules.parse_generic({
        "id": item_id, "kind": kind, "text": text, "authorId": author,
        "authorName": "Анна Ким", "at": at})])
    return await SocialItem.get(source_id=source.id, source_item_id=item_id)


async def test_move_makes_a_client_and_a_message_linked_both_ways(gql, settings):
    """R-7.3: the person becomes a client (a new card named as on the network, with the
    network account as a messenger contact) and the item a message with its own legal
    terms (registration within 3 days of when the person wrote); links both ways. Every
    item of that account, earlier and later, is in the client's history."""
    source = await make_source(Network.VK)
    earlier = await ingest(source, "-100_70", at="2026-03-12T10:00:00+04:00",
                           text="Когда уберут снег?")
    item = await ingest(source, "-100_77", at="2026-03-13T15:00:00+04:00")
    body = await gql(MOVE, {"input": {"itemId": encode_id("SocialItem", item.id)}},
                     as_="operator")
    result = body["data"]["moveSocialItemToMessage"]
    assert result["errors"] == []
    moved, message = result["socialItem"], result["message"]
    assert moved["status"] == "MOVED" and moved["answeredAt"] is not None
    assert moved["message"]["id"] == message["id"]
    assert message["socialItem"]["id"] == moved["id"]
    assert message["channel"] == "SOCIAL"
    assert message["receivedAt"] == "2026-03-13T11:00:00+00:00"
    assert message["registrationDueDate"] == "2026-03-16"
    row = await Message.get(social_item__id=item.id)
    assert row.body == "Во дворе не вывозят мусор"
    item = await SocialItem.get(id=item.id)
    assert item.next_alert_at is None and item.client_id == row.client_id
    assert (await SocialItem.get(id=earlier.id)).client_id == row.client_id
    events = await InteractionEvent.filter(client_id=row.client_id, kind="social_item") \
        .order_by("occurred_at").values_list("source_id", "summary")
    assert [e[0] for e in events[:2]] == [str(earlier.id), str(item.id)]
    assert "передана в обращение" in events[-1][1]
    later = await ingest(source, "-100_80", text="Спасибо, вывезли")
    assert later.client_id == row.client_id
    assert await InteractionEvent.filter(client_id=row.client_id, source_id=str(later.id)) \
        .exists()
    again = await gql(MOVE, {"input": {"itemId": encode_id("SocialItem", item.id)}},
                      as_="operator")
    assert [e["code"] for e in again["data"]["moveSocialItemToMessage"]["errors"]] == [
        "INVALID_STATE"]


async def test_move_to_a_named_client_and_bad_input(gql, settings):
    source = await make_source(Network.OTHER)
    item = await ingest(source, "x-1", author="")
    nameless = await gql(MOVE, {"input": {"itemId": encode_id("SocialItem", item.id),
                                          "clientId": "nonsense"}}, as_="operator")
    assert [(e["code"], e["field"]) for e in
            nameless["data"]["moveSocialItemToMessage"]["errors"]] == [("INVALID_ID",
                                                                        "clientId")]
    named = await gql(MOVE, {"input": {"itemId": encode_id("SocialItem", item.id),
                                       "lastName": "Ким", "firstName": "Анна"}},
                      as_="operator")
    assert named["data"]["moveSocialItemToMessage"]["errors"] == []
    client = await gql("query($id: ID!) { node(id: $id) { ... on Client { displayName } } }",
                       {"id": named["data"]["moveSocialItemToMessage"]["socialItem"]["client"]
                        ["id"]})
    assert client["data"]["node"]["displayName"].startswith("Ким")


async def test_warning_then_escalation_each_once(gql, settings):
    """R-7.2: a warning an hour of working time before the limit, an escalation after it,
    by email to the supervisors; a second sweep says nothing more."""
    await StaffMember.create(subject="head-1", full_name="Сидорова Анна", supervisor=True,
                             email="head@example.ru")
    source = await make_source(Network.VK)
    item = await ingest(source, "-100_77", at="2026-03-13T15:00:00+04:00")
    assert await deadlines.sweep(local(2026, 3, 16, 11, 0)) == deadlines.SweepResult()
    warned = await deadlines.sweep(local(2026, 3, 16, 11, 20))
    assert (warned.warnings, warned.overdue, warned.emails) == (1, 0, 1)
    assert await deadlines.sweep(local(2026, 3, 16, 11, 30)) == deadlines.SweepResult()
    late = await deadlines.sweep(local(2026, 3, 16, 12, 20))
    assert (late.warnings, late.overdue, late.emails) == (0, 1, 1)
    assert await deadlines.sweep(local(2026, 3, 17, 9, 0)) == deadlines.SweepResult()
    kinds = await SocialAlert.filter(item_id=item.id).order_by("id").values_list("kind",
                                                                                 flat=True)
    assert kinds == ["warning", "overdue"]
    assert (await SocialItem.get(id=item.id)).escalated_at == local(2026, 3, 16, 12, 20)
    from domain.deliveries.models import Delivery

    subjects = await Delivery.filter(address="head@example.ru").values_list("subject",
                                                                            flat=True)
    assert len(subjects) == 2 and any("Срок истёк" in s for s in subjects)


async def test_list_filters_and_one_query_per_relation(gql, settings):
    await directory.ensure_spheres()
    vk = await make_source(Network.VK)
    tg = await make_source(Network.TELEGRAM)
    for n in range(6):
        await ingest(vk if n % 2 else tg, f"i-{n}", "mention" if n < 2 else "comment",
                     text="Не вывозят мусор, свалка во дворе")
    overdue = await ingest(vk, "old", at="2026-03-13T15:00:00+04:00")
    mentions = await gql(ITEMS, {"kind": "MENTION"}, as_="operator")
    assert {e["node"]["kind"] for e in mentions["data"]["socialItems"]["edges"]} == {"MENTION"}
    assert len(mentions["data"]["socialItems"]["edges"]) == 2
    tgs = await gql(ITEMS, {"network": "TELEGRAM"}, as_="operator")
    assert len(tgs["data"]["socialItems"]["edges"]) == 3
    late = await gql(ITEMS, {"overdue": True}, as_="operator")
    assert [e["node"]["id"] for e in late["data"]["socialItems"]["edges"]] == [
        encode_id("SocialItem", overdue.id)]
    assert late["data"]["socialItems"]["edges"][0]["node"]["onTime"] is False
    fresh = await gql(ITEMS, {"overdue": False, "status": "NEW"}, as_="operator")
    assert len(fresh["data"]["socialItems"]["edges"]) == 6
    with count_queries() as two:
        await gql(ITEMS, {"first": 2}, as_="operator")
    with count_queries() as seven:
        await gql(ITEMS, {"first": 7}, as_="operator")
    assert two.count == seven.count
    page = await gql(ITEMS, {"first": 500}, as_="operator", expect_errors=True)
    assert page["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    citizen = await gql(ITEMS, {}, as_="client", expect_errors=True)
    assert citizen["data"]["socialItems"] is None
    assert citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"

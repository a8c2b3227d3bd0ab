"""GraphQL types of social items (R-7.x): the item (a Node), its public answer with the
posting state, and the sources (admins)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.dataloaders import RowNode
from api.directory.types import Sphere, load_sphere
from api.enums import describe_values
from api.messages.types import PlainLanguageFinding
from api.relay import Connection, resolve_node_of
from api.social.dataloaders import (
    SocialAnswerByItemLoader,
    SocialItemByIdLoader,
    SocialSourceByIdLoader,
)
from domain.actor import Actor
from domain.pagination import encode_cursor
from domain.social import access, rules, sources
from domain.social.models import (
    Network,
    PostState,
    SocialAbuse,
    SocialKind,
    SocialStatus,
)

NetworkEnum = strawberry.enum(Network, name="SocialNetwork",
                              description="The network a social item came from.")
describe_values(NetworkEnum, {
    Network.VK: "VK (ВКонтакте): Callback API webhooks.",
    Network.TELEGRAM: "Telegram: Bot API webhooks.",
    Network.OK: "Odnoklassniki (Одноклассники): the generic signed webhook.",
    Network.MAX: "MAX: the generic signed webhook.",
    Network.OTHER: "Any other network: the generic signed webhook or the import.",
})
KindEnum = strawberry.enum(SocialKind, name="SocialItemKind",
                           description="R-7.1: what started the engagement; fixes the limit.")
describe_values(KindEnum, {
    SocialKind.MENTION: "A mention of the Government: answered within 6 working hours.",
    SocialKind.OFFICIAL_APPEAL: "An appeal to a representative on their official page: 5 "
    "working hours.",
    SocialKind.COMMENT: "A comment on an official post: 5 working hours.",
})
StatusEnum = strawberry.enum(SocialStatus, name="SocialItemStatus",
                             description="Where a social item stands.")
describe_values(StatusEnum, {
    SocialStatus.NEW: "Waiting for a public answer or a move to an individual channel.",
    SocialStatus.ANSWERING: "The answer is written and being posted (see `answer.state`).",
    SocialStatus.ANSWERED: "The public answer is on the network.",
    SocialStatus.MOVED: "Moved to an individual channel: it is a message now (`message`).",
})
AbuseEnum = strawberry.enum(SocialAbuse, name="SocialItemAbuse",
                            description="What the abuse detector found (R-2.5 words).")
describe_values(AbuseEnum, {
    SocialAbuse.NONE: "Nothing found.",
    SocialAbuse.SUSPECTED: "Abusive words found; staff decide how to answer.",
})
ActionEnum = strawberry.enum(rules.Action, name="SocialItemAction",
                             description="What happened to an item at the source.")
describe_values(ActionEnum, {
    rules.Action.NEW: "Written (a replay of a known item changes nothing).",
    rules.Action.EDIT: "Edited by the author: the text is updated, the first one kept.",
    rules.Action.DELETE: "Deleted by the author: the item is kept and marked.",
})
PostStateEnum = strawberry.enum(PostState, name="SocialAnswerState",
                                description="Where the posting of a public answer stands.")
describe_values(PostStateEnum, {
    PostState.QUEUED: "Waiting for the worker.",
    PostState.RETRYING: "The network failed or asked to wait; tried again at `nextAttemptAt`.",
    PostState.POSTED: "On the network.",
    PostState.FAILED: "Refused for good (`lastError`); the item is open again: answer anew "
    "(the same idempotency key is used, so nothing is posted twice) or move it.",
})


@strawberry.type(description="The public answer to a social item and its posting state.")
class SocialAnswer:
    text: str = strawberry.field(description="The answer as posted (plain text).")
    state: PostStateEnum = strawberry.field(description="Where the posting stands.")
    attempts: int = strawberry.field(description="Posting attempts made so far.")
    next_attempt_at: dt.datetime | None = strawberry.field(
        description="When the next attempt is due (QUEUED, RETRYING).")
    last_error: str | None = strawberry.field(description="The network's last refusal, in "
                                              "Russian with its own words.")
    posted_at: dt.datetime | None = strawberry.field(description="When the network took it.")
    answered_by: str = strawberry.field(description="The staff subject who wrote it.")
    findings: list[PlainLanguageFinding] = strawberry.field(
        description="R-7.5: the plain-language checker's advice on the text.")

    @classmethod
    def from_row(cls, row: dict) -> SocialAnswer:
        return cls(text=row["text"], state=row["state"], attempts=row["attempts"],
                   next_attempt_at=row["next_attempt_at"], last_error=row["last_error"],
                   posted_at=row["posted_at"], answered_by=row["answered_by"],
                   findings=[PlainLanguageFinding.from_dict(f) for f in row["findings"] or ()])


@strawberry.type(description="A page, group, channel or chat okno takes items from "
                 "(admins). Point the network's webhook at `webhookPath` with `webhookSecret`.")
class SocialSource(RowNode, relay.Node):
    node_loader = SocialSourceByIdLoader

    id: relay.NodeID[str]
    network: NetworkEnum = strawberry.field(description="The network.")
    name: str = strawberry.field(description="What staff call it.")
    confirmation_code: str | None = strawberry.field(
        description="VK: the string the Callback API confirmation must return.")
    api_url: str | None = strawberry.field(description="Where answers are posted; null: the "
                                           "development file sink (refused in production).")
    active: bool = strawberry.field(description="False: its webhook answers 404.")
    webhook_path: str = strawberry.field(description="The webhook path on this server.")
    webhook_secret: str = strawberry.field(
        description="VK: the secret key; Telegram: `secret_token` of setWebhook; others: the "
        "HMAC key of `X-Okno-Signature`.")

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return access.can_manage_sources(actor)

    @classmethod
    def from_row(cls, row: dict) -> SocialSource:
        return cls(id=str(row["id"]), network=row["network"], name=row["name"],
                   confirmation_code=row["confirmation_code"], api_url=row["api_url"],
                   active=row["active"], webhook_path=f"/social/{row['id']}/webhook",
                   webhook_secret=sources.secret_of(row))


@strawberry.type(description="A post, comment or message to the Government on a network "
                 "(R-7.1), with its working-hour limit (R-7.2) and handling (R-7.3). Staff only.")
class SocialItem(RowNode, relay.Node):
    node_loader = SocialItemByIdLoader

    id: relay.NodeID[str]
    network: NetworkEnum = strawberry.field(description="Where it was written.")
    kind: KindEnum = strawberry.field(description="Mention, appeal or comment.")
    status: StatusEnum = strawberry.field(description="Where it stands.")
    text: str = strawberry.field(description="The text as it reads now.")
    original_text: str | None = strawberry.field(
        description="What was said first, once the author edited it; null if never edited.")
    edited_at: dt.datetime | None = strawberry.field(description="Last edit at the source.")
    deleted_at: dt.datetime | None = strawberry.field(
        description="When the author deleted it at the source (kept here; no public answer).")
    author_name: str | None = strawberry.field(description="The author's name on the network.")
    author_account: str | None = strawberry.field(
        description="The author's account on the network (its user id there).")
    url: str | None = strawberry.field(description="The item on the network.")
    received_at: dt.datetime = strawberry.field(
        description="When it was written (as the network says, never later than intake); "
        "the limit counts from here.")
    due_at: dt.datetime = strawberry.field(
        description="R-7.2: the limit on the working calendar (6 or 5 working hours).")
    answered_at: dt.datetime | None = strawberry.field(
        description="When the public answer was posted or the item moved to a message.")
    abuse: AbuseEnum = strawberry.field(description="The abuse detector's finding.")
    sphere_confidence: float | None = strawberry.field(
        description="Confidence of the suggested sphere, 0..1.")
    row: strawberry.Private[dict]

    @strawberry.field(description="R-7.2: true once answered (or moved) within the limit; "
                      "false when answered late or still open past it; null while open in time.")
    def on_time(self) -> bool | None:
        return rules.on_time(self.due_at, self.answered_at, dt.datetime.now(dt.UTC))

    @strawberry.field(description="The sphere (the detector's, or staff's choice).")
    async def sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["sphere_id"])

    @strawberry.field(description="The detector's best sphere.")
    async def suggested_sphere(self, info: Info) -> Sphere | None:
        return await load_sphere(info, self.row["suggested_sphere_id"])

    @strawberry.field(description="The public answer, once written.")
    async def answer(self, info: Info) -> SocialAnswer | None:
        row = await info.context.loader(SocialAnswerByItemLoader).load(str(self.id))
        return SocialAnswer.from_row(row) if row else None

    @strawberry.field(description="The source it came through (admins; null for others).")
    async def source(self, info: Info) -> SocialSource | None:
        return await resolve_node_of(info, "SocialSource", str(self.row["source_id"]))

    @strawberry.field(description="The client, once the person is known.")
    async def client(
        self, info: Info,
    ) -> Annotated[Client, strawberry.lazy("api.clients.types")] | None:  # noqa: F821
        client_id = self.row["client_id"]
        return await resolve_node_of(info, "Client", str(client_id)) if client_id else None

    @strawberry.field(description="The message it became when moved to an individual channel.")
    async def message(
        self, info: Info,
    ) -> Annotated[Message, strawberry.lazy("api.messages.types")] | None:  # noqa: F821
        message_id = self.row["message_id"]
        return await resolve_node_of(info, "Message", str(message_id)) if message_id else None

    @classmethod
    def visible(cls, actor: Actor | None, row: dict) -> bool:
        return actor is not None and actor.is_staff

    @classmethod
    def from_row(cls, row: dict) -> SocialItem:
        return cls(id=str(row["id"]), network=row["network"], kind=row["kind"],
                   status=row["status"], text=row["text"], original_text=row["original_text"],
                   edited_at=row["edited_at"], deleted_at=row["deleted_at"],
                   author_name=row["author_name"], author_account=row["author_id"], url=row["url"],
                   received_at=row["received_at"], due_at=row["due_at"],
                   answered_at=row["answered_at"], abuse=row["abuse_status"],
                   sphere_confidence=row["sphere_confidence"], row=row)


@strawberry.type(description="A page of social items, newest received first.")
class SocialItemConnection(Connection[SocialItem]):
    @classmethod
    def from_rows(cls, rows: list[dict], has_next: bool, after: str | None
                  ) -> SocialItemConnection:
        return cls.of([SocialItem.from_row(r) for r in rows],
                      [encode_cursor(r["received_at"], r["id"]) for r in rows], has_next, after)

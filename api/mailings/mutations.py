"""Write side of mailings: lists and campaigns (supervisors, admins), the public sign-up,
confirmation and unsubscribe (a token is the only key), a client's own subscriptions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from api.errors import UserError, attempt
from api.mailings.types import MailingCampaign, MailingList, MailingSubscription
from api.permissions import actor_of
from api.relay import decode_id
from domain.mailings import campaigns, queries, service
from domain.mailings.models import ConsentSource

SIGNUP_SENT = ("Спасибо! Если адрес указан верно, на него придёт письмо со ссылкой. Перейдите "
               "по ней, чтобы подтвердить подписку.")
CONFIRMED = "Подписка подтверждена. Отписаться можно по ссылке в любом письме рассылки."
UNSUBSCRIBED = "Вы отписались от рассылки. Писем больше не будет."


def _request(info: Info, source: ConsentSource) -> service.Request:
    request = info.context.request
    return service.Request(
        source, ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"), actor=info.context.actor)


async def _list(obj: Any) -> MailingList | None:
    rows = await queries.lists_by_id([obj.id]) if obj is not None else []
    return MailingList.from_row(rows[0]) if rows else None


async def _campaign(obj: Any) -> MailingCampaign | None:
    rows = await queries.campaigns_by_id([obj.id]) if obj is not None else []
    return MailingCampaign.from_row(rows[0]) if rows else None


async def _subscriptions(objs: list[Any] | None) -> list[MailingSubscription]:
    rows = await queries.subscriptions_by_id([o.id for o in objs or []])
    return [MailingSubscription.from_row(r) for r in rows]


@strawberry.input(description="A new mailing list.")
class CreateMailingListInput:
    name: str = strawberry.field(description="Russian name (≤ 200 characters).")
    description: str = strawberry.field(description="What it sends and how often, in Russian "
                                        "(≤ 2000 characters), shown at sign-up.")


@strawberry.input(description="New name and description of a list.")
class UpdateMailingListInput:
    id: strawberry.ID = strawberry.field(description="The list's global ID.")
    name: str = strawberry.field(description="Russian name (≤ 200 characters).")
    description: str = strawberry.field(description="Shown at sign-up (≤ 2000 characters).")


@strawberry.input(description="A list to delete: nothing is sent to it any more; its "
                  "unsubscribe links keep working and its consent ledger is kept.")
class DeleteMailingListInput:
    id: strawberry.ID = strawberry.field(description="The list's global ID.")


@strawberry.type(description="The list, or why not.")
class MailingListPayload:
    mailing_list: MailingList | None = strawberry.field(description="The list; null on error.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="Public sign-up, no login (R-6.3).")
class SubscribeToMailingInput:
    email: str = strawberry.field(description="The address to mail; a personal one (role "
                                  "mailboxes such as postmaster@ are refused).")
    list_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the lists (`MailingList.id`), 1 to 50.")


@strawberry.type(description="The same answer whether the address is new, waiting for "
                 "confirmation or subscribed already (nobody learns who is subscribed). "
                 "RATE_LIMITED after too many sign-ups from one IP or for one address.")
class SubscribeToMailingPayload:
    accepted: bool = strawberry.field(description="True when the sign-up was taken.")
    message: str | None = strawberry.field(description="Plain-Russian text to show.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="The token from the confirmation email's link.")
class ConfirmMailingSubscriptionInput:
    token: str = strawberry.field(description="The token (the last part of the link).")


@strawberry.type(description="Confirmation of a sign-up (double opt-in). EXPIRED_TOKEN for "
                 "an old or already used link, INVALID_TOKEN for a damaged one, INVALID_STATE "
                 "when the list was deleted.")
class ConfirmMailingSubscriptionPayload:
    confirmed: bool = strawberry.field(description="True when consent was recorded.")
    mailing_lists: list[MailingList] = strawberry.field(description="The lists confirmed.")
    message: str | None = strawberry.field(description="Plain-Russian text to show.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="The token from an email's unsubscribe link.")
class UnsubscribeInput:
    token: str = strawberry.field(description="The token (the last part of the `/u/` link).")


@strawberry.type(description="Unsubscribing (R-6.4): succeeds for every genuine token, also "
                 "twice and after the list was deleted; INVALID_TOKEN for a damaged one.")
class UnsubscribePayload:
    unsubscribed: bool = strawberry.field(description="True: no more emails of this list.")
    message: str | None = strawberry.field(description="Plain-Russian text to show.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="A signed-in client subscribes their profile's email address.")
class SubscribeMeToMailingInput:
    list_ids: list[strawberry.ID] = strawberry.field(
        description="Global IDs of the lists (`MailingList.id`), 1 to 50.")


@strawberry.type(description="The client's subscriptions to the lists asked: CONFIRMED at once "
                 "for a verified address, else PENDING until the emailed link is followed. "
                 "CONTACT_REQUIRED without an email address in the profile.")
class MailingSubscriptionsPayload:
    subscriptions: list[MailingSubscription] = strawberry.field(
        description="One per list asked.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="Withdraw consent: a client for their own subscription, staff "
                  "on the person's word (phone, reception).")
class RevokeMailingSubscriptionInput:
    subscription_id: strawberry.ID = strawberry.field(
        description="The subscription's global ID (`MailingSubscription.id`).")


@strawberry.type(description="The subscription, now REVOKED, or why not.")
class MailingSubscriptionPayload:
    subscription: MailingSubscription | None = strawberry.field(
        description="The subscription; null on error.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.input(description="One address of an existing list, with its proof of consent.")
class ImportedSubscriberInput:
    email: str = strawberry.field(description="The address.")
    consented_at: dt.datetime = strawberry.field(description="When the person consented "
                                                 "(with an offset).")
    proof: str = strawberry.field(description="How they consented and where the proof is kept "
                                  "(a signed form's number, the web form's log).")


@strawberry.input(description="Import an existing list: every row must carry its proof of "
                  "consent, or nothing is imported (R-6.1).")
class ImportMailingSubscribersInput:
    list_id: strawberry.ID = strawberry.field(description="The list's global ID.")
    rows: list[ImportedSubscriberInput] = strawberry.field(description="At most 10 000.")


@strawberry.type(description="How many subscriptions were added (addresses already on the list "
                 "keep what they have).")
class ImportMailingSubscribersPayload:
    added: int | None = strawberry.field(description="Subscriptions added; null on error.")
    errors: list[UserError] = strawberry.field(description="Why it failed (field "
                                               "`rows.<n>.<field>`); empty on success.")


@strawberry.input(description="A new campaign (a draft).")
class CreateMailingCampaignInput:
    list_id: strawberry.ID = strawberry.field(description="The list's global ID.")
    subject: str = strawberry.field(description="Subject and heading (≤ 300 characters).")
    text: str = strawberry.field(description="The text, plain Russian; blank lines split "
                                 "paragraphs. The unsubscribe link is added.")


@strawberry.input(description="New subject and text of a draft or scheduled campaign.")
class UpdateMailingCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign's global ID.")
    subject: str = strawberry.field(description="Subject and heading (≤ 300 characters).")
    text: str = strawberry.field(description="The text, plain Russian.")


@strawberry.input(description="A campaign to act on.")
class MailingCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign's global ID.")


@strawberry.input(description="When a campaign starts: inside the sending hours, local time.")
class ScheduleMailingCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign's global ID.")
    scheduled_at: dt.datetime = strawberry.field(description="Start time, with an offset.")


@strawberry.input(description="Send the campaign once to a staff mailbox, as subscribers will "
                  "get it (its unsubscribe link names no subscription).")
class SendTestMailingCampaignInput:
    id: strawberry.ID = strawberry.field(description="The campaign's global ID.")
    email: str = strawberry.field(description="Where to send the test.")


@strawberry.type(description="The campaign, or why not: INVALID_STATE for a step its status "
                 "does not allow (editing while sending), NO_RECIPIENTS when nobody on the list "
                 "consents, OUTSIDE_WORKING_HOURS for a time outside the sending hours.")
class MailingCampaignPayload:
    campaign: MailingCampaign | None = strawberry.field(description="The campaign; null on "
                                                        "error.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type(description="Whether the test email was queued.")
class SendTestMailingCampaignPayload:
    sent: bool = strawberry.field(description="True: it is in the outbox.")
    errors: list[UserError] = strawberry.field(description="Why it failed; empty on success.")


@strawberry.type
class MailingMutations:
    @strawberry.mutation(description="Create a mailing list.")
    async def create_mailing_list(self, info: Info, input: CreateMailingListInput
                                  ) -> MailingListPayload | None:
        obj, errors = await attempt(lambda: service.create_list(
            actor_of(info), input.name, input.description))
        return MailingListPayload(mailing_list=await _list(obj), errors=errors)

    @strawberry.mutation(description="Rename or re-describe a list.")
    async def update_mailing_list(self, info: Info, input: UpdateMailingListInput
                                  ) -> MailingListPayload | None:
        obj, errors = await attempt(lambda: service.update_list(
            actor_of(info), decode_id(input.id, "MailingList", "id"), input.name,
            input.description))
        return MailingListPayload(mailing_list=await _list(obj), errors=errors)

    @strawberry.mutation(description="Delete a list (see the input).")
    async def delete_mailing_list(self, info: Info, input: DeleteMailingListInput
                                  ) -> MailingListPayload | None:
        obj, errors = await attempt(lambda: service.delete_list(
            actor_of(info), decode_id(input.id, "MailingList", "id")))
        return MailingListPayload(mailing_list=await _list(obj), errors=errors)

    @strawberry.mutation(description="Public sign-up, no login: sends a confirmation email "
                         "(double opt-in, R-6.3).")
    async def subscribe_to_mailing(self, info: Info, input: SubscribeToMailingInput
                                   ) -> SubscribeToMailingPayload:
        async def go() -> bool:
            await service.subscribe(
                input.email, [decode_id(x, "MailingList", f"listIds.{i}")
                              for i, x in enumerate(input.list_ids[:51])],
                _request(info, ConsentSource.FORM), info.context.settings)
            return True

        ok, errors = await attempt(go)
        return SubscribeToMailingPayload(accepted=bool(ok), message=SIGNUP_SENT if ok else None,
                                         errors=errors)

    @strawberry.mutation(description="Confirm a sign-up with the token from its email.")
    async def confirm_mailing_subscription(self, info: Info,
                                           input: ConfirmMailingSubscriptionInput
                                           ) -> ConfirmMailingSubscriptionPayload:
        subs, errors = await attempt(lambda: service.confirm(
            input.token, _request(info, ConsentSource.FORM), info.context.settings))
        lists = [MailingList.from_row(r) for r in await queries.lists_by_id(
            [s.mailing_list_id for s in subs or []])]
        return ConfirmMailingSubscriptionPayload(
            confirmed=subs is not None, mailing_lists=lists,
            message=CONFIRMED if subs is not None else None, errors=errors)

    @strawberry.mutation(description="Unsubscribe with the token from an email (R-6.4); no "
                         "login. Effective before the next email of any campaign leaves.")
    async def unsubscribe(self, info: Info, input: UnsubscribeInput) -> UnsubscribePayload:
        done, errors = await attempt(lambda: service.unsubscribe(
            input.token, _request(info, ConsentSource.LINK), info.context.settings))
        return UnsubscribePayload(unsubscribed=done is not None,
                                  message=UNSUBSCRIBED if done is not None else None,
                                  errors=errors)

    @strawberry.mutation(description="Subscribe the signed-in client's email address.")
    async def subscribe_me_to_mailing(self, info: Info, input: SubscribeMeToMailingInput
                                      ) -> MailingSubscriptionsPayload | None:
        subs, errors = await attempt(lambda: service.subscribe_client(
            actor_of(info), [decode_id(x, "MailingList", f"listIds.{i}")
                             for i, x in enumerate(input.list_ids[:51])],
            _request(info, ConsentSource.PROFILE), info.context.settings))
        return MailingSubscriptionsPayload(subscriptions=await _subscriptions(subs),
                                           errors=errors)

    @strawberry.mutation(description="Withdraw consent (see the input).")
    async def revoke_mailing_subscription(self, info: Info,
                                          input: RevokeMailingSubscriptionInput
                                          ) -> MailingSubscriptionPayload | None:
        sub, errors = await attempt(lambda: service.revoke(
            actor_of(info), decode_id(input.subscription_id, "MailingSubscription",
                                      "subscriptionId"), info.context.settings))
        found = await _subscriptions([sub] if sub else [])
        return MailingSubscriptionPayload(subscription=found[0] if found else None,
                                          errors=errors)

    @strawberry.mutation(description="Import an existing list with proof of consent.")
    async def import_mailing_subscribers(self, info: Info, input: ImportMailingSubscribersInput
                                         ) -> ImportMailingSubscribersPayload | None:
        added, errors = await attempt(lambda: service.import_subscribers(
            actor_of(info), decode_id(input.list_id, "MailingList", "listId"),
            [service.ImportRow(r.email, r.consented_at, r.proof) for r in input.rows],
            info.context.settings))
        return ImportMailingSubscribersPayload(added=added, errors=errors)

    @strawberry.mutation(description="Create a campaign draft.")
    async def create_mailing_campaign(self, info: Info, input: CreateMailingCampaignInput
                                      ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.create(
            actor_of(info), decode_id(input.list_id, "MailingList", "listId"), input.subject,
            input.text))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Edit a draft or scheduled campaign (INVALID_STATE once "
                         "sending).")
    async def update_mailing_campaign(self, info: Info, input: UpdateMailingCampaignInput
                                      ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.update(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id"), input.subject,
            input.text))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Send a test email of the campaign (see the input).")
    async def send_test_mailing_campaign(self, info: Info, input: SendTestMailingCampaignInput
                                         ) -> SendTestMailingCampaignPayload | None:
        async def go() -> bool:
            await campaigns.test_send(actor_of(info), decode_id(input.id, "MailingCampaign",
                                                                "id"), input.email,
                                      info.context.settings)
            return True

        ok, errors = await attempt(go)
        return SendTestMailingCampaignPayload(sent=bool(ok), errors=errors)

    @strawberry.mutation(description="Schedule a campaign inside the sending hours.")
    async def schedule_mailing_campaign(self, info: Info, input: ScheduleMailingCampaignInput
                                        ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.schedule(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id"), input.scheduled_at,
            info.context.settings))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Start sending now to every consenting subscriber.")
    async def start_mailing_campaign(self, info: Info, input: MailingCampaignInput
                                     ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.start(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id"),
            info.context.settings))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Pause a sending campaign.")
    async def pause_mailing_campaign(self, info: Info, input: MailingCampaignInput
                                     ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.pause(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id")))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Resume a paused campaign.")
    async def resume_mailing_campaign(self, info: Info, input: MailingCampaignInput
                                      ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.resume(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id"),
            info.context.settings))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

    @strawberry.mutation(description="Cancel a campaign; queued emails are dropped.")
    async def cancel_mailing_campaign(self, info: Info, input: MailingCampaignInput
                                      ) -> MailingCampaignPayload | None:
        obj, errors = await attempt(lambda: campaigns.cancel(
            actor_of(info), decode_id(input.id, "MailingCampaign", "id")))
        return MailingCampaignPayload(campaign=await _campaign(obj), errors=errors)

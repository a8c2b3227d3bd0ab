"""Channel routing over the whole matrix (R-1.4, R-2.6, R-2.9), retry timing, staff actions."""

from __future__ import annotations

import itertools

import pytest

from domain.clients.models import ContactKind
from domain.clients.rules import CONTACT_FOR_CHANNEL
from domain.deliveries import rules
from domain.deliveries.channels import ADAPTERS
from domain.deliveries.models import DeliveryStatus, PostalState, Purpose, RouteReason
from domain.deliveries.rules import Contact, Preference, plan
from domain.enums import Channel
from domain.errors import DomainError, ErrorCode

E = Contact("e1", ContactKind.EMAIL, "ivanov@example.ru", verified=True, primary=True)
E2 = Contact("e2", ContactKind.EMAIL, "work@example.ru", verified=True)
EU = Contact("eu", ContactKind.EMAIL, "maybe@example.ru", verified=False, primary=True)
P = Contact("p1", ContactKind.PHONE, "+79021234567", primary=True)
A = Contact("a1", ContactKind.POSTAL, "432017, Ульяновск, ул. Гончарова, 1", primary=True)
A2 = Contact("a2", ContactKind.POSTAL, "432000, Ульяновск, ул. Минаева, 5")
M = Contact("m1", ContactKind.MESSENGER, "telegram:@ivanov", primary=True)
ALL = [E, E2, P, A, A2, M]


def shape(routes):
    return [(r.channel, r.reason, r.contact.id if r.contact else None, r.reachable)
            for r in routes]


@pytest.mark.parametrize(("contacts", "expected"), [
    ([E, P, A], [(Channel.EMAIL, RouteReason.FALLBACK, "e1", True)]),
    ([EU, P, A], [(Channel.SMS, RouteReason.FALLBACK, "p1", True)]),
    ([EU, A], [(Channel.POSTAL, RouteReason.FALLBACK, "a1", True)]),
    ([EU, M], [(Channel.MESSENGER, RouteReason.FALLBACK, "m1", True)]),
    ([EU], [(Channel.EMAIL, RouteReason.FALLBACK, "eu", True)]),
    ([], [(None, RouteReason.FALLBACK, None, False)]),
])
def test_no_preference_falls_back_in_documented_order(contacts, expected):
    """R-1.4: with no choice made, verified email > phone (SMS) > postal > messenger >
    unverified email; with nothing at all, one unreachable route (a failed delivery)."""
    assert shape(plan(None, contacts)) == expected


@pytest.mark.parametrize(("pref", "expected"), [
    (Preference(Channel.EMAIL, "e2"), [(Channel.EMAIL, RouteReason.PREFERRED, "e2", True)]),
    (Preference(Channel.EMAIL), [(Channel.EMAIL, RouteReason.PREFERRED, "e1", True)]),
    (Preference(Channel.PHONE, "p1"), [(Channel.SMS, RouteReason.PREFERRED, "p1", True)]),
    (Preference(Channel.SMS, "p1"), [(Channel.SMS, RouteReason.PREFERRED, "p1", True)]),
    (Preference(Channel.POSTAL, "a2"), [(Channel.POSTAL, RouteReason.PREFERRED, "a2", True)]),
    (Preference(Channel.MESSENGER, "m1"),
     [(Channel.MESSENGER, RouteReason.PREFERRED, "m1", True)]),
    (Preference(Channel.WEB), [(Channel.WEB, RouteReason.PREFERRED, None, True)]),
    (Preference(Channel.MOBILE_APP), [(Channel.MOBILE_APP, RouteReason.PREFERRED, None, True)]),
    (Preference(Channel.EDMS), [(Channel.EDMS, RouteReason.PREFERRED, None, True)]),
    (Preference(Channel.IN_PERSON), [(Channel.EMAIL, RouteReason.FALLBACK, "e1", True)]),
    (Preference(Channel.SOCIAL), [(Channel.EMAIL, RouteReason.FALLBACK, "e1", True)]),
    # The extra channel is only for when the law fixes one: not used otherwise.
    (Preference(Channel.EMAIL, "e1", Channel.SMS, "p1"),
     [(Channel.EMAIL, RouteReason.PREFERRED, "e1", True)]),
])
def test_preferred_channel_without_a_legal_one(pref, expected):
    """R-1.4, R-2.9: the answer goes by the chosen channel, at the chosen contact point."""
    assert shape(plan(pref, ALL)) == expected


@pytest.mark.parametrize(("pref", "legal", "contacts", "expected"), [
    # the preferred channel differs from the legal one and no extra is named: it
    # goes too, as the optional extra (it used to be dropped).
    (Preference(Channel.EMAIL, "e1"), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a1", True),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True)]),
    (Preference(Channel.PHONE, "p1"), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a1", True),
      (Channel.SMS, RouteReason.PREFERRED, "p1", True)]),
    (Preference(Channel.WEB), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a1", True),
      (Channel.WEB, RouteReason.PREFERRED, None, True)]),
    # Preferred and additional both differ from the legal channel: all three go.
    (Preference(Channel.EMAIL, "e1", Channel.SMS, "p1"), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a1", True),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True),
      (Channel.SMS, RouteReason.ADDITIONAL, "p1", True)]),
    # The preferred channel is the legal one: the legal route uses its contact, the extra goes.
    (Preference(Channel.POSTAL, "a2", Channel.EMAIL, "e2"), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a2", True),
      (Channel.EMAIL, RouteReason.ADDITIONAL, "e2", True)]),
    (Preference(Channel.EMAIL, "e1", Channel.POSTAL, "a2"), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a2", True),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True)]),
    (Preference(Channel.EMAIL, "e1", Channel.PHONE, "p1"), Channel.SMS, ALL,
     [(Channel.SMS, RouteReason.LEGAL, "p1", True),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True)]),
    (Preference(Channel.EMAIL, "e1", Channel.MESSENGER, "m1"), Channel.EDMS, ALL,
     [(Channel.EDMS, RouteReason.LEGAL, None, True),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True),
      (Channel.MESSENGER, RouteReason.ADDITIONAL, "m1", True)]),
    (None, Channel.POSTAL, ALL, [(Channel.POSTAL, RouteReason.LEGAL, "a1", True)]),
    (Preference(Channel.EMAIL, "e1", Channel.SMS, "p1"), Channel.POSTAL, [E, P],
     [(Channel.POSTAL, RouteReason.LEGAL, None, False),
      (Channel.EMAIL, RouteReason.PREFERRED, "e1", True),
      (Channel.SMS, RouteReason.ADDITIONAL, "p1", True)]),
    (Preference(Channel.WEB, None, Channel.EMAIL, "e1"), Channel.EMAIL, ALL,
     [(Channel.EMAIL, RouteReason.LEGAL, "e1", True),
      (Channel.WEB, RouteReason.PREFERRED, None, True)]),
    # A chosen channel that cannot carry a text (a visit) adds nothing to the legal route.
    (Preference(Channel.IN_PERSON), Channel.POSTAL, ALL,
     [(Channel.POSTAL, RouteReason.LEGAL, "a1", True)]),
])
def test_legal_channel_plus_the_clients_choices(pref, legal, contacts, expected):
    """R-1.4, R-2.6, R-2.9: the legal channel always, plus every channel the client chose
    that differs from it — the preferred one (never silently dropped) and the additional one;
    a legal channel without an address fails visibly and is never swapped for another."""
    assert shape(plan(pref, contacts, legal)) == expected


@pytest.mark.parametrize(("pref", "legal", "legal_contact", "expected"), [
    # The appeal came from e2; the client prefers e1: the law's address wins, once.
    (Preference(Channel.EMAIL, "e1"), Channel.EMAIL, "e2",
     [(Channel.EMAIL, RouteReason.LEGAL, "e2", True)]),
    (Preference(Channel.SMS, "p1"), Channel.EMAIL, "e2",
     [(Channel.EMAIL, RouteReason.LEGAL, "e2", True),
      (Channel.SMS, RouteReason.PREFERRED, "p1", True)]),
    (None, Channel.POSTAL, "a2", [(Channel.POSTAL, RouteReason.LEGAL, "a2", True)]),
    # A contact of another kind (or not the client's) is ignored: the best fitting one is used.
    (None, Channel.EMAIL, "p1", [(Channel.EMAIL, RouteReason.LEGAL, "e1", True)]),
    (None, Channel.EMAIL, "nobody", [(Channel.EMAIL, RouteReason.LEGAL, "e1", True)]),
    # An electronic appeal without an email in it: the personal account is the legal route.
    (Preference(Channel.POSTAL, "a1"), Channel.WEB, None,
     [(Channel.WEB, RouteReason.LEGAL, None, True),
      (Channel.POSTAL, RouteReason.PREFERRED, "a1", True)]),
])
def test_legal_channel_goes_to_the_address_given_in_the_appeal(pref, legal, legal_contact,
                                                               expected):
    """59-FZ art. 10 p. 4, R-2.9: the legal answer goes to the address given in the appeal
    (``legal_contact_id``), not to whichever the client prefers."""
    assert shape(plan(pref, ALL, legal, legal_contact_id=legal_contact)) == expected


@pytest.mark.parametrize("purpose", [Purpose.MAILING, Purpose.MAILING_CONFIRMATION])
@pytest.mark.parametrize(("pref", "legal", "contacts", "expected"), [
    (Preference(Channel.SMS, "p1"), None, ALL, [(Channel.EMAIL, RouteReason.FIXED, "e1", True)]),
    (Preference(Channel.POSTAL, "a1", Channel.SMS, "p1"), Channel.POSTAL, ALL,
     [(Channel.EMAIL, RouteReason.FIXED, "e1", True)]),
    (Preference(Channel.EMAIL, "e2"), None, ALL, [(Channel.EMAIL, RouteReason.FIXED, "e2", True)]),
    (Preference(Channel.MESSENGER, "m1"), None, [EU, M],
     [(Channel.EMAIL, RouteReason.FIXED, "eu", True)]),
    (None, None, [P, A, M], [(Channel.EMAIL, RouteReason.FIXED, None, False)]),
    (Preference(Channel.SMS, "p1"), None, [P, A],
     [(Channel.EMAIL, RouteReason.FIXED, None, False)]),
])
def test_mailings_go_by_email_only(purpose, pref, legal, contacts, expected):
    """R-6.2: a mailing (and its double opt-in confirmation) goes by email whatever the
    client prefers; without an email address it is one failed route with the reason, never
    an SMS, a letter or a messenger."""
    routes = plan(pref, contacts, legal, purpose=purpose)
    assert shape(routes) == expected
    if not routes[0].reachable:
        assert "электронная почта" in routes[0].problem


@pytest.mark.parametrize(("legal", "contact_id", "expected"), [
    (Channel.EMAIL, "eu", [(Channel.EMAIL, RouteReason.LEGAL, "eu", True)]),
    (Channel.SMS, "p1", [(Channel.SMS, RouteReason.LEGAL, "p1", True)]),
    (Channel.MESSENGER, "m1", [(Channel.MESSENGER, RouteReason.LEGAL, "m1", True)]),
])
def test_a_confirmation_code_goes_to_that_address_only(legal, contact_id, expected):
    """Issue 15: a code proving an address goes there and nowhere else, whatever the client
    prefers (an additional channel too)."""
    pref = Preference(Channel.POSTAL, "a1", Channel.EMAIL, "e1")
    routes = plan(pref, [E, EU, P, A, M], legal, legal_contact_id=contact_id,
                  purpose=Purpose.CONTACT_VERIFICATION)
    assert shape(routes) == expected
    assert len(plan(pref, [E, EU, P, A, M], legal, legal_contact_id=contact_id)) > 1


CHANNELS = list(Channel)
CONTACT_SETS = [[], [E], [EU, P], [A], [M], ALL]


def _contact_for(channel, contacts):
    kind = CONTACT_FOR_CHANNEL.get(rules.carrier(channel))
    found = [c for c in contacts if c.kind == kind]
    return found[-1].id if found else None


@pytest.mark.parametrize("legal", [None, *CHANNELS])
def test_invariants_over_the_whole_matrix(legal):
    """R-1.4, R-2.9: for every preferred x additional x legal channel x contact set the plan
    is non-empty, at most three routes, never the same channel twice, legal first, every
    chosen channel that can carry a text is there, and every reachable route has a contact
    of the kind its channel needs (or needs none)."""
    for preferred, additional, contacts in itertools.product(
            CHANNELS, [None, *CHANNELS], CONTACT_SETS):
        if additional == preferred:
            continue  # refused by the clients area
        pref = Preference(preferred, _contact_for(preferred, contacts), additional,
                          _contact_for(additional, contacts) if additional else None)
        for candidate in (pref, None):
            routes = plan(candidate, contacts, legal)
            assert 1 <= len(routes) <= 3
            channels = [r.channel for r in routes]
            assert len(set(channels)) == len(channels)
            if legal is None:
                assert len(routes) == 1
            else:
                assert routes[0].reason == RouteReason.LEGAL
                assert routes[0].channel == rules.carrier(legal)
                # every deliverable chosen channel is among the routes (none dropped).
                chosen = {rules.carrier(c) for c in (candidate.preferred_channel,
                          candidate.additional_channel) if c} if candidate else set()
                assert chosen & rules.DELIVERABLE <= set(channels)
                assert {r.reason for r in routes[1:]} <= {RouteReason.PREFERRED,
                                                          RouteReason.ADDITIONAL}
            for route in routes:
                needed = CONTACT_FOR_CHANNEL.get(route.channel) if route.channel else None
                if route.reachable:
                    assert route.channel in rules.DELIVERABLE
                    assert (route.contact.kind if route.contact else None) == needed
                else:
                    assert route.contact is None and route.problem


def test_every_deliverable_channel_has_an_adapter():
    covered = {c for cls in ADAPTERS for c in cls.channels}
    assert covered == set(rules.DELIVERABLE)


def test_backoff_doubles_up_to_the_cap():
    assert [rules.backoff_seconds(n, 30, 600) for n in range(1, 7)] == [30, 60, 120, 240, 480,
                                                                         600]


@pytest.mark.parametrize(("code", "transient"), [
    (421, True), (450, True), (451, True), (452, True), (550, False), (553, False),
    (554, False), (None, True), (-1, True),
])
def test_smtp_codes(code, transient):
    """4xx: try again later; 5xx: the recipient is refused for good."""
    assert rules.smtp_code_is_transient(code) is transient


@pytest.mark.parametrize(("status", "transient"), [
    (500, True), (502, True), (503, True), (408, True), (429, True), (400, False),
    (401, False), (404, False), (422, False),
])
def test_gateway_statuses(status, transient):
    assert rules.http_status_is_transient(status) is transient


def test_staff_actions_by_state():
    S = DeliveryStatus
    assert rules.can_cancel(S.PENDING, Channel.EMAIL)
    assert rules.can_cancel(S.FAILED, Channel.EMAIL)
    assert not rules.can_cancel(S.SENDING, Channel.EMAIL)
    assert rules.can_cancel(S.SENDING, Channel.POSTAL)  # still in the print queue
    assert not rules.can_cancel(S.SENT, Channel.POSTAL)
    assert rules.can_retry(S.FAILED) and rules.can_retry(S.CANCELLED)
    assert not rules.can_retry(S.SENT) and not rules.can_retry(S.PENDING)
    assert not rules.can_reroute(S.SENDING, Channel.SMS)
    assert rules.can_reroute(S.SENT, Channel.EMAIL)


def test_postal_marks():
    S, P = DeliveryStatus, PostalState
    assert rules.postal_transition(S.SENDING, P.QUEUED, P.PRINTED) == (S.SENDING, P.PRINTED)
    assert rules.postal_transition(S.SENDING, P.PRINTED, P.POSTED) == (S.SENT, P.POSTED)
    assert rules.postal_transition(S.SENDING, P.QUEUED, P.POSTED) == (S.SENT, P.POSTED)
    assert rules.postal_transition(S.PENDING, None, P.PRINTED) == (S.SENDING, P.PRINTED)
    assert rules.postal_transition(S.SENDING, P.PRINTED, P.PRINTED) is None
    assert rules.postal_transition(S.SENT, P.POSTED, P.PRINTED) is None
    assert rules.postal_transition(S.CANCELLED, None, P.POSTED) is None


@pytest.mark.parametrize("purpose", [Purpose.ANSWER, Purpose.INFORMATION,
                                     Purpose.SERVICE_RESULT, Purpose.SURVEY_INVITATION])
@pytest.mark.parametrize("link", [None, "", "   ", "javascript:alert(1)", "survey/abc",
                                  "https://okno.example/s/\nBcc: x@y.ru", 42])
def test_final_communication_without_a_survey_link_is_refused(purpose, link):
    """R-2.10: a final communication (answer, requested information, service result, and the
    invitation that carries the link after an oral answer) without a survey link is refused."""
    context = {"answer_text": "Ответ"} if link is None else {"survey_url": link}
    with pytest.raises(DomainError) as err:
        rules.check_required_links(purpose, context)
    assert err.value.code == ErrorCode.SURVEY_LINK_REQUIRED


@pytest.mark.parametrize("purpose", [Purpose.ANSWER, Purpose.INFORMATION,
                                     Purpose.SERVICE_RESULT])
def test_final_communication_with_a_survey_link_passes(purpose):
    """R-2.10: with the link it goes."""
    rules.check_required_links(purpose, {"survey_url": "https://okno.example/survey/t.k"})


def test_other_purposes_need_no_survey_link():
    """R-2.10 names final communications only: a notice goes without a link."""
    for purpose in (Purpose.RECEIPT_NOTICE, Purpose.REDIRECT_NOTICE, Purpose.NOTICE,
                    Purpose.MAILING_CONFIRMATION):
        rules.check_required_links(purpose, {})


def test_mailing_without_an_unsubscribe_link_is_refused():
    """R-6.4 (and the List-Unsubscribe header of R-6.2's email): a mailing without its
    unsubscribe link is refused."""
    with pytest.raises(DomainError) as err:
        rules.check_required_links(Purpose.MAILING, {"issue_text": "…"})
    assert err.value.code == ErrorCode.UNSUBSCRIBE_LINK_REQUIRED
    rules.check_required_links(Purpose.MAILING,
                               {"unsubscribe_url": "https://okno.example/unsubscribe/t"})


def test_edms_registration_by_state():
    """R-8: only an EDMS delivery not yet finished may be marked registered in the EDMS."""
    S = DeliveryStatus
    assert rules.can_register_edms(S.SENDING, Channel.EDMS)
    assert rules.can_register_edms(S.PENDING, Channel.EDMS)
    assert not rules.can_register_edms(S.SENT, Channel.EDMS)
    assert not rules.can_register_edms(S.CANCELLED, Channel.EDMS)
    assert not rules.can_register_edms(S.SENDING, Channel.POSTAL)

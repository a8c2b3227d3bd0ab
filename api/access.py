"""Who may call what: one declared table for every root field, mutation and subscription.

The table is the only place a root field's roles are written. ``guard_root`` applies it
when the schema is built: each root field gets one permission check and its description
ends with the roles, so front-end developers read the same table the server enforces.
A root field missing from the table stops the schema from building, and
``tests/contract/test_access_matrix.py`` calls every field as every role.

Finer rules stay in the services (a client sees only their own records; an executor
only their department's messages): the table says who may *ask*, the service what they get.
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types import Info

from api.errors import unauthenticated
from api.ratelimit import CITIZENS, MutationRateLimit
from domain.actor import Role

# The callers of the matrix: every token role plus a request without a token.
ANONYMOUS = "anonymous"
CALLERS: tuple[str, ...] = (
    ANONYMOUS, Role.CLIENT, Role.EMPLOYEE, Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR,
    Role.ADMIN,
)

SELF_SERVICE = frozenset({Role.CLIENT, Role.EMPLOYEE})
ADMINS = frozenset({Role.ADMIN})
SUPERVISORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
REGISTRARS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})
HANDLERS = frozenset({Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN})
STAFF = frozenset({Role.OPERATOR, Role.EXECUTOR, Role.SUPERVISOR, Role.ADMIN})
SIGNED_IN = SELF_SERVICE | STAFF
ANYONE = SIGNED_IN | {ANONYMOUS}

ROLES: dict[str, frozenset[str]] = {
    # node(id:) answers null for what the caller may not see, so it is open to all.
    "Query.node": ANYONE,
    # clients
    "Query.client": SIGNED_IN,
    "Query.me": SIGNED_IN,
    "Query.clients": SIGNED_IN,
    "Mutation.createClient": STAFF,
    "Mutation.updateClient": SIGNED_IN,
    "Mutation.addContactPoint": SIGNED_IN,
    "Mutation.verifyContactPoint": STAFF,
    "Mutation.requestContactVerification": SIGNED_IN,
    "Mutation.confirmContactVerification": SIGNED_IN,
    "Mutation.removeContactPoint": SIGNED_IN,
    "Mutation.setChannelPreference": SIGNED_IN,
    "Mutation.setProfileTags": STAFF,
    "Mutation.addRepresentative": STAFF,
    "Mutation.removeRepresentative": STAFF,
    # history
    "Query.historyExport": SIGNED_IN,
    "Query.retentionRuns": SUPERVISORS,
    "Mutation.requestHistoryExport": SIGNED_IN,
    "Subscription.interactionAdded": SIGNED_IN,
    # calendar
    "Query.workingCalendar": ANYONE,
    "Query.deadlinePreview": STAFF,
    "Query.calendarOverrides": STAFF,
    "Mutation.setCalendarOverride": ADMINS,
    "Mutation.removeCalendarOverride": ADMINS,
    # surveys
    "Query.surveyByToken": ANYONE,
    "Query.surveys": SUPERVISORS,
    "Query.surveyInvitations": SIGNED_IN,
    "Query.satisfactionReport": SUPERVISORS,
    "Query.surveyComments": SUPERVISORS,
    "Mutation.createSurvey": SUPERVISORS,
    "Mutation.publishSurveyVersion": SUPERVISORS,
    "Mutation.setDefaultSurvey": SUPERVISORS,
    "Mutation.inviteToSurvey": STAFF,
    "Mutation.submitSurveyResponse": ANYONE,
    "Mutation.exportSurveyResponses": SUPERVISORS,
    # monitoring: Government-wide figures are for supervisors and admins; operators
    # and executors follow their own work in the messages area (deadlineAlerts, messages).
    "Query.ruleMonitoring": SUPERVISORS,
    "Query.monitoringItems": SUPERVISORS,
    "Query.messageVolumes": SUPERVISORS,
    "Mutation.exportMonitoring": SUPERVISORS,
    "Subscription.surveyResponded": STAFF,
    # deliveries
    "Query.deliveries": STAFF,
    "Query.delivery": SIGNED_IN,
    "Query.deliveryTemplates": STAFF,
    "Query.previewTemplate": STAFF,
    "Mutation.retryDelivery": STAFF,
    "Mutation.cancelDelivery": STAFF,
    "Mutation.rerouteDelivery": STAFF,
    "Mutation.markPostalDelivery": STAFF,
    "Mutation.markEdmsDeliveryRegistered": STAFF,
    "Subscription.deliveryUpdated": STAFF,
    # directory
    "Query.spheres": SIGNED_IN,
    "Query.externalAgencies": SIGNED_IN,
    "Query.departments": STAFF,
    "Query.staffMembers": STAFF,
    "Mutation.createSphere": ADMINS,
    "Mutation.updateSphere": ADMINS,
    "Mutation.addSphereKeyword": ADMINS,
    "Mutation.removeSphereKeyword": ADMINS,
    "Mutation.setSphereKeywords": ADMINS,
    "Mutation.createExternalAgency": ADMINS,
    "Mutation.updateExternalAgency": ADMINS,
    "Mutation.deleteExternalAgency": ADMINS,
    "Mutation.saveDepartment": ADMINS,
    "Mutation.saveStaffMember": ADMINS,
    # messages
    "Query.message": SIGNED_IN,
    "Query.messages": SIGNED_IN,
    "Query.deadlineAlerts": STAFF,
    "Query.checkText": STAFF,
    "Mutation.receiveMessage": SIGNED_IN,
    "Mutation.issueAttachmentKey": SIGNED_IN,
    "Mutation.registerMessage": REGISTRARS,
    "Mutation.assignMessage": REGISTRARS,
    "Mutation.startMessageWork": HANDLERS,
    "Mutation.classifyMessage": STAFF,
    "Mutation.setMessageUrgency": STAFF,
    "Mutation.decideMessageAbuse": STAFF,
    "Mutation.logClarification": HANDLERS,
    "Mutation.extendMessageDeadline": SUPERVISORS,
    "Mutation.redirectMessage": STAFF,
    "Mutation.draftAnswer": HANDLERS,
    "Mutation.sendAnswer": HANDLERS,
    "Mutation.recordOralAnswer": STAFF,
    "Subscription.deadlineAlert": STAFF,
    # consultation line: lines and their hours are public; calls are recorded by staff who
    # take calls, read by all staff; scripts, competences and the wallboard are supervisors'.
    "Query.consultationLines": ANYONE,
    "Query.call": STAFF,
    "Query.calls": STAFF,
    "Mutation.startCall": REGISTRARS,
    "Mutation.updateCall": REGISTRARS,
    "Mutation.endCall": REGISTRARS,
    "Mutation.transferCall": REGISTRARS,
    "Mutation.referCall": REGISTRARS,
    "Mutation.moveCallToChannel": REGISTRARS,
    "Mutation.saveLineScript": SUPERVISORS,
    "Mutation.setStaffCompetence": SUPERVISORS,
    "Subscription.callUpdated": SUPERVISORS,
    # callbacks: any staff member may promise one and call back (a competent employee
    # after a transfer too); quality reviews and their report are supervisors' (R-5.1).
    "Query.callbacks": STAFF,
    "Mutation.promiseCallback": STAFF,
    "Mutation.recordCallbackAttempt": STAFF,
    "Query.callQualityReport": SUPERVISORS,
    "Mutation.reviewCall": SUPERVISORS,
    "Mutation.exportCallQualityReport": SUPERVISORS,
    # reception: points, officials, schedules and free slots are public; bookings are made
    # by the client or by staff who take calls; schedules are kept by supervisors.
    "Query.receptionPoints": ANYONE,
    "Query.receivingOfficials": ANYONE,
    "Query.availableSlots": ANYONE,
    "Query.receptionDay": STAFF,
    "Mutation.bookReception": SELF_SERVICE | REGISTRARS,
    "Mutation.cancelBooking": SELF_SERVICE | REGISTRARS,
    "Mutation.saveReceptionPoint": SUPERVISORS,
    "Mutation.saveReceivingOfficial": SUPERVISORS,
    "Mutation.saveReceptionSchedule": SUPERVISORS,
    "Mutation.setScheduleException": SUPERVISORS,
    "Mutation.removeScheduleException": SUPERVISORS,
    # reception notices: changes by the schedule keepers, the signed links for anyone
    # (the token is the permission), outcomes by staff, live bookings for the desk
    # (staff, by point) and for the client's own bookings.
    "Mutation.changeReceptionSlot": SUPERVISORS,
    "Mutation.changeReceptionSchedule": SUPERVISORS,
    "Mutation.recordOfficialAbsence": SUPERVISORS,
    "Mutation.cancelBookingByToken": ANYONE,
    "Mutation.acceptBookingChange": ANYONE,
    "Mutation.markBookingOutcome": STAFF,
    "Subscription.bookingChanged": SIGNED_IN,
    # mailings: staff managers keep lists and campaigns; anyone signs up, confirms and
    # unsubscribes with a token; a client manages their own subscriptions
    "Query.mailingLists": ANYONE,
    "Query.mailingSubscriptions": SIGNED_IN,
    "Query.mailingCampaigns": SUPERVISORS,
    "Query.mailingCampaignPreview": SUPERVISORS,
    "Query.campaignProgress": SUPERVISORS,
    "Mutation.createMailingList": SUPERVISORS,
    "Mutation.updateMailingList": SUPERVISORS,
    "Mutation.deleteMailingList": SUPERVISORS,
    "Mutation.subscribeToMailing": ANYONE,
    "Mutation.confirmMailingSubscription": ANYONE,
    "Mutation.unsubscribe": ANYONE,
    "Mutation.subscribeMeToMailing": SELF_SERVICE,
    "Mutation.revokeMailingSubscription": SIGNED_IN,
    "Mutation.importMailingSubscribers": SUPERVISORS,
    "Mutation.createMailingCampaign": SUPERVISORS,
    "Mutation.updateMailingCampaign": SUPERVISORS,
    "Mutation.sendTestMailingCampaign": SUPERVISORS,
    "Mutation.scheduleMailingCampaign": SUPERVISORS,
    "Mutation.startMailingCampaign": SUPERVISORS,
    "Mutation.pauseMailingCampaign": SUPERVISORS,
    "Mutation.resumeMailingCampaign": SUPERVISORS,
    "Mutation.cancelMailingCampaign": SUPERVISORS,
    "Subscription.campaignProgress": SUPERVISORS,
    # social items (R-7.x): staff handle items; admins keep the sources (secrets, tokens).
    # The webhooks themselves are plain HTTP (api/http/social.py), signed per source.
    "Query.socialItems": STAFF,
    "Query.socialSources": ADMINS,
    "Mutation.saveSocialSource": ADMINS,
    "Mutation.importSocialItems": STAFF,
    "Mutation.answerSocialItem": STAFF,
    "Mutation.moveSocialItemToMessage": STAFF,
    "Subscription.socialItemUpdated": STAFF,
}

_ORDER = {caller: i for i, caller in enumerate(CALLERS)}


def roles_text(roles: frozenset[str]) -> str:
    if roles == ANYONE:
        return "Roles: anyone, also without a token."
    return "Roles: " + ", ".join(sorted(roles, key=_ORDER.__getitem__)) + "."


def caller_of(info: Info) -> str:
    actor = info.context.actor
    return ANONYMOUS if actor is None else actor.role


class RolesAllowed(BasePermission):
    """The table's check for one field: no token → UNAUTHENTICATED, other role → FORBIDDEN."""

    message = "Not allowed for this role"
    error_extensions = {"code": "FORBIDDEN"}

    def __init__(self, roles: frozenset[str]) -> None:
        self.roles = roles

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        caller = caller_of(info)
        if caller in self.roles:
            return True
        if caller == ANONYMOUS:  # say "log in", not "forbidden"
            raise unauthenticated()
        return False


def guard_root(root: type) -> None:
    """Attach the table's check and roles line to every field of a root type (idempotent:
    area classes are shared by every schema a process builds)."""
    definition = root.__strawberry_definition__
    for field in definition.fields:
        key = f"{definition.name}.{field.graphql_name or _camel(field.python_name)}"
        if key not in ROLES:
            raise LookupError(f"{key} has no entry in api/access.py ROLES")
        if getattr(field, "_okno_guarded", False):
            continue
        roles = ROLES[key]
        field.description = f"{(field.description or '').rstrip()} {roles_text(roles)}".strip()
        if roles != ANYONE:
            field.extensions.append(
                PermissionExtension([RolesAllowed(roles)], use_directives=False))
        if definition.name == "Mutation" and roles & CITIZENS:
            field.extensions.append(MutationRateLimit(key.split(".", 1)[1], roles))
        field._okno_guarded = True  # type: ignore[attr-defined]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)

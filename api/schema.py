"""The one GraphQL schema every front end uses: root types merged from the areas."""

from __future__ import annotations

import inspect
import re
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry import relay
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)
from strawberry.relay.types import GlobalIDValueError
from strawberry.tools import merge_types
from strawberry.types import Info
from strawberry.types.cast import cast as strawberry_cast

from api.access import guard_root
from api.calendar.mutations import CalendarMutations
from api.calendar.queries import CalendarQueries
from api.clients.mutations import ClientMutations
from api.clients.queries import ClientQueries
from api.consultation.callbacks import CallbackMutations, CallbackQueries
from api.consultation.mutations import ConsultationMutations
from api.consultation.queries import ConsultationQueries
from api.consultation.reviews import ReviewMutations, ReviewQueries
from api.consultation.subscriptions import ConsultationSubscriptions
from api.deliveries.mutations import DeliveryMutations
from api.deliveries.queries import DeliveryQueries
from api.deliveries.subscriptions import DeliverySubscriptions
from api.directory.mutations import DirectoryMutations
from api.directory.queries import DirectoryQueries
from api.errors import OutageErrors
from api.history.mutations import HistoryMutations
from api.history.queries import HistoryQueries
from api.history.subscriptions import HistorySubscriptions
from api.limits import DocumentCache, RequestLimits
from api.mailings.mutations import MailingMutations
from api.mailings.queries import MailingQueries
from api.mailings.subscriptions import MailingSubscriptions
from api.messages.mutations import MessageMutations
from api.messages.queries import MessageQueries
from api.messages.subscriptions import MessageSubscriptions
from api.monitoring.mutations import MonitoringMutations
from api.monitoring.queries import MonitoringQueries
from api.observability import OperationMetrics
from api.reception.changes import ReceptionChangeMutations
from api.reception.mutations import ReceptionMutations
from api.reception.queries import ReceptionQueries
from api.reception.subscriptions import ReceptionSubscriptions
from api.scalars import SCALAR_OVERRIDES
from api.social.mutations import SocialMutations
from api.social.queries import SocialQueries
from api.social.subscriptions import SocialSubscriptions
from api.surveys.mutations import SurveyMutations
from api.surveys.queries import SurveyQueries
from api.surveys.subscriptions import SurveySubscriptions
from domain.settings import Settings

QUERIES = (ClientQueries, HistoryQueries, CalendarQueries, SurveyQueries, DeliveryQueries,
           DirectoryQueries, MessageQueries, ReceptionQueries, MailingQueries, SocialQueries,
           ConsultationQueries, CallbackQueries, ReviewQueries, MonitoringQueries)
MUTATIONS = (ClientMutations, HistoryMutations, CalendarMutations, SurveyMutations,
             DeliveryMutations, DirectoryMutations, MessageMutations, ReceptionMutations,
             ReceptionChangeMutations, MailingMutations, SocialMutations, ConsultationMutations,
             CallbackMutations, ReviewMutations, MonitoringMutations)
SUBSCRIPTIONS = (HistorySubscriptions, SurveySubscriptions, DeliverySubscriptions,
                 MessageSubscriptions, ReceptionSubscriptions, MailingSubscriptions,
                 SocialSubscriptions, ConsultationSubscriptions)


def _root_types() -> tuple[type, type, type]:
    # Built per schema: strawberry's relay node field may be bound to one schema only.
    @strawberry.type
    class NodeQueries:
        @strawberry.field(description="Any object by its global ID; null when the ID is "
                          "malformed, names no such object, or it is not visible to you.")
        async def node(
            self, info: Info,
            id: Annotated[strawberry.ID, strawberry.argument(
                description="The object's global ID, as returned in its `id` field.")],
        ) -> relay.Node | None:
            # relay.node() reports a malformed ID as an uncoded field error (a 'bug');
            # an ID the front end got wrong is simply not found.
            try:
                gid = relay.GlobalID.from_id(id)
                node_type = gid.resolve_type(info)
            except (GlobalIDValueError, ValueError, TypeError):
                return None
            # A type that merely names Node (the interface itself, an abstract base) has no
            # rows: an ID naming it is as unknown as any other.
            if getattr(node_type, "node_loader", None) is None:
                return None
            found = node_type.resolve_node(gid.node_id, info=info, required=False)
            if inspect.isawaitable(found):
                found = await found
            return None if found is None else strawberry_cast(node_type, found)

    roots = (
        merge_types("Query", (NodeQueries, *QUERIES)),
        merge_types("Mutation", MUTATIONS),
        merge_types("Subscription", SUBSCRIPTIONS),
    )
    for root in roots:
        guard_root(root)
    return roots

# Errors the client caused or may know about; anything else is a bug and is masked
# in production (the log keeps the full error with the request id).
VISIBLE_CODES = {"UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT"}


def _should_mask(error: GraphQLError) -> bool:
    if error.original_error is None:  # parse/validation errors and explicit GraphQLErrors
        return False
    code = (error.extensions or {}).get("code")
    if code in VISIBLE_CODES:
        return False
    return not isinstance(error.original_error, GraphQLError)


class HideSuggestions(MaskErrors):
    """Drop graphql-core's "Did you mean …?" hints: with introspection off they would still
    spell out the schema to whoever guesses names."""

    SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")

    def __init__(self) -> None:
        super().__init__(should_mask_error=lambda error: "Did you mean" in error.message)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        return GraphQLError(self.SUGGESTION.sub("", error.message), nodes=error.nodes,
                            source=error.source, positions=error.positions, path=error.path,
                            original_error=error.original_error, extensions=error.extensions)


def build_schema(settings: Settings) -> strawberry.Schema:
    documents = DocumentCache(maxsize=512)  # parsed and validated only: see api/limits.py
    extensions = [
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: RequestLimits(settings, documents),
        OperationMetrics,
    ]
    if settings.production:
        extensions.append(MaskErrors(should_mask_error=_should_mask))
    if not settings.introspection_enabled:  # closed in production unless OKNO_INTROSPECTION
        extensions += [DisableIntrospection(), HideSuggestions()]
    # Last: its after-hook runs first (an exit stack), so metrics and masking see its code.
    extensions.append(OutageErrors)
    query, mutation, subscription = _root_types()
    schema = strawberry.Schema(
        query=query, mutation=mutation, subscription=subscription, extensions=extensions,
        scalar_overrides=SCALAR_OVERRIDES,
    )
    schema.okno_documents = documents  # type: ignore[attr-defined]  # for tests and metrics
    return schema


def export_sdl() -> str:
    return build_schema(Settings()).as_str() + "\n"

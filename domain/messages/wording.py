"""Texts a client reads, checked before they go out (R-2.2) in words fitted to the client's
segment (R-2.8): the answer and what staff type into notices (redirect and extension
reasons, the clarification question)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.clients.models import Client, ClientKind, ClientTag, LifeSituation, Segment, TagKind
from domain.errors import DomainError, ErrorCode
from domain.settings import Settings
from domain.texts import TextAudience, check_plain_language

# Profile tags of readers who need the simplest words: older people and people with
# disabilities, and anyone in a hard life situation (illness, the loss of a breadwinner, an
# emergency), who reads a letter under stress.
SIMPLE_WORDS_SEGMENTS = frozenset({Segment.PENSIONER, Segment.DISABLED})
SIMPLE_WORDS_SITUATIONS = frozenset({LifeSituation.ILLNESS, LifeSituation.LOSS_OF_BREADWINNER,
                                     LifeSituation.EMERGENCY})
# Persons who read as a business does: an individual entrepreneur.
BUSINESS_SEGMENTS = frozenset({Segment.ENTREPRENEUR})


def audience_for(kind: ClientKind, segments: Iterable[str] = (),
                 life_situations: Iterable[str] = ()) -> TextAudience:
    """Simpler words win over everything (a sick entrepreneur gets them too); then an
    organisation or a business reader; everyone else is a person."""
    segments, life_situations = set(segments), set(life_situations)
    if segments & SIMPLE_WORDS_SEGMENTS or life_situations & SIMPLE_WORDS_SITUATIONS:
        return TextAudience.SIMPLE_WORDS
    if kind == ClientKind.ORGANISATION or segments & BUSINESS_SEGMENTS:
        return TextAudience.ORGANISATION
    return TextAudience.PERSON


async def audience_of(client_id: Any) -> TextAudience:
    kind = await Client.filter(id=client_id).values_list("kind", flat=True)
    tags = await ClientTag.filter(client_id=client_id).values("kind", "tag")
    return audience_for(
        kind[0] if kind else ClientKind.PERSON,
        [t["tag"] for t in tags if t["kind"] == TagKind.SEGMENT],
        [t["tag"] for t in tags if t["kind"] == TagKind.LIFE_SITUATION])


def check(text: str, audience: TextAudience, settings: Settings, *, refusal: bool = False,
          reason: bool = False) -> list[dict]:
    findings = check_plain_language(
        text, refusal=refusal, reason=reason, audience=audience,
        max_sentence_words=settings.message_max_sentence_words,
        simple_max_sentence_words=settings.message_simple_max_sentence_words)
    return [f.as_dict() for f in findings]


def refuse_blocking(findings: list[dict], field: str) -> None:
    """A blocking finding stops the text going out, with the same code as the answer's."""
    blocking = [f for f in findings if f["severity"] == "blocking"]
    if blocking:
        raise DomainError(ErrorCode.REFUSAL_GROUNDS, blocking[0]["message"], field)


def summary(findings: list[dict]) -> dict[str, int]:
    """For history details: how many findings, how many blocking."""
    return {"findings": len(findings),
            "blocking": sum(f["severity"] == "blocking" for f in findings)}

"""Who may read the monitoring: supervisors and admins (the role table says the same for
every field; this check keeps the domain safe when called from a job or the CLI).
Operators and executors see their own work in the messages area, not the Government-wide
figures, so they are refused here too."""

from __future__ import annotations

from domain.actor import Actor, Role
from domain.errors import DomainError, ErrorCode

MONITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})


def require_monitor(actor: Actor | None) -> None:
    if actor is None or actor.role not in MONITORS:
        raise DomainError(ErrorCode.FORBIDDEN,
                          "Мониторинг сроков доступен руководителям и администраторам.")

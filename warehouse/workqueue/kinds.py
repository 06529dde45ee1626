"""What the queue needs to know of each kind of work, registered by the flow that owns it.

The queue orders and hands out work; the flow owns the work itself. Each flow says where an
operator does its work (`url`), what starting it means for its document (`start`, e.g. a
pick batch is claimed for the picker) and what cancelling it means (`cancel`). The queue
calls these inside its own transaction, so a refused start or cancel changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from warehouse.models import WorkKind


@dataclass(frozen=True)
class Kind:
    url: Callable[[int], str]  # reference -> the scanner page where the work is done
    start: Callable | None = None  # (tenant, user, reference) -> None, may raise a DomainError
    cancel: Callable | None = None  # (tenant, user, reference, reason) -> None
    # Why work without a `cancel` cannot be cancelled from the queue, said to the supervisor.
    not_cancellable: str = ""
    # (tenant, user) -> the references `user` may not start (a recount, for its first
    # counter), left out of what the queue hands them; a queryset of ids.
    excluded: Callable | None = None


_KINDS: dict[str, Kind] = {}


def register(kind: WorkKind, entry: Kind) -> None:
    _KINDS[kind] = entry


def of(kind: str) -> Kind:
    try:
        return _KINDS[kind]
    except KeyError:
        raise LookupError(f"No flow registered the work kind {kind!r}") from None


def registered() -> frozenset[str]:
    return frozenset(_KINDS)

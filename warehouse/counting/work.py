"""Counting's place in the floor's task queue: each round of a count (the count, a recount)
is one task; starting it gives the round to the operator (never a recount to whoever counted
the bin before), and cancelling it cancels the count, posting nothing."""

from django.urls import reverse

from warehouse.models import CountRound, WorkKind
from warehouse.workqueue import kinds


def _start(*, tenant, user, reference: int) -> None:
    from warehouse.counting import services

    round = CountRound.objects.get(tenant=tenant, pk=reference)
    services.start_round(tenant=tenant, user=user, round=round)


def _cancel(*, tenant, user, reference: int, reason: str) -> None:
    from warehouse.counting import services

    services.cancel_round(tenant=tenant, user=user, reference=reference, reason=reason)


def _excluded(*, tenant, user):
    """Recounts of bins `user` counted: another operator must take them."""
    counted = CountRound.objects.filter(tenant=tenant, counter=user).values("count_id")
    return CountRound.objects.filter(tenant=tenant, number__gt=1, count_id__in=counted).values("pk")


def register() -> None:
    kinds.register(
        WorkKind.COUNT,
        kinds.Kind(
            url=lambda reference: reverse("warehouse:count_round", args=[reference]),
            start=_start,
            cancel=_cancel,
            excluded=_excluded,
        ),
    )

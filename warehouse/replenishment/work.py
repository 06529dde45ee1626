"""Replenishment's place in the floor's task queue: done on its scanner page; cancelling it
from the queue gives its reserved reserve stock back."""

from django.urls import reverse

from warehouse.models import WorkKind
from warehouse.workqueue import kinds


def _cancel(*, tenant, user, reference: int, reason: str) -> None:
    from warehouse.replenishment import services

    services.cancel(tenant=tenant, user=user, reference=reference, reason=reason)


def register() -> None:
    kinds.register(
        WorkKind.REPLENISH,
        kinds.Kind(
            url=lambda reference: reverse("warehouse:replenish_task", args=[reference]),
            cancel=_cancel,
        ),
    )

"""Picking's place in the floor's task queue: a batch is started for its picker as the Pick
menu starts it, and its picks are done on the pick pages. The queue does not cancel a batch:
its picks are orders' reserved stock, released by cancelling the order."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from warehouse.models import PickBatch, WorkKind
from warehouse.workqueue import kinds


def _start(*, tenant, user, reference: int) -> None:
    from warehouse.picking import services

    batch = PickBatch.objects.get(tenant=tenant, pk=reference)
    services.start_batch(tenant=tenant, user=user, batch=batch)


def register() -> None:
    kinds.register(
        WorkKind.PICK,
        kinds.Kind(
            url=lambda reference: reverse("warehouse:pick_next"),
            start=_start,
            not_cancellable=_("its picks are orders' reserved stock; change the orders instead."),
        ),
    )

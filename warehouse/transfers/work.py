"""Transfers' place in the floor's task queue: a released transfer's pick at the source site,
done on the transfer pick page. Cancelling it from the queue cancels the transfer, which
releases its reserved stock (nothing has left the site yet)."""

from django.urls import reverse

from warehouse.models import TransferOrder, WorkKind
from warehouse.workqueue import kinds


def _cancel(*, tenant, user, reference: int, reason: str) -> None:
    from warehouse.transfers import services

    transfer = TransferOrder.objects.get(tenant=tenant, pk=reference)
    services.cancel(tenant=tenant, user=user, transfer=transfer, reason=reason)


def register() -> None:
    kinds.register(
        WorkKind.TRANSFER,
        kinds.Kind(
            url=lambda reference: reverse("warehouse:transfer_pick", args=[reference]),
            cancel=_cancel,
        ),
    )

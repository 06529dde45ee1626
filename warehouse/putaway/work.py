"""Putaway's place in the floor's task queue: where the work is done, and why the queue
cannot cancel it (received goods on the dock must go somewhere)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from warehouse.models import WorkKind
from warehouse.workqueue import kinds


def register() -> None:
    kinds.register(
        WorkKind.PUTAWAY,
        kinds.Kind(
            url=lambda reference: reverse("warehouse:putaway_task", args=[reference]),
            not_cancellable=_("the goods on the dock must still go to a bin; reassign it."),
        ),
    )

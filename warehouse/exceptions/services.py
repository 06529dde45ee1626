"""Floor exceptions: a supervisor acknowledges a short pick or a packing difference."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from erp.models import Tenant, User
from erp.roles import require_role
from warehouse import permissions
from warehouse.models import ExceptionKind, FloorException


@transaction.atomic
def acknowledge(*, tenant: Tenant, user: User, exception: FloorException) -> FloorException:
    """Mark an exception seen. A second acknowledgement keeps the first's name and time."""
    require_role(tenant=tenant, user=user, roles=permissions.SUPERVISORS)
    exception = FloorException.objects.select_for_update().get(tenant=tenant, pk=exception.pk)
    if exception.acknowledged_at is None:
        exception.acknowledged_by, exception.acknowledged_at = user, timezone.now()
        exception.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return exception


def record_short_replenishment(*, tenant: Tenant, user: User, task, missing) -> FloorException:
    """A reserve bin held less than a replenishment reserved: the supervisor sees it beside
    short picks."""
    return FloorException.objects.create(
        tenant=tenant, kind=ExceptionKind.SHORT_REPLENISHMENT, replenishment=task, item=task.item,
        location=task.from_location, expected=task.quantity, found=task.moved_quantity,
        outcome=f"{missing.normalize():f} missing; source held for a count", created_by=user,
    )  # fmt: skip


def record_short_transfer_pick(
    *, tenant: Tenant, user: User, transfer, location, item, expected, found
) -> FloorException:
    """A source bin held less than a transfer reserved there. The exception has no transfer
    column, so the outcome names the transfer the supervisor follows up."""
    missing = expected - found
    return FloorException.objects.create(
        tenant=tenant, kind=ExceptionKind.SHORT_PICK, item=item, location=location,
        expected=expected, found=found, created_by=user,
        outcome=(
            f"transfer {transfer.number}: {missing.normalize():f} not shipped; bin held for a "
            "count"
        )[:200],
    )  # fmt: skip

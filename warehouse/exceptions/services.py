"""Floor exceptions: a supervisor acknowledges a short pick or a packing difference."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from erp.models import Tenant, User
from erp.roles import require_role
from warehouse import permissions
from warehouse.models import FloorException


@transaction.atomic
def acknowledge(*, tenant: Tenant, user: User, exception: FloorException) -> FloorException:
    """Mark an exception seen. A second acknowledgement keeps the first's name and time."""
    require_role(tenant=tenant, user=user, roles=permissions.SUPERVISORS)
    exception = FloorException.objects.select_for_update().get(tenant=tenant, pk=exception.pk)
    if exception.acknowledged_at is None:
        exception.acknowledged_by, exception.acknowledged_at = user, timezone.now()
        exception.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return exception

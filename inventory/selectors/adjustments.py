from __future__ import annotations

from django.db.models import QuerySet

from inventory.models import Adjustment


def adjustments(*, tenant) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(tenant=tenant).select_related(
        "item", "location__site", "lot", "serial", "requested_by", "decided_by", "transaction"
    )

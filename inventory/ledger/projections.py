"""Supply and demand that is not stock yet, published by the app that owns the document.

Purchasing publishes open PO lines as scheduled receipts, orders publishes unallocated
demand, transfers publish both ends; each call replaces what its source line said before,
in the caller's transaction, so the projection is never out of step with the document.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from erp.models import Tenant
from inventory.errors import InvalidPosting
from inventory.models import Item, Projection, ProjectionKind, Site
from inventory.models.ledger import SUPPLY_KINDS


@transaction.atomic
def publish(
    *,
    tenant: Tenant,
    source_type: str,
    source_id: int,
    item: Item,
    site: Site,
    date: datetime.date,
    quantity: Decimal,
    kind: ProjectionKind,
    reference: str = "",
) -> Projection | None:
    """Say that `source` will add (supply kinds) or take (demand kinds) `quantity` base units
    on `date`. Quantity is given positive; zero withdraws the projection."""
    quantity = Decimal(quantity)
    if quantity < 0:
        raise InvalidPosting("Give projected quantities as positive numbers.")
    if quantity == 0:
        withdraw(tenant=tenant, source_type=source_type, source_id=source_id)
        return None
    signed = quantity if kind in SUPPLY_KINDS else -quantity
    wanted = {
        "item": item,
        "site": site,
        "date": date,
        "quantity": signed,
        "kind": kind,
        "reference": reference[:100],
    }
    current = Projection.objects.filter(
        tenant=tenant, source_type=source_type, source_id=source_id
    ).first()
    if current is not None and all(getattr(current, k) == v for k, v in wanted.items()):
        return current  # unchanged: no write
    projection, _ = Projection.objects.update_or_create(
        tenant=tenant, source_type=source_type, source_id=source_id, defaults=wanted
    )
    return projection


@transaction.atomic
def withdraw(*, tenant: Tenant, source_type: str, source_id: int) -> None:
    Projection.objects.filter(tenant=tenant, source_type=source_type, source_id=source_id).delete()

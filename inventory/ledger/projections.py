"""Supply and demand that is not stock yet, published by the app that owns the document.

Purchasing publishes open PO lines as scheduled receipts, orders publishes unallocated
demand, transfers publish both ends; each call replaces what its source line said before,
in the caller's transaction, so the projection is never out of step with the document.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

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


@dataclass(frozen=True)
class ProjectionRow:
    source_id: int
    item_id: int
    site_id: int
    date: datetime.date
    quantity: Decimal  # positive; zero withdraws
    reference: str = ""


@transaction.atomic
def publish_many(
    *, tenant: Tenant, source_type: str, kind: ProjectionKind, rows: list[ProjectionRow]
) -> None:
    """`publish` for many source lines of one type in two statements (upsert, then withdraw
    the zeros), for allocation runs over thousands of lines."""
    if not rows:
        return
    sign = 1 if kind in SUPPLY_KINDS else -1
    keep = [r for r in rows if r.quantity > 0]
    drop = [r.source_id for r in rows if r.quantity <= 0]
    with connection.cursor() as cursor:
        if keep:
            cursor.execute(
                """
                INSERT INTO inventory_projection AS p
                    (tenant_id, source_type, source_id, item_id, site_id, date, quantity, kind, reference, updated_at)
                SELECT %s, %s, r.sid, r.item, r.site, r.day, r.q, %s, r.ref, now()
                FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::date[], %s::numeric[], %s::text[])
                     AS r(sid, item, site, day, q, ref)
                ON CONFLICT (tenant_id, source_type, source_id) DO UPDATE SET
                    item_id = EXCLUDED.item_id, site_id = EXCLUDED.site_id, date = EXCLUDED.date,
                    quantity = EXCLUDED.quantity, kind = EXCLUDED.kind, reference = EXCLUDED.reference,
                    updated_at = now()
                WHERE (p.item_id, p.site_id, p.date, p.quantity, p.kind, p.reference)
                      IS DISTINCT FROM (EXCLUDED.item_id, EXCLUDED.site_id, EXCLUDED.date, EXCLUDED.quantity, EXCLUDED.kind, EXCLUDED.reference)
                """,
                [tenant.pk, source_type, str(kind), [r.source_id for r in keep], [r.item_id for r in keep],
                 [r.site_id for r in keep], [r.date for r in keep], [sign * r.quantity for r in keep],
                 [r.reference[:100] for r in keep]],
            )  # fmt: skip
        if drop:
            cursor.execute(
                "DELETE FROM inventory_projection WHERE tenant_id = %s AND source_type = %s AND source_id = ANY(%s)",
                [tenant.pk, source_type, drop],
            )

"""Reads for the replenishment pages."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.models import Tenant
from warehouse.models import PickFace, Replenishment, ReplenishmentState


def faces(*, tenant: Tenant) -> QuerySet[PickFace]:
    return PickFace.objects.filter(tenant=tenant).select_related("item", "bin__site")


def replenishments(*, tenant: Tenant) -> QuerySet[Replenishment]:
    return Replenishment.objects.filter(tenant=tenant).select_related(
        "item", "lot", "from_location", "to_location__site", "face"
    )


def open_replenishments(*, tenant: Tenant, site=None) -> QuerySet[Replenishment]:
    found = replenishments(tenant=tenant).filter(state=ReplenishmentState.OPEN)
    if site is not None:
        found = found.filter(to_location__site=site)
    return found


def wave_drains_faces(*, tenant: Tenant, wave_id: int) -> bool:
    """Whether a released wave asks more of its site's pick faces than they hold beyond their
    min: a pick of an item with a min/max face comes from reserve (the faces ran short at
    allocation), or a face it picks from is left at or below its min once its picks are out."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXISTS (
                SELECT 1
                FROM warehouse_picktask t
                JOIN warehouse_pickbatch pb ON pb.tenant_id = t.tenant_id AND pb.id = t.batch_id
                JOIN inventory_location loc
                    ON loc.tenant_id = t.tenant_id AND loc.id = t.from_location_id
                JOIN inventory_bin b ON b.tenant_id = t.tenant_id AND b.id = loc.bin_id
                JOIN warehouse_pickface f ON f.tenant_id = t.tenant_id AND f.item_id = t.item_id
                JOIN inventory_bin fb
                    ON fb.tenant_id = f.tenant_id AND fb.id = f.bin_id AND fb.site_id = b.site_id
                WHERE t.tenant_id = %(tenant)s AND pb.wave_id = %(wave)s AND t.state = 'open'
                  AND (
                      (b.bin_type <> 'pick_face')
                      OR (f.bin_id = b.id AND (
                          SELECT COALESCE(sum(sb.on_hand - sb.reserved), 0)
                          FROM inventory_stockbalance sb
                          WHERE sb.tenant_id = t.tenant_id AND sb.location_id = loc.id
                            AND sb.item_id = t.item_id AND sb.status = 'available'
                      ) <= f.min_quantity)
                  )
            )
            """,
            {"tenant": tenant.pk, "wave": wave_id},
        )
        return cursor.fetchone()[0]

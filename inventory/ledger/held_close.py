"""What each item-site of a tenant held up to a moment (the models:
`inventory.models.snapshots.HeldClose` and `HeldValue`), replaced by the hourly close: so
"held now" (the excess and dead stock lists, `inventory.selectors.measures.HELD_CTE`) reads one
row per item-site and the entries posted since, not every open cost layer (467,000 at 10^7,
180 ms on every such page).

Consistency is the other closes' (`inventory.ledger.day_closes`, `transit_close`): closing
takes the tenant's advisory lock exclusively and reaches only up to `2 * SETTLE` ago, and a
backdated posting takes it shared and forgets a close ending after it
(`snapshots.invalidate_after`); until the next close the lists sum the open layers again.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from erp.tenancy import tenant_context
from inventory.ledger.snapshots import LOCK_KEY, SETTLE

# Further back than this the entries since the close are as many as the open layers: the
# lists sum the layers instead (the hourly task has stopped).
REACH = datetime.timedelta(days=7)

# The site-side entries (`site_id` set) of the transactions posted from `{since}` on: the
# span's transactions by their (tenant, posted_at) index, each one's entries by the (tenant,
# transaction) index (LATERAL ... OFFSET 0).
ENTRIES_SINCE = """
    SELECT e.item_id, e.site_id, e.quantity, e.value
    FROM inventory_stocktransaction x
    CROSS JOIN LATERAL (
        SELECT e.item_id, e.site_id, e.quantity, e.value FROM inventory_stockentry e
        WHERE e.tenant_id = %(t)s AND e.transaction_id = x.id AND e.site_id IS NOT NULL
        OFFSET 0
    ) e
    WHERE x.tenant_id = %(t)s AND x.posted_at >= {since}"""

# The open layers now, less the entries posted from `until` on (which the reader adds back):
# what each item-site held before `until`, in this statement's snapshot of both.
FILL_SQL = f"""
INSERT INTO inventory_heldvalue (tenant_id, item_id, site_id, quantity, value)
SELECT %(t)s, h.item_id, h.site_id, sum(h.quantity), sum(h.value)
FROM (
    SELECT l.item_id, l.site_id, l.remaining_quantity AS quantity, l.remaining_value AS value
    FROM inventory_costlayer l
    WHERE l.tenant_id = %(t)s AND l.remaining_quantity > 0
    UNION ALL
    SELECT s.item_id, s.site_id, -s.quantity, -s.value
    FROM ({ENTRIES_SINCE.format(since="%(until)s")}) s
) h
GROUP BY h.item_id, h.site_id
HAVING NOT (sum(h.quantity) = 0 AND sum(h.value) = 0)
"""

SAVE_SQL = """
INSERT INTO inventory_heldclose (tenant_id, ends_at, closed_at)
VALUES (%(t)s, %(until)s, now())
ON CONFLICT (tenant_id) DO UPDATE SET ends_at = EXCLUDED.ends_at, closed_at = EXCLUDED.closed_at
"""


def close_held(tenant, *, now: datetime.datetime | None = None) -> bool:
    """Replace the tenant's held close with one ending `2 * SETTLE` before `now`, in a
    committed transaction of its own (call it outside any transaction). False when the close
    already ends there or later."""
    tenant_id = getattr(tenant, "pk", tenant)
    until = (now or timezone.now()) - 2 * SETTLE
    with tenant_context(tenant_id, durable=True), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant_id])
        cursor.execute("SELECT ends_at FROM inventory_heldclose WHERE tenant_id = %s", [tenant_id])
        last = cursor.fetchone()
        if last is not None and last[0] >= until:
            return False
        cursor.execute("DELETE FROM inventory_heldvalue WHERE tenant_id = %s", [tenant_id])
        cursor.execute(FILL_SQL, {"t": tenant_id, "until": until})
        cursor.execute(SAVE_SQL, {"t": tenant_id, "until": until})
        return True


def reach_from() -> datetime.datetime:
    """The oldest end of a close the lists read (`REACH`)."""
    return timezone.now() - REACH

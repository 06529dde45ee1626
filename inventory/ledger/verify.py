"""`verify_ledger`: recompute balances and valuation from the entries and report differences.

Each check is one SQL statement over the tenant's rows (no Python loop over entries), so it
runs in bounded memory however long the ledger is.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

CHECKS = {
    "balance": """
        WITH e AS (
            SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot, COALESCE(serial_id, 0) AS serial,
                   status, sum(quantity) AS quantity
            FROM inventory_stockentry WHERE tenant_id = %(t)s
            GROUP BY 1, 2, 3, 4, 5),
        b AS (
            SELECT item_id, location_id, COALESCE(lot_id, 0) AS lot, COALESCE(serial_id, 0) AS serial,
                   status, on_hand
            FROM inventory_stockbalance WHERE tenant_id = %(t)s)
        SELECT COALESCE(e.item_id, b.item_id), COALESCE(e.location_id, b.location_id),
               COALESCE(e.lot, b.lot), COALESCE(e.serial, b.serial), COALESCE(e.status, b.status),
               COALESCE(e.quantity, 0), COALESCE(b.on_hand, 0)
        FROM e FULL JOIN b USING (item_id, location_id, lot, serial, status)
        WHERE COALESCE(e.quantity, 0) <> COALESCE(b.on_hand, 0)
        LIMIT 1000
    """,
    "reserved": """
        SELECT b.id, b.reserved, COALESCE(r.quantity, 0)
        FROM inventory_stockbalance b
        LEFT JOIN (SELECT balance_id, sum(quantity) AS quantity FROM inventory_reservation
                   WHERE tenant_id = %(t)s GROUP BY balance_id) r ON r.balance_id = b.id
        WHERE b.tenant_id = %(t)s AND b.reserved <> COALESCE(r.quantity, 0)
        LIMIT 1000
    """,
    "unbalanced_transaction": """
        SELECT transaction_id, item_id, COALESCE(lot_id, 0), sum(quantity), sum(value)
        FROM inventory_stockentry WHERE tenant_id = %(t)s
        GROUP BY transaction_id, item_id, COALESCE(lot_id, 0), COALESCE(serial_id, 0)
        HAVING sum(quantity) <> 0 OR sum(value) <> 0
        LIMIT 1000
    """,
    "valuation": """
        WITH e AS (
            SELECT item_id, site_id, sum(quantity) AS quantity, sum(value) AS value
            FROM inventory_stockentry WHERE tenant_id = %(t)s AND site_id IS NOT NULL
            GROUP BY 1, 2),
        l AS (
            SELECT item_id, site_id, sum(remaining_quantity) AS quantity, sum(remaining_value) AS value
            FROM inventory_costlayer WHERE tenant_id = %(t)s GROUP BY 1, 2)
        SELECT COALESCE(e.item_id, l.item_id), COALESCE(e.site_id, l.site_id),
               COALESCE(e.quantity, 0), COALESCE(l.quantity, 0), COALESCE(e.value, 0), COALESCE(l.value, 0)
        FROM e FULL JOIN l USING (item_id, site_id)
        WHERE COALESCE(e.quantity, 0) <> COALESCE(l.quantity, 0) OR COALESCE(e.value, 0) <> COALESCE(l.value, 0)
        LIMIT 1000
    """,
}

DESCRIBE = {
    "balance": "balance item={0} location={1} lot={2} serial={3} status={4}: entries sum to {5}, balance says {6}",
    "reserved": "balance #{0}: reserved {1}, reservations sum to {2}",
    "unbalanced_transaction": "transaction #{0} item={1} lot={2}: quantities sum to {3}, values to {4}",
    "valuation": "item={0} site={1}: entries hold {2} worth {4}, cost layers {3} worth {5}",
}


@dataclass
class Difference:
    check: str
    detail: str


def verify(tenant_id: int) -> list[Difference]:
    """Every difference between the ledger and what was derived from it, for one tenant.

    Runs inside that tenant's context (row-level security shows only its rows anyway).
    """
    differences = []
    with connection.cursor() as cursor:
        for name, sql in CHECKS.items():
            cursor.execute(sql, {"t": tenant_id})
            differences += [
                Difference(name, DESCRIBE[name].format(*row)) for row in cursor.fetchall()
            ]
    return differences

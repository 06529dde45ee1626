"""The one statement that writes a posting: header, item locks, balances, entries and the
item-sites' last outbound movement.

Postings are the hottest path in the product, so the work that every posting does is a single
prepared statement with server-side parameters (no client-side quoting of long arrays, no
re-planning): it share-locks the items and notes any that changed since the caller read them,
locks the existing balance rows in one global key order and checks them, inserts the header
unless its idempotency key exists, an item changed or a balance would go short (then nothing
at all is written), upserts every balance and inserts the entries. Because a refused posting
writes nothing, `post` needs no savepoint: the caller's transaction stays clean.
"""

from __future__ import annotations

import datetime
import functools
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections

from inventory.ledger.arrays import bools as _bools
from inventory.ledger.arrays import ints as _ints
from inventory.ledger.arrays import numbers as _numbers
from inventory.ledger.arrays import texts as _texts
from inventory.models.ledger import TransactionKind

# The kinds whose legs out of a site are outbound movements: what leaves a site for a
# customer or another site.
OUTBOUND_KINDS = frozenset({TransactionKind.SHIPMENT.value, TransactionKind.TRANSFER.value})

if TYPE_CHECKING:
    from inventory.ledger.posting import Leg

SQL = """
WITH
expected AS (
    SELECT * FROM unnest(%(item_ids)s::bigint[], %(trackings)s::text[], %(divisibles)s::bool[],
                         %(base_units)s::text[], %(costings)s::text[])
        AS e(id, tracking, divisible, base_unit, costing)
),
items AS (
    SELECT i.id,
           (i.tracking, i.divisible, i.base_unit, i.costing_method)
               IS DISTINCT FROM (e.tracking, e.divisible, e.base_unit, e.costing) AS stale
    FROM inventory_item i JOIN expected e ON e.id = i.id
    -- `= ANY` keeps the plan to one index probe per item; with the join alone the planner
    -- may walk all of the tenant's items and rescan the array for each.
    WHERE i.tenant_id = %(tenant)s AND i.id = ANY(%(item_ids)s::bigint[])
    ORDER BY i.id
    FOR KEY SHARE OF i
),
keys AS (
    SELECT * FROM unnest(%(b_item)s::bigint[], %(b_loc)s::bigint[], %(b_lot)s::bigint[], %(b_serial)s::bigint[],
                         %(b_status)s::text[], %(b_dq)s::numeric[], %(b_dr)s::numeric[], %(b_real)s::bool[],
                         %(b_site)s::bigint[]) WITH ORDINALITY AS k(item, loc, lot, serial, status, dq, dr, real, site, ord)
),
locked AS (
    -- Every existing row this posting touches, locked in key order. FOR UPDATE re-reads a row
    -- changed since the statement began, so the check below sees what is there now.
    SELECT b.item_id, b.location_id, b.lot_id, b.serial_id, b.status, b.on_hand, b.reserved
    FROM inventory_stockbalance b
    JOIN keys k ON b.item_id = k.item AND b.location_id = k.loc AND b.status = k.status
               AND b.lot_id IS NOT DISTINCT FROM k.lot AND b.serial_id IS NOT DISTINCT FROM k.serial
    WHERE b.tenant_id = %(tenant)s
    ORDER BY k.ord
    FOR UPDATE OF b
),
short AS (
    -- Keys that would break a real location's rules; any of them means nothing is written.
    SELECT k.ord FROM keys k
    LEFT JOIN locked l ON l.item_id = k.item AND l.location_id = k.loc AND l.status = k.status
                      AND l.lot_id IS NOT DISTINCT FROM k.lot AND l.serial_id IS NOT DISTINCT FROM k.serial
    WHERE k.real AND (
        coalesce(l.on_hand, 0) + k.dq < 0
        OR coalesce(l.reserved, 0) - k.dr < 0
        OR coalesce(l.reserved, 0) - k.dr > coalesce(l.on_hand, 0) + k.dq
        OR (k.serial IS NOT NULL AND coalesce(l.on_hand, 0) + k.dq > 1))
),
header AS (
    INSERT INTO inventory_stocktransaction
        (tenant_id, kind, reference, idempotency_key, posted_by_id, posted_at, reason, reverses_id)
    SELECT %(tenant)s, %(kind)s, %(reference)s, %(key)s, %(user)s, %(posted_at)s, %(reason)s, %(reverses)s
    WHERE NOT EXISTS (SELECT 1 FROM items WHERE stale)
      AND (SELECT count(*) FROM items) = cardinality(%(item_ids)s::bigint[])
      AND NOT EXISTS (SELECT 1 FROM short)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
    RETURNING id
),
balances AS (
    -- Only runs when `short` is empty. A decrement proposes is_real = false because
    -- PostgreSQL checks CHECK constraints on the proposed row before it finds the conflict;
    -- the update keeps the row's own is_real. The WHERE repeats the rules as a last guard:
    -- a row it skips is missing from RETURNING, which `post` treats as a bug.
    INSERT INTO inventory_stockbalance AS b
        (tenant_id, item_id, location_id, lot_id, serial_id, status, on_hand, reserved, is_real, site_id)
    SELECT %(tenant)s, k.item, k.loc, k.lot, k.serial, k.status, k.dq, k.dr,
           k.real AND k.dq >= 0 AND k.dr = 0, k.site
    FROM keys k CROSS JOIN header
    ORDER BY k.ord
    ON CONFLICT (tenant_id, item_id, location_id, lot_id, serial_id, status) DO UPDATE
    SET on_hand = b.on_hand + EXCLUDED.on_hand, reserved = b.reserved - EXCLUDED.reserved
    WHERE NOT b.is_real OR (
        b.on_hand + EXCLUDED.on_hand >= 0
        AND b.reserved - EXCLUDED.reserved >= 0
        AND b.reserved - EXCLUDED.reserved <= b.on_hand + EXCLUDED.on_hand
        AND (b.serial_id IS NULL OR b.on_hand + EXCLUDED.on_hand <= 1))
    RETURNING id
),
entries AS (
    INSERT INTO inventory_stockentry
        (tenant_id, transaction_id, item_id, location_id, lot_id, serial_id, status,
         quantity, unit_cost, value, site_id)
    SELECT %(tenant)s, header.id, e.item, e.loc, e.lot, e.serial, e.status, e.q, e.cost, e.value, e.site
    FROM unnest(%(e_item)s::bigint[], %(e_loc)s::bigint[], %(e_lot)s::bigint[], %(e_serial)s::bigint[],
                %(e_status)s::text[], %(e_q)s::numeric[], %(e_cost)s::numeric[], %(e_value)s::numeric[],
                %(e_site)s::bigint[]) WITH ORDINALITY AS e(item, loc, lot, serial, status, q, cost, value, site, ord)
    CROSS JOIN header
    ORDER BY e.ord
    RETURNING id
),
outbound AS (
    -- When the item last left the site (dead stock reads it): the item-sites a shipment or a
    -- transfer takes stock out of, sorted by the caller (every lock here is taken in key order).
    INSERT INTO inventory_itemsiteactivity AS a (tenant_id, item_id, site_id, last_outbound_at)
    SELECT %(tenant)s, o.i, o.s, %(posted_at)s
    FROM unnest(%(o_item)s::bigint[], %(o_site)s::bigint[]) o(i, s) CROSS JOIN header
    ON CONFLICT (tenant_id, item_id, site_id)
    DO UPDATE SET last_outbound_at = greatest(a.last_outbound_at, EXCLUDED.last_outbound_at)
)
SELECT (SELECT id FROM header),
       (SELECT coalesce(array_agg(id), '{}') FROM items WHERE stale),
       (SELECT count(*) FROM items),
       (SELECT coalesce(array_agg(ord ORDER BY ord), '{}') FROM short),
       (SELECT count(*) FROM balances),
       (SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM entries)
"""

# What goes over the wire: the same statement without comments and runs of spaces. psycopg
# caches its parsing of a query only up to 4,096 characters; the commented text is longer and
# would be re-parsed on every posting.
WIRE_SQL = re.sub(r"\s+", " ", re.sub(r"--[^\n]*", "", SQL)).strip()


def _outbound(kind: str, legs: list[Leg]) -> list[tuple[int, int]]:
    """The (item, site) pairs a shipment or transfer takes stock out of, in key order."""
    if str(kind) not in OUTBOUND_KINDS:
        return []
    return sorted(
        {
            (leg.item.pk, leg.location.site_id)
            for leg in legs
            if leg.quantity < 0 and leg.location.site_id is not None
        }
    )


@dataclass
class Written:
    header_id: int | None
    stale_items: list[int]
    items_found: int
    short: list[int]  # 1-based positions in balance_rows that lacked stock
    balances_written: int
    entry_ids: list[int]


def write(
    *,
    tenant_id: int,
    kind: str,
    reference: str,
    idempotency_key: str | None,
    user_id: int | None,
    posted_at: datetime.datetime,
    reason: str,
    reverses_id: int | None,
    items: list,
    balance_rows: list[tuple],
    legs: list[Leg],
) -> Written:
    """Run the posting statement. `balance_rows` are (item, location, lot, serial, status,
    delta on hand, reserved consumed, is real, site) in key order."""
    # Arrays go as PostgreSQL array literals cast in the statement: psycopg's list dumper
    # inspects every element to pick a type, which cost a quarter of a posting's client CPU.
    b = list(zip(*balance_rows, strict=True)) or [()] * 9
    params = {
        "tenant": tenant_id, "kind": str(kind), "reference": reference[:100], "key": idempotency_key,
        "user": user_id, "posted_at": posted_at, "reason": reason[:200], "reverses": reverses_id,
        "item_ids": _ints(i.pk for i in items), "trackings": _texts(i.tracking for i in items),
        "divisibles": _bools(i.divisible for i in items),
        "base_units": _texts(i.base_unit for i in items),
        "costings": _texts(i.costing_method for i in items),
        "b_item": _ints(b[0]), "b_loc": _ints(b[1]), "b_lot": _ints(b[2]), "b_serial": _ints(b[3]),
        "b_status": _texts(b[4]), "b_dq": _numbers(b[5]), "b_dr": _numbers(b[6]),
        "b_real": _bools(b[7]), "b_site": _ints(b[8]),
        "e_item": _ints(leg.item.pk for leg in legs),
        "e_loc": _ints(leg.location.pk for leg in legs),
        "e_lot": _ints(leg.lot.pk if leg.lot else None for leg in legs),
        "e_serial": _ints(leg.serial.pk if leg.serial else None for leg in legs),
        "e_status": _texts(leg.status for leg in legs),
        "e_q": _numbers(leg.quantity for leg in legs),
        "e_cost": _numbers(leg.unit_cost for leg in legs),
        "e_value": _numbers(leg.value for leg in legs),
        "e_site": _ints(leg.location.site_id for leg in legs),
    }  # fmt: skip
    out = _outbound(kind, legs)
    params["o_item"], params["o_site"] = _ints(o[0] for o in out), _ints(o[1] for o in out)
    # One lookup of the connection: each attribute of the `connection` proxy goes through
    # asgiref's Local, which cost as much as building the parameters.
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    started = time.monotonic()
    # A plain (server-side binding) cursor on Django's connection: the statement is prepared
    # once per connection, and each array travels as one text parameter.
    with psycopg.Cursor(connection.connection) as cursor:

        def run(sql, params, many, context):
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone()

        # Through Django's execute wrappers, so instrumentation sees this statement too.
        for wrapper in reversed(connection.execute_wrappers):
            run = functools.partial(wrapper, run)
        header_id, stale, found, short, balances_written, entry_ids = run(
            WIRE_SQL, params, False, {"connection": connection, "cursor": cursor}
        )
    if connection.queries_logged:
        # Keep the statement visible to Django's query log (tests count statements).
        connection.queries_log.append(
            {
                "sql": "-- ledger posting statement\n" + SQL,
                "time": f"{time.monotonic() - started:.3f}",
            }
        )
    return Written(header_id, list(stale), found, list(short), balances_written, list(entry_ids))

"""Allocation of 10,000 order lines over 2,000 items with stock in several bins and lots.

    .venv/bin/python bench/allocate.py [--lines 10000] [--items 2000]

Sets up a fresh bench tenant (items, pick faces and reserve bins, stock received through the
ledger in several lots and bins, customers of three priorities, confirmed orders), then times
`orders.services.allocation.allocate` over every line, counting SQL statements, once for a
tenth of the lines and once for all of them (statements per line must not grow). The
reference, in the same run, is one SELECT reading the same candidate stock the allocation
reads. Last line: `ratio <allocation time / reference time>`. Goal: 10,000 lines in under 30 s.
The bench tenants stay (ledger entries cannot be deleted).
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
import uuid
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from erp.models import Membership, Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import Bin, Item, Location, Lot, Site, Zone  # noqa: E402
from orders.models import Customer, SalesOrder, SalesOrderLine  # noqa: E402
from orders.services import allocation  # noqa: E402
from orders.services.sales_orders import publish_demand  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

TODAY = datetime.date.today()
REFERENCE_SQL = """
    SELECT b.id, b.item_id, b.location_id, b.lot_id, b.on_hand - b.reserved,
           bin.code, bin.bin_type, bin.walk_sequence, lot.expiry_date, lot.created_at
    FROM inventory_stockbalance b
    JOIN inventory_location loc ON loc.id = b.location_id AND loc.tenant_id = b.tenant_id
    JOIN inventory_bin bin ON bin.id = loc.bin_id AND bin.tenant_id = b.tenant_id
    LEFT JOIN inventory_lot lot ON lot.id = b.lot_id AND lot.tenant_id = b.tenant_id
    WHERE b.tenant_id = %s AND b.site_id = %s AND b.item_id = ANY(%s) AND b.is_real
      AND b.status = 'available' AND b.on_hand > b.reserved AND bin.is_active
      AND bin.bin_type IN ('pick_face', 'reserve')
    ORDER BY b.item_id, b.location_id, COALESCE(b.lot_id, 0), COALESCE(b.serial_id, 0), b.status
"""


def setup(lines: int, items: int, rng: random.Random):
    tenant = Tenant.objects.create(
        slug=f"bench-alloc-{uuid.uuid4().hex[:8]}", name="Bench allocation"
    )
    user = UserFactory(email=f"{tenant.slug}@bench.invalid")
    with tenant_context(tenant):
        Membership.objects.create(tenant=tenant, user=user, role="admin")
        site = Site.objects.create(tenant=tenant, code="BEN", name="Bench")
        pick_zone = Zone.objects.create(
            tenant=tenant, site=site, code="PCK", name="Pick", zone_type="pick"
        )
        reserve_zone = Zone.objects.create(
            tenant=tenant, site=site, code="STO", name="Storage", zone_type="storage"
        )
        bins = Bin.objects.bulk_create(
            [Bin(tenant=tenant, site=site, zone=pick_zone, code=f"P-{n:05d}", bin_type="pick_face", walk_sequence=n) for n in range(items)]
            + [Bin(tenant=tenant, site=site, zone=reserve_zone, code=f"R-{n:05d}", bin_type="reserve", walk_sequence=100_000 + n) for n in range(items)]
        )  # fmt: skip
        ledger.ensure_bin_locations(tenant=tenant)
        locations = {loc.bin_id: loc for loc in Location.objects.filter(tenant=tenant, kind="bin")}
        catalogue = Item.objects.bulk_create(
            [Item(tenant=tenant, sku=f"A-{n:05d}", description=f"Bench item {n}", tracking="lot" if n % 4 == 0 else "none", expiry_required=n % 4 == 0, standard_cost=Decimal("2.00")) for n in range(items)]
        )  # fmt: skip
        lots = Lot.objects.bulk_create(
            [Lot(tenant=tenant, item=item, code=f"L{k}", expiry_date=TODAY + datetime.timedelta(days=60 + 90 * k)) for item in catalogue if item.tracking == "lot" for k in range(2)]
        )  # fmt: skip
        lots_of: dict[int, list[Lot]] = {}
        for lot in lots:
            lots_of.setdefault(lot.item_id, []).append(lot)
        supplier = ledger.virtual_location(tenant=tenant, kind="supplier")
        moves = []
        for n, item in enumerate(catalogue):
            pick, reserve = locations[bins[n].pk], locations[bins[items + n].pk]
            item_lots = lots_of.get(item.pk, [None, None])
            moves.append(
                ledger.Move(
                    item=item,
                    quantity=Decimal(rng.randint(5, 30)),
                    source=supplier,
                    destination=pick,
                    lot=item_lots[0],
                    unit_cost=Decimal("2.00"),
                )
            )
            moves.append(
                ledger.Move(
                    item=item,
                    quantity=Decimal(rng.randint(20, 60)),
                    source=supplier,
                    destination=reserve,
                    lot=item_lots[1],
                    unit_cost=Decimal("2.10"),
                )
            )
        for start in range(0, len(moves), 2000):
            ledger.post(
                tenant=tenant,
                user=None,
                kind="receipt",
                moves=moves[start : start + 2000],
                reference="bench stock",
            )
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    tenant=tenant,
                    code=f"C{n:03d}",
                    name=f"Customer {n}",
                    priority=1 + n % 3,
                    min_shelf_life_days=30 if n % 5 == 0 else 0,
                )
                for n in range(60)
            ]
        )
        orders = SalesOrder.objects.bulk_create(
            [SalesOrder(tenant=tenant, number=f"SO-{n:06d}", customer=customers[n % len(customers)], site=site, status="confirmed", order_date=TODAY - datetime.timedelta(days=n % 10), requested_date=TODAY, promised_date=TODAY + datetime.timedelta(days=n % 7), created_by=user) for n in range(lines // 5)]
        )  # fmt: skip
        made = SalesOrderLine.objects.bulk_create(
            [
                SalesOrderLine(
                    tenant=tenant, order=orders[n // 5], line_no=n % 5 + 1, item=catalogue[rng.randrange(items)], unit="each",
                    quantity=Decimal(q := rng.randint(1, 12)), quantity_base=Decimal(q), price=Decimal("9.90"),
                    requested_date=TODAY, promised_date=orders[n // 5].promised_date,
                )
                for n in range(lines)
            ]
        )  # fmt: skip
        publish_demand(tenant=tenant, lines=made)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inventory_stockbalance, inventory_location, inventory_bin, inventory_lot, orders_salesorderline, orders_salesorder"
        )
    return tenant, user, site, [item.pk for item in catalogue]


def run(lines: int, items: int) -> tuple[float, float, float]:
    rng = random.Random(lines)
    started = time.perf_counter()
    tenant, _, site, item_ids = setup(lines, items, rng)
    print(f"setup {lines} lines over {items} items: {time.perf_counter() - started:.1f} s")
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    with tenant_context(tenant), connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute(REFERENCE_SQL, [tenant.pk, site.pk, item_ids])
        rows = cursor.fetchall()
        reference = time.perf_counter() - began
    with tenant_context(tenant), connection.execute_wrapper(count):
        began = time.perf_counter()
        result = allocation.allocate(tenant=tenant, user=None)
        elapsed = time.perf_counter() - began
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []
    per_line = len(statements) / lines
    print(
        f"lines {lines}: allocated in {elapsed:.2f} s ({lines / elapsed:.0f} lines/s), "
        f"{len(statements)} statements ({per_line:.3f} per line), {result.backordered_lines} lines backordered; "
        f"reference SELECT of the {len(rows)} candidate balances: {reference * 1000:.1f} ms"
    )
    return elapsed, per_line, reference


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--items", type=int, default=2_000)
    args = parser.parse_args()
    _, small_per_line, _ = run(args.lines // 10, args.items)
    elapsed, per_line, reference = run(args.lines, args.items)
    print(f"statements_per_line_ratio {per_line / small_per_line:.2f}  (all lines / a tenth)")
    print(f"seconds_for_{args.lines}_lines {elapsed:.2f}  (goal: under 30)")
    print(f"ratio {elapsed / reference:.1f}")


if __name__ == "__main__":
    main()

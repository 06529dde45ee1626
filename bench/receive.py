"""Receiving a whole purchase order in one go: a 50-line and a 500-line PO received through
`warehouse.receiving.services.receive_all` (each line posted to the dock, with its discrepancy
checks, projection update and putaway suggestion), timed and with its SQL statements counted.

    .venv/bin/python bench/receive.py

Prints time and statements per line for each size. The reference is the 50-line run: the
statements per line must not grow with the size of the order. Last line:
`queries_per_line_ratio <statements per line at 500 / at 50>` (goal: at most 1.1).
Each run uses a fresh bench tenant; its rows stay (ledger entries cannot be deleted).
"""

from __future__ import annotations

import datetime
import time
import uuid
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from erp.models import Membership, Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import Bin, Item, Site, Zone  # noqa: E402
from purchasing.models import PurchasingSettings, Supplier  # noqa: E402
from purchasing.services import orders  # noqa: E402
from tests.factories import UserFactory  # noqa: E402
from warehouse.models import PutawayRule  # noqa: E402
from warehouse.receiving import services as receiving  # noqa: E402


def setup(lines: int):
    tenant = Tenant.objects.create(
        slug=f"bench-receive-{uuid.uuid4().hex[:8]}", name="Bench receiving"
    )
    user = UserFactory(email=f"{tenant.slug}@bench.invalid")
    with tenant_context(tenant):
        Membership.objects.create(tenant=tenant, user=user, role="admin")
        site = Site.objects.create(tenant=tenant, code="BEN", name="Bench")
        dock_zone = Zone.objects.create(
            tenant=tenant, site=site, code="RCV", name="Dock", zone_type="receiving"
        )
        store = Zone.objects.create(
            tenant=tenant, site=site, code="STO", name="Storage", zone_type="storage"
        )
        dock = Bin.objects.create(
            tenant=tenant, site=site, zone=dock_zone, code="DOCK", bin_type="dock"
        )
        Bin.objects.bulk_create(
            [
                Bin(
                    tenant=tenant,
                    site=site,
                    zone=store,
                    code=f"R-{n:04d}",
                    bin_type="reserve",
                    walk_sequence=n,
                    capacity_units=10_000,
                )
                for n in range(lines)
            ]
        )
        ledger.ensure_bin_locations(tenant=tenant)
        PutawayRule.objects.create(tenant=tenant, name="storage", target_zone=store)
        PurchasingSettings.objects.create(tenant=tenant, approval_threshold=Decimal(10**9))
        supplier = Supplier.objects.create(
            tenant=tenant, code="SUP", name="Bench supplier", over_receipt_tolerance_pct=Decimal(5)
        )
        items = Item.objects.bulk_create(
            [
                Item(
                    tenant=tenant,
                    sku=f"B-{n:05d}",
                    description=f"Bench item {n}",
                    standard_cost=Decimal("1.50"),
                )
                for n in range(lines)
            ]
        )
        order = orders.create_order(
            tenant=tenant,
            user=user,
            supplier=supplier,
            site=site,
            expected_date=datetime.date.today(),
        )
        for item in items:
            orders.add_line(
                tenant=tenant,
                user=user,
                order=order,
                item=item,
                quantity=Decimal(20),
                unit_cost=Decimal("1.50"),
            )
        orders.approve(tenant=tenant, user=user, order=order)
        orders.send(tenant=tenant, user=user, order=order)
        dock_location = ledger.bin_location(tenant=tenant, bin=dock)
    # Fresh statistics, as autovacuum would have them for a site set up before receiving.
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inventory_bin, inventory_location, inventory_stockbalance, inventory_item, purchasing_purchaseorderline"
        )
    return tenant, user, order, dock_location


def run(lines: int) -> tuple[float, float]:
    tenant, user, order, dock = setup(lines)
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    with tenant_context(tenant):
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            received = receiving.receive_all(
                tenant=tenant, user=user, order=order, dock=dock, scan_key="bench"
            )
            elapsed = time.perf_counter() - started
        assert len(received) == lines
        assert ledger.verify(tenant.pk) == []
    per_line_ms = elapsed / lines * 1000
    per_line_queries = len(statements) / lines
    print(
        f"lines {lines}: {elapsed:.2f} s, {per_line_ms:.1f} ms per line, {len(statements)} statements, {per_line_queries:.2f} per line"
    )
    return per_line_ms, per_line_queries


def main() -> None:
    run(5)  # warm up connections and prepared statements
    small_ms, small_q = run(50)
    large_ms, large_q = run(500)
    print(f"time_per_line_ratio {large_ms / small_ms:.2f}")
    print(f"queries_per_line_ratio {large_q / small_q:.2f}")


if __name__ == "__main__":
    main()

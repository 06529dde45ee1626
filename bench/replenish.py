"""One replenishment run over many pick faces: 20,000 faces of which 2,000 are at or below
their min (each with its item in a reserve bin), timed and with its SQL statements counted,
then the same over 2,000 faces (200 below min) for the statement-count comparison.

    .venv/bin/python bench/replenish.py

The statement count must not grow with the number of faces (the run is set-based), and the
run must have done its work (one task per face below min, verify_ledger clean). Last line:
`seconds <run time over 20,000 faces>` (goal: under 10).
Each run uses a fresh bench tenant; its rows stay (ledger entries cannot be deleted).
"""

from __future__ import annotations

import time
import uuid
from decimal import Decimal

from _setup import django_setup

django_setup()

from django.db import connection  # noqa: E402

from erp.models import Tenant  # noqa: E402
from erp.tenancy import tenant_context  # noqa: E402
from inventory import ledger  # noqa: E402
from inventory.models import Bin, Item, ItemUnit, Location, LocationKind, Site, Zone  # noqa: E402
from warehouse.models import PickFace, Replenishment, WorkTask  # noqa: E402
from warehouse.replenishment import services  # noqa: E402

CHUNK = 2000


def setup(faces: int, below: int) -> Tenant:
    """`faces` items, each on its own pick face with min 24 / max 96 in cases of 12; the first
    `below` faces hold 10 (at or below min) and have 200 in a reserve bin, the rest hold 50."""
    tenant = Tenant.objects.create(
        slug=f"bench-replenish-{uuid.uuid4().hex[:8]}", name="Bench replenishment"
    )
    with tenant_context(tenant):
        site = Site.objects.create(tenant=tenant, code="BEN", name="Bench")
        pick = Zone.objects.create(
            tenant=tenant, site=site, code="PCK", name="Pick", zone_type="pick"
        )
        store = Zone.objects.create(
            tenant=tenant, site=site, code="STO", name="Storage", zone_type="storage"
        )
        face_bins = Bin.objects.bulk_create(
            [
                Bin(tenant=tenant, site=site, zone=pick, code=f"P-{n:05d}", bin_type="pick_face",
                    walk_sequence=n)
                for n in range(faces)
            ], batch_size=5000,
        )  # fmt: skip
        reserve_bins = Bin.objects.bulk_create(
            [
                Bin(tenant=tenant, site=site, zone=store, code=f"R-{n:05d}", bin_type="reserve",
                    walk_sequence=100_000 + n)
                for n in range(below)
            ], batch_size=5000,
        )  # fmt: skip
        ledger.ensure_bin_locations(tenant=tenant)
        items = Item.objects.bulk_create(
            [
                Item(tenant=tenant, sku=f"B-{n:05d}", description=f"Bench item {n}",
                     standard_cost=Decimal("1.50"))
                for n in range(faces)
            ], batch_size=5000,
        )  # fmt: skip
        ItemUnit.objects.bulk_create(
            [ItemUnit(tenant=tenant, item=item, code="case", factor=12) for item in items],
            batch_size=5000,
        )
        PickFace.objects.bulk_create(
            [
                PickFace(tenant=tenant, item=item, bin=b, min_quantity=24, max_quantity=96,
                         unit="case")
                for item, b in zip(items, face_bins, strict=True)
            ], batch_size=5000,
        )  # fmt: skip
        locations = {
            loc.bin_id: loc for loc in Location.objects.filter(tenant=tenant, kind=LocationKind.BIN)
        }
        supplier = ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER)
        moves = [
            ledger.Move(item=item, quantity=Decimal(10 if n < below else 50), source=supplier,
                        destination=locations[face_bins[n].pk], unit_cost=Decimal("1.50"))
            for n, item in enumerate(items)
        ] + [
            ledger.Move(item=items[n], quantity=Decimal(200), source=supplier,
                        destination=locations[reserve_bins[n].pk], unit_cost=Decimal("1.50"))
            for n in range(below)
        ]  # fmt: skip
        for start in range(0, len(moves), CHUNK):
            ledger.post(
                tenant=tenant, user=None, kind="receipt", moves=moves[start : start + CHUNK]
            )
    # Fresh statistics, as autovacuum would have them for a site set up before the run.
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE inventory_bin, inventory_location, inventory_stockbalance, inventory_item, "
            "inventory_itemunit, warehouse_pickface, warehouse_replenishment, warehouse_picktask"
        )
    return tenant


def run(faces: int, below: int) -> tuple[float, int]:
    tenant = setup(faces, below)
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(1)
        return execute(sql, params, many, context)

    with tenant_context(tenant):
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            made = services.run(tenant=tenant)
            elapsed = time.perf_counter() - started
        assert len(made) == below, (len(made), below)
        quantities = set(Replenishment.objects.values_list("quantity", flat=True))
        assert quantities == {Decimal(96)}, quantities  # 96 - 10 = 86 -> 8 cases of 12
        assert WorkTask.objects.filter(kind="replenish").count() == below
        assert ledger.verify(tenant.pk) == []
    print(f"faces {faces} ({below} below min): {elapsed:.2f} s, {len(statements)} statements, "
          f"{len(made)} tasks")  # fmt: skip
    return elapsed, len(statements)


def main() -> None:
    run(200, 20)  # warm up connections and prepared statements
    _small_s, small_q = run(2_000, 200)
    large_s, large_q = run(20_000, 2_000)
    print(f"statements 2,000 faces {small_q}, 20,000 faces {large_q}")
    assert large_q <= small_q, "the statement count grew with the number of faces"
    print(f"seconds {large_s:.2f}")


if __name__ == "__main__":
    main()

"""`seed_scale` builds a tenant with a consistent history, resumes, and adds nothing when
run again at the same size."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from erp.models import Membership, Tenant
from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import (
    Bin,
    Item,
    Lot,
    Projection,
    Site,
    StockBalance,
    StockEntry,
    StockTransaction,
)
from orders.models import SalesOrder
from purchasing.models import PurchaseOrder

pytestmark = pytest.mark.django_db

SMALL = ["--tenant", "scale", "--items", "50", "--years", "2", "--moves", "100"]


def _seed(entries: int) -> str:
    out = io.StringIO()
    call_command("seed_scale", *SMALL, "--entries", str(entries), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _counts(tenant):
    with tenant_context(tenant):
        return {
            "entries": StockEntry.objects.count(),
            "transactions": StockTransaction.objects.count(),
            "items": Item.objects.count(),
            "lots": Lot.objects.count(),
            "bins": Bin.objects.count(),
            "purchase orders": PurchaseOrder.objects.count(),
            "sales orders": SalesOrder.objects.count(),
            "members": Membership.objects.filter(tenant=tenant).count(),
        }


def _history(tenant):
    with tenant_context(tenant):
        return list(
            StockTransaction.objects.order_by("idempotency_key").values_list(
                "idempotency_key", "posted_at", "kind"
            )
        )


def test_a_small_tenant_is_complete_consistent_and_idempotent():
    output = _seed(2000)
    tenant = Tenant.objects.get(slug="scale")
    counts = _counts(tenant)
    assert counts["entries"] == 2000
    assert counts["items"] == 50
    # 10 lot-tracked items (every fifth) with a lot per quarter of two years.
    assert counts["lots"] == 80
    # Per site: 8 docks, 25 pick faces, 13 reserve bins, 4 shipping lanes.
    assert counts["bins"] == 100
    # One member per role: operator, supervisor, planner, finance, admin and owner.
    assert counts["members"] == 6
    assert counts["purchase orders"] > 0 and counts["sales orders"] > 0
    assert "operator@scale.example" in output and "ledger consistent" in output
    with tenant_context(tenant):
        assert Site.objects.count() == 2
        assert ledger.verify(tenant.pk) == []
        assert not StockBalance.objects.filter(is_real=True, on_hand__lt=0).exists()
        assert Item.objects.filter(costing_method="average").count() == 15
    history = _history(tenant)
    assert {kind for _, _, kind in history} >= {
        "receipt", "putaway", "replenishment", "shipment", "transfer", "move",
    }  # fmt: skip
    times = [at for _, at, _ in history]
    assert times == sorted(times)

    _seed(2000)
    assert _counts(tenant) == counts


def test_an_interrupted_run_finishes_on_the_next_one():
    _seed(600)
    tenant = Tenant.objects.get(slug="scale")
    assert _counts(tenant)["entries"] == 600
    first = len(_history(tenant))
    _seed(2000)
    assert _counts(tenant)["entries"] == 2000
    history = _history(tenant)
    # The second run went on from the first one's last posting in number; in time each run
    # rises, and the second spreads its postings over the years from where 600 of 2,000
    # entries fall (30% of two years), not into the moments after the first run ended.
    assert [key for key, _, _ in history] == [f"seed:0:{n:09d}" for n in range(len(history))]
    times = [at for _, at, _ in history]
    assert times[:first] == sorted(times[:first])
    assert times[first:] == sorted(times[first:])
    years = times[first - 1] - times[0]
    assert times[first] < times[first - 1] - years / 2
    with tenant_context(tenant):
        assert ledger.verify(tenant.pk) == []


def _documents(tenant):
    from warehouse.models import (
        CartonLine,
        Count,
        CountResult,
        Discrepancy,
        PickTask,
        ReceiptLine,
        Shipment,
    )

    with tenant_context(tenant):
        return {
            "shipments": Shipment.objects.count(),
            "carton lines": CartonLine.objects.count(),
            "receipt lines": ReceiptLine.objects.count(),
            "discrepancies": Discrepancy.objects.count(),
            "counts": Count.objects.count(),
            "count results": CountResult.objects.count(),
            "pick tasks": PickTask.objects.count(),
            "sales orders": SalesOrder.objects.count(),
        }


def test_documents_behind_the_history_match_the_ledger_and_are_made_once(monkeypatch):
    import datetime
    import zoneinfo
    from collections import defaultdict
    from decimal import Decimal

    from orders.models import SalesOrderLine
    from purchasing.models import PurchaseOrderLine
    from warehouse.models import CartonLine, Count, CountResult, PickTask, ReceiptLine, Shipment
    from warehouse.scale import documents

    # Chunks of two orders: a posting's three orders go in one chunk all the same.
    monkeypatch.setattr(documents, "CHUNK", 2)
    # 20 moves a posting: 50 postings, two of them count adjustments (postings 23 and 49).
    out = io.StringIO()
    call_command("seed_scale", "--tenant", "docs", "--items", "50", "--years", "2", "--moves",
                 "20", "--entries", "2000", stdout=out, stderr=io.StringIO())  # fmt: skip
    assert "ledger consistent" in out.getvalue()
    tenant = Tenant.objects.get(slug="docs")
    made = _documents(tenant)
    with tenant_context(tenant):
        tz = zoneinfo.ZoneInfo(tenant.time_zone)
        shipped = SalesOrder.objects.filter(number__startswith="SO-S")
        assert made["shipments"] == shipped.count() > 0
        for shipment in Shipment.objects.select_related("order", "transaction"):
            order = shipment.order
            assert (shipment.status, order.status) == ("shipped", "closed")
            assert shipment.shipped_at == shipment.transaction.posted_at
            assert shipment.transaction.kind == "shipment"
            assert order.confirmed_at < shipment.shipped_at
            local = shipment.shipped_at.astimezone(tz).date()
            assert shipment.on_time == (local <= order.promised_date)
        # Each line: ordered = shipped + cancelled, and the cartons hold what shipped.
        in_cartons = defaultdict(Decimal)
        for line_id, quantity in CartonLine.objects.values_list("order_line_id", "quantity"):
            in_cartons[line_id] += quantity
        picked = defaultdict(Decimal)
        for task in PickTask.objects.select_related("from_location__bin", "batch"):
            assert task.state == "done" and task.batch.status == "done"
            assert task.completed_at < task.batch.done_at
            assert task.from_location.bin.zone_id is not None
            picked[task.order_line_id] += task.picked_quantity
        for line in SalesOrderLine.objects.filter(order__in=shipped):
            assert line.quantity_base == line.shipped_base + line.cancelled_base
            assert in_cartons[line.pk] == line.shipped_base == picked[line.pk]
        received = defaultdict(Decimal)
        for line_id, quantity in ReceiptLine.objects.values_list("order_line_id", "quantity_base"):
            received[line_id] += quantity
        lines = list(PurchaseOrderLine.objects.filter(order__number__startswith="PO-S"))
        assert lines and all(received[line.pk] == line.received_base for line in lines)
        for line in lines:
            assert line.short_closed == (line.received_base < line.quantity_base)
        for receipt in ReceiptLine.objects.select_related("transaction"):
            assert receipt.received_at == receipt.transaction.posted_at
        # Counts: per bin and item, counted - expected = what the count posting moved there.
        assert made["counts"] > 0
        for count in Count.objects.select_related("transaction"):
            assert count.status == "approved" and count.transaction.reason == "Cycle count"
            moved = defaultdict(Decimal)
            for e in StockEntry.objects.filter(
                transaction=count.transaction, location=count.location
            ):
                moved[(e.item_id, e.lot_id)] += e.quantity
            results = CountResult.objects.filter(count=count)
            for result in results:
                variance = result.counted - result.expected
                assert variance == moved.get((result.item_id, result.lot_id), Decimal(0))
                # Tolerance: 2 units and 50.00 of value (the defaults set for a scale tenant).
                within = abs(variance) <= 2 and abs(variance * result.unit_cost) <= 50
                assert result.within_tolerance == within
            assert {(r.item_id, r.lot_id) for r in results} >= set(moved)
            assert count.rounds.count() == (1 if all(r.within_tolerance for r in results) else 2)
        # 300 open backorders promised in the past, nothing allocated, published as demand.
        backorders = SalesOrder.objects.filter(number__startswith="SO-B")
        assert backorders.count() == 300
        assert set(backorders.values_list("status", flat=True)) == {"confirmed"}
        today = datetime.datetime.now(tz).date()
        assert not backorders.filter(promised_date__gte=today).exists()
        open_lines = SalesOrderLine.objects.filter(order__in=backorders)
        assert not open_lines.exclude(allocated_base=0, shipped_base=0, picked_base=0).exists()
        assert not open_lines.filter(backordered_since__isnull=True).exists()
        demand = dict(
            Projection.objects.filter(
                kind="demand", source_id__in=open_lines.values("pk")
            ).values_list("source_id", "quantity")
        )
        assert demand == {pk: -q for pk, q in open_lines.values_list("pk", "quantity_base")}
        assert ledger.verify(tenant.pk) == []

    again = io.StringIO()
    call_command("seed_scale_documents", "--tenant", "docs", stdout=again, stderr=io.StringIO())
    assert "documents added: 0 shipments" in again.getvalue()
    assert "0 backorders" in again.getvalue()
    assert _documents(tenant) == made

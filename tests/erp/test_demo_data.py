"""Demo data loads, and loading it again changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from erp.alerts.registry import rules
from erp.models import Alert, Membership, Tenant, User
from erp.tenancy import tenant_context
from inventory import ledger, scanning
from inventory.alerts import LEDGER_DIFFERENCES
from inventory.models import (
    Adjustment,
    Bin,
    DefaultSite,
    Item,
    ItemSegment,
    Lot,
    Projection,
    Reservation,
    Site,
    StockEntry,
    Zone,
)
from orders.models import Customer, SalesOrder, SalesOrderLine, ShipTo
from purchasing.models import PlanningRun, PurchaseOrder, ReorderSuggestion
from returns.models import ReturnAuthorisation, RmaStatus
from warehouse.models import Count, Discrepancy, PutawayTask, ReceiptLine

pytestmark = pytest.mark.django_db


def _snapshot():
    counts = {"tenants": Tenant.objects.count(), "users": User.objects.count()}
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            for model in (Membership, Site, Zone, Bin, Item, Customer, ShipTo, SalesOrder):
                counts[(tenant.slug, model.__name__)] = model.objects.count()
                counts[(tenant.slug, model.__name__, "history")] = model.history.count()
            for model in (
                DefaultSite,
                Lot,
                StockEntry,
                Adjustment,
                Projection,
                PurchaseOrder,
                ReceiptLine,
                Discrepancy,
                PutawayTask,
                SalesOrderLine,
                Reservation,
                ItemSegment,
            ):
                counts[(tenant.slug, model.__name__)] = model.objects.count()
            counts[(tenant.slug, "segments")] = sorted(
                ItemSegment.objects.values_list(
                    "item__sku", "site__code", "abc_class", "xyz_class", "annual_value"
                )
            )
            counts[(tenant.slug, "suggestions")] = sorted(
                ReorderSuggestion.objects.values_list("item__sku", "site__code", "kind", "quantity")
            )
            counts[(tenant.slug, "planning-runs")] = PlanningRun.objects.count()
            counts[(tenant.slug, "projection-times")] = sorted(
                Projection.objects.values_list("updated_at", flat=True)
            )
            counts[(tenant.slug, "verify")] = ledger.verify(tenant.pk)
            counts[(tenant.slug, "count-statuses")] = sorted(
                Count.objects.filter(source="request").values_list("status", flat=True)
            )
            counts[(tenant.slug, "other-counts")] = sorted(
                set(Count.objects.exclude(source="request").values_list("source", "status"))
            )
            counts[(tenant.slug, "order-statuses")] = sorted(
                SalesOrder.objects.values_list("status", flat=True)
            )
            counts[(tenant.slug, "customers")] = sorted(
                Customer.objects.values_list("priority", "credit_hold", "min_shelf_life_days")
            )
            counts[(tenant.slug, "open-alert-kinds")] = sorted(
                set(Alert.objects.filter(status="open").values_list("kind", flat=True))
            )
            counts[(tenant.slug, "alerts")] = Alert.objects.count()
            counts[(tenant.slug, "rma-statuses")] = sorted(
                ReturnAuthorisation.objects.values_list("status", flat=True)
            )
            counts[(tenant.slug, "unallocated-lines")] = sum(
                1 for line in SalesOrderLine.objects.all() if line.unallocated_base > 0
            )
    return counts


def test_demo_data_is_complete_and_idempotent():
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first
    assert first["tenants"] == 2 and first["users"] == 13
    for slug in ("northwind", "harbor"):
        assert first[(slug, "Site")] == 2
        assert first[(slug, "Membership")] == 7
        assert 200 <= first[(slug, "Bin")] <= 400
        assert first[(slug, "Item")] == 6 and first[(slug, "Lot")] >= 4
        assert first[(slug, "StockEntry")] > 0 and first[(slug, "verify")] == []
        assert first[(slug, "Adjustment")] == 2
        # One count awaiting approval, one waiting on the floor, one counted right and approved.
        assert first[(slug, "count-statuses")] == ["approved", "counted", "open"]
        # Besides, the demo's short pick (for the alert inbox) opens a count of its bin, and
        # demo picks that empty a pick face open a count of it (none other).
        assert ("short_pick", "open") in first[(slug, "other-counts")]
        assert set(first[(slug, "other-counts")]) <= {("short_pick", "open"), ("pick_face", "open")}
        assert first[(slug, "PurchaseOrder")] == 5 and first[(slug, "ReceiptLine")] >= 2
        assert first[(slug, "Discrepancy")] >= 1 and first[(slug, "PutawayTask")] >= 1
        assert first[(slug, "Customer")] == 5 and first[(slug, "ShipTo")] == 6
        # Both sites use the same bin codes: each member starts at a site, and a label
        # (SITE/BIN) names one bin.
        assert first[(slug, "DefaultSite")] == first[(slug, "Membership")]
        tenant = Tenant.objects.get(slug=slug)
        with tenant_context(tenant):
            sites = list(Site.objects.order_by("code"))
            for site in sites:
                bin = Bin.objects.select_related("site").get(site=site, code="R-01-01-A")
                location = scanning.resolve_bin(tenant=tenant, code=scanning.label_text(bin))
                assert location.bin == bin
        assert {priority for priority, _, _ in first[(slug, "customers")]} == {1, 2, 3}
        assert any(hold for _, hold, _ in first[(slug, "customers")])
        assert any(shelf_life for _, _, shelf_life in first[(slug, "customers")])
        # The released orders at the first site went into the demo wave and are being picked.
        statuses = first[(slug, "order-statuses")]
        assert first[(slug, "SalesOrder")] == 9 and "picking" in statuses
        assert {
            "draft",
            "confirmed",
            "allocated",
            "partially_allocated",
            "shipped",
            "cancelled",
        } <= set(statuses)
        # An RMA in each status, against the shipped order.
        assert first[(slug, "rma-statuses")] == sorted(RmaStatus.values)
        assert first[(slug, "Reservation")] > 0 and first[(slug, "unallocated-lines")] >= 2
        # The inbox opens with an alert of every kind (a second load raises none again), but
        # for "the ledger has differences": the demo's ledger verifies clean.
        assert first[(slug, "open-alert-kinds")] == sorted(
            rule.kind for rule in rules() if rule.kind != LEDGER_DIFFERENCES
        )
        # A segment for every item at both sites, from a year of demo sales history.
        segments = first[(slug, "segments")]
        assert first[(slug, "ItemSegment")] == 12
        assert {abc for _, _, abc, _, _ in segments} == {"A", "B", "C"}
        assert {xyz for _, _, _, xyz, _ in segments} == {"X", "Y", "Z"}
        # A planning run over the history leaves suggestions for the planner to review.
        assert first[(slug, "planning-runs")] == 1
        assert {kind for _, _, kind, _ in first[(slug, "suggestions")]} == {
            "purchase",
            "transfer",
        }, first[(slug, "suggestions")]
    consultant = User.objects.get(email="consultant@example.com")
    assert consultant.check_password("stockline-demo")

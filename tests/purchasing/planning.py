"""Helpers for planning tests: history posted through the ledger, supplier terms, lead times
measured from received orders, and a run."""

from __future__ import annotations

import datetime
from decimal import Decimal

from erp.tenancy import tenant_context
from purchasing.models import (
    OrderStatus,
    PlanningRun,
    PurchasingSettings,
    ReorderSuggestion,
    SupplierItem,
)
from purchasing.planning import run as planning
from tests.factories import PurchaseOrderFactory, PurchaseOrderLineFactory, member
from tests.inventory.pages import receive_at, ship_at

AS_OF = datetime.date(2025, 6, 30)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def days_ago(n: int) -> datetime.datetime:
    return noon(AS_OF - datetime.timedelta(days=n))


def stock(tenant, item, bin, quantity, *, ago: int = 400) -> None:
    receive_at(tenant, item, bin, quantity, "2.00", days_ago(ago))


def ship(tenant, item, bin, quantity, *, ago: int) -> None:
    ship_at(tenant, item, bin, quantity, days_ago(ago))


def alternate(tenant, item, bin, low: int, high: int, days: int = 28) -> None:
    """Ship `low` and `high` on alternate days over the last `days` days (today included)."""
    for n in range(days):
        ship(tenant, item, bin, low if n % 2 else high, ago=n)


def sells(supplier, item, *, pack="1", minimum="0", price="2.00", lead=None, preferred=False):
    with tenant_context(supplier.tenant):
        return SupplierItem.objects.create(
            tenant=supplier.tenant, supplier=supplier, item=item, pack_size=Decimal(pack),
            minimum_order_quantity=Decimal(minimum), price=Decimal(price), lead_time_days=lead,
            preferred=preferred,
        )  # fmt: skip


def received_after(supplier, site, item, days: list[int]) -> None:
    """One received order line per entry, its goods arriving that many days after sending."""
    user = member(supplier.tenant, "planner")
    for n, lead in enumerate(days):
        sent = days_ago(60 + n)
        order = PurchaseOrderFactory(
            supplier=supplier, site=site, status=OrderStatus.RECEIVED, approved_by=user,
            approved_at=sent, sent_at=sent, created_by=user,
        )  # fmt: skip
        PurchaseOrderLineFactory(
            order=order, item=item, received_base=Decimal(10),
            first_received_at=sent + datetime.timedelta(days=lead),
        )  # fmt: skip


def settings(tenant, **values) -> None:
    with tenant_context(tenant):
        row, _ = PurchasingSettings.objects.get_or_create(tenant=tenant)
        for name, value in values.items():
            setattr(row, name, value)
        row.save()


def run(tenant, as_of=AS_OF) -> list[ReorderSuggestion]:
    with tenant_context(tenant):
        job = PlanningRun.objects.create(tenant=tenant)
        planning.run_planning(tenant=tenant, run=job, as_of=as_of)
    return suggestions(tenant)


def suggestions(tenant, **filters) -> list[ReorderSuggestion]:
    with tenant_context(tenant):
        return list(
            ReorderSuggestion.objects.filter(tenant=tenant, **filters)
            .select_related("item", "site", "from_site", "supplier")
            .order_by("site__code", "kind", "id")
        )

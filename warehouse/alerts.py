"""warehouse's alert rules (registered from `ready()`): short picks, pick faces run dry while
orders want the item, replenishments left undone, orders not shipped by their promised date.
Each reads its subjects in one query."""

from __future__ import annotations

import datetime

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp import formats, outbox
from erp.alerts import selectors as alert_selectors
from erp.alerts.registry import Finding, Rule, days_late, local_today, register
from erp.numbers import quantity
from inventory.models import Projection, ProjectionKind, StockBalance, StockStatus
from orders.models import OrderStatus, SalesOrder
from warehouse.models import (
    ExceptionKind,
    FloorException,
    PickFace,
    Replenishment,
    ReplenishmentState,
)
from warehouse.permissions import ALERTED, SUPERVISORS

SHORT_PICK = "warehouse.short_pick"
FACE_EMPTY = "warehouse.face_empty"
REPLENISHMENT_OVERDUE = "warehouse.replenishment_overdue"
LATE_SHIPMENT = "warehouse.late_shipment"
RUN_RULES_TASK = "erp.alerts.tasks.run_alert_rules_task"

# Orders still to leave the building; a shipped, closed or cancelled one is never late.
NOT_SHIPPED = [
    OrderStatus.CONFIRMED, OrderStatus.PARTIALLY_ALLOCATED, OrderStatus.ALLOCATED,
    OrderStatus.RELEASED, OrderStatus.PICKING, OrderStatus.PACKED, OrderStatus.PARTIALLY_SHIPPED,
]  # fmt: skip


def short_picks(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Short picks no supervisor has acknowledged on the floor-exceptions page yet."""
    rows = (
        FloorException.objects.filter(
            tenant=tenant, kind=ExceptionKind.SHORT_PICK, acknowledged_at__isnull=True
        )
        .values(
            "pk", "order__number", "item__sku", "location__code", "expected", "found", "outcome"
        )
        .order_by("pk")
    )
    link = reverse("warehouse:exception_list")
    return [
        Finding(
            subject=f"floor_exception:{row['pk']}",
            message=(
                f"Short pick{' on ' + row['order__number'] if row['order__number'] else ''}: "
                f"{quantity(row['found'])} of {quantity(row['expected'])} {row['item__sku']} "
                f"in {row['location__code'] or '—'} ({row['outcome']})"
            ),
            link=link,
            roles=SUPERVISORS,
        )
        for row in rows
    ]


def empty_faces(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Pick faces with nothing available in their bin while sales demand for the item waits
    at the face's site."""
    on_hand = (
        StockBalance.objects.filter(
            tenant=tenant, location__bin=OuterRef("bin"), item=OuterRef("item"),
            status=StockStatus.AVAILABLE,
        )
        .values("item")
        .annotate(total=Sum("on_hand"))
        .values("total")
    )  # fmt: skip
    wanted = (
        Projection.objects.filter(
            tenant=tenant, item=OuterRef("item"), site=OuterRef("bin__site"),
            kind=ProjectionKind.DEMAND,
        )
        .values("item")
        .annotate(total=Sum("quantity"))
        .values("total")
    )  # fmt: skip
    zero = Value(0, output_field=DecimalField(max_digits=18, decimal_places=4))
    rows = (
        PickFace.objects.filter(tenant=tenant)
        .annotate(on_hand=Coalesce(Subquery(on_hand), zero), demand=Subquery(wanted))
        .filter(on_hand__lte=0, demand__lt=0)
        .values("pk", "bin__code", "bin__site__code", "item__sku", "demand")
        .order_by("pk")
    )
    link = reverse("warehouse:replenish_queue")
    return [
        Finding(
            subject=f"pick_face:{row['pk']}",
            message=(
                f"Pick face {row['bin__site__code']}/{row['bin__code']} is empty of "
                f"{row['item__sku']}; orders want {quantity(-row['demand'])}"
            ),
            link=link,
            roles=SUPERVISORS,
        )
        for row in rows
    ]


def overdue_replenishments(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Replenishment tasks still open longer than the tenant's due time (alert settings) after
    they were made: such a task is holding up picks at its face."""
    due = datetime.timedelta(hours=alert_selectors.settings_for(tenant).replenishment_due_hours)
    rows = (
        Replenishment.objects.filter(
            tenant=tenant, state=ReplenishmentState.OPEN, created_at__lt=now - due
        )
        .values(
            "pk", "created_at", "quantity", "item__sku", "from_location__code",
            "to_location__code",
        )
        .order_by("pk")
    )  # fmt: skip
    return [
        Finding(
            subject=f"replenishment:{row['pk']}",
            message=(
                f"Replenishment #{row['pk']}: {quantity(row['quantity'])} {row['item__sku']} "
                f"{row['from_location__code']} → {row['to_location__code']} open for "
                f"{int((now - row['created_at']).total_seconds() // 3600)} h"
            ),
            link=reverse("warehouse:replenish_task", args=[row["pk"]]),
            roles=SUPERVISORS,
        )
        for row in rows
    ]


def late_shipments(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Confirmed orders not (fully) shipped whose promised ship date has passed. The model
    has no carrier cut-off time yet, so the promised date is the only deadline."""
    today = local_today(tenant, now)
    rows = (
        SalesOrder.objects.filter(tenant=tenant, status__in=NOT_SHIPPED, promised_date__lt=today)
        .values("pk", "number", "promised_date", "status", "customer__name", "site__code")
        .order_by("promised_date", "pk")
    )
    return [
        Finding(
            subject=f"sales_order:{row['pk']}",
            message=(
                f"{row['number']} for {row['customer__name']} from {row['site__code']} was "
                f"promised to ship {formats.day(row['promised_date'])}, "
                f"{days_late(row['promised_date'], today)} ({OrderStatus(row['status']).label.lower()})"
            ),
            link=reverse("orders:order_detail", args=[row["pk"]]),
            roles=ALERTED,
        )
        for row in rows
    ]


def short_pick_recorded(*, tenant) -> None:
    """Run the short-pick rule right after the pick commits (through the outbox), so the
    supervisor hears of it now rather than at the next scheduled run."""
    outbox.enqueue(RUN_RULES_TASK, tenant.pk, [SHORT_PICK])


def register_all() -> None:
    register(
        Rule(SHORT_PICK, _("Short picks"), short_picks,
             _("A picker found less in the bin than the task asked for.")),
        Rule(FACE_EMPTY, _("Pick faces empty with demand"), empty_faces,
             _("A pick face holds none of its item while orders at its site want it.")),
        Rule(REPLENISHMENT_OVERDUE, _("Replenishments overdue"), overdue_replenishments,
             _("A replenishment task has been open for more than two hours.")),
        Rule(LATE_SHIPMENT, _("Late shipments"), late_shipments,
             _("An order has not shipped by its promised ship date.")),
    )  # fmt: skip

"""purchasing's alert rule: receipts overdue from suppliers (registered from `ready()`)."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp import formats
from erp.alerts.registry import Finding, Rule, days_late, local_today, register
from erp.numbers import quantity
from purchasing.models import OPEN_STATUSES, PurchaseOrderLine
from purchasing.permissions import ALERTED

OVERDUE_RECEIPT = "purchasing.overdue_receipt"


def overdue_receipts(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Lines of sent or approved orders expected before today with quantity still to come
    (one query)."""
    today = local_today(tenant, now)
    rows = (
        PurchaseOrderLine.objects.filter(
            tenant=tenant,
            order__status__in=OPEN_STATUSES,
            expected_date__lt=today,
            short_closed=False,
            received_base__lt=F("quantity_base"),
        )
        .values(
            "pk", "line_no", "expected_date", "quantity_base", "received_base", "order_id",
            "order__number", "order__supplier__name", "item__sku",
        )
        .order_by("expected_date", "pk")
    )  # fmt: skip
    return [
        Finding(
            subject=f"po_line:{row['pk']}",
            message=(
                f"{row['order__number']} line {row['line_no']}: "
                f"{quantity(row['quantity_base'] - row['received_base'])} {row['item__sku']} "
                f"from {row['order__supplier__name']} expected {formats.day(row['expected_date'])}, "
                f"{days_late(row['expected_date'], today)}"
            ),
            link=reverse("purchasing:order_detail", args=[row["order_id"]]),
            roles=ALERTED,
        )
        for row in rows
    ]


def register_all() -> None:
    register(
        Rule(
            OVERDUE_RECEIPT,
            _("Overdue receipts"),
            overdue_receipts,
            _("A purchase order line expected before today still has quantity to receive."),
        )
    )

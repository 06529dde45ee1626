"""orders' alert rules (registered from `ready()`): backorders left waiting, and promised lines
that available-to-promise no longer covers. Each reads its subjects in one query."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from erp import formats
from erp.alerts import selectors as alert_selectors
from erp.alerts.registry import Finding, Rule, local_today, register
from erp.numbers import quantity
from inventory.models import Item, Projection, ProjectionKind, Site, StockBalance, StockStatus
from orders.models import ALLOCATABLE, SalesOrder, SalesOrderLine
from orders.permissions import AGING_ALERTED, ALERTED
from orders.services.sales_orders import SOURCE

AGING_BACKORDER = "orders.aging_backorder"
NEGATIVE_ATP = "orders.negative_atp"


def aging_backorders(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Open order lines still short of stock longer than the tenant's backorder age (alert
    settings) after allocation first came up short."""
    age = datetime.timedelta(days=alert_selectors.settings_for(tenant).backorder_age_days)
    rows = (
        SalesOrderLine.objects.filter(
            tenant=tenant, order__status__in=ALLOCATABLE,
            backordered_since__lt=now - age,
        )
        .annotate(
            waiting=F("quantity_base") - F("allocated_base") - F("picked_base")
            - F("shipped_base") - F("cancelled_base")
        )
        .filter(waiting__gt=0)
        .values("pk", "line_no", "order_id", "order__number", "item__sku", "waiting",
                "backordered_since")
        .order_by("backordered_since", "pk")
    )  # fmt: skip
    return [
        Finding(
            subject=f"so_line:{row['pk']}",
            message=(
                f"{row['order__number']} line {row['line_no']}: {quantity(row['waiting'])} "
                f"{row['item__sku']} backordered for {(now - row['backordered_since']).days} days"
            ),
            link=reverse("orders:order_detail", args=[row["order_id"]]),
            roles=AGING_ALERTED,
        )
        for row in rows
    ]


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def negative_atp(*, tenant, now: datetime.datetime) -> list[Finding]:
    """Promised lines whose date falls where the item's time-phased ATP at
    the site is below zero: free stock plus supply, less the demand promised up to that day
    (inventory.selectors.atp, by window functions over every item and site at once). Promises
    are served in date order, so the line on the first short day is the one at risk."""
    today = local_today(tenant, now)
    sql = f"""
        WITH free AS (
            SELECT item_id, site_id, SUM(on_hand - reserved) AS qty
            FROM {_table(StockBalance)}
            WHERE tenant_id = %(tenant)s AND is_real AND status = %(available)s
            GROUP BY item_id, site_id
        ), daily AS (
            SELECT item_id, site_id, GREATEST(date, %(today)s) AS day, SUM(quantity) AS net
            FROM {_table(Projection)} WHERE tenant_id = %(tenant)s
            GROUP BY item_id, site_id, GREATEST(date, %(today)s)
        ), running AS (
            SELECT d.item_id, d.site_id, d.day, COALESCE(f.qty, 0) + SUM(d.net) OVER (
                PARTITION BY d.item_id, d.site_id ORDER BY d.day) AS cumulative
            FROM daily d LEFT JOIN free f ON f.item_id = d.item_id AND f.site_id = d.site_id
        )
        SELECT l.id, l.line_no, o.id, o.number, i.sku, s.code, p.date, -p.quantity, r.cumulative
        FROM {_table(Projection)} p
        JOIN running r ON r.item_id = p.item_id AND r.site_id = p.site_id
            AND r.day = GREATEST(p.date, %(today)s)
        JOIN {_table(SalesOrderLine)} l ON l.tenant_id = p.tenant_id AND l.id = p.source_id
        JOIN {_table(SalesOrder)} o ON o.tenant_id = l.tenant_id AND o.id = l.order_id
        JOIN {_table(Item)} i ON i.tenant_id = p.tenant_id AND i.id = p.item_id
        JOIN {_table(Site)} s ON s.tenant_id = p.tenant_id AND s.id = p.site_id
        WHERE p.tenant_id = %(tenant)s AND p.source_type = %(source)s AND p.kind = %(demand)s
            AND r.cumulative < 0 AND o.status = ANY(%(live)s)
        ORDER BY p.date, l.id
    """
    params = {
        "tenant": tenant.pk, "today": today, "available": StockStatus.AVAILABLE.value,
        "source": SOURCE, "demand": ProjectionKind.DEMAND.value,
        "live": [str(s) for s in ALLOCATABLE],
    }  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        Finding(
            subject=f"so_line:{line_id}",
            message=(
                f"{number} line {line_no}: {quantity(wanted)} {sku} promised {formats.day(day)} "
                f"from {site}, where available-to-promise is {quantity(Decimal(atp))}"
            ),
            link=reverse("orders:order_detail", args=[order_id]),
            roles=ALERTED,
        )
        for line_id, line_no, order_id, number, sku, site, day, wanted, atp in rows
    ]


def register_all() -> None:
    register(
        Rule(AGING_BACKORDER, _("Aging backorders"), aging_backorders,
             _("An order line has waited for stock for more than three days.")),
        Rule(NEGATIVE_ATP, _("Negative ATP on promised orders"), negative_atp,
             _("A promised line falls on a day when the item's ATP at its site is below zero.")),
    )  # fmt: skip

"""Stock on hand: what sits in the bins, filtered and totalled on the server."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from erp.roles import may_open, roles_required
from erp.tables import Column, build_table
from inventory import selectors
from inventory.filters import StockFilter
from inventory.permissions import DESK
from inventory.views.figures import table_and_figures_response

EXPIRY_WARNING_DAYS = 30


@roles_required(*DESK)
def stock_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # A URL name only: inventory imports no warehouse code.
    can_count = may_open(request, "warehouse:count_list")
    table = build_table(
        request,
        name="stock",
        queryset=selectors.stock_on_hand(tenant=request.tenant),
        filterset_class=StockFilter,
        columns=[
            Column("SKU", "item__sku", css="code", value="item.sku"),
            Column("Description", "item__description", css="hide-sm", value="item.description"),
            Column("Site", "site__code", value="site.code"),
            Column(
                "Zone", "location__bin__zone__code", css="hide-md", value="location.bin.zone.code"
            ),
            Column("Bin", "location__bin__code", css="code", value="location.bin.code"),
            Column("Lot", "lot__code", css="hide-sm", value="lot.code"),
            Column("Expiry", "lot__expiry_date", css="nowrap hide-sm", value="lot.expiry_date"),
            Column("Serial", "serial__serial", css="hide-md", value="serial.serial"),
            Column("Status", "status", value="get_status_display"),
            Column("On hand", "on_hand", css="num hide-sm", value="on_hand"),
            Column("Reserved", "reserved", css="num hide-sm", value="reserved"),
            Column("Available", "available", css="num", value="available"),
            *([Column("")] if can_count else []),
        ],
        row_template="inventory/stock/_row.html",
        default_sort="item__sku",
        per_page=50,
        figures=selectors.stock_totals,
        extra={
            "today": today,
            "expiry_warning": today + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
            "can_count": can_count,
        },
    )
    return table_and_figures_response(
        request,
        template="inventory/stock/list.html",
        figures_template="inventory/stock/_totals.html",
        table=table,
        figures=table.figures,
        context={"expiry_warning_days": EXPIRY_WARNING_DAYS},
    )

"""The service and throughput KPI pages: service level, backorder aging, order cycle time and
throughput (reporting.measures.service). Each reads on the replica when there is one
(`erp.replica`), states its formula and period, and links every figure to what is behind it:
the drill-down tables on the page, or orders' backorder list filtered to the bucket."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from erp.numbers import quantity
from erp.replica import read_on_replica
from erp.roles import roles_required
from erp.tables import Column, build_table, table_partial
from orders.selectors import bucket_for
from reporting import snapshots
from reporting.charts import Point, bar_chart, column_chart
from reporting.figures import Figure, percent
from reporting.measures import service
from reporting.permissions import KPI_READERS
from reporting.scope import NO_CATEGORY, ScopeForm

ORDER_FIELDS = ("site", "customer", "category", "abc_class")
FORMULAS = {
    "service_level": (
        "Order fill rate = orders whose first shipment carried every line complete / orders "
        "first shipped in the period. Line fill rate = lines complete in their order's first "
        "shipment / lines of those orders. Unit fill rate = units in the first shipment / units "
        "ordered on those lines (backorders cancelled on closing count as not shipped). "
        "On-time shipment = shipments confirmed on or before their order's promised date / "
        "shipments confirmed in the period. OTIF = lines promised in the period (up to today) "
        "shipped in full by the end of their promised day / those lines; draft and cancelled "
        "orders are not due."
    ),
    "backorder_aging": (
        "Open backordered quantity (ordered - allocated - picked - shipped - cancelled, on "
        "confirmed orders) by days past the line's promised date, as of today in the "
        "organisation's time zone: 0-7 (lines not yet due included), 8-14, 15-30, 31-60, 60+. "
        "It is the position now: the period does not apply."
    ),
    "cycle_time": (
        "Order cycle time = the confirm time of the order's last shipment - the order's confirm "
        "time, for orders with nothing left to ship (shipped or closed) whose last shipment was "
        "confirmed in the period. Median and 90th percentile (continuous)."
    ),
    "throughput": (
        "Lines and units picked (sales pick tasks and transfer picks confirmed in the period, "
        "by the zone of the bin picked from) and shipped (shipment contents, a line once per "
        "shipment, and transfer lines shipped), by shift, zone and order type. Shifts are fixed "
        "in the organisation's time zone: early 06:00-14:00, late 14:00-22:00, night "
        "22:00-06:00; work falls in the shift of the hour it was confirmed. Shipments leave "
        "from staging, so zones show picks only."
    ),
}


def _scope(request: HttpRequest, fields=ORDER_FIELDS):
    form = ScopeForm(request.GET, tenant=request.tenant, fields=fields)
    return form, form.scope()


def _render(request, template, *, form, scope, key, read, tables=(), **context):
    partial = table_partial(request, *tables)
    if partial is not None:
        return partial
    return render(
        request,
        f"reporting/service/{template}",
        {
            "form": form,
            "scope": scope,
            "formula": FORMULAS[key],
            "source_note": read.note,
            **context,
        },
    )


def _rate_figure(rate, href: str, unit: str = "") -> Figure:
    numerator = quantity(rate.numerator) if unit else rate.numerator
    denominator = quantity(rate.denominator) if unit else rate.denominator
    return Figure(rate.label, percent(rate.value), href, f"{numerator} of {denominator}{unit}")


def _line_columns(third: str, attr: str) -> list[Column]:
    return [
        Column("Order / line", "order__number", value=lambda r: f"{r.order.number}/{r.line_no}"),
        Column("Customer", "order__customer__code", css="hide-sm", value="order.customer.code"),
        Column("Item", "item__sku", value="item.sku"),
        Column("Ships from", css="hide-md", value="order.site.code"),
        Column("Promised", "promised_date", value="promised_date"),
        Column("Ordered", css="num", value="quantity_base"),
        Column(third, css="num", value=attr),
        Column("Shipped to date", css="num hide-sm", value="shipped_base"),
    ]


def _rows(rate):
    """A drill-down's row count, known from its rate (what it could count - what it counted):
    the pager need not count the lines again, each by its correlated subquery."""
    return lambda rows: {"rows": int(rate.denominator - rate.numerator)}


@roles_required(*KPI_READERS)
def service_level(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)

    def read(alias):
        rates = service.fill_rates(scope, using=alias)
        timely = service.on_time(scope, using=alias)
        otif = service.otif(scope, using=alias)
        trends = {key: snapshots.trend(scope, key, using=alias) for key in ("otif", "order_fill")}
        short = build_table(
            request, name="short-lines", prefix="short",
            queryset=service.short_lines(scope, using=alias),
            columns=_line_columns("In first shipment", "first_quantity"),
            row_template="reporting/service/_line_row.html", default_sort="promised_date",
            extra={"third": "first_quantity"}, per_page=20, figures=_rows(rates["line_fill"]),
            empty="Every line of the orders first shipped in the period was complete.",
        ).fetch()  # fmt: skip
        late = build_table(
            request,
            name="late-shipments",
            prefix="late",
            queryset=service.shipments(scope, using=alias)
            .exclude(on_time=True)
            .select_related("order__customer", "order__site"),
            columns=[
                Column("Shipment", "number", value="number"),
                Column("Order", "order__number", value="order.number"),
                Column(
                    "Customer", "order__customer__code", css="hide-sm", value="order.customer.code"
                ),
                Column("Promised", "order__promised_date", value="order.promised_date"),
                Column("Confirmed", "shipped_at", value="shipped_at"),
            ],
            row_template="reporting/service/_shipment_row.html",
            default_sort="shipped_at",
            per_page=20,
            figures=_rows(timely),
            empty="No shipment left after its promised date.",
        ).fetch()
        missed = build_table(
            request, name="missed-lines", prefix="missed",
            queryset=service.missed_lines(scope, using=alias),
            columns=_line_columns("Shipped by the promised day", "on_time_quantity"),
            row_template="reporting/service/_line_row.html", default_sort="promised_date",
            extra={"third": "on_time_quantity"}, per_page=20, figures=_rows(otif),
            empty="Every line due was shipped in full on time.",
        ).fetch()  # fmt: skip
        return rates, timely, otif, trends, (short, late, missed)

    result = read_on_replica(read)
    rates, timely, otif, trends, tables = result.result
    charts = []
    for key, title in (("otif", "OTIF by day"), ("order_fill", "Order fill rate by day")):
        trend = trends[key]
        charts.append(
            (
                column_chart(
                    title,
                    [
                        Point(
                            f"{d.day:%-d %b}" + (" (today)" if d.live else ""),
                            (d.value or 0) * 100,
                            percent(d.value) + f" ({d.numerator:g}/{d.denominator:g})",
                        )
                        for d in trend.days
                    ],
                    unit="%",
                ),
                trend,
            )
        )
    figures = [
        _rate_figure(rates["order_fill"], "#short-lines"),
        _rate_figure(rates["line_fill"], "#short-lines"),
        _rate_figure(rates["unit_fill"], "#short-lines", unit=" units"),
        _rate_figure(timely, "#late-shipments"),
        _rate_figure(otif, "#missed-lines"),
    ]
    return _render(
        request, "service_level.html", form=form, scope=scope, key="service_level", read=result,
        tables=tables, figures=figures, charts=charts,
        rates={**rates, "on_time": timely, "otif": otif}, tables_by_name=dict(
            zip(("short", "late", "missed"), tables, strict=True)
        ),
        trend_filters=scope.customer is not None or scope.category is not None
        or bool(scope.abc_class),
    )  # fmt: skip


def backorder_href(scope, bucket_key: str | None = None) -> str:
    params = {}
    if bucket_key:
        params["bucket"] = bucket_key
    if scope.site is not None:
        params["site"] = scope.site.pk
    if scope.customer is not None:
        params["customer"] = scope.customer.code
    if scope.category is not None:
        params["category"] = scope.category or NO_CATEGORY
    if scope.abc_class:
        params["abc_class"] = scope.abc_class
    url = reverse("orders:backorder_list")
    return f"{url}?{urlencode(params)}" if params else url


@roles_required(*KPI_READERS)
def backorder_aging(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    result = read_on_replica(lambda alias: service.backorder_aging(scope, using=alias))
    aging = result.result
    points = [
        Point(
            b["bucket"].span, b["quantity"],
            f"{quantity(b['quantity'])} ({b['lines']} line{'s' if b['lines'] != 1 else ''})",
            backorder_href(scope, b["bucket"].key),
        )
        for b in aging.buckets
    ]  # fmt: skip
    everything = backorder_href(scope)
    figures = [
        Figure("Open backorder lines", str(aging.lines), everything),
        Figure("Backordered quantity", quantity(aging.quantity), everything, "base units"),
        Figure(
            "Oldest, days past promise",
            "—" if aging.oldest_days is None else str(aging.oldest_days),
            backorder_href(scope, _oldest_bucket(aging)),
        ),
    ]
    return _render(
        request, "backorder_aging.html", form=form, scope=scope, key="backorder_aging",
        read=result, figures=figures, aging=aging, rows=list(zip(aging.buckets, points, strict=True)),
        chart=column_chart("Backordered quantity by days past promise", points, unit="base units"),
    )  # fmt: skip


def _oldest_bucket(aging) -> str | None:
    if aging.oldest_days is None:
        return None
    return bucket_for(aging.oldest_days).key


@roles_required(*KPI_READERS)
def cycle_time(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)

    def read(alias):
        figures = service.cycle_time(scope, using=alias)
        table = build_table(
            request,
            name="cycle-orders",
            queryset=service.cycle_orders(scope, using=alias).select_related("customer", "site"),
            columns=[
                Column("Order", "number", value="number"),
                Column("Customer", "customer__code", css="hide-sm", value="customer.code"),
                Column("Ships from", css="hide-md", value="site.code"),
                Column("Confirmed", "confirmed_at", value="confirmed_at"),
                Column("Last shipped", "last_shipped_at", css="hide-sm", value="last_shipped_at"),
                Column(
                    "Cycle time",
                    "cycle_seconds",
                    css="num",
                    value=lambda r: round(r.cycle_seconds / 3600, 2),
                ),
            ],
            row_template="reporting/service/_cycle_row.html",
            default_sort="-cycle_seconds",
            per_page=25,
            empty="No order finished shipping in the period.",
        ).fetch()
        return figures, table

    result = read_on_replica(read)
    figures, table = result.result
    headline = [
        Figure("Orders", str(figures.orders), "#cycle-orders", "finished shipping in the period"),
        Figure("Median", service.duration_text(figures.median_seconds), "#cycle-orders"),
        Figure("90th percentile", service.duration_text(figures.p90_seconds), "#cycle-orders"),
    ]
    chart = column_chart(
        "Orders by cycle time", [Point(label, n) for label, n in figures.buckets], unit="orders"
    )
    return _render(
        request, "cycle_time.html", form=form, scope=scope, key="cycle_time", read=result,
        tables=(table,), figures=headline, chart=chart, table=table, cycle=figures,
    )  # fmt: skip


@roles_required(*KPI_READERS)
def throughput(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    result = read_on_replica(lambda alias: service.throughput(scope, using=alias))
    work = result.result
    total = work.total
    figures = [
        Figure("Lines picked", str(total.lines_picked), "#by-shift", f"{quantity(total.units_picked)} units"),
        Figure("Lines shipped", str(total.lines_shipped), "#by-shift", f"{quantity(total.units_shipped)} units"),
    ]  # fmt: skip
    charts = [
        bar_chart("Lines picked by shift", [Point(w.label, w.lines_picked) for w in work.by_shift],
                  unit="lines"),
        bar_chart("Lines picked by zone", [Point(w.label, w.lines_picked) for w in work.by_zone],
                  unit="lines"),
    ]  # fmt: skip
    return _render(
        request, "throughput.html", form=form, scope=scope, key="throughput", read=result,
        figures=figures, charts=charts, groups=[
            ("by-shift", "By shift", work.by_shift), ("by-zone", "By zone (picks)", work.by_zone),
            ("by-type", "By order type", work.by_type),
        ], total=total,
    )  # fmt: skip

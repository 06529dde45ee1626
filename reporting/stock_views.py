"""The stock and supplier KPI pages: inventory accuracy, turns and carrying cost, excess and
dead stock, the supplier scorecard (reporting/measures/stock.py and supplier.py).

Each page reads its figures in one `read_on_replica` call (seconds-old sums serve a report,
and the sums over the ledger are what would load the primary), states its formula and
period, takes the scope's filters from the query string (junk is reported beside the default
figures) and links each headline figure to the list behind it.
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from erp import formats, numbers
from erp.replica import read_on_replica
from erp.roles import may_open, roles_required
from erp.tables import Column, build_table, table_partial, window_start
from reporting import snapshots
from reporting.charts import Point, bar_chart, column_chart
from reporting.figures import EMPTY, Figure, percent
from reporting.measures import stock, supplier
from reporting.permissions import KPI_READERS
from reporting.scope import ScopeForm

STOCK_FILTERS = ("site", "category", "abc_class")
SUPPLIER_FILTERS = ("site", "supplier", "category", "abc_class")


class Rows(list):
    """Computed rows that `erp.tables.build_table` pages like a queryset (already sorted)."""

    ordered = True

    def order_by(self, *fields) -> Rows:
        return self

    def none(self) -> Rows:
        return Rows()

    def all(self) -> Rows:
        return self


def _url(request: HttpRequest, name: str, query: str = "") -> str:
    """The list `name` behind a figure, filtered by `query`; "" when the member's role may not
    open it (the figure is then shown without a link rather than leading to a 403)."""
    if not may_open(request, name):
        return ""
    url = reverse(name)
    return f"{url}?{query}" if query else url


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v is not None and v != ""})


def _short_money(value) -> str:
    """Money short enough for a headline figure or a bar's label at phone width: exact below
    100,000, else to three figures with k, M or B ("204M USD"); the lists behind show it exact."""
    if value is None:
        return EMPTY
    amount = Decimal(value)
    for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k")):
        if abs(amount) >= 100_000 and abs(amount) >= size:
            scaled = amount / size
            places = "1" if abs(scaled) >= 100 else "0.1"
            return f"{numbers.plain(scaled.quantize(Decimal(places)))}{suffix} {formats.currency()}"
    return numbers.money(amount)


def _number(value, places: str = "0.01") -> str:
    if value is None:
        return EMPTY
    return numbers.quantity(Decimal(value).quantize(Decimal(places)))


# --- Inventory accuracy ---------------------------------------------------------------------


@roles_required(*KPI_READERS)
def inventory_accuracy(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET, tenant=request.tenant, fields=STOCK_FILTERS)
    scope = form.scope()
    read = read_on_replica(
        lambda alias: (
            stock.inventory_accuracy(scope, using=alias),
            snapshots.trend(scope, "record_accuracy", using=alias),
        )
    )
    a, trend = read.result
    site_query = {"site": scope.site.pk} if scope.site else {}
    counts_href = _url(request, "warehouse:count_list", _query(status="approved", **site_query))
    ledger_href = _url(
        request,
        "inventory:transaction_list",
        _query(kind="adjustment", date_from=scope.start, date_to=scope.end),
    )
    figures = [
        Figure("Record accuracy", percent(a.rate), counts_href,
               f"{a.within} of {a.made} counts within tolerance"),
        Figure("Value gap", percent(a.value_gap), counts_href,
               f"{numbers.money(a.value_variance)} off of {numbers.money(a.value_counted)} counted"),
        Figure("Adjustment rate", percent(a.adjustment_rate), ledger_href,
               f"{numbers.money(a.adjustment_value)} adjusted in {a.adjustment_lines} lines, of "
               f"{numbers.money(a.average_value)} average stock"),
    ]  # fmt: skip
    chart = bar_chart(
        "Record accuracy by site",
        [Point(r.group, (r.rate or 0) * 100, percent(r.rate), counts_href) for r in a.by_site],
        unit="%",
    )
    daily = column_chart(
        "Record accuracy by day",
        [
            Point(f"{d.day:%-d %b}", (d.value or 0) * 100, percent(d.value))
            for d in trend.days
            if d.denominator
        ],
        unit="%",
    )
    daily_caption = "Days with approved counts, from the nightly snapshots (per site; the "
    daily_caption += "category and class filters do not apply)"
    if trend.missing:
        daily_caption += f"; {len(trend.missing)} earlier days have no snapshot yet"
    table = build_table(
        request,
        name="accuracy",
        queryset=Rows(a.by_site),
        columns=[
            Column("Site", value="group"),
            Column("Counts", css="num", value="made"),
            Column("Within tolerance", css="num", value="within"),
            Column("Accuracy", css="num", value=lambda r: percent(r.rate)),
            Column("Value counted", css="num", value="value_counted"),
            Column("Absolute variance", css="num", value="value_variance"),
            Column("Value gap", css="num", value=lambda r: percent(r.value_gap)),
        ],
        row_template="reporting/stock/_accuracy_row.html",
        per_page=50,
    )
    if partial := table_partial(request, table):
        return partial
    formula = (
        "Record accuracy = counts whose variance is within the tolerance in force when the "
        "count was approved / counts approved in the period (one count = one item, lot or "
        "serial in one bin). Value gap = Σ |counted - expected| x unit cost / Σ counted x unit "
        "cost. Adjustment rate = Σ |value| of the adjustment and count postings in the sites' "
        "bins in the period / average stock value over the period (the mean of the closing "
        "values on the day before the period, each month end inside it and its last day)."
    )
    return render(
        request,
        "reporting/stock/accuracy.html",
        {"form": form, "scope": scope, "figures": figures, "chart": chart, "table": table,
         "daily": daily, "daily_caption": daily_caption, "formula": formula,
         "source_note": read.note},
    )  # fmt: skip


# --- Turns and carrying cost ----------------------------------------------------------------


@roles_required(*KPI_READERS)
def turns(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET, tenant=request.tenant, fields=STOCK_FILTERS, default_days=90)
    scope = form.scope()
    read = read_on_replica(lambda alias: stock.turns(scope, using=alias))
    t = read.result
    shipments_href = _url(
        request,
        "inventory:transaction_list",
        _query(kind="shipment", date_from=scope.start, date_to=scope.end),
    )
    valuation_href = _url(
        request, "inventory:valuation",
        _query(as_of=scope.end, site=scope.site.pk if scope.site else None,
               category=scope.category if scope.category else None),
    )  # fmt: skip
    figures = [
        Figure("Cost of goods shipped", _short_money(t.cogs), shipments_href,
               f"{t.shipment_lines} shipment lines"),
        Figure("Average stock value", _short_money(t.average_value), valuation_href,
               f"mean of {len(t.points)} closing values"),
        Figure("Turns in the period", _number(t.turns), shipments_href,
               f"{_number(t.annual_turns)} a year"),
        Figure("Days on hand", _number(t.days_on_hand, "0.1"), valuation_href,
               f"{t.days} days / turns"),
        Figure("Carrying cost", _short_money(t.carrying_cost),
               _url(request, "inventory:inventory_settings"),
               f"{numbers.percent(t.carrying_rate)} a year x average value x {t.days} / 365"),
    ]  # fmt: skip
    chart = column_chart(
        "Closing stock value",
        [
            Point(
                f"{day:%-d %b}",
                value,
                numbers.money(value),
                _url(request, "inventory:valuation", _query(as_of=day)),
            )
            for day, value in t.points
        ],
        unit=formats.currency(),
    )
    formula = format_html(
        "Turns = cost of goods shipped in the period (the cost value of the shipments posted, as "
        "they left the sites' bins) / average stock value; annualised turns = turns x 365 / days; "
        "days on hand = days in the period / turns. Average stock value = the mean of the "
        "closing values (each site's midnight) on the day before the period, at each month end "
        "inside it and on its last day, read from the monthly valuation snapshots plus the "
        "entries since. Carrying cost = the organisation's carrying-cost rate a year ({}, set "
        "on the inventory settings) x average stock value x days / 365.",
        numbers.percent(t.carrying_rate),
    )
    return render(
        request,
        "reporting/stock/turns.html",
        {"form": form, "scope": scope, "figures": figures, "chart": chart, "turns": t,
         "formula": formula, "source_note": read.note},
    )  # fmt: skip


# --- Excess and dead stock ------------------------------------------------------------------


class DeadDaysForm(forms.Form):
    dead_days = forms.IntegerField(
        label="No outbound movement for (days)", required=False, min_value=1, max_value=3650,
        widget=forms.NumberInput(attrs={"placeholder": str(stock.DEAD_DAYS)}),
    )  # fmt: skip

    def days(self) -> int:
        if self.is_valid() and self.cleaned_data.get("dead_days"):
            return self.cleaned_data["dead_days"]
        return stock.DEAD_DAYS


def _item_columns(value_label: str, value_key: str) -> list[Column]:
    return [
        Column("SKU", value="sku"),
        Column("Description", value="description"),
        Column("Site", value="site_code"),
        Column("On hand", css="num", value="quantity"),
        Column(value_label, css="num", value=value_key),
    ]


RANKED_PAGE = 50


@roles_required(*KPI_READERS)
def excess_and_dead(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET, tenant=request.tenant, fields=STOCK_FILTERS)
    days_form = DeadDaysForm(request.GET or None)
    dead_days = days_form.days()
    scope = form.scope()

    def read(alias: str):
        # The tables are paged inside the read: another page than the first runs its
        # statement again, on the replica's transaction when it serves the page.
        e = stock.excess_and_dead(
            scope, dead_days=dead_days, using=alias,
            excess_offset=window_start(request, RANKED_PAGE, prefix="excess"),
            dead_offset=window_start(request, RANKED_PAGE, prefix="dead"),
        )  # fmt: skip
        excess_table = build_table(
            request, name="excess", prefix="excess", queryset=e.excess,
            columns=[*_item_columns("Excess value", "excess_value")[:4],
                     Column("Order-up-to", css="num", value="order_up_to"),
                     Column("Above it", css="num", value="excess_quantity"),
                     Column("Excess value", css="num", value="excess_value")],
            row_template="reporting/stock/_excess_row.html", per_page=RANKED_PAGE,
            empty="No item holds more than its order-up-to (or no planning run has set one yet).",
        )  # fmt: skip
        dead_table = build_table(
            request, name="dead", prefix="dead", queryset=e.dead,
            columns=_item_columns("Value", "value"),
            row_template="reporting/stock/_dead_row.html", per_page=RANKED_PAGE,
            empty="Every item held has moved out in these days.",
        )  # fmt: skip
        return (
            e,
            stock.stockout_risk_count(scope, using=alias),
            excess_table.fetch(),
            dead_table.fetch(),
        )

    read = read_on_replica(read)
    e, at_risk, excess_table, dead_table = read.result
    suggestions_href = _url(request, "purchasing:suggestion_list")
    figures = [
        Figure("Excess stock", _short_money(e.excess_value), "#excess",
               f"{e.excess.count()} item-sites above order-up-to"),
        Figure(f"Dead stock ({dead_days} days)", _short_money(e.dead_value), "#dead",
               f"{e.dead.count()} item-sites with no shipment or transfer out"),
        Figure("Items at stockout risk", str(at_risk), suggestions_href,
               "item-sites below their reorder point, from the last planning run"),
    ]  # fmt: skip
    by_site: dict[str, list[Decimal]] = {}
    for total in e.excess.totals:
        by_site.setdefault(total["site_code"], [Decimal(0), Decimal(0)])[0] += total["excess_value"]
    for total in e.dead.totals:
        by_site.setdefault(total["site_code"], [Decimal(0), Decimal(0)])[1] += total["value"]
    chart = bar_chart(
        "Excess and dead stock value by site",
        [
            point
            for code in sorted(by_site)
            for point in (
                Point(
                    f"{code} excess", by_site[code][0], _short_money(by_site[code][0]), "#excess"
                ),
                Point(f"{code} dead", by_site[code][1], _short_money(by_site[code][1]), "#dead"),
            )
        ],
    )
    if partial := table_partial(request, excess_table, dead_table):
        return partial
    formula = format_html(
        "Excess = on hand now above the order-up-to level the last planning run computed for "
        "the item at the site{}, valued at the site's average cost of the stock held. Dead stock "
        "= stock held now at a site with no shipment or transfer out of that site in the {} days "
        "to the end of the period, valued at cost. Stockout risk = item-sites whose on hand plus "
        "on order was below the reorder point, or with nothing on hand and backorders waiting, "
        "at the last planning run.",
        f" ({e.levels_as_of:%-d %b %Y})" if e.levels_as_of else " (none has run yet)",
        dead_days,
    )
    return render(
        request,
        "reporting/stock/excess.html",
        {"form": form, "days_form": days_form, "scope": scope, "figures": figures,
         "chart": chart, "excess_table": excess_table, "dead_table": dead_table,
         "formula": formula, "source_note": read.note},
    )  # fmt: skip


# --- Supplier scorecard ---------------------------------------------------------------------


@roles_required(*KPI_READERS)
def supplier_scorecard(request: HttpRequest) -> HttpResponse:
    form = ScopeForm(request.GET, tenant=request.tenant, fields=SUPPLIER_FILTERS, default_days=90)
    scope = form.scope()

    def _read(alias):
        scores = supplier.supplier_scores(scope, using=alias)
        receipts = supplier.supplier_receipts(scope, using=alias) if scope.supplier else []
        return scores, receipts

    read = read_on_replica(_read)
    scores, receipts = read.result
    total = supplier.totals(scores)
    orders_href = _url(
        request,
        "purchasing:order_list",
        _query(supplier=scope.supplier.pk if scope.supplier else None),
    )
    figures = [
        Figure("On time", percent(total.on_time), orders_href,
               f"{total.on_time_lines} of {total.receipt_lines} receipt lines"),
        Figure("Fill", percent(total.fill), orders_href,
               f"{numbers.quantity(total.filled)} of {numbers.quantity(total.ordered)} ordered on "
               f"{total.closed_lines} closed lines"),
        Figure("Quality", percent(total.quality), _url(request, "warehouse:discrepancy_list"),
               f"{numbers.quantity(total.received_clean)} of {numbers.quantity(total.received)} "
               "received without discrepancy"),
        Figure("Lead time", f"{_number(total.lead_mean, '0.1')} days" if total.lead_mean
               is not None else EMPTY, orders_href, f"mean over {total.lead_lines} lines"),
    ]  # fmt: skip

    def drill(s) -> str:
        return "?" + scope.query(supplier=s.code)

    for s in scores:  # what a row shows beside its figures
        s.drill_query = scope.query(supplier=s.code)
        s.lead_text = _lead(s)

    charts = [
        bar_chart("On time", [Point(s.code, (s.on_time or 0) * 100, percent(s.on_time), drill(s))
                              for s in scores], unit="%"),
        bar_chart("Fill", [Point(s.code, (s.fill or 0) * 100, percent(s.fill), drill(s))
                           for s in scores], unit="%"),
        bar_chart("Quality", [Point(s.code, (s.quality or 0) * 100, percent(s.quality), drill(s))
                              for s in scores], unit="%"),
        bar_chart("Lead time", [Point(s.code, s.lead_mean or 0, _lead(s), drill(s))
                                for s in scores], unit="days"),
    ]  # fmt: skip
    table = build_table(
        request, name="suppliers", prefix="suppliers", queryset=Rows(scores),
        columns=[
            Column("Supplier", value="code"),
            Column("Name", value="name"),
            Column("Receipt lines", css="num", value="receipt_lines"),
            Column("On time", css="num", value=lambda s: percent(s.on_time)),
            Column("Closed lines", css="num", value="closed_lines"),
            Column("Fill", css="num", value=lambda s: percent(s.fill)),
            Column("Quality", css="num", value=lambda s: percent(s.quality)),
            Column("Lead time (days)", css="num", value=_lead),
            Column("Orders", value=None),
        ],
        row_template="reporting/stock/_supplier_row.html", per_page=50,
        extra={"query": scope.query, "orders": _url(request, "purchasing:order_list")},
    )  # fmt: skip
    tables = [table]
    receipt_table = None
    if scope.supplier is not None:
        receipt_table = build_table(
            request, name="receipts", prefix="receipts", queryset=Rows(receipts),
            columns=[
                Column("Received", value="received_at"),
                Column("Order", value="number"),
                Column("SKU", value="sku"),
                Column("Quantity", css="num", value="quantity_base"),
                Column("Promised", value="promised"),
                Column("On time", value=lambda r: "yes" if r["on_time"] else "no"),
                Column("Discrepancy", value=lambda r: "yes" if r["discrepancy"] else "no"),
            ],
            row_template="reporting/stock/_receipt_row.html", per_page=50,
            extra={"discrepancies": _url(request, "warehouse:discrepancy_list")},
            empty="No receipts from this supplier in the period.",
        )  # fmt: skip
        tables.append(receipt_table)
    if partial := table_partial(request, *tables):
        return partial
    formula = (
        "On time = receipt lines received by the end of their promised day (the order line's "
        "expected date, in the receiving site's time zone) / receipt lines received in the "
        "period. Fill = quantity received (at most the quantity ordered) / quantity ordered, on "
        "the order lines due in the period that are closed (fully received or short-closed; "
        "cancelled orders left out). Quality = quantity received on receipt lines with no "
        "discrepancy recorded / quantity received in the period. Lead time = days from sending "
        "(else approving) the order to the line's first goods, for lines first received in the "
        "period: mean and spread (population standard deviation)."
    )
    return render(
        request,
        "reporting/stock/suppliers.html",
        {"form": form, "scope": scope, "figures": figures, "charts": charts, "table": table,
         "receipt_table": receipt_table, "formula": formula, "source_note": read.note},
    )  # fmt: skip


def _lead(score) -> str:
    if score.lead_mean is None:
        return EMPTY
    spread = f" ± {_number(score.lead_sd, '0.1')}" if score.lead_sd is not None else ""
    return f"{_number(score.lead_mean, '0.1')}{spread}"

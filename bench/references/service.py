"""One-SQL references for the service measures (reporting.measures.service), for
bench/reports.py: each key maps to (SQL taking %(tenant)s, %(start)s, %(stop)s — the tenant's
id and the period's bounds as instants — and a callable(scope) giving the same numbers from
the measure functions, in the same order). tests/reporting/test_measures_service.py checks
that both agree on its hand-worked world. Run inside the tenant's context (row-level
security)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from reporting.measures import service

FILL_RATES = """
WITH firsts AS (
    SELECT s.id, s.order_id
    FROM warehouse_shipment s
    WHERE s.tenant_id = %(tenant)s AND s.status = 'shipped'
      AND s.shipped_at >= %(start)s AND s.shipped_at < %(stop)s
      AND NOT EXISTS (
          SELECT 1 FROM warehouse_shipment e
          WHERE e.tenant_id = s.tenant_id AND e.order_id = s.order_id AND e.status = 'shipped'
            AND (e.shipped_at < s.shipped_at OR (e.shipped_at = s.shipped_at AND e.id < s.id)))
), lines AS (
    SELECT l.order_id, l.quantity_base,
           COALESCE((SELECT sum(cl.quantity)
                     FROM warehouse_cartonline cl
                     JOIN warehouse_carton c ON c.id = cl.carton_id
                     WHERE cl.tenant_id = %(tenant)s AND cl.order_line_id = l.id
                       AND c.shipment_id = f.id), 0) AS first_quantity
    FROM firsts f
    JOIN orders_salesorderline l ON l.tenant_id = %(tenant)s AND l.order_id = f.order_id
)
SELECT count(DISTINCT order_id),
       count(DISTINCT order_id) - count(DISTINCT order_id) FILTER (WHERE first_quantity < quantity_base),
       count(*),
       count(*) FILTER (WHERE first_quantity >= quantity_base),
       COALESCE(sum(quantity_base), 0),
       COALESCE(sum(first_quantity), 0)
FROM lines
"""


def _fill(scope) -> tuple:
    rates = service.fill_rates(scope)
    order, line, unit = rates["order_fill"], rates["line_fill"], rates["unit_fill"]
    return (
        order.denominator, order.numerator, line.denominator, line.numerator,
        unit.denominator, unit.numerator,
    )  # fmt: skip


ON_TIME = """
SELECT count(*), count(*) FILTER (WHERE on_time)
FROM warehouse_shipment
WHERE tenant_id = %(tenant)s AND status = 'shipped'
  AND shipped_at >= %(start)s AND shipped_at < %(stop)s
"""


def _on_time(scope) -> tuple:
    rate = service.on_time(scope)
    return rate.denominator, rate.numerator


OTIF = """
WITH period AS (
    SELECT time_zone AS tz,
           (%(start)s::timestamptz AT TIME ZONE time_zone)::date AS first_day,
           LEAST((%(stop)s::timestamptz AT TIME ZONE time_zone)::date - 1,
                 (now() AT TIME ZONE time_zone)::date) AS last_day
    FROM erp_tenant WHERE id = %(tenant)s
)
SELECT count(*), count(*) FILTER (WHERE COALESCE(shipped.quantity, 0) >= l.quantity_base)
FROM period
JOIN orders_salesorderline l
  ON l.tenant_id = %(tenant)s AND l.promised_date BETWEEN period.first_day AND period.last_day
JOIN orders_salesorder o ON o.id = l.order_id AND o.status NOT IN ('draft', 'cancelled')
LEFT JOIN LATERAL (
    SELECT sum(cl.quantity) AS quantity
    FROM warehouse_cartonline cl
    JOIN warehouse_carton c ON c.id = cl.carton_id
    JOIN warehouse_shipment s ON s.id = c.shipment_id
    WHERE cl.tenant_id = %(tenant)s AND cl.order_line_id = l.id AND s.status = 'shipped'
      AND s.shipped_at < ((l.promised_date + 1)::timestamp AT TIME ZONE period.tz)
) shipped ON true
"""


def _otif(scope) -> tuple:
    rate = service.otif(scope)
    return rate.denominator, rate.numerator


# The position now: the period's bounds are not used.
BACKORDERS = """
SELECT count(*), COALESCE(sum(wanting), 0)
FROM (
    SELECT l.quantity_base - l.allocated_base - l.picked_base - l.shipped_base
           - l.cancelled_base AS wanting
    FROM orders_salesorderline l
    JOIN orders_salesorder o ON o.id = l.order_id
    WHERE l.tenant_id = %(tenant)s
      AND o.status IN ('confirmed', 'partially_allocated', 'allocated', 'released', 'picking',
                       'packed', 'partially_shipped', 'shipped')
      AND %(start)s::timestamptz IS NOT NULL AND %(stop)s::timestamptz IS NOT NULL
) open_lines
WHERE wanting > 0
"""


def _backorders(scope) -> tuple:
    aging = service.backorder_aging(scope)
    return aging.lines, aging.quantity


CYCLE_TIME = """
WITH last AS (
    SELECT order_id, max(shipped_at) AS shipped_at
    FROM warehouse_shipment
    WHERE tenant_id = %(tenant)s AND status = 'shipped'
    GROUP BY order_id
)
SELECT count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM last.shipped_at - o.confirmed_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM last.shipped_at - o.confirmed_at))
FROM last
JOIN orders_salesorder o ON o.id = last.order_id
WHERE o.tenant_id = %(tenant)s AND o.status IN ('shipped', 'closed')
  AND o.confirmed_at IS NOT NULL
  AND last.shipped_at >= %(start)s AND last.shipped_at < %(stop)s
"""


def _cycle_time(scope) -> tuple:
    cycle = service.cycle_time(scope)
    return cycle.orders, cycle.median_seconds, cycle.p90_seconds


THROUGHPUT = """
SELECT
    (SELECT count(*) FROM warehouse_picktask
     WHERE tenant_id = %(tenant)s AND completed_at >= %(start)s AND completed_at < %(stop)s
       AND picked_quantity > 0)
  + (SELECT count(*) FROM warehouse_transferpick
     WHERE tenant_id = %(tenant)s AND picked_at >= %(start)s AND picked_at < %(stop)s
       AND picked > 0),
    (SELECT COALESCE(sum(picked_quantity), 0) FROM warehouse_picktask
     WHERE tenant_id = %(tenant)s AND completed_at >= %(start)s AND completed_at < %(stop)s
       AND picked_quantity > 0)
  + (SELECT COALESCE(sum(picked), 0) FROM warehouse_transferpick
     WHERE tenant_id = %(tenant)s AND picked_at >= %(start)s AND picked_at < %(stop)s
       AND picked > 0),
    (SELECT count(DISTINCT (c.shipment_id, cl.order_line_id))
     FROM warehouse_cartonline cl
     JOIN warehouse_carton c ON c.id = cl.carton_id
     JOIN warehouse_shipment s ON s.id = c.shipment_id
     WHERE cl.tenant_id = %(tenant)s AND s.status = 'shipped'
       AND s.shipped_at >= %(start)s AND s.shipped_at < %(stop)s)
  + (SELECT count(*) FROM warehouse_transferline tl
     JOIN warehouse_transferorder t ON t.id = tl.transfer_id
     WHERE tl.tenant_id = %(tenant)s AND t.shipped_at >= %(start)s AND t.shipped_at < %(stop)s
       AND tl.shipped_base > 0),
    (SELECT COALESCE(sum(cl.quantity), 0)
     FROM warehouse_cartonline cl
     JOIN warehouse_carton c ON c.id = cl.carton_id
     JOIN warehouse_shipment s ON s.id = c.shipment_id
     WHERE cl.tenant_id = %(tenant)s AND s.status = 'shipped'
       AND s.shipped_at >= %(start)s AND s.shipped_at < %(stop)s)
  + (SELECT COALESCE(sum(tl.shipped_base), 0) FROM warehouse_transferline tl
     JOIN warehouse_transferorder t ON t.id = tl.transfer_id
     WHERE tl.tenant_id = %(tenant)s AND t.shipped_at >= %(start)s AND t.shipped_at < %(stop)s
       AND tl.shipped_base > 0)
"""


def _throughput(scope) -> tuple:
    total = service.throughput(scope).total
    return total.lines_picked, total.units_picked, total.lines_shipped, total.units_shipped


REFERENCES = {
    "fill_rates": (FILL_RATES, _fill),
    "on_time": (ON_TIME, _on_time),
    "otif": (OTIF, _otif),
    "backorder_aging": (BACKORDERS, _backorders),
    "cycle_time": (CYCLE_TIME, _cycle_time),
    "throughput": (THROUGHPUT, _throughput),
}


# bench/reports.py: each page of the area beside one statement for all its headline figures.

SERVICE_LEVEL = f"""
SELECT * FROM ({FILL_RATES}) fill, ({ON_TIME}) timely, ({OTIF}) otif
"""


def reports(tenant, Report) -> list:
    """The four pages over their default period (the last 30 days to today)."""
    from django.urls import reverse

    from reporting.scope import DEFAULT_DAYS, Scope, today

    end = today(tenant)
    scope = Scope(tenant=tenant, start=end - datetime.timedelta(days=DEFAULT_DAYS - 1), end=end)
    start, stop = scope.bounds()
    args = {"tenant": tenant.pk, "start": start, "stop": stop}
    orders_tables = ("warehouse_shipment", "orders_salesorderline", "warehouse_cartonline")

    def rates(response) -> tuple:
        r = response.context["rates"]
        return tuple(
            _number(x)
            for rate in (r["order_fill"], r["line_fill"], r["unit_fill"], r["on_time"], r["otif"])
            for x in (rate.denominator, rate.numerator)
        )

    def rates_ref(rows) -> tuple:
        o, oc, li, lc, uo, uf, st, so, od, oh = rows[0]
        return tuple(_number(x) for x in (o, oc, li, lc, uo, uf, st, so, od, oh))

    def aging(response) -> tuple:
        a = response.context["aging"]
        return a.lines, _number(a.quantity)

    def cycle(response) -> tuple:
        c = response.context["cycle"]
        return c.orders, _seconds(c.median_seconds), _seconds(c.p90_seconds)

    def work(response) -> tuple:
        t = response.context["total"]
        return (t.lines_picked, _number(t.units_picked), t.lines_shipped,
                _number(t.units_shipped))  # fmt: skip

    return [
        Report("service level", reverse("reporting:service_level"), {}, orders_tables, rates,
               SERVICE_LEVEL, args, rates_ref),
        Report("backorder aging", reverse("reporting:backorder_aging"), {},
               ("orders_salesorderline",), aging, BACKORDERS, args,
               lambda rows: (rows[0][0], _number(rows[0][1]))),
        Report("order cycle time", reverse("reporting:cycle_time"), {},
               ("orders_salesorder", "warehouse_shipment"), cycle, CYCLE_TIME, args,
               lambda rows: (rows[0][0], _seconds(rows[0][1]), _seconds(rows[0][2]))),
        Report("throughput", reverse("reporting:throughput"), {},
               ("warehouse_picktask", "warehouse_transferpick", "warehouse_cartonline",
                "warehouse_transferline"), work, THROUGHPUT, args,
               lambda rows: tuple(_number(x) if n % 2 else x for n, x in enumerate(rows[0]))),
    ]  # fmt: skip


def _number(value):
    return Decimal(value).normalize() if value is not None else None


def _seconds(value):
    return None if value is None else round(float(value), 3)

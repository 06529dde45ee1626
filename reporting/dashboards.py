"""The landing page of each role (issue 16), in place of the menu's link cards.

`register_all()` (from `ReportingConfig.ready()`) gives `erp.dashboards` a panel provider per
role, so erp's home view draws these panels without importing reporting. A provider reads its
figures in one `read_on_replica` call (seconds-old figures serve a dashboard), through the
measures in reporting/measures (landing.py, service.py, stock.py), and links every figure to
the list behind it, filtered, when the member's role may open that list.

Executives: the owner's landing page is the executive panel (service level, turns, backorders
with their aging); the admin's keeps the organisation and the system's health.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from erp import dashboards, formats, numbers
from erp.dashboards import Panel
from erp.health import run_checks
from erp.replica import read_on_replica
from erp.roles import Role, may_open, roles_required
from purchasing.models import SuggestionKind
from reporting.charts import Point, bar_chart, column_chart
from reporting.figures import EMPTY, Figure, percent
from reporting.measures import landing, service, stock
from reporting.scope import DEFAULT_DAYS, Scope
from reporting.scope import today as tenant_today
from warehouse.models import DiscrepancyKind, WaveStatus, WorkKind

PANEL = "reporting/landing/_body.html"
FLOOR_SECONDS = 45  # the floor's figures are polled this often (30-60 s, issue 16)


def _link(request: HttpRequest, name: str, *args, **query) -> str:
    """The URL of the list `name`, filtered by `query`; "" when the role may not open it (the
    figure is then shown without a link rather than leading to a 403)."""
    if not args and not may_open(request, name):
        return ""
    url = reverse(name, args=args)
    query = {k: v for k, v in query.items() if v is not None and v != ""}
    return f"{url}?{urlencode(query)}" if query else url


def _first_link(request: HttpRequest, *choices: tuple[str, dict]) -> str:
    """The first of the lists `choices` (URL name, query) the member's role may open."""
    for name, query in choices:
        url = _link(request, name, **query)
        if url:
            return url
    return ""


def _count(value) -> str:
    return numbers.quantity(value)


def _money(value) -> str:
    return numbers.money(value)


def _period(tenant) -> Scope:
    end = tenant_today(tenant)
    return Scope(tenant=tenant, start=end - datetime.timedelta(days=DEFAULT_DAYS - 1), end=end)


# --- supervisors ------------------------------------------------------------------------------

FLOOR_KEYS = ("open-work", "shift", "waves")


def supervisor_panels(request: HttpRequest, only: str = "") -> list[Panel]:
    """The floor panels; `only` (a polled panel's key) skips the throughput read that the
    other panels do not show."""
    tenant = request.tenant
    day = tenant_today(tenant)
    now = timezone.now()
    today = Scope(tenant=tenant, start=day, end=day)

    def read(alias):
        return (
            landing.floor_work(tenant=tenant, today=day, now=now, using=alias),
            service.throughput(today, using=alias).total if only in ("", "shift") else None,
        )

    result = read_on_replica(read)
    work, done = result.result
    common = {"note": result.note, "as_of": formats.moment(now)}
    refresh = "reporting:landing_panel"

    kinds = dict(WorkKind.choices)
    by_kind = [
        Figure(
            str(kinds.get(row["kind"], row["kind"])),
            _count(row["waiting"] + row["started"]),
            _link(request, "warehouse:work_queue", kind=row["kind"]),
            f"{row['waiting']} waiting, {row['started']} started",
        )
        for row in work.by_kind
    ]
    total = sum(row["waiting"] + row["started"] for row in work.by_kind)
    by_kind.insert(0, Figure("Open work", _count(total), _link(request, "warehouse:work_queue")))
    zones = bar_chart(
        "Open work by zone",
        [
            Point(
                row["label"],
                row["tasks"],
                _count(row["tasks"]),
                _link(request, "warehouse:work_queue", zone=row["zone"]) if row["zone"] else "",
            )
            for row in work.by_zone
        ],
        unit="tasks",
    )
    hours = column_chart(
        "Work finished today by hour",
        [Point(f"{hour:02d}:00", count, _count(count)) for hour, count in work.done_by_hour],
        unit="tasks",
    )
    shift = [] if done is None else [
        Figure("Lines picked today", _count(done.lines_picked),
               _link(request, "reporting:throughput", date_from=day, date_to=day),
               f"{numbers.quantity(done.units_picked)} units"),
        Figure("Lines shipped today", _count(done.lines_shipped),
               _link(request, "reporting:throughput", date_from=day, date_to=day),
               f"{numbers.quantity(done.units_shipped)} units"),
        Figure("Tasks finished today", _count(work.done_today),
               _link(request, "warehouse:work_queue")),
        Figure("Exceptions today", _count(work.exceptions_today),
               _link(request, "warehouse:exception_list"),
               f"{work.exceptions_unacknowledged} not acknowledged"),
        Figure("Open alerts", _count(work.open_alerts), _link(request, "alerts:inbox", state="open")),
        *_discrepancy_figures(request, work.open_discrepancies),
    ]  # fmt: skip
    late = sum(1 for wave in work.waves if wave["late"])
    waves = {
        "caption": "Waves not done with a cut-off today or earlier",
        "headers": ["Wave", "Cut-off", "Status", "Orders", "Carrier"],
        "empty": "No wave is due today.",
        "rows": [
            {
                "late": wave["late"],
                "cells": [
                    (wave["number"], _link(request, "warehouse:wave_detail", wave["pk"])),
                    (formats.day(wave["cutoff"]) + (" (late)" if wave["late"] else ""), ""),
                    (str(_wave_status(wave["status"])), ""),
                    (_count(wave["order_count"]), ""),
                    (wave["carrier"] or "—", ""),
                ],
            }
            for wave in work.waves
        ],
    }
    wave_figures = [
        Figure("Waves due today", _count(len(work.waves) - late), _link(request, "warehouse:wave_list")),
        Figure("Waves past cut-off", _count(late), _link(request, "warehouse:wave_list")),
    ]  # fmt: skip
    panels = [
        Panel("open-work", "Open work by queue and zone", PANEL,
              {**common, "figures": by_kind, "charts": [zones]}),
        Panel("shift", "Today's throughput and exceptions", PANEL,
              {**common, "figures": shift, "charts": [hours]}),
        Panel("waves", "Waves and cut-offs", PANEL,
              {**common, "figures": wave_figures, "table": waves}),
    ]  # fmt: skip
    for panel in panels:
        panel.refresh_url = reverse(refresh, args=[panel.key])
        panel.refresh_seconds = FLOOR_SECONDS
    return panels


def _discrepancy_figures(request: HttpRequest, rows: list[dict]) -> list[Figure]:
    """Open receiving discrepancies: all of them, then one figure per kind that has any, each
    leading to the discrepancy list filtered to what it counts."""
    kinds = dict(DiscrepancyKind.choices)
    figures = [
        Figure("Receiving discrepancies open", _count(sum(row["count"] for row in rows)),
               _link(request, "warehouse:discrepancy_list", state="open"),
               "waiting for a decision"),
    ]  # fmt: skip
    figures += [
        Figure(
            str(kinds.get(row["kind"], row["kind"])),
            _count(row["count"]),
            _link(request, "warehouse:discrepancy_list", state="open", kind=row["kind"]),
            "open receiving discrepancies",
        )
        for row in rows
    ]
    return figures


def _wave_status(value: str) -> str:
    return WaveStatus(value).label


# --- planners ---------------------------------------------------------------------------------


def planner_panels(request: HttpRequest) -> list[Panel]:
    tenant = request.tenant
    scope = _period(tenant)

    def read(alias):
        return (
            stock.stock_summary(scope, using=alias),
            landing.suggestions_waiting(tenant=tenant, using=alias),
        )

    result = read_on_replica(read)
    summary, waiting = result.result
    common = {"note": result.note, "as_of": formats.moment(timezone.now())}
    levels = summary["levels_as_of"]
    risk = [
        Figure("Item-sites at stockout risk", _count(summary["stockout_risk_items"]),
               _link(request, "purchasing:suggestion_list", status="open", urgency="month"),
               f"last planning run {formats.day(levels)}" if levels else "no planning run yet"),
        Figure("Excess stock", _money(summary["excess_value"]),
               _link(request, "reporting:excess_and_dead", **_query(scope)),
               f"{summary['excess_items']} item-sites above order-up-to"),
        Figure("Dead stock", _money(summary["dead_stock_value"]),
               _link(request, "reporting:excess_and_dead", **_query(scope)),
               f"{summary['dead_stock_items']} items without movement in 180 days"),
        Figure("Days on hand", _number(summary["days_on_hand"], "0.1"),
               _link(request, "reporting:turns", **_query(scope)), scope.label),
    ]  # fmt: skip
    labels = dict(SuggestionKind.choices)
    suggestions = [
        Point(str(labels.get(row["kind"], row["kind"])), row["count"], _count(row["count"]),
              _link(request, "purchasing:suggestion_list", status="open", kind=row["kind"]))
        for row in waiting
    ]  # fmt: skip
    total = sum(row["count"] for row in waiting)
    return [
        Panel("stock-risk", "Stockout risk and excess", PANEL, {**common, "figures": risk}),
        Panel("suggestions", "Suggestions waiting for review", PANEL, {
            **common,
            "figures": [Figure("Suggestions to review", _count(total),
                               _link(request, "purchasing:suggestion_list", status="open"))],
            "charts": [bar_chart("Open suggestions by kind", suggestions, unit="suggestions")],
        }),
    ]  # fmt: skip


def _query(scope: Scope) -> dict:
    return {"date_from": scope.start, "date_to": scope.end}


def _number(value, places: str) -> str:
    if value is None:
        return EMPTY
    return numbers.quantity(Decimal(value).quantize(Decimal(places)))


# --- finance ----------------------------------------------------------------------------------


def finance_panels(request: HttpRequest) -> list[Panel]:
    tenant = request.tenant
    day = tenant_today(tenant)
    result = read_on_replica(lambda alias: landing.money(tenant=tenant, today=day, using=alias))
    money = result.result
    common = {"note": result.note, "as_of": formats.moment(timezone.now())}
    by_site = bar_chart(
        "Stock value by site",
        [
            Point(site["code"], site["value"], _money(site["value"]),
                  _link(request, "inventory:valuation_items", site["site"]))
            for site in money.valuation_by_site
        ],
        unit=formats.currency() or "value",
    )  # fmt: skip
    month_start = day.replace(day=1)
    month = f"since {formats.day(month_start)}"
    # Adjusters open the adjustment list; finance reads the same postings in the ledger.
    posted = _first_link(
        request,
        ("inventory:adjustment_list", {"state": "posted"}),
        ("inventory:transaction_list", {"kind": "adjustment", "date_from": month_start}),
    )
    pending = _first_link(
        request,
        ("inventory:adjustment_list", {"state": "pending"}),
        ("inventory:transaction_list", {"kind": "adjustment"}),
    )
    adjustments = [
        Figure("Adjustments posted", _count(money.adjustments_posted), posted, month),
        Figure("Written off", _money(money.write_offs_value), posted,
               f"{money.write_offs} adjustments taking stock out, {month}"),
        Figure("Found or added", _money(money.adjustments_in_value), posted, month),
    ]  # fmt: skip
    approvals = [
        Figure("Adjustments awaiting approval", _count(money.adjustments_pending), pending,
               _money(money.adjustments_pending_value)),
        Figure("Credits awaiting approval", _count(money.credits_pending),
               _link(request, "returns:credit_list"), _money(money.credits_pending_amount)),
    ]  # fmt: skip
    return [
        Panel("valuation", "Valuation today", PANEL, {
            **common,
            "figures": [Figure("Stock value", _money(money.valuation_total),
                               _link(request, "inventory:valuation"))],
            "charts": [by_site],
        }),
        Panel("adjustments", "Adjustments and write-offs this month", PANEL,
              {**common, "figures": adjustments}),
        Panel("approvals", "Waiting for approval", PANEL, {**common, "figures": approvals}),
    ]  # fmt: skip


# --- admins -----------------------------------------------------------------------------------


def admin_panels(request: HttpRequest) -> list[Panel]:
    tenant = request.tenant
    result = read_on_replica(lambda alias: landing.organisation(tenant=tenant, using=alias))
    org = result.result
    common = {"note": result.note, "as_of": formats.moment(timezone.now())}
    roles = dict(Role.choices)
    members = bar_chart(
        "Active members by role",
        [Point(str(roles.get(row["role"], row["role"])), row["count"], _count(row["count"]),
               _link(request, "users:list")) for row in org.members_by_role],
        unit="members",
    )  # fmt: skip
    figures = [
        Figure("Active sites", _count(org.sites_active), _link(request, "inventory:site_list"),
               f"{org.sites_inactive} inactive" if org.sites_inactive else ""),
        Figure("Active members", _count(org.members_active), _link(request, "users:list")),
        Figure("Invitations pending", _count(org.invitations_pending), _link(request, "users:list")),
    ]  # fmt: skip
    # Workers judged by their heartbeat: pinging them waits a second when none answers, and
    # the landing page is every admin's first page.
    checks = run_checks(ping_workers=False)
    health = {
        "caption": "The health page's checks",
        "headers": ["Check", "State", "Detail"],
        "empty": "No checks.",
        "rows": [
            {"late": not check.ok,
             "cells": [(check.name, _link(request, "health")), ("OK" if check.ok else "Failing", ""),
                       (check.detail, "")]}
            for check in checks
        ],
    }  # fmt: skip
    failing = sum(1 for check in checks if not check.ok)
    return [
        Panel("organisation", "Sites and users", PANEL,
              {**common, "figures": figures, "charts": [members]}),
        Panel("health", "System health", PANEL, {
            "figures": [Figure("Checks failing", _count(failing), _link(request, "health"),
                               f"of {len(checks)}")],
            "table": health, "as_of": common["as_of"],
        }),
    ]  # fmt: skip


# --- owners (executives) ----------------------------------------------------------------------


def executive_panels(request: HttpRequest) -> list[Panel]:
    """Service level and turns over the last 30 days (the KPI pages' default), and the open
    backorders by days past their promise (a position now, like the backorder aging page)."""
    scope = _period(request.tenant)

    def read(alias):
        return service.service_summary(scope, using=alias), stock.turns(scope, using=alias)

    result = read_on_replica(read)
    summary, turns = result.result
    aging = summary["aging"]
    common = {"note": result.note, "as_of": formats.moment(timezone.now())}
    period = _query(scope)

    def rate(r) -> str:
        return f"{r.numerator} of {r.denominator}"

    service_level = [
        Figure("Order fill rate", percent(summary["order_fill"].value),
               _link(request, "reporting:service_level", **period), rate(summary["order_fill"])),
        Figure("On-time shipment", percent(summary["on_time"].value),
               _link(request, "reporting:service_level", **period), rate(summary["on_time"])),
        Figure("OTIF", percent(summary["otif"].value),
               _link(request, "reporting:service_level", **period), rate(summary["otif"])),
        Figure("Turns (annualised)", _number(turns.annual_turns, "0.1"),
               _link(request, "reporting:turns", **period),
               f"{_number(turns.days_on_hand, '0.1')} days on hand"),
    ]  # fmt: skip
    backorders = [
        Figure("Backorder lines", _count(aging.lines), _link(request, "orders:backorder_list"),
               f"oldest {aging.oldest_days} days past promise"
               if aging.oldest_days is not None else "none open"),
        Figure("Backordered value", _money(aging.value),
               _link(request, "reporting:backorder_aging"),
               f"{numbers.quantity(aging.quantity)} base units at the lines' prices"),
    ]  # fmt: skip
    buckets = column_chart(
        "Backorder lines by days past promise",
        [Point(row["bucket"].span, row["lines"], _count(row["lines"]),
               _link(request, "orders:backorder_list", bucket=row["bucket"].key))
         for row in aging.buckets],
        unit="lines",
    )  # fmt: skip
    return [
        Panel("service", f"Service level and turns ({scope.label})", PANEL,
              {**common, "figures": service_level}),
        Panel("backorders", "Backorders now", PANEL,
              {**common, "figures": backorders, "charts": [buckets]}),
    ]  # fmt: skip


# --- the polled partial -------------------------------------------------------------------------


@roles_required(Role.SUPERVISOR)
def landing_panel(request: HttpRequest, key: str) -> HttpResponse:
    """One floor panel again, for the landing page's htmx polling (GET, reads only)."""
    if key not in FLOOR_KEYS:
        raise Http404("No such panel.")
    panel = next(p for p in supervisor_panels(request, only=key) if p.key == key)
    return render(request, "erp/_panel.html", {"panel": panel})


def register_all() -> None:
    dashboards.register(Role.SUPERVISOR, supervisor_panels)
    dashboards.register(Role.PLANNER, planner_panels)
    dashboards.register(Role.FINANCE, finance_panels)
    dashboards.register(Role.ADMIN, admin_panels)
    dashboards.register(Role.OWNER, executive_panels)

"""The live figures of the landing pages (issue 16) that are not KPIs of their own: open work,
exceptions (the floor's, alerts, open receiving discrepancies) and waves for supervisors,
planning suggestions, adjustments and approvals for finance, sites and members for admins.
The KPI figures come from `service_summary` and `stock_summary`.

Each function is a few grouped queries through the owning app's selectors, bounded by the
day or month where the rows grow with time, on the DB alias `using` (the replica when
`read_on_replica` picks it), and returns plain values: the page evaluates nothing lazily
outside the replica's transaction.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractHour

from erp import selectors as erp_selectors
from erp.alerts import selectors as alert_selectors
from erp.alerts.models import AlertStatus
from erp.roles import Role
from inventory import selectors as inventory_selectors
from inventory.models import AdjustmentState
from purchasing.models import SuggestionStatus
from purchasing.planning import selectors as planning_selectors
from returns import selectors as return_selectors
from warehouse.exceptions import selectors as exception_selectors
from warehouse.models import DiscrepancyState, WaveStatus, WorkStatus
from warehouse.picking import selectors as picking_selectors
from warehouse.receiving import selectors as receiving_selectors
from warehouse.workqueue import selectors as work_selectors
from warehouse.workqueue.states import ACTIVE

ZERO = Decimal(0)


def _day_bounds(tenant, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    start = datetime.datetime.combine(day, datetime.time(), zone)
    return start, start + datetime.timedelta(days=1)


# --- supervisors ------------------------------------------------------------------------------


@dataclass
class FloorWork:
    by_kind: list[dict]  # kind, open (waiting), started
    by_zone: list[dict]  # zone (id or None), label, tasks
    done_by_hour: list[tuple[int, int]]  # (hour of today in the tenant's zone, tasks finished)
    done_today: int
    exceptions_today: int  # short picks and other floor exceptions raised today
    exceptions_unacknowledged: int
    open_alerts: int  # alerts routed to supervisors, not yet acknowledged
    waves: list[dict] = field(default_factory=list)  # due today or late
    # Receiving discrepancies waiting for a supervisor's decision: kind, count (kinds with any).
    open_discrepancies: list[dict] = field(default_factory=list)


def floor_work(
    *, tenant, today: datetime.date, now: datetime.datetime, using: str = DEFAULT_DB_ALIAS
) -> FloorWork:
    """The supervisor's shift at a glance (seven grouped queries):

    - open work (waiting or started) per queue and per zone;
    - work finished today, per hour in the tenant's zone;
    - floor exceptions raised today and those nobody has acknowledged, open supervisor alerts;
    - receiving discrepancies still open (neither accepted nor rejected), per kind, whenever
      they were found: an undecided one stays an exception until someone decides it;
    - waves not done whose cut-off is today or earlier (`late`: the cut-off has passed)."""
    tasks = work_selectors.tasks(tenant=tenant).using(using)
    active = tasks.filter(status__in=ACTIVE)
    by_kind = list(
        active.values("kind")
        .annotate(
            waiting=Count("pk", filter=Q(status=WorkStatus.OPEN)),
            started=Count("pk", filter=Q(status=WorkStatus.STARTED)),
        )
        .order_by("kind")
    )
    by_zone = [
        {
            "zone": row["zone"],
            "label": f"{row['site__code']}/{row['zone__code']}" if row["zone"] else
            f"{row['site__code']}/no zone",
            "tasks": row["tasks"],
        }
        for row in active.values("zone", "zone__code", "site__code")
        .annotate(tasks=Count("pk"))
        .order_by("site__code", "zone__code")
    ]  # fmt: skip
    start, stop = _day_bounds(tenant, today)
    zone = zoneinfo.ZoneInfo(tenant.time_zone)
    hours = {
        row["hour"]: row["tasks"]
        for row in tasks.filter(
            status=WorkStatus.DONE, finished_at__gte=start, finished_at__lt=stop
        )
        .annotate(hour=ExtractHour("finished_at", tzinfo=zone))
        .values("hour")
        .annotate(tasks=Count("pk"))
        .order_by("hour")
    }
    last_hour = now.astimezone(zone).hour if start <= now < stop else 23
    # From the first hour anything was finished to the current one: quiet hours show as 0.
    done_by_hour: list[tuple[int, int]] = []
    if hours:
        end = max(max(hours), last_hour)
        done_by_hour = [(hour, hours.get(hour, 0)) for hour in range(min(hours), end + 1)]
    exceptions = (
        exception_selectors.floor_exceptions(tenant=tenant)
        .using(using)
        .aggregate(
            today=Count("pk", filter=Q(created_at__gte=start, created_at__lt=stop)),
            unacknowledged=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        )
    )
    open_alerts = (
        alert_selectors.alerts_for(tenant=tenant, role=Role.SUPERVISOR)
        .using(using)
        .filter(status=AlertStatus.OPEN)
        .count()
    )
    open_discrepancies = list(
        receiving_selectors.discrepancies(tenant=tenant)
        .using(using)
        .filter(state=DiscrepancyState.OPEN)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("kind")
    )
    waves = [
        {**wave, "late": wave["cutoff"] < today}
        for wave in picking_selectors.waves(tenant=tenant)
        .using(using)
        .filter(
            status__in=[WaveStatus.PLANNED, WaveStatus.RELEASED],
            cutoff__lte=today,
        )
        .values("pk", "number", "status", "cutoff", "carrier", "route", "order_count")
        .order_by("cutoff", "number")[:20]
    ]
    return FloorWork(
        by_kind=by_kind,
        by_zone=by_zone,
        done_by_hour=done_by_hour,
        done_today=sum(hours.values()),
        exceptions_today=exceptions["today"],
        exceptions_unacknowledged=exceptions["unacknowledged"],
        open_alerts=open_alerts,
        waves=waves,
        open_discrepancies=open_discrepancies,
    )


# --- planners ---------------------------------------------------------------------------------


def suggestions_waiting(*, tenant, using: str = DEFAULT_DB_ALIAS) -> list[dict]:
    """Open reorder and transfer suggestions per kind (what the planner has to review)."""
    return list(
        planning_selectors.suggestions(tenant=tenant)
        .using(using)
        .filter(status=SuggestionStatus.OPEN)
        .values("kind")
        .annotate(count=Count("pk"))
        .order_by("kind")
    )


# --- finance ----------------------------------------------------------------------------------


@dataclass
class Money:
    valuation_total: Decimal
    valuation_by_site: list[dict]  # site, code, value
    adjustments_posted: int  # this month
    adjustments_in_value: Decimal  # stock found or added this month (estimated value)
    write_offs: int  # adjustments taking stock out this month
    write_offs_value: Decimal
    adjustments_pending: int
    adjustments_pending_value: Decimal
    credits_pending: int
    credits_pending_amount: Decimal


def money(*, tenant, today: datetime.date, using: str = DEFAULT_DB_ALIAS) -> Money:
    """Valuation now (by site), adjustments and write-offs posted this month (requested from
    the first of the month in the tenant's zone), and what waits for a finance approval."""
    groups = inventory_selectors.value_by_site_and_category(tenant=tenant).using(using)
    by_site: dict[int, dict] = {}
    for row in groups.rows:
        site = by_site.setdefault(
            row["site"], {"site": row["site"], "code": row["site__code"], "value": ZERO}
        )
        site["value"] += row["value"]
    month_start, _ = _day_bounds(tenant, today.replace(day=1))
    adjustments = inventory_selectors.adjustments(tenant=tenant).using(using)
    posted = adjustments.filter(state=AdjustmentState.POSTED, requested_at__gte=month_start)
    sums = posted.aggregate(
        added=Count("pk", filter=Q(quantity__gt=0)),
        added_value=Coalesce(Sum("estimated_value", filter=Q(quantity__gt=0)), ZERO),
        removed=Count("pk", filter=Q(quantity__lt=0)),
        removed_value=Coalesce(Sum("estimated_value", filter=Q(quantity__lt=0)), ZERO),
        all=Count("pk"),
    )
    pending = adjustments.filter(state=AdjustmentState.PENDING).aggregate(
        count=Count("pk"), value=Coalesce(Sum("estimated_value"), ZERO)
    )
    credits = (
        return_selectors.pending_credits(tenant=tenant)
        .using(using)
        .aggregate(count=Count("pk"), amount=Coalesce(Sum("amount"), ZERO))
    )
    return Money(
        valuation_total=sum((site["value"] for site in by_site.values()), ZERO),
        valuation_by_site=sorted(by_site.values(), key=lambda site: site["code"]),
        adjustments_posted=sums["all"],
        adjustments_in_value=sums["added_value"],
        write_offs=sums["removed"],
        write_offs_value=sums["removed_value"],
        adjustments_pending=pending["count"],
        adjustments_pending_value=pending["value"],
        credits_pending=credits["count"],
        credits_pending_amount=credits["amount"],
    )


# --- admins -----------------------------------------------------------------------------------


@dataclass
class Organisation:
    sites_active: int
    sites_inactive: int
    members_active: int
    members_by_role: list[dict]  # role, count
    invitations_pending: int


def organisation(*, tenant, using: str = DEFAULT_DB_ALIAS) -> Organisation:
    sites = (
        inventory_selectors.sites(tenant=tenant)
        .using(using)
        .aggregate(
            active=Count("pk", filter=Q(is_active=True)),
            inactive=Count("pk", filter=Q(is_active=False)),
        )
    )
    members = (
        erp_selectors.memberships(tenant=tenant)
        .using(using)
        .filter(is_active=True, user__is_active=True)
        .values("role")
        .annotate(count=Count("pk"))
        .order_by("role")
    )
    members = list(members)
    return Organisation(
        sites_active=sites["active"],
        sites_inactive=sites["inactive"],
        members_active=sum(row["count"] for row in members),
        members_by_role=members,
        invitations_pending=erp_selectors.pending_invitations(tenant=tenant).using(using).count(),
    )

"""Supervisor pages: the returns queue by status and age, and return reasons by item and
customer."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from erp.replica import read_on_replica
from erp.roles import roles_required
from returns import selectors
from returns.permissions import SUPERVISORS, VIEWERS

PERIODS = {"30": 30, "90": 90, "365": 365}


@roles_required(*SUPERVISORS)
def queue(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": selectors.queue(tenant=request.tenant),
        "buckets": [label for _low, _high, label in selectors.AGE_BUCKETS],
        "to_grade": selectors.inspection_backlog(tenant=request.tenant).count(),
        "to_decide": selectors.disposition_backlog(tenant=request.tenant).count(),
        "credits": selectors.pending_credits(tenant=request.tenant).count(),
        "discrepancies": selectors.discrepancies(tenant=request.tenant)[:20],
    }
    return render(request, "returns/reports/queue.html", context)


@roles_required(*VIEWERS)
def reasons(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("days", "90")
    days = PERIODS.get(period, 90)
    since = timezone.localdate() - datetime.timedelta(days=days)
    # Counted on the replica when there is one: a trend over months, stale by seconds at most.
    read = read_on_replica(
        lambda alias: selectors.reasons(tenant=request.tenant, since=since, using=alias)
    )
    context = {"days": days, "periods": PERIODS, **read.result, "source_note": read.note}
    return render(request, "returns/reports/reasons.html", context)

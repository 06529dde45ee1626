"""The planning run: every item-site's figures in one query, the arithmetic in memory, the
suggestions written in bulk, so the statement count does not grow with the items.

Transfer before buying: an item-site at or below its reorder point first takes what other
sites hold free above their own order-up-to (the site with the most first, then by site id),
and only what that does not cover is bought, in whole packs from the item's supplier.

A run replaces the tenant's open suggestions; accepted and rejected ones stay for audit. Two
runs of one tenant never overlap: each takes the tenant's transaction-level advisory lock, so a
second waits and then replaces the first's suggestions with its own.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from erp import outbox
from erp.models import Tenant, User
from erp.roles import require_role
from erp.selectors import tenant_settings
from inventory.services.segmentation import tenant_today
from purchasing.errors import PlanningRunning
from purchasing.models import (
    PlanningLevel,
    PlanningRun,
    PurchasingSettings,
    ReorderSuggestion,
    RunStatus,
    SuggestionKind,
    SuggestionStatus,
)
from purchasing.permissions import BUYERS
from purchasing.planning import figures as reading
from purchasing.planning import formulas, levels

LOCK_KEY = 72_918  # pg_advisory_xact_lock(LOCK_KEY, tenant id): one run per tenant at a time
BATCH = 5000


def progress_key(run_id: int) -> str:
    return f"planning:{run_id}:progress"


def _progress(run_id: int, phase: str, done: int, total: int) -> None:
    """The run is one transaction: its progress can only be told outside the database.
    Redis being down only costs the progress bar."""
    value = {"phase": phase, "done": done, "total": total}
    with contextlib.suppress(Exception):
        cache.set(progress_key(run_id), value, timeout=3600)


def progress(run: PlanningRun) -> dict:
    """{"phase", "done", "total"} of a running run, from the cache the task writes to."""
    try:
        value = cache.get(progress_key(run.pk))
    except Exception:  # Redis down: the page shows the state without the bar
        value = None
    return value or {"phase": run.get_status_display().lower(), "done": 0, "total": 0}


@transaction.atomic
def start_run(*, tenant: Tenant, user: User) -> PlanningRun:
    """Queue a run for the tenant (sent once the caller commits). Raises `PlanningRunning`
    while an earlier one is still queued or running."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    with connection.cursor() as cursor:
        # Serialises two planners pressing the button at once.
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY + 1, tenant.pk])
    if PlanningRun.objects.filter(
        tenant=tenant, status__in=(RunStatus.QUEUED, RunStatus.RUNNING)
    ).exists():
        raise PlanningRunning()
    run = PlanningRun.objects.create(tenant=tenant, created_by=user)
    from purchasing.tasks import run_planning_task

    outbox.enqueue(run_planning_task, tenant.pk, run.pk)
    return run


def take(*, tenant: Tenant, run_id: int) -> None:
    """Record, committed at once, that a worker has taken the run up."""
    with transaction.atomic():
        PlanningRun.objects.filter(tenant=tenant, pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, taken_at=timezone.now()
        )


def mark_failed(*, tenant: Tenant, run_id: int, reason: str) -> None:
    """Record why a run gave up, so the page stops waiting (in its own transaction)."""
    with transaction.atomic():
        PlanningRun.objects.filter(tenant=tenant, pk=run_id).exclude(status=RunStatus.DONE).update(
            status=RunStatus.FAILED, message=f"The run stopped: {reason}"[:500],
            finished_at=timezone.now(),
        )  # fmt: skip


@transaction.atomic
def run_planning(*, tenant: Tenant, run: PlanningRun, as_of=None) -> list[ReorderSuggestion]:
    """Replace the tenant's open suggestions with those of the figures as they stand (as of the
    tenant's today unless `as_of`); returns the suggestions made.

    Lock order: the tenant's advisory lock, then the run row. Statements: the lock, the levels
    and settings, the one figures query, the delete of the open suggestions, the inserts in
    batches of 5,000 (with their history), the planning levels' delete and inserts, the run's
    update."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_KEY, tenant.pk])
    as_of = as_of or tenant_today(tenant)
    options = tenant_settings(PurchasingSettings, tenant=tenant)
    window, cycle = options.demand_window_days, options.order_cycle_days
    table = levels.levels(tenant=tenant)
    _progress(run.pk, "reading history", 0, 0)
    rows = reading.read(tenant=tenant, as_of=as_of, window_days=window, cycle_days=cycle)
    total = len(rows)
    plans = []
    for n, row in enumerate(rows):
        level = table.get((row.abc, row.xyz), levels.DEFAULTS[("C", "Z")])
        plans.append(
            formulas.plan(row, window_days=window, cycle_days=cycle, service_level=level,
                          z=levels.Z[level], as_of=as_of)
        )  # fmt: skip
        if n % BATCH == 0:
            _progress(run.pk, "computing", n, total)
    made = suggest(tenant=tenant, run=run, plans=plans)
    _progress(run.pk, "writing", total, total)
    with connection.cursor() as cursor:
        # One statement: a queryset delete would collect the rows and write a history row for
        # each. The replaced suggestions' history keeps their creation.
        cursor.execute(
            "DELETE FROM purchasing_reordersuggestion WHERE tenant_id = %s AND status = %s",
            [tenant.pk, SuggestionStatus.OPEN],
        )
    created = bulk_create_with_history(
        made, ReorderSuggestion, batch_size=BATCH, default_change_reason="planning run"
    )
    _keep_levels(tenant=tenant, run=run, plans=plans, as_of=as_of)
    PlanningRun.objects.filter(tenant=tenant, pk=run.pk).update(
        status=RunStatus.DONE, as_of=as_of, item_sites=total, suggestion_count=len(created),
        finished_at=timezone.now(), message="",
    )  # fmt: skip
    _progress(run.pk, "done", total, total)
    return created


def _keep_levels(*, tenant: Tenant, run: PlanningRun, plans: list[formulas.Plan], as_of) -> None:
    """Replace the tenant's planning levels with this run's (reports read excess stock and
    stockout risk from them). One delete, then inserts in batches: no history, derived rows."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM purchasing_planninglevel WHERE tenant_id = %s", [tenant.pk])
    PlanningLevel.objects.bulk_create(
        (
            PlanningLevel(
                tenant=tenant,
                run=run,
                item_id=p.figures.item_id,
                site_id=p.figures.site_id,
                as_of=as_of,
                demand_per_day=p.demand_per_day,
                reorder_point=p.reorder_point,
                order_up_to=p.order_up_to,
                on_hand=p.figures.on_hand,
                on_order=p.figures.on_order + p.figures.in_transit,
                backorders=p.figures.backorders,
            )
            for p in plans
        ),
        batch_size=BATCH,
    )


def suggest(*, tenant: Tenant, run: PlanningRun, plans: list[formulas.Plan]):
    """The suggestions (unsaved) for `plans`: transfers from sites with free stock above their
    order-up-to first, purchases for the rest."""
    by_item: dict[int, list[formulas.Plan]] = defaultdict(list)
    for p in plans:
        by_item[p.figures.item_id].append(p)
    made: list[ReorderSuggestion] = []
    for item_plans in by_item.values():
        spare = {p.figures.site_id: p.surplus for p in item_plans}
        # The site that will run out first is served first.
        needy = sorted(
            (p for p in item_plans if p.need > 0),
            key=lambda p: (p.stockout_date is None, p.stockout_date, p.figures.site_id),
        )
        for p in needy:
            need, transferred = p.need, Decimal(0)
            donors = sorted(
                (q for q in item_plans if q is not p and spare[q.figures.site_id] > 0),
                key=lambda q: (-spare[q.figures.site_id], q.figures.site_id),
            )
            if donors:
                source = donors[0]
                available = spare[source.figures.site_id]
                quantity = min(need, available)
                spare[source.figures.site_id] -= quantity
                transferred = quantity
                made.append(
                    _suggestion(tenant, run, p, SuggestionKind.TRANSFER, quantity,
                                formulas.explain_transfer(p, need=need, quantity=quantity,
                                                          source=source, spare=available),
                                from_site_id=source.figures.site_id)
                )  # fmt: skip
            rest = need - transferred
            f = p.figures
            if rest > 0 and f.supplier_id is not None:
                quantity = formulas.purchase_quantity(
                    rest, pack_size=f.pack_size, minimum_order=f.minimum_order
                )
                made.append(
                    _suggestion(tenant, run, p, SuggestionKind.PURCHASE, quantity,
                                formulas.explain_purchase(p, need=need, quantity=quantity,
                                                          transferred=transferred),
                                supplier_id=f.supplier_id)
                )  # fmt: skip
    return made


def _suggestion(tenant, run, p: formulas.Plan, kind, quantity, explanation, **source):
    f = p.figures
    return ReorderSuggestion(
        tenant=tenant, run=run, kind=kind, item_id=f.item_id, site_id=f.site_id,
        abc_class=f.abc, xyz_class=f.xyz, suggested_quantity=quantity, quantity=quantity,
        pack_size=f.pack_size or 1 if kind == SuggestionKind.PURCHASE else Decimal(1),
        minimum_order=f.minimum_order or 0 if kind == SuggestionKind.PURCHASE else Decimal(0),
        unit_cost=f.unit_cost or 0 if kind == SuggestionKind.PURCHASE else Decimal(0),
        demand_per_day=p.demand_per_day, demand_sd=p.demand_sd, lead_time_days=f.lead_time,
        lead_time_sd=f.lead_time_sd, service_level=p.service_level, z=p.z,
        safety_stock=p.safety_stock, reorder_point=p.reorder_point, order_up_to=p.order_up_to,
        on_hand=f.on_hand, on_order=f.on_order, in_transit=f.in_transit,
        backorders=f.backorders, reserved=f.reserved, position=p.position, seasonal=p.seasonal,
        stockout_date=p.stockout_date, explanation=explanation, **source,
    )  # fmt: skip

"""Demo floor trouble for the alert inbox: one short pick in the demo wave and one
replenishment left open for hours. Idempotent: each is made only when the demo has none."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from erp.alerts import selectors as alert_selectors
from erp.errors import DomainError
from erp.models import Membership, Tenant
from erp.roles import Role
from warehouse.models import (
    ExceptionKind,
    FloorException,
    PickFace,
    PickState,
    PickTask,
    Replenishment,
    ReplenishmentState,
)

DEMO_FACE_UNIT = "pallet"


def load(tenant: Tenant) -> None:
    operator = (
        Membership.objects.filter(tenant=tenant, role=Role.OPERATOR).select_related("user").first()
    )
    if operator is None:
        return
    if not FloorException.objects.filter(tenant=tenant, kind=ExceptionKind.SHORT_PICK).exists():
        _short_pick(tenant, operator.user)
        # As beat would within minutes: a face the short pick left at its min is replenished
        # now, so that loading the demo again finds nothing more to do.
        from warehouse.replenishment import services as replenishment

        replenishment.run(tenant=tenant)
    _overdue_replenishment(tenant)
    _empty_face(tenant)


def _short_pick(tenant: Tenant, user) -> None:
    """The operator finds one fewer than asked in the bin of the wave's last open
    non-serial task: a supervisor sees the short pick and the backorder it left."""
    from warehouse.picking import services as picking

    task = (
        PickTask.objects.filter(
            tenant=tenant, state=PickState.OPEN, serial__isnull=True, quantity__gt=1
        )
        .select_related("item", "lot", "order")
        .order_by("-order_id", "-sequence")
        .first()
    )
    if task is None:
        return
    with contextlib.suppress(DomainError):  # the demo shows what it can
        picking.confirm_pick(
            tenant=tenant, user=user, task=task, quantity=task.quantity - Decimal(1)
        )


def _overdue_replenishment(tenant: Tenant) -> None:
    """The oldest open replenishment task made half as long again ago as the tenant lets one
    wait (three hours by default): nobody has moved it yet."""
    due = datetime.timedelta(hours=alert_selectors.settings_for(tenant).replenishment_due_hours)
    open_tasks = Replenishment.objects.filter(tenant=tenant, state=ReplenishmentState.OPEN)
    late = timezone.now() - due
    if open_tasks.filter(created_at__lt=late).exists():
        return
    oldest = open_tasks.order_by("created_at", "id").first()
    if oldest is not None:
        open_tasks.filter(pk=oldest.pk).update(created_at=late - due / 2)


def _empty_face(tenant: Tenant) -> None:
    """A second pick face, on an empty pick-face bin, for the first item orders want at a site,
    set up to be replenished by the pallet, a unit the item has no conversion for: the
    replenishment run passes such a face by, so it stays empty while demand waits, which
    is what the alert is there to catch."""
    from inventory.models import Bin, BinType, Projection, ProjectionKind, StockBalance

    wanted = (
        Projection.objects.filter(tenant=tenant, kind=ProjectionKind.DEMAND)
        .order_by("date", "id")
        .values_list("item_id", "site_id")
        .first()
    )
    if wanted is None:
        return
    item_id, site_id = wanted
    if PickFace.objects.filter(tenant=tenant, unit=DEMO_FACE_UNIT).exists():
        return  # made by an earlier run
    # Real bins only: a virtual location's NULL bin would make NOT IN match nothing.
    stocked = StockBalance.objects.filter(tenant=tenant, is_real=True, on_hand__gt=0).values(
        "location__bin_id"
    )
    bin = (
        Bin.objects.filter(tenant=tenant, site_id=site_id, bin_type=BinType.PICK_FACE)
        .exclude(pk__in=PickFace.objects.filter(tenant=tenant).values("bin_id"))
        .exclude(pk__in=stocked)
        .order_by("code")
        .first()
    )
    if bin is not None:
        PickFace.objects.create(
            tenant=tenant, item_id=item_id, bin=bin, min_quantity=Decimal(6),
            max_quantity=Decimal(24), unit=DEMO_FACE_UNIT,
        )  # fmt: skip

"""Demo receiving: putaway rules, one order partly received, one with discrepancies, and
putaway tasks waiting; demo outbound: each tenant's GS1 identity, a packing staging bin per
site, and a released wave of whatever sales orders are released. Idempotent (scan keys and
look-ups)."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from erp.errors import DomainError
from erp.models import Membership, Tenant
from erp.roles import Role
from purchasing.models import PurchaseOrder
from warehouse.models import PutawayRule
from warehouse.receiving import selectors as receiving_selectors
from warehouse.receiving import services as receiving

# Demo GS1 company prefixes under 950 (GS1 Global Office), the range GS1's own examples use.
GS1_PREFIXES = {"northwind": "9501101", "harbor": "9501102"}


def load_inbound(tenant: Tenant) -> None:
    """Putaway rules and receipts against the purchasing demo's sent orders, then the outbound
    settings (the wave follows in `load_outbound`, once sales orders exist)."""
    from purchasing.demo import receiving_orders

    _receiving(tenant, receiving_orders(tenant))
    load_outbound(tenant)


def load_outbound(tenant: Tenant) -> None:
    """Shipping settings, staging bins, and one released wave per tenant once released sales
    orders exist (run it again after loading sales orders; it makes at most one wave)."""
    from inventory.models import Bin, Site, Zone, ZoneType
    from inventory.services import locations
    from orders.models import OrderStatus, SalesOrder
    from warehouse.models import ShippingSettings, Wave
    from warehouse.picking import waves

    settings, _ = ShippingSettings.objects.get_or_create(
        tenant=tenant,
        defaults={
            "gs1_company_prefix": GS1_PREFIXES.get(tenant.slug, ""),
            "ship_from_name": tenant.name,
        },
    )
    if not settings.gs1_company_prefix and tenant.slug in GS1_PREFIXES:
        settings.gs1_company_prefix = GS1_PREFIXES[tenant.slug]
        settings.save(update_fields=["gs1_company_prefix"])
    admin = Membership.objects.filter(tenant=tenant, role=Role.ADMIN).select_related("user").first()
    for site in Site.objects.filter(tenant=tenant, is_active=True):
        has_staging = Bin.objects.filter(
            tenant=tenant, site=site, bin_type="staging", zone__zone_type=ZoneType.PACKING
        ).exists()
        if has_staging or admin is None:
            continue
        zone = Zone.objects.filter(tenant=tenant, site=site, code="PAK").first()
        if zone is None:
            zone = locations.save_zone(
                tenant=tenant, user=admin.user,
                zone=Zone(site=site, code="PAK", name="Packing", zone_type=ZoneType.PACKING),
            )  # fmt: skip
        locations.save_bin(
            tenant=tenant, user=admin.user,
            bin=Bin(zone=zone, code="PACK-01", bin_type="staging", walk_sequence=9000),
        )  # fmt: skip
    supervisor = (
        Membership.objects.filter(tenant=tenant, role=Role.SUPERVISOR)
        .select_related("user")
        .first()
    )
    if supervisor is None or Wave.objects.filter(tenant=tenant).exists():
        return
    site_ids = (
        SalesOrder.objects.filter(tenant=tenant, status=OrderStatus.RELEASED)
        .order_by("site__code")
        .values_list("site_id", flat=True)
    )
    site = Site.objects.filter(tenant=tenant, pk__in=site_ids).order_by("code").first()
    if site is None:
        return
    wave = waves.create_wave(tenant=tenant, user=supervisor.user, site=site, orders_per_batch=3)
    with contextlib.suppress(DomainError):  # nothing reserved yet: the wave stays planned
        waves.release_wave(tenant=tenant, user=supervisor.user, wave=wave)
        _ship_one(tenant, supervisor.user, wave)


def _ship_one(tenant: Tenant, user, wave) -> None:
    """Pick, pack and ship the wave's first order, so the demo shows a shipped order with its
    carton label, packing slip and bill of lading; the others stay on the floor to pick."""
    from warehouse.models import PickTask
    from warehouse.packing import services as packing
    from warehouse.picking import services as picking
    from warehouse.shipping import services as shipping

    first = (
        PickTask.objects.filter(tenant=tenant, batch__wave=wave)
        .order_by("order_id")
        .select_related("order")
        .first()
    )
    if first is None:
        return
    order = first.order
    tasks = list(
        PickTask.objects.filter(tenant=tenant, order=order).select_related("item", "lot", "serial")
    )
    for task in tasks:
        picking.confirm_pick(tenant=tenant, user=user, task=task, quantity=task.quantity)
    carton = None
    for task in tasks:
        carton = packing.pack(
            tenant=tenant,
            user=user,
            order=order,
            item=task.item,
            quantity=task.quantity,
            carton=carton,
            lot=task.lot,
            serial=task.serial,
        )
    carton = packing.close_carton(
        tenant=tenant,
        user=user,
        carton=carton,
        weight_kg=Decimal("8.5"),
        length_cm=Decimal(40),
        width_cm=Decimal(30),
        height_cm=Decimal(25),
    )
    packing.finish_packing(tenant=tenant, user=user, order=order)
    shipment = shipping.create_shipment(
        tenant=tenant,
        user=user,
        order=order,
        cartons=[carton],
        service="Ground",
        tracking_number=f"1ZDEMO{order.pk:06d}",
    )
    shipping.confirm_shipment(tenant=tenant, user=user, shipment=shipment)


def _receiving(tenant: Tenant, orders: list[PurchaseOrder]) -> None:
    from inventory.models import Zone

    for site_zone in Zone.objects.filter(tenant=tenant, code="STO"):
        PutawayRule.objects.get_or_create(
            tenant=tenant,
            name=f"Bulk storage at {site_zone.site.code}",
            defaults={"priority": 50, "site": site_zone.site, "target_zone": site_zone},
        )
    PutawayRule.objects.get_or_create(
        tenant=tenant,
        name="Fast movers to pick faces",
        defaults={"priority": 10, "velocity_class": "fast", "target_bin_type": "pick_face"},
    )
    operator = (
        Membership.objects.filter(tenant=tenant, role=Role.OPERATOR).select_related("user").first()
    )
    if operator is None or len(orders) < 2:
        return
    partial, troubled = orders[0], orders[1]
    expiry = timezone.localdate() + datetime.timedelta(days=240)
    for order, plan in ((partial, "half"), (troubled, "trouble")):
        dock = receiving_selectors.dock_locations(tenant=tenant, site_id=order.site_id).first()
        for line in order.lines.select_related("item").order_by("line_no"):
            quantity = (
                (line.quantity_base / 2).to_integral_value()
                if plan == "half"
                else line.quantity_base + 6
            )
            if line.item.tracking == "serial":
                continue
            receiving.receive(
                tenant=tenant, user=operator.user, order=order, item=line.item, quantity=quantity,
                dock=dock, scan_key=f"demo:{order.number}:{line.line_no}",
                lot_code=f"D{line.pk}" if line.item.tracking == "lot" else "", expiry=expiry if line.item.tracking == "lot" else None,
                damaged=Decimal(2) if plan == "trouble" else Decimal(0), note="demo: damaged in transit" if plan == "trouble" else "",
            )  # fmt: skip


def load_counts(tenant: Tenant) -> None:
    """Cycle counts: a tolerance of 2 units or 100.00, one bin counted one short by the
    operator and awaiting a supervisor's approval, one count waiting in the queue, and one bin
    counted right and approved."""
    from inventory.models import LocationKind, StockBalance, Tracking
    from warehouse.counting import services as counting
    from warehouse.models import Count, CountRound, CountSettings

    CountSettings.objects.get_or_create(
        tenant=tenant, defaults={"quantity_tolerance": Decimal(2), "value_tolerance": Decimal(100)}
    )
    operator = Membership.objects.filter(tenant=tenant, role=Role.OPERATOR).select_related("user")
    operator = operator.first()
    # Only the demo's own counts: a demo pick that empties a pick face opens one of its own.
    if operator is None or Count.objects.filter(tenant=tenant, reason="demo: cycle count").exists():
        return
    balances = list(
        StockBalance.objects.filter(
            tenant=tenant, location__kind=LocationKind.BIN, status="available", on_hand__gt=3,
            reserved=0, item__tracking=Tracking.NONE, location__bin__bin_type="reserve",
        )
        .select_related("location", "item")
        .order_by("location__site__code", "location__code")[:3]
    )  # fmt: skip
    if len(balances) < 3:
        return
    counted, waiting, matched = balances
    count = counting.open_count(
        tenant=tenant, user=None, location=counted.location, reason="demo: cycle count"
    )
    round = CountRound.objects.get(tenant=tenant, count=count, number=1)
    user = operator.user
    counting.scan_bin(tenant=tenant, user=user, round=round, location=counted.location)
    counting.record_line(
        tenant=tenant, user=user, round=round, item=counted.item,
        quantity=counted.on_hand - 1,
    )  # fmt: skip
    counting.finish_round(tenant=tenant, user=user, round=round)
    counting.open_count(
        tenant=tenant, user=None, location=waiting.location, reason="demo: cycle count"
    )
    # One bin counted right and approved, so the record-accuracy page has a count to show.
    supervisor = Membership.objects.filter(tenant=tenant, role=Role.SUPERVISOR).first()
    if supervisor is None:
        return
    count = counting.open_count(
        tenant=tenant, user=None, location=matched.location, reason="demo: cycle count"
    )
    round = CountRound.objects.get(tenant=tenant, count=count, number=1)
    counting.scan_bin(tenant=tenant, user=user, round=round, location=matched.location)
    counting.record_line(
        tenant=tenant, user=user, round=round, item=matched.item, quantity=matched.on_hand
    )
    count = counting.finish_round(tenant=tenant, user=user, round=round)
    counting.approve(tenant=tenant, user=supervisor.user, count=count, note="demo: counted right")


def load_replenishment(tenant: Tenant) -> None:
    """A min/max on every demo pick face that holds stock: every other one set so that the
    face is at its min (the run below gives it a task from reserve), the rest well above it.
    Idempotent: faces are looked up, and a face with an open task gets no second one."""
    from django.db.models import Sum

    from inventory.models import BinType, ItemUnit, StockBalance
    from warehouse.models import PickFace
    from warehouse.replenishment import services as replenishment

    stocked = (
        StockBalance.objects.filter(
            tenant=tenant, status="available", serial__isnull=True, on_hand__gt=0,
            location__bin__bin_type=BinType.PICK_FACE, item__tracking__in=["none", "lot"],
        )
        .values("item_id", "item__base_unit", "location__bin_id")
        .annotate(on_hand=Sum("on_hand"))
        .order_by("location__bin_id", "item_id")
    )  # fmt: skip
    cases = dict(
        ItemUnit.objects.filter(tenant=tenant, code="case").values_list("item_id", "factor")
    )
    for n, row in enumerate(stocked):
        factor = cases.get(row["item_id"])
        unit = "case" if factor else row["item__base_unit"]
        step = factor or Decimal(1)
        on_hand = row["on_hand"]
        if n % 2 == 0:
            minimum, maximum = on_hand, on_hand + 4 * step  # at min: replenished
        else:
            minimum, maximum = (on_hand / 4).quantize(Decimal(1)), on_hand * 2
        PickFace.objects.get_or_create(
            tenant=tenant, item_id=row["item_id"], bin_id=row["location__bin_id"],
            defaults={"min_quantity": minimum, "max_quantity": maximum, "unit": unit},
        )  # fmt: skip
    replenishment.run(tenant=tenant)

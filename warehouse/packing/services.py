"""Packing picked goods into cartons; a closed carton gets the tenant's next SSCC.

Packing moves no stock: cartons group what sits at staging until a shipment is confirmed
(warehouse.shipping.services). Until then a carton can be unpacked, closed or not.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from biip.checksums import gs1_standard_check_digit
from django.db import transaction
from django.db.models import Q, Sum

from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from inventory import units
from inventory.models import Item, Lot, SerialNumber
from orders.models import SalesOrder, SalesOrderLine
from orders.services import fulfilment
from warehouse import permissions
from warehouse.errors import WarehouseError
from warehouse.models import (
    Carton,
    CartonLine,
    CartonStatus,
    ExceptionKind,
    FloorException,
    PickState,
    PickTask,
    ShipmentStatus,
    ShippingSettings,
)
from warehouse.states import carton_machine, shipment_machine

PACKERS = permissions.FLOOR


def sscc(*, extension: int, company_prefix: str, serial: int) -> str:
    """An SSCC (GS1 AI 00): extension digit, company prefix and serial reference filling 17
    digits, then the GS1 check digit."""
    room = 16 - len(company_prefix)
    if serial >= 10**room:
        raise WarehouseError(f"SSCC serial references for prefix {company_prefix} are used up.")
    body = f"{extension}{company_prefix}{serial:0{room}d}"
    return body + str(gs1_standard_check_digit(body))


def _next_sscc(tenant: Tenant) -> str:
    code = next_sscc(tenant=tenant)
    if code is None:
        raise WarehouseError(
            "Set the GS1 company prefix under Settings > Shipping before closing cartons."
        )
    return code


def next_sscc(*, tenant: Tenant) -> str | None:
    """The tenant's next SSCC, its serial counter moved on; None (nothing numbered) while the
    tenant has no GS1 company prefix. Locks the shipping settings row: callers lock their own
    rows first, so cartons and transfers share one numbering without a gap or a repeat."""
    settings, _ = ShippingSettings.objects.get_or_create(tenant=tenant)
    settings = ShippingSettings.objects.select_for_update().get(pk=settings.pk)
    if not settings.gs1_company_prefix:
        return None
    code = sscc(
        extension=settings.extension_digit,
        company_prefix=settings.gs1_company_prefix,
        serial=settings.next_serial,
    )
    settings.next_serial += 1
    settings.save(update_fields=["next_serial"])
    return code


def packed_by_line(*, tenant: Tenant, order: SalesOrder) -> dict[int, Decimal]:
    """Per order line, what is packed and not yet shipped."""
    rows = (
        CartonLine.objects.filter(tenant=tenant, carton__order=order)
        .filter(Q(carton__shipment__isnull=True) | Q(carton__shipment__status=ShipmentStatus.OPEN))
        .values("order_line_id")
        .annotate(q=Sum("quantity"))
    )
    packed: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        packed[row["order_line_id"]] += row["q"]
    return packed


@transaction.atomic
def pack(
    *, tenant: Tenant, user: User, order: SalesOrder, item: Item, quantity: Decimal,
    carton: Carton | None = None, lot: Lot | None = None, serial: SerialNumber | None = None,
) -> Carton:  # fmt: skip
    """Put `quantity` (base units) of a picked item into an open carton (a new one if None)."""
    require_role(tenant=tenant, user=user, roles=PACKERS)
    order = fulfilment.lock_order(tenant=tenant, order_id=order.pk)
    quantity = Decimal(quantity)
    if quantity <= 0:
        raise WarehouseError("Pack a quantity above zero.")
    # Half of an indivisible unit packed would be a carton no shipment could ever confirm.
    units.to_base(tenant=tenant, item=item, unit=item.base_unit, quantity=quantity)
    lines = list(
        SalesOrderLine.objects.filter(
            tenant=tenant, order=order, item=item, picked_base__gt=0
        ).order_by("line_no")
    )
    if not lines:
        raise WarehouseError(f"{item.sku} is not picked for {order.number}.")
    packed = packed_by_line(tenant=tenant, order=order)
    line = next((line for line in lines if line.picked_base - packed[line.pk] >= quantity), None)
    if line is None:
        left = sum((line.picked_base - packed[line.pk] for line in lines), Decimal(0))
        raise WarehouseError(
            f"Only {plain(left)} {item.base_unit} of {item.sku} are picked and not yet packed for {order.number}."
        )
    if carton is None:
        carton = Carton.objects.create(tenant=tenant, order=order, created_by=user)
    elif carton.order_id != order.pk or carton.closed:
        raise WarehouseError("That carton is closed or belongs to another order.")
    CartonLine.objects.create(
        tenant=tenant,
        carton=carton,
        order_line=line,
        item=item,
        lot=lot,
        serial=serial,
        quantity=quantity,
    )
    return carton


@transaction.atomic
def close_carton(
    *, tenant: Tenant, user: User, carton: Carton, weight_kg: Decimal | None = None,
    length_cm: Decimal | None = None, width_cm: Decimal | None = None, height_cm: Decimal | None = None,
) -> Carton:  # fmt: skip
    """Close a carton with its weight and size; it gets the tenant's next SSCC. Closing a
    closed (or shipped) carton again, a double tap, changes nothing."""
    carton_machine.authorize(tenant=tenant, user=user, action="close")
    carton = Carton.objects.select_for_update().get(tenant=tenant, pk=carton.pk)
    if carton.closed:
        return carton
    if not carton.lines.exists():
        raise WarehouseError("An empty carton cannot be closed.")
    carton.weight_kg, carton.length_cm, carton.width_cm, carton.height_cm = (
        weight_kg,
        length_cm,
        width_cm,
        height_cm,
    )
    carton.sscc = _next_sscc(tenant)
    carton_machine.move(carton, "close", tenant=tenant, user=user)
    carton.save()
    return carton


@transaction.atomic
def finish_packing(*, tenant: Tenant, user: User, order: SalesOrder) -> list[FloorException]:
    """Declare the order packed. Any picked quantity left out of closed cartons (or cartons
    left open) is flagged for the supervisor."""
    require_role(tenant=tenant, user=user, roles=PACKERS)
    order = fulfilment.lock_order(tenant=tenant, order_id=order.pk)
    if PickTask.objects.filter(tenant=tenant, order=order, state=PickState.OPEN).exists():
        raise WarehouseError(f"{order.number} still has items to pick.")
    if Carton.objects.filter(tenant=tenant, order=order, status=CartonStatus.OPEN).exists():
        raise WarehouseError("Close every carton (weight and size) before finishing.")
    packed = packed_by_line(tenant=tenant, order=order)
    flagged = []
    for line in SalesOrderLine.objects.filter(
        tenant=tenant, order=order, picked_base__gt=0
    ).select_related("item"):
        if packed[line.pk] != line.picked_base:
            flagged.append(
                FloorException.objects.create(
                    tenant=tenant, kind=ExceptionKind.PACK_MISMATCH, order=order, item=line.item,
                    expected=line.picked_base, found=packed[line.pk], created_by=user,
                    outcome=f"picked {plain(line.picked_base)}, packed {plain(packed[line.pk])}",
                )
            )  # fmt: skip
    fulfilment.record_packed(tenant=tenant, user=user, order=order)
    return flagged


def _picked_units(tenant: Tenant, order: SalesOrder, item: Item) -> dict[tuple, Decimal]:
    """Per (lot id, serial id): what was picked of `item` for `order` and is not in a carton."""
    left: dict[tuple, Decimal] = defaultdict(Decimal)
    for lot_id, serial_id, quantity in PickTask.objects.filter(
        tenant=tenant, order=order, item=item, picked_quantity__gt=0
    ).values_list("lot_id", "serial_id", "picked_quantity"):
        left[(lot_id, serial_id)] += quantity
    for lot_id, serial_id, quantity in CartonLine.objects.filter(
        tenant=tenant, carton__order=order, item=item
    ).values_list("lot_id", "serial_id", "quantity"):
        left[(lot_id, serial_id)] -= quantity
    return left


@transaction.atomic
def pack_scanned(
    *, tenant: Tenant, user: User, order: SalesOrder, code: str, quantity: Decimal | None = None,
    carton: Carton | None = None, lot_code: str = "", serial_code: str = "",
) -> tuple[Carton, Item, Decimal]:  # fmt: skip
    """Pack what a scan names into `carton` (a new one if None): the item by GTIN, GS1-128 or
    SKU; `quantity` in the scanned unit, else the label's count, else one (a case GTIN packs a
    case). A tracked item's lot or serial must be one picked for the order and not yet packed;
    when only one is left it need not be scanned. Locks the order first, as `pack` does, so
    two packers cannot both take the last units of a lot. Returns (carton, item, base units)."""
    from inventory import scanning

    require_role(tenant=tenant, user=user, roles=PACKERS)
    order = fulfilment.lock_order(tenant=tenant, order_id=order.pk)
    item, unit, scan = scanning.resolve_item(tenant=tenant, text=code)
    count = quantity if quantity is not None else (scan.count or Decimal(1))
    base = units.to_base(tenant=tenant, item=item, unit=unit or item.base_unit, quantity=count)
    left = {key: q for key, q in _picked_units(tenant, order, item).items() if q > 0}
    lot = serial = None
    lot_code = (scan.lot or lot_code).strip()
    serial_code = (scan.serial or serial_code).strip()
    if item.tracking in ("lot", "serial"):
        lots = {k[0] for k in left} - {None}
        serials = {k[1] for k in left} - {None}
        if item.tracking == "serial":
            serial = _choose(
                SerialNumber.objects.filter(tenant=tenant, item=item, pk__in=serials),
                serial_code, "serial", item, order,
            )  # fmt: skip
            lot_id = next(lot_id for lot_id, serial_id in left if serial_id == serial.pk)
            lot = Lot.objects.get(tenant=tenant, pk=lot_id) if lot_id else None
        else:
            lot = _choose(
                Lot.objects.filter(tenant=tenant, item=item, pk__in=lots), lot_code, "lot", item, order
            )  # fmt: skip
        available = sum(
            (q for (lot_id, serial_id), q in left.items()
             if lot_id == (lot.pk if lot else None) and (serial is None or serial_id == serial.pk)),
            Decimal(0),
        )  # fmt: skip
        if base > available:
            what = f"serial {serial.serial}" if serial else f"lot {lot.code}"
            raise WarehouseError(
                f"Only {plain(available)} {item.base_unit} of {item.sku} {what} are picked and not yet packed for {order.number}."
            )
    return (
        pack(tenant=tenant, user=user, order=order, item=item, quantity=base, carton=carton,
             lot=lot, serial=serial),
        item,
        base,
    )  # fmt: skip


def _choose(candidates, code: str, kind: str, item: Item, order: SalesOrder):
    field = "serial" if kind == "serial" else "code"
    if code:
        found = candidates.filter(**{f"{field}__iexact": code}).first()
        if found is None:
            raise WarehouseError(
                f"{item.sku} {kind} {code} is not picked (or already packed) for {order.number}.",
                field=kind,
            )
        return found
    choices = list(candidates[:6])
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise WarehouseError(
            f"Nothing of {item.sku} is picked and not yet packed for {order.number}."
        )
    listed = ", ".join(getattr(c, field) for c in choices)
    raise WarehouseError(
        f"Scan or type the {kind} of {item.sku}: picked {kind}s are {listed}.", field=kind
    )


@transaction.atomic
def unpack_carton(*, tenant: Tenant, user: User, carton: Carton) -> Carton:
    """Empty a carton that has not shipped and drop it: what it held is picked and not packed
    again, to be packed anew. A closed carton's SSCC is not issued again (the tenant's
    serial has moved on), so a label already printed for it must be thrown away. A carton in
    an open shipment leaves it; a shipment left without cartons is dropped too. A shipped
    carton is refused (`InvalidTransition`).

    Locks the order first, as packing does. Returns the carton as it was (unsaved)."""
    carton_machine.authorize(tenant=tenant, user=user, action="unpack")
    fulfilment.lock_order(tenant=tenant, order_id=carton.order_id)
    carton = (
        Carton.objects.select_for_update(of=("self",))
        .select_related("shipment")
        .get(tenant=tenant, pk=carton.pk)
    )
    carton_machine.move(carton, "unpack", tenant=tenant, user=user)
    shipment = carton.shipment
    CartonLine.objects.filter(tenant=tenant, carton=carton).delete()
    carton.delete()
    if (
        shipment is not None
        and not Carton.objects.filter(tenant=tenant, shipment=shipment).exists()
    ):
        why = f"carton {carton.sscc or carton.pk} unpacked"
        shipment_machine.move(shipment, "drop", tenant=tenant, user=user, reason=why)
        shipment.delete()
    return carton

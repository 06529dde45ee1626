"""Packing a picked transfer into cartons, numbered 1, 2, ... per transfer, as an outbound
order is packed (scan the item, its lot or serial when several were picked, the quantity).

Packing moves no stock. The cartons are numbered with the outbound cartons' SSCCs when the
transfer ships (`seal`), one label each; a transfer shipped without packing travels as one
carton holding everything picked."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from erp.models import Tenant, User
from erp.numbers import plain
from inventory import units
from inventory.errors import InvalidPosting, UnitConversionError
from inventory.models import Item
from warehouse.models import (
    TransferCarton,
    TransferCartonLine,
    TransferOrder,
    TransferPick,
    TransferStatus,
)
from warehouse.packing import services as packing
from warehouse.states import transfer_machine
from warehouse.transfers.services import TransferError


def _unpacked(tenant: Tenant, picks: list[TransferPick]) -> dict[int, Decimal]:
    """Per pick: what was picked and is in no carton yet."""
    packed: dict[int, Decimal] = defaultdict(Decimal)
    for pick_id, quantity in (
        TransferCartonLine.objects.filter(tenant=tenant, pick__in=picks)
        .values("pick_id")
        .annotate(q=Sum("quantity"))
        .values_list("pick_id", "q")
    ):
        packed[pick_id] = quantity
    return {p.pk: p.picked - packed[p.pk] for p in picks}


def _choose(candidates: list[TransferPick], item: Item, transfer, *, lot: str, serial: str):
    """The picks a scan's lot or serial names, among those with something left to pack; when
    only one lot (or serial) is left it need not be scanned."""
    for kind, code, key in (
        ("serial", serial, lambda p: p.serial.serial if p.serial_id else ""),
        ("lot", lot, lambda p: p.lot.code if p.lot_id else ""),
    ):
        if kind == "serial" and not item.is_serial_tracked:
            continue
        if kind == "lot" and (item.is_serial_tracked or not item.is_lot_tracked):
            continue
        if code:
            chosen = [p for p in candidates if key(p).casefold() == code.casefold()]
            if not chosen:
                raise TransferError(
                    f"{item.sku} {kind} {code} is not picked (or already packed) for "
                    f"{transfer.number}.",
                    field=kind,
                )
            return chosen
        if len({key(p) for p in candidates}) > 1:
            raise TransferError(
                f"{item.sku} is {kind}-tracked and several are left to pack: scan the {kind}.",
                field=kind,
            )
    return candidates


@transaction.atomic
def pack_scanned(
    *, tenant: Tenant, user: User, transfer: TransferOrder, code: str,
    quantity: Decimal | None = None, carton: TransferCarton | None = None, lot_code: str = "",
    serial_code: str = "",
) -> tuple[TransferCarton, Item, Decimal]:  # fmt: skip
    """Pack what a scan names into `carton` (a new one, numbered next, if None): the item by
    GTIN, GS1-128 or SKU; `quantity` in the scanned unit, else the label's count, else one. A
    tracked item's lot or serial must be one picked for the transfer and not yet packed. Lock
    order: the transfer, then its picks, so two packers cannot both take the last units.
    Returns (carton, item, base units). Raises `TransferError` (with the form field)."""
    from inventory import scanning

    transfer = TransferOrder.objects.select_for_update(of=("self",)).get(
        tenant=tenant, pk=transfer.pk
    )
    transfer_machine.authorize(tenant=tenant, user=user, action="pick")
    if transfer.status != TransferStatus.PICKED:
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: only a picked "
            "transfer is packed."
        )
    try:
        item, unit, scan = scanning.resolve_item(tenant=tenant, text=code)
        count = quantity if quantity is not None else (scan.count or Decimal(1))
        base = units.to_base(tenant=tenant, item=item, unit=unit or item.base_unit, quantity=count)
    except (InvalidPosting, UnitConversionError) as exc:
        raise TransferError(str(exc), field="item") from exc
    picks = list(
        TransferPick.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, line__transfer=transfer, line__item=item, picked__gt=0)
        .select_related("lot", "serial")
        .order_by("pk")
    )
    left = _unpacked(tenant, picks)
    candidates = [p for p in picks if left[p.pk] > 0]
    if not candidates:
        raise TransferError(
            f"No {item.sku} is picked and not yet packed for {transfer.number}.", field="item"
        )
    candidates = _choose(
        candidates, item, transfer, lot=(scan.lot or lot_code).strip(),
        serial=(scan.serial or serial_code).strip(),
    )  # fmt: skip
    available = sum((left[p.pk] for p in candidates), Decimal(0))
    if base > available:
        raise TransferError(
            f"Only {plain(available)} {item.base_unit} of {item.sku} are picked and not yet "
            f"packed for {transfer.number}.",
            field="quantity",
        )
    if carton is None:
        last = transfer.cartons.order_by("-number").values_list("number", flat=True).first()
        carton = TransferCarton.objects.create(
            tenant=tenant, transfer=transfer, number=(last or 0) + 1, created_by=user
        )
    elif carton.transfer_id != transfer.pk:
        raise TransferError(f"That carton is not one of {transfer.number}'s.", field="carton")
    remaining = base
    for pick in candidates:
        take = min(remaining, left[pick.pk])
        if take <= 0:
            break
        TransferCartonLine.objects.create(tenant=tenant, carton=carton, pick=pick, quantity=take)
        remaining -= take
    return carton, item, base


def seal(*, tenant: Tenant, user: User, transfer: TransferOrder) -> list[TransferCarton]:
    """At ship, under the transfer's lock: every picked unit must be in a carton (nothing
    packed: one carton takes it all), and each carton, in number order, takes the tenant's
    next SSCC; none without a GS1 company prefix, since a label setting must not hold stock at
    the dock. Raises `TransferError` naming what is picked and not packed."""
    picks = list(
        TransferPick.objects.filter(tenant=tenant, line__transfer=transfer, picked__gt=0)
        .select_related("line__item")
        .order_by("pk")
    )
    cartons = list(transfer.cartons.order_by("number"))
    if not cartons:
        carton = TransferCarton.objects.create(
            tenant=tenant, transfer=transfer, number=1, created_by=user
        )
        TransferCartonLine.objects.bulk_create(
            TransferCartonLine(tenant=tenant, carton=carton, pick=p, quantity=p.picked)
            for p in picks
        )
        cartons = [carton]
    left = _unpacked(tenant, picks)
    for pick in picks:
        if left[pick.pk] > 0:
            item = pick.line.item
            raise TransferError(
                f"{plain(left[pick.pk])} {item.base_unit} of {item.sku} picked for "
                f"{transfer.number} are in no carton: pack them before shipping."
            )
    for carton in cartons:
        carton.sscc = packing.next_sscc(tenant=tenant) or ""
        carton.save(update_fields=["sscc"])
    return cartons


@transaction.atomic
def unpack(*, tenant: Tenant, user: User, carton: TransferCarton) -> int:
    """Empty and drop a carton of a transfer not shipped yet (packed wrong): its goods are
    to pack again. Returns the carton's number. Lock order: the transfer, as packing takes it.
    Raises `TransferError` once the transfer has shipped (the carton travelled labelled)."""
    transfer = TransferOrder.objects.select_for_update(of=("self",)).get(
        tenant=tenant, pk=carton.transfer_id
    )
    transfer_machine.authorize(tenant=tenant, user=user, action="pick")
    if transfer.status != TransferStatus.PICKED:
        raise TransferError(
            f"{transfer.number} is {transfer_machine.display(transfer.status)}: its cartons "
            "can no longer be unpacked."
        )
    number = carton.number
    TransferCarton.objects.filter(tenant=tenant, pk=carton.pk).delete()
    return number

"""Shipping packed cartons (packing them is warehouse.packing.services).

Confirming a shipment posts its cartons' contents staging -> customer (cost of goods by each
item's costing method), has orders record the shipped quantities and records whether it left
on or before the promised date.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from erp import numbering
from erp.models import Tenant, User
from erp.roles import Role, require_role
from erp.selectors import tenant_settings
from inventory import ledger
from inventory.models import LocationKind, TransactionKind
from orders.models import SalesOrder
from orders.services import fulfilment
from warehouse import permissions, webhooks
from warehouse.errors import WarehouseError
from warehouse.models import (
    Carton,
    CartonLine,
    PickTask,
    Shipment,
    ShippingSettings,
)
from warehouse.packing.services import sscc
from warehouse.picking import waves
from warehouse.states import carton_machine, shipment_machine

SHIPPERS = permissions.FLOOR


def next_shipment_number(tenant: Tenant) -> str:
    return numbering.next_number(Shipment, tenant=tenant, prefix="SH-", width=6)


@transaction.atomic
def create_shipment(
    *, tenant: Tenant, user: User, order: SalesOrder, cartons: list[Carton], carrier: str = "",
    service: str = "", tracking_number: str = "",
) -> Shipment:  # fmt: skip
    require_role(tenant=tenant, user=user, roles=SHIPPERS)
    cartons = list(
        Carton.objects.select_for_update()
        .filter(tenant=tenant, pk__in=[c.pk for c in cartons])
        .order_by("pk")
    )
    if not cartons:
        raise WarehouseError("Choose the cartons to ship.")
    for carton in cartons:
        if carton.order_id != order.pk or not carton.closed or carton.shipment_id:
            raise WarehouseError(
                f"Carton {carton.sscc or carton.pk} is open, already shipping, or another order's."
            )
    shipment = Shipment.objects.create(
        tenant=tenant, number=next_shipment_number(tenant), order=order,
        carrier=carrier or order.carrier, service=service, tracking_number=tracking_number,
    )  # fmt: skip
    Carton.objects.filter(tenant=tenant, pk__in=[c.pk for c in cartons]).update(shipment=shipment)
    return shipment


@transaction.atomic
def confirm_shipment(*, tenant: Tenant, user: User, shipment: Shipment) -> Shipment:
    """Ship: post the cartons' contents from staging to the customer, with cost of goods;
    the shipment and its cartons are shipped. Lock order: the order, the shipment, its
    cartons. Raises `InvalidTransition` for a shipment already shipped."""
    shipment_machine.authorize(tenant=tenant, user=user, action="confirm")
    order = fulfilment.lock_order(tenant=tenant, order_id=shipment.order_id)
    shipment = Shipment.objects.select_for_update(of=("self",)).get(tenant=tenant, pk=shipment.pk)
    shipment_machine.check(shipment, "confirm", tenant=tenant, user=user)
    contents = list(
        CartonLine.objects.filter(tenant=tenant, carton__shipment=shipment).select_related(
            "item", "lot", "serial", "order_line"
        )
    )
    if not contents:
        raise WarehouseError(f"{shipment.number} has no cartons.")
    staging = (
        PickTask.objects.filter(tenant=tenant, order=order)
        .values_list("to_location", flat=True)
        .first()
    )
    if staging is None:
        raise WarehouseError(f"{order.number} was never picked.")
    from inventory.models import Location

    staging_location = Location.objects.get(tenant=tenant, pk=staging)  # where the picks went
    customer = ledger.virtual_location(tenant=tenant, kind=LocationKind.CUSTOMER)
    shipment.transaction = ledger.post(
        tenant=tenant, user=user, kind=TransactionKind.SHIPMENT,
        moves=[ledger.Move(item=c.item, quantity=c.quantity, source=staging_location, destination=customer, lot=c.lot, serial=c.serial) for c in contents],
        reference=f"{order.number} {shipment.number}", idempotency_key=f"shipment:{shipment.pk}",
    )  # fmt: skip
    now = timezone.now()
    quantities: dict[int, Decimal] = defaultdict(Decimal)
    for content in contents:
        quantities[content.order_line_id] += content.quantity
    order = fulfilment.record_shipment(
        tenant=tenant, user=user, order=order, quantities=quantities, at=now,
        reference=shipment.number,
    )  # fmt: skip
    shipment_machine.move(shipment, "confirm", tenant=tenant, user=user)
    shipment.shipped_at, shipment.shipped_by = now, user
    shipment.on_time = timezone.localdate() <= order.promised_date
    shipment.save(update_fields=["transaction", "status", "shipped_at", "shipped_by", "on_time"])
    for carton in Carton.objects.select_for_update().filter(tenant=tenant, shipment=shipment):
        carton_machine.move(carton, "ship", tenant=tenant, user=user, reason=shipment.number)
        carton.save(update_fields=["status"])
    waves.finish_waves_of(tenant=tenant, user=user, order=order)
    webhooks.shipment_confirmed(
        tenant=tenant, shipment=shipment, order=order, contents=contents,
        cartons=Carton.objects.filter(tenant=tenant, shipment=shipment).order_by("pk"),
    )  # fmt: skip
    return shipment


def settings_for(tenant: Tenant) -> ShippingSettings:
    return tenant_settings(ShippingSettings, tenant=tenant)


@transaction.atomic
def save_settings(*, tenant: Tenant, user: User, settings: ShippingSettings) -> ShippingSettings:
    """Save the tenant's GS1 identity. Refused when the next SSCC would not fit the prefix or
    could repeat one already on a carton (an SSCC must stay unique for at least a year)."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    # The lock closing a carton takes to draw the next serial: no SSCC is issued meanwhile.
    ShippingSettings.objects.select_for_update().filter(tenant=tenant).first()
    prefix = settings.gs1_company_prefix
    if prefix:
        sscc(extension=settings.extension_digit, company_prefix=prefix, serial=settings.next_serial)
        start = f"{settings.extension_digit}{prefix}"
        issued = [
            int(code[len(start) : 17])
            for code in Carton.objects.filter(tenant=tenant, sscc__startswith=start).values_list(
                "sscc", flat=True
            )
        ]
        if issued and max(issued) >= settings.next_serial:
            raise WarehouseError(
                f"Cartons already carry SSCCs up to serial reference {max(issued)} under "
                f"extension {settings.extension_digit} and prefix {prefix}; the next serial must "
                "be above it."
            )
    settings.tenant = tenant
    settings.save()
    return settings

"""Helpers for ledger tests: put stock somewhere, read it back, check the whole ledger."""

from __future__ import annotations

from decimal import Decimal

from erp.tenancy import tenant_context
from inventory import ledger
from inventory.models import Location, LocationKind, StockBalance


def loc(bin) -> Location:
    return Location.objects.get(tenant=bin.tenant, bin=bin)


def receive(
    tenant,
    item,
    bin,
    quantity,
    *,
    unit_cost="1.00",
    lot=None,
    serial=None,
    status="available",
    key=None,
):
    """Post `quantity` from the supplier into `bin` (inside the tenant's context)."""
    with tenant_context(tenant):
        return ledger.post(
            tenant=tenant,
            user=None,
            kind="receipt",
            moves=[
                ledger.Move(
                    item=item,
                    quantity=Decimal(quantity),
                    source=ledger.virtual_location(tenant=tenant, kind=LocationKind.SUPPLIER),
                    destination=loc(bin),
                    lot=lot,
                    serial=serial,
                    destination_status=status,
                    unit_cost=Decimal(unit_cost) if unit_cost is not None else None,
                )
            ],
            idempotency_key=key,
        )


def on_hand(tenant, item, bin, *, lot=None, status="available") -> Decimal:
    with tenant_context(tenant):
        balance = StockBalance.objects.filter(
            tenant=tenant, item=item, location__bin=bin, lot=lot, status=status
        ).first()
        return balance.on_hand if balance else Decimal(0)


def reserved(tenant, item, bin, *, lot=None, status="available") -> Decimal:
    with tenant_context(tenant):
        balance = StockBalance.objects.filter(
            tenant=tenant, item=item, location__bin=bin, lot=lot, status=status
        ).first()
        return balance.reserved if balance else Decimal(0)


def assert_ledger_clean(tenant) -> None:
    with tenant_context(tenant):
        differences = ledger.verify(tenant.pk)
    assert differences == [], differences

"""Suppliers, the items they sell us, and the price breaks of those items.

Changes to one supplier item and its price breaks lock the supplier item row first, so two
planners editing the same item's terms apply one after the other.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.models import Tenant, User
from erp.numbers import plain
from erp.roles import require_role
from purchasing import permissions
from purchasing.errors import DuplicatePriceBreak, InvalidSupplierItem, PreferredTaken
from purchasing.models import PriceBreak, Supplier, SupplierItem

BUYERS = permissions.BUYERS


class DuplicateSupplier(DomainError):
    message = _("{what} already exists.")


@transaction.atomic
def save_supplier(*, tenant: Tenant, user: User, supplier: Supplier) -> Supplier:
    require_role(tenant=tenant, user=user, roles=BUYERS)
    supplier.tenant = tenant
    try:
        with transaction.atomic():
            supplier.save()
    except IntegrityError as exc:
        if "code_uniq" in str(exc):
            raise DuplicateSupplier(what=f"Supplier {supplier.code}") from exc
        raise
    return supplier


def _invalid(supplier_item: SupplierItem, detail: str) -> InvalidSupplierItem:
    return InvalidSupplierItem(
        sku=supplier_item.item.sku, supplier=supplier_item.supplier.code, detail=detail
    )


def _check_terms(supplier_item: SupplierItem) -> None:
    if supplier_item.pack_size is None or supplier_item.pack_size <= 0:
        raise _invalid(supplier_item, "the pack must hold more than 0 base units.")
    if supplier_item.minimum_order_quantity is None or supplier_item.minimum_order_quantity < 0:
        raise _invalid(supplier_item, "the minimum order quantity cannot be negative.")
    if supplier_item.price is None or supplier_item.price < 0:
        raise _invalid(supplier_item, "the price cannot be negative.")
    if supplier_item.lead_time_days is not None and supplier_item.lead_time_days < 0:
        raise _invalid(supplier_item, "the lead time cannot be negative.")


@transaction.atomic
def save_supplier_item(*, tenant: Tenant, user: User, supplier_item: SupplierItem) -> SupplierItem:
    """Create or update what a supplier sells (from a validated form).

    Marking it preferred unmarks the item's other suppliers (one preferred supplier per
    item, a database constraint). Raises `RoleRequired` (planners and admins),
    `InvalidSupplierItem` for a pack, minimum, price or lead time out of range,
    `DuplicateSupplier` when the supplier already sells the item, and `PreferredTaken` when
    another supplier of the item was made preferred concurrently.
    """
    require_role(tenant=tenant, user=user, roles=BUYERS)
    supplier_item.tenant = tenant
    _check_terms(supplier_item)
    if supplier_item.preferred:
        others = SupplierItem.objects.filter(
            tenant=tenant, item=supplier_item.item, preferred=True
        ).exclude(pk=supplier_item.pk)
        for other in others.select_for_update():
            other.preferred = False
            other._history_user = user
            other.save(update_fields=["preferred"])
    supplier_item._history_user = user  # also outside a request (tasks, commands)
    try:
        with transaction.atomic():
            supplier_item.save()
    except IntegrityError as exc:
        if "supplieritem_uniq" in str(exc):
            raise DuplicateSupplier(
                what=f"{supplier_item.item.sku} at supplier {supplier_item.supplier.code}"
            ) from exc
        if "supplieritem_one_preferred" in str(exc):
            raise PreferredTaken(sku=supplier_item.item.sku) from exc
        raise
    return supplier_item


def _lock(tenant: Tenant, supplier_item: SupplierItem) -> SupplierItem:
    return (
        SupplierItem.objects.select_for_update(of=("self",))
        .select_related("supplier", "item")
        .get(tenant=tenant, pk=supplier_item.pk)
    )


@transaction.atomic
def add_price_break(
    *, tenant: Tenant, user: User, supplier_item: SupplierItem, min_quantity: Decimal,
    price: Decimal,
) -> PriceBreak:  # fmt: skip
    """Give orders of at least `min_quantity` base units the price `price` per base unit.

    Locks the supplier item row. Raises `RoleRequired` (planners and admins),
    `InvalidSupplierItem` for a quantity not above 0 or a negative price, and
    `DuplicatePriceBreak` when a break at that quantity exists (remove it to change it).
    """
    require_role(tenant=tenant, user=user, roles=BUYERS)
    supplier_item = _lock(tenant, supplier_item)
    if min_quantity is None or min_quantity <= 0:
        raise _invalid(supplier_item, "a price break needs a minimum quantity above 0.")
    if price is None or price < 0:
        raise _invalid(supplier_item, "a price break's price cannot be negative.")
    if PriceBreak.objects.filter(
        tenant=tenant, supplier_item=supplier_item, min_quantity=min_quantity
    ).exists():
        raise DuplicatePriceBreak(
            sku=supplier_item.item.sku,
            supplier=supplier_item.supplier.code,
            quantity=plain(min_quantity),
        )
    price_break = PriceBreak(
        tenant=tenant, supplier_item=supplier_item, min_quantity=min_quantity, price=price
    )
    price_break._history_user = user
    price_break.save()
    return price_break


@transaction.atomic
def remove_price_break(*, tenant: Tenant, user: User, price_break: PriceBreak) -> None:
    """Remove a price break; orders already priced keep their cost. Locks the supplier item
    row first (the same lock `add_price_break` takes)."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    _lock(tenant, price_break.supplier_item)
    price_break._history_user = user
    price_break.delete()

"""Suppliers and the items they sell us."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from erp.errors import DomainError
from erp.models import Tenant, User
from erp.roles import Role, require_role
from purchasing.models import Supplier, SupplierItem

BUYERS = [Role.PLANNER, Role.ADMIN]


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


@transaction.atomic
def save_supplier_item(*, tenant: Tenant, user: User, supplier_item: SupplierItem) -> SupplierItem:
    """Create or update what a supplier sells; marking it preferred unmarks the item's other
    suppliers (one preferred supplier per item)."""
    require_role(tenant=tenant, user=user, roles=BUYERS)
    supplier_item.tenant = tenant
    if supplier_item.preferred:
        others = SupplierItem.objects.filter(
            tenant=tenant, item=supplier_item.item, preferred=True
        ).exclude(pk=supplier_item.pk)
        for other in others.select_for_update():
            other.preferred = False
            other.save(update_fields=["preferred"])
    try:
        with transaction.atomic():
            supplier_item.save()
    except IntegrityError as exc:
        if "supplieritem_uniq" in str(exc):
            raise DuplicateSupplier(
                what=f"{supplier_item.item.sku} at supplier {supplier_item.supplier.code}"
            ) from exc
        raise
    return supplier_item

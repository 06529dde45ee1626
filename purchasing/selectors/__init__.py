"""Reads of purchasing's tables for views, tasks and reports."""

from __future__ import annotations

from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from erp.lookups import ranked_matches
from erp.roles import membership_for
from erp.transitions import Transition
from purchasing import states
from purchasing.models import (
    PriceBreak,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierItem,
)


def suppliers(*, tenant) -> QuerySet[Supplier]:
    return Supplier.objects.filter(tenant=tenant)


def supplier_matches(*, tenant, query: str, limit: int) -> list[Supplier]:
    """Active suppliers whose code starts with, or whose name contains, `query`."""
    active = suppliers(tenant=tenant).filter(is_active=True)
    return list(ranked_matches(active, query=query, code="code", text=("name",))[:limit])


def supplier_items(*, tenant, supplier: Supplier | None = None) -> QuerySet[SupplierItem]:
    queryset = (
        SupplierItem.objects.filter(tenant=tenant)
        .select_related("item", "supplier")
        .prefetch_related("price_breaks")
    )
    return queryset.filter(supplier=supplier) if supplier is not None else queryset


def orders(*, tenant) -> QuerySet[PurchaseOrder]:
    # Per-order subqueries, not a join grouped over every order: computed only for the rows a
    # page shows (and left out of its count), where the grouped join summed every line ever
    # ordered before the list could show 25.
    money = DecimalField(max_digits=24, decimal_places=6)
    lines = PurchaseOrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order")
    return (
        PurchaseOrder.objects.filter(tenant=tenant)
        .select_related("supplier", "site", "created_by", "approved_by")
        .annotate(
            line_count=Coalesce(
                Subquery(lines.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                0,
            ),
            total=Subquery(
                lines.annotate(v=Sum(F("quantity") * F("unit_cost"), output_field=money)).values(
                    "v"
                ),
                output_field=money,
            ),
        )
    )


def order_lines(*, tenant, order: PurchaseOrder) -> QuerySet[PurchaseOrderLine]:
    return (
        PurchaseOrderLine.objects.filter(tenant=tenant, order=order)
        .select_related("item")
        .order_by("line_no")
    )


def price_breaks(*, tenant, supplier_item: SupplierItem | None = None) -> QuerySet[PriceBreak]:
    """Price breaks, lowest quantity first (one supplier item's when given)."""
    queryset = (
        PriceBreak.objects.filter(tenant=tenant)
        .select_related("supplier_item__supplier", "supplier_item__item")
        .order_by("supplier_item", "min_quantity")
    )
    return queryset.filter(supplier_item=supplier_item) if supplier_item is not None else queryset


def available_actions(*, tenant, order: PurchaseOrder, user) -> list[Transition]:
    """The status actions `user` may take on `order` now (the page's buttons), from the
    transitions table; approving is left out where the creator's own approval is refused."""
    from purchasing.services.orders import needs_other_approver

    actions = states.machine.allowed(order, tenant=tenant, user=user)
    if any(a.name == "approve" for a in actions) and needs_other_approver(
        tenant=tenant, order=order, user=user
    ):
        actions = [a for a in actions if a.name != "approve"]
    return actions


def approval_withheld(*, tenant, order: PurchaseOrder, user) -> bool:
    """Whether `user` could approve `order` but for having created it above the threshold."""
    from purchasing.services.orders import needs_other_approver

    return states.machine.can(order, "approve") and needs_other_approver(
        tenant=tenant, order=order, user=user
    )


def lines_editable(*, tenant, order: PurchaseOrder, user) -> bool:
    """Whether `user` may add or remove lines of `order` now."""
    membership = membership_for(tenant=tenant, user=user)
    return (
        order.status in states.EDITABLE
        and membership is not None
        and membership.role in states.BUYERS
    )

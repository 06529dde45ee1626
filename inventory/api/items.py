"""Items with their units and GTINs."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from erp.api.paging import PageQuery, keyset, page_of
from erp.api.site import Id, answers, roles
from inventory import permissions
from inventory.api.fields import Category, Gtin, Sku
from inventory.gtin import gtin_forms, normalize_gtin
from inventory.models import Item, ItemUnit

router = Router(tags=["Items"])


class UnitOut(Schema):
    code: str
    factor: Decimal
    gtin: str


class ItemOut(Schema):
    id: int
    sku: str
    description: str
    category: str
    base_unit: str
    divisible: bool
    tracking: str
    shelf_life_days: int | None
    hazardous: bool
    is_active: bool
    units: list[UnitOut]
    updated_at: datetime.datetime

    @staticmethod
    def resolve_units(item: Item) -> list[ItemUnit]:
        return list(item.units.all())


ItemPage = page_of(ItemOut)


def _items(request):
    units = Prefetch("units", queryset=ItemUnit.objects.order_by("factor", "code"))
    return Item.objects.filter(tenant=request.tenant).prefetch_related(units)


@router.get("/items", response=answers(ItemPage), summary="List items")
def list_items(
    request,
    page: Query[PageQuery],
    sku: Sku | None = None,
    gtin: Gtin | None = None,
    category: Category | None = None,
):
    """Items oldest change first. `sku` picks one by its exact SKU; `gtin` the one with a unit
    of that GTIN (8, 12, 13 or 14 digits: a UPC-A, EAN-13 or GTIN-14 of the same code all
    find it; a wrong check digit is 400 `invalid_gtin`); `category` those of one category."""
    roles(request, permissions.DESK | permissions.FLOOR)
    items = _items(request)
    if sku is not None:
        items = items.filter(sku=sku)
    if gtin is not None:
        forms = gtin_forms(normalize_gtin(gtin))
        units = ItemUnit.objects.filter(tenant=request.tenant, gtin__in=forms)
        items = items.filter(pk__in=units.values("item"))
    if category is not None:
        items = items.filter(category=category)
    return keyset(items, page)


@router.get("/items/{item_id}", response=answers(ItemOut), summary="One item")
def get_item(request, item_id: Id):
    """One item with its units, by id."""
    roles(request, permissions.DESK | permissions.FLOOR)
    return get_object_or_404(_items(request), pk=item_id)

"""Reorder suggestions of the planning runs (purchasing.planning), read-only: each with the
figures its explanation is made of. Deciding them stays on the planning page."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from erp.api.fields import Code
from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from purchasing import permissions
from purchasing.models import ReorderSuggestion, SuggestionKind, SuggestionStatus
from purchasing.planning import selectors

router = Router(tags=["Reorder suggestions"])


class SuggestionOut(Schema):
    id: int
    run_id: int
    kind: SuggestionKind
    status: SuggestionStatus
    sku: str
    site: str = Field(..., description="Site code")
    supplier: str | None = Field(..., description="Supplier code (purchases)")
    from_site: str | None = Field(..., description="Source site code (transfers)")
    abc_class: str
    xyz_class: str
    suggested_quantity: Decimal = Field(..., description="Base units, as the run computed")
    quantity: Decimal = Field(..., description="Base units, as the planner may have changed")
    pack_size: Decimal
    minimum_order: Decimal
    unit_cost: Decimal
    demand_per_day: Decimal
    demand_sd: Decimal
    lead_time_days: Decimal
    lead_time_sd: Decimal
    service_level: str
    z: Decimal
    safety_stock: Decimal
    reorder_point: Decimal
    order_up_to: Decimal
    on_hand: Decimal
    on_order: Decimal
    in_transit: Decimal
    backorders: Decimal
    reserved: Decimal
    position: Decimal
    seasonal: bool
    stockout_date: datetime.date | None
    explanation: str
    decided_at: datetime.datetime | None
    reason: str
    purchase_order: str | None = Field(..., description="Number of the order it became")
    transfer_number: str

    @staticmethod
    def resolve_sku(row: ReorderSuggestion) -> str:
        return row.item.sku

    @staticmethod
    def resolve_site(row: ReorderSuggestion) -> str:
        return row.site.code

    @staticmethod
    def resolve_supplier(row: ReorderSuggestion) -> str | None:
        return row.supplier.code if row.supplier_id else None

    @staticmethod
    def resolve_from_site(row: ReorderSuggestion) -> str | None:
        return row.from_site.code if row.from_site_id else None

    @staticmethod
    def resolve_purchase_order(row: ReorderSuggestion) -> str | None:
        return row.purchase_order.number if row.purchase_order_id else None


SuggestionPage = page_of(SuggestionOut)


@router.get(
    "/reorder-suggestions", response=answers(SuggestionPage), summary="List reorder suggestions"
)
def list_suggestions(
    request,
    page: Query[PageQuery],
    status: SuggestionStatus | None = None,
    site: Code | None = None,
    supplier: Code | None = None,
):
    """Suggestions in the order they were made (by id; they change only when decided, so
    `updated_since` is refused); filter by `status`, `site` code and `supplier` code."""
    roles(request, permissions.BUYERS)
    found = selectors.suggestions(tenant=request.tenant)
    found = where(found, status=status, site__code=site, supplier__code=supplier)
    return keyset(found, page, changed=None)


@router.get(
    "/reorder-suggestions/{suggestion_id}",
    response=answers(SuggestionOut),
    summary="One reorder suggestion with its figures",
)
def get_suggestion(request, suggestion_id: Id):
    """The suggestion and every figure its explanation uses."""
    roles(request, permissions.BUYERS)
    return get_object_or_404(selectors.suggestions(tenant=request.tenant), pk=suggestion_id)

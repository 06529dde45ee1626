"""Available-to-promise per item and site, one at a time or for many SKUs in one request."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from erp.api.errors import ApiError
from erp.api.site import answers, roles
from inventory import permissions, selectors
from inventory.api.fields import SiteCode, Sku, site_by_code
from inventory.models import Item, Site

router = Router(tags=["Available to promise"])

MAX_SKUS = 1000


class AtpDayOut(Schema):
    date: datetime.date
    supply: Decimal
    demand: Decimal
    net: Decimal
    cumulative: Decimal
    promisable: Decimal


class AtpFigureOut(Schema):
    sku: str = Field(..., description="the item")
    site: str = Field(..., description="the site's code")
    on_hand: Decimal = Field(..., description="on hand with status available, in the bins")
    reserved: Decimal = Field(..., description="of that, promised to documents")
    available: Decimal = Field(..., description="on hand - reserved")
    atp: Decimal = Field(
        ..., description="what can be promised today without taking stock later demand needs"
    )


class AtpOut(AtpFigureOut):
    days: list[AtpDayOut] = Field(..., description="the projection by day, from today")


class AtpQuery(Schema):
    site: SiteCode | None = Field(None, description="one site's code; else every site")
    skus: list[Sku] = Field(..., description=f"up to {MAX_SKUS} SKUs")


class AtpAnswer(Schema):
    items: list[AtpFigureOut]
    unknown_skus: list[str]


def _figure(figure) -> dict:
    return {
        "sku": figure.item.sku,
        "site": figure.site_code,
        "on_hand": figure.on_hand,
        "reserved": figure.reserved,
        "available": figure.available,
        "atp": figure.atp,
    }


@router.get("/atp", response=answers(AtpOut), summary="ATP of one item at one site")
def get_atp(request, sku: Sku, site: SiteCode):
    """Available stock, reservations and ATP by day of one item at one site, as the item page
    shows them: `atp` is today's promisable quantity; each day's `promisable` is what can be
    promised for that day. An unknown SKU or site is 404."""
    roles(request, permissions.DESK)
    item = get_object_or_404(Item.objects.filter(tenant=request.tenant), sku=sku)
    place = get_object_or_404(Site.objects.filter(tenant=request.tenant), code=site)
    (figure,) = selectors.atp_figures(tenant=request.tenant, items=[item], site=place)
    phased = selectors.atp(tenant=request.tenant, item=item, site=place)
    return {**_figure(figure), "days": phased.days}


@router.post("/atp/query", response=answers(AtpAnswer), summary="ATP of many items")
def query_atp(request, query: AtpQuery):
    """Today's ATP of up to 1000 SKUs in one request (a read: it changes nothing), answered
    in the same few queries however many SKUs are asked. With `site`, one row per known SKU
    at that site; without, one row per site where the item has available stock or projected
    supply or demand. SKUs the organisation does not have are listed in `unknown_skus`.
    More than 1000 SKUs is 422 `too_many_skus`; an unknown site is 400 `unknown_site`."""
    roles(request, permissions.DESK)
    if len(query.skus) > MAX_SKUS:
        raise ApiError(
            422,
            "too_many_skus",
            f"Ask for at most {MAX_SKUS} SKUs at a time.",
            limit=MAX_SKUS,
            given=len(query.skus),
        )
    skus = list(dict.fromkeys(query.skus))  # the order asked, once each
    place = site_by_code(request, query.site) if query.site is not None else None
    found = {item.sku: item for item in Item.objects.filter(tenant=request.tenant, sku__in=skus)}
    items = [found[sku] for sku in skus if sku in found]
    figures = selectors.atp_figures(tenant=request.tenant, items=items, site=place)
    return {
        "items": [_figure(figure) for figure in figures],
        "unknown_skus": [sku for sku in skus if sku not in found],
    }

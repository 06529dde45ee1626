"""Sites and their bins: where stock can be, for an integrator to map its own locations."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from erp.api.paging import PageQuery, keyset, page_of, where
from erp.api.site import Id, answers, roles
from inventory import permissions, selectors
from inventory.api.fields import SiteCode, ZoneCode
from inventory.models import Bin, BinType

router = Router(tags=["Sites and bins"])

# Readers of places: whoever reads stock at the desk or moves it on the floor.
READERS = permissions.DESK | permissions.FLOOR


class SiteOut(Schema):
    id: int
    code: str
    name: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    country: str
    time_zone: str
    is_active: bool
    updated_at: datetime.datetime


class BinOut(Schema):
    id: int
    code: str
    site: str
    zone: str
    zone_type: str
    bin_type: str
    walk_sequence: int
    capacity_volume: Decimal | None
    capacity_weight: Decimal | None
    capacity_units: int | None
    is_active: bool
    updated_at: datetime.datetime

    @staticmethod
    def resolve_site(bin: Bin) -> str:
        return bin.site.code

    @staticmethod
    def resolve_zone(bin: Bin) -> str:
        return bin.zone.code

    @staticmethod
    def resolve_zone_type(bin: Bin) -> str:
        return bin.zone.zone_type


@router.get("/sites", response=answers(page_of(SiteOut)), summary="List sites")
def list_sites(request, page: Query[PageQuery], active: bool | None = None):
    """Sites oldest change first (`updated_since` for a sync); `active` keeps active or
    inactive ones only."""
    roles(request, READERS)
    sites = selectors.sites(tenant=request.tenant)
    if active is not None:
        sites = sites.filter(is_active=active)
    return keyset(sites, page)


@router.get("/sites/{site_id}", response=answers(SiteOut), summary="One site")
def get_site(request, site_id: Id):
    """One site, by id."""
    roles(request, READERS)
    return get_object_or_404(selectors.sites(tenant=request.tenant), pk=site_id)


@router.get("/bins", response=answers(page_of(BinOut)), summary="List bins")
def list_bins(
    request,
    page: Query[PageQuery],
    site: SiteCode | None = None,
    zone: ZoneCode | None = None,
    type: BinType | None = None,
    active: bool | None = None,
):
    """Bins oldest change first (`updated_since` for a sync), with their site and zone codes;
    filtered by site code, zone code (within `site` when both are given), bin type and
    whether they are active."""
    roles(request, READERS)
    bins = selectors.bins(tenant=request.tenant)
    bins = where(bins, site__code=site, zone__code=zone, bin_type=type, is_active=active)
    return keyset(bins, page)


@router.get("/bins/{bin_id}", response=answers(BinOut), summary="One bin")
def get_bin(request, bin_id: Id):
    """One bin with its site and zone, by id."""
    roles(request, READERS)
    return get_object_or_404(selectors.bins(tenant=request.tenant), pk=bin_id)

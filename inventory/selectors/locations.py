"""Reads of inventory's tables (tenant-filtered) for views, tasks and reports."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from erp.lookups import ranked_matches
from inventory.models import Bin, Site, Zone


def sites(*, tenant) -> QuerySet[Site]:
    return Site.objects.filter(tenant=tenant)


def sites_with_counts(*, tenant) -> QuerySet[Site]:
    return sites(tenant=tenant).annotate(
        zone_count=Count("zones", distinct=True), bin_count=Count("bins", distinct=True)
    )


def zones(*, tenant) -> QuerySet[Zone]:
    return Zone.objects.filter(tenant=tenant).select_related("site")


def zones_with_counts(*, tenant) -> QuerySet[Zone]:
    return zones(tenant=tenant).annotate(bin_count=Count("bins"))


def bins(*, tenant) -> QuerySet[Bin]:
    return Bin.objects.filter(tenant=tenant).select_related("site", "zone")


def bin_matches(*, tenant, query: str, limit: int, site: Site | None = None) -> list[Bin]:
    """Active bins whose code starts with `query`, at `site` when one is given."""
    active = bins(tenant=tenant).filter(is_active=True)
    if site is not None:
        active = active.filter(site=site)
    return list(ranked_matches(active, query=query, code="code")[:limit])

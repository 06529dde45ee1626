"""Reads of inventory's tables (tenant-filtered) for views, tasks and reports."""

from __future__ import annotations

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from erp.lookups import ranked_matches
from inventory.models import Bin, DefaultSite, Site, Zone


def sites(*, tenant) -> QuerySet[Site]:
    return Site.objects.filter(tenant=tenant)


def _how_many(rows: QuerySet, link: str):
    """How many of `rows` point at the outer row through `link`: a subquery counted by its
    index, not a join of every zone to every bin of a site (45,024 bins at a scale tenant)."""
    counted = rows.filter(**{link: OuterRef("pk")}).order_by().values(link)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def sites_with_counts(*, tenant) -> QuerySet[Site]:
    return sites(tenant=tenant).annotate(
        zone_count=_how_many(Zone.objects.filter(tenant=tenant), "site"),
        bin_count=_how_many(Bin.objects.filter(tenant=tenant), "site"),
    )


def zones(*, tenant) -> QuerySet[Zone]:
    return Zone.objects.filter(tenant=tenant).select_related("site")


def zones_with_counts(*, tenant) -> QuerySet[Zone]:
    return zones(tenant=tenant).annotate(
        bin_count=_how_many(Bin.objects.filter(tenant=tenant), "zone")
    )


def bins(*, tenant) -> QuerySet[Bin]:
    return Bin.objects.filter(tenant=tenant).select_related("site", "zone")


def active_sites(*, tenant) -> QuerySet[Site]:
    return sites(tenant=tenant).filter(is_active=True)


def current_site(*, tenant, membership, chosen_id: int | None) -> Site | None:
    """Where this member works now: the site chosen in this session, else their default
    site, else the tenant's only active site; None when none of these decides."""
    active = active_sites(tenant=tenant)
    if chosen_id is not None:
        chosen = active.filter(pk=chosen_id).first()
        if chosen is not None:
            return chosen
    if membership is not None:
        default = (
            DefaultSite.objects.filter(tenant=tenant, membership=membership, site__is_active=True)
            .select_related("site")
            .first()
        )
        if default is not None:
            return default.site
    only = list(active[:2])
    return only[0] if len(only) == 1 else None


def default_site(*, tenant, membership) -> Site | None:
    row = (
        DefaultSite.objects.filter(tenant=tenant, membership=membership)
        .select_related("site")
        .first()
    )
    return row.site if row else None


def default_sites(*, tenant) -> QuerySet[DefaultSite]:
    return DefaultSite.objects.filter(tenant=tenant).select_related("site", "membership__user")


def bin_matches(*, tenant, query: str, limit: int, site: Site | None = None) -> list[Bin]:
    """Active bins whose code starts with `query`, at `site` when one is given."""
    active = bins(tenant=tenant).filter(is_active=True)
    if site is not None:
        active = active.filter(site=site)
    return list(ranked_matches(active, query=query, code="code")[:limit])

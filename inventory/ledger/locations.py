"""The ledger's locations: one per bin, and the tenant's virtual ones."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from erp.models import Tenant
from inventory.models import Bin, Location, LocationKind


def virtual_location(*, tenant: Tenant, kind: LocationKind) -> Location:
    """The tenant's `supplier`, `customer`, `adjustment`, `scrap` or `in_transit` location."""
    if kind == LocationKind.BIN:
        raise ValueError("bins have their own locations")
    location = Location.objects.filter(tenant=tenant, kind=kind).first()
    if location is not None:
        return location
    try:
        with transaction.atomic():
            return Location.objects.create(
                tenant=tenant, kind=kind, code=f"({LocationKind(kind).label.lower()})"
            )
    except IntegrityError:
        # Another transaction made it first.
        return Location.objects.get(tenant=tenant, kind=kind)


def ensure_bin_locations(*, tenant: Tenant, bins: Iterable[Bin] | None = None) -> int:
    """Give every bin (or the given ones) its ledger location; returns how many were made."""
    queryset = Bin.objects.filter(tenant=tenant, ledger_locations__isnull=True)
    if bins is not None:
        queryset = queryset.filter(pk__in=[b.pk for b in bins])
    missing = list(queryset.values_list("pk", "site_id", "code"))
    Location.objects.bulk_create(
        [
            Location(tenant=tenant, kind=LocationKind.BIN, bin_id=pk, site_id=site_id, code=code)
            for pk, site_id, code in missing
        ],
        batch_size=5000,
    )
    return len(missing)


def bin_location(*, tenant: Tenant, bin: Bin) -> Location:
    location = Location.objects.filter(tenant=tenant, bin=bin).first()
    if location is None:
        ensure_bin_locations(tenant=tenant, bins=[bin])
        location = Location.objects.get(tenant=tenant, bin=bin)
    return location

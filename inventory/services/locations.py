"""Creating and changing sites, zones and bins (admin settings)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from erp.models import Membership, Tenant, User
from erp.roles import Role, require_role
from inventory.errors import DuplicateCode
from inventory.models import Bin, DefaultSite, Site, Zone


def _save(obj, *, kind: str, where: str = "") -> None:
    """Save, turning the unique-code violation into a message that names the code."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        if "code_uniq" in str(exc):
            raise DuplicateCode(kind=kind, code=obj.code, where=where) from exc
        raise


@transaction.atomic
def save_site(*, tenant: Tenant, user: User, site: Site) -> Site:
    """Create or update `site` (from a validated form). Admins only; codes unique per tenant."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    site.tenant = tenant
    _save(site, kind="Site")
    return site


@transaction.atomic
def save_zone(*, tenant: Tenant, user: User, zone: Zone) -> Zone:
    """Create or update `zone`; its code is unique within its site."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    zone.tenant = tenant
    _save(zone, kind="Zone", where=f" at site {zone.site.code}")
    return zone


@transaction.atomic
def save_bin(*, tenant: Tenant, user: User, bin: Bin) -> Bin:
    """Create or update `bin`; it takes its site from its zone, and its code is unique there."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    bin.tenant = tenant
    bin.site_id = bin.zone.site_id
    _save(bin, kind="Bin", where=f" at site {bin.zone.site.code}")
    # Every bin is a ledger location; its code follows the bin's.
    from inventory.ledger import ensure_bin_locations
    from inventory.models import Location

    ensure_bin_locations(tenant=tenant, bins=[bin])
    Location.objects.filter(tenant=tenant, bin=bin).exclude(code=bin.code).update(code=bin.code)
    return bin


@transaction.atomic
def set_default_site(
    *, tenant: Tenant, user: User, membership: Membership, site: Site | None
) -> DefaultSite | None:
    """Make `site` the site `membership` starts at (None: no default). Admins only; the
    member's session choice, if any, still wins until they sign in again."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    if site is None:
        for row in DefaultSite.objects.filter(tenant=tenant, membership=membership):
            row.delete()  # one by one, so history records who removed it
        return None
    row, _ = DefaultSite.objects.select_for_update().get_or_create(
        tenant=tenant, membership=membership, defaults={"site": site}
    )
    if row.site_id != site.pk:
        row.site = site
        row.save(update_fields=["site"])
    return row

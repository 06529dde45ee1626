"""Demo tenants and users. Idempotent: a second run finds everything and changes nothing."""

from __future__ import annotations

from erp.demo_accounts import (
    CONSULTANT_EMAIL,
    CONSULTANT_NAME,
    CONSULTANT_ROLES,
    PASSWORD,
    ROLES,
    TENANTS,
)
from erp.models import Membership, PaperSize, Tenant, User
from erp.roles import Role
from erp.tenancy import tenant_context


def _user(email: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=PASSWORD, full_name=full_name)
    return user


def load() -> list[Tenant]:
    tenants = []
    for slug, name in TENANTS:
        # Both demo distributors are in the US: their documents print on Letter.
        tenant, _ = Tenant.objects.get_or_create(
            slug=slug, defaults={"name": name, "paper_size": PaperSize.LETTER}
        )
        tenants.append(tenant)
        with tenant_context(tenant):
            for role in ROLES:
                label = Role(role).label
                user = _user(f"{role}@{slug}.example", f"{label} {name.split()[0]}")
                Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
            consultant = _user(CONSULTANT_EMAIL, CONSULTANT_NAME)
            Membership.objects.get_or_create(
                tenant=tenant, user=consultant, defaults={"role": CONSULTANT_ROLES[slug]}
            )
    return tenants

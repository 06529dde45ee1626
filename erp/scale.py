"""The tenant and its sign-ins for a scale tenant (`seed_scale`): one user per role, with
the demo users' password so benches can sign in as each role. Idempotent."""

from __future__ import annotations

from erp.demo_accounts import PASSWORD, ROLES
from erp.models import Membership, Tenant, User
from erp.roles import Role
from erp.tenancy import tenant_context


def user_email(role: str, slug: str) -> str:
    return f"{role}@{slug}.example"


def seed_scale(*, slug: str) -> tuple[Tenant, dict[str, User]]:
    """The tenant `slug` and a member per role, made if missing; call inside a transaction."""
    tenant, _ = Tenant.objects.get_or_create(slug=slug, defaults={"name": f"Scale {slug}"})
    users = {}
    with tenant_context(tenant):
        for role in ROLES:
            email = user_email(role, slug)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=PASSWORD, full_name=f"{Role(role).label} {slug}"
                )
            Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
            users[role] = user
    return tenant, users

"""State changes of the platform: memberships of users in tenants."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from erp import invitations
from erp.errors import DomainError
from erp.models import Invitation, Membership, Tenant, User
from erp.roles import Role, require_role


class LastAdmin(DomainError):
    message = _("{email} is the last active admin of {tenant}; make someone else admin first.")


def _send_set_password_email(member: User) -> None:
    # Django's PasswordResetForm skips users without a usable password, which is every
    # invited user; the same token and link are built here instead.
    base = urlsplit(settings.BASE_URL)
    context = {
        "email": member.email,
        "uid": urlsafe_base64_encode(force_bytes(member.pk)),
        "token": default_token_generator.make_token(member),
        "protocol": base.scheme,
        "domain": base.netloc,
    }
    subject = render_to_string("registration/invite_subject.txt", context).strip()
    body = render_to_string("registration/invite_email.txt", context)
    send_mail(subject, body, None, [member.email])


@transaction.atomic
def add_member(
    *, tenant: Tenant, user: User, email: str, full_name: str, role: Role
) -> Membership | Invitation:
    """Give `email` the `role` in `tenant`: a membership for a new address, an invitation for
    an address that already has an account.

    A new user gets an e-mail (after commit) with a link to choose a password. An existing
    user belongs to whoever already works with them: they are only invited (erp.invitations)
    and become a member when they accept, so no admin can put them in a tenant unasked.
    Raises `RoleRequired` unless `user` is an admin, `AlreadyMember` on a repeat.
    """
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        return invitations.invite(tenant=tenant, user=user, invitee=existing, role=role)
    member = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
    membership = Membership.objects.create(tenant=tenant, user=member, role=role)
    transaction.on_commit(lambda: _send_set_password_email(member))
    return membership


@transaction.atomic
def change_membership(
    *, tenant: Tenant, user: User, membership: Membership, role: Role, is_active: bool
) -> Membership:
    """Change a member's role or active flag; a tenant always keeps one active admin.

    Locks the tenant's admin memberships so two admins demoting each other at once cannot
    leave the tenant with none.
    """
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    admins = list(
        Membership.objects.select_for_update(of=("self",))
        .filter(tenant=tenant, role=Role.ADMIN, is_active=True, user__is_api_client=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    stays_admin = role == Role.ADMIN and is_active
    if membership.pk in admins and len(admins) == 1 and not stays_admin:
        raise LastAdmin(email=membership.user.email, tenant=tenant.name)
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    return membership


@transaction.atomic
def update_organisation(
    *,
    tenant: Tenant,
    user: User,
    name: str,
    currency: str,
    time_zone: str,
    date_format: str,
    paper_size: str,
) -> Tenant:
    """Rename the organisation and set how its pages show amounts and dates (see
    erp.formats) and the paper its documents print on (admins only). One save, so the history
    shows one change."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    tenant.name = name.strip()
    tenant.currency, tenant.time_zone, tenant.date_format = currency, time_zone, date_format
    tenant.paper_size = paper_size
    tenant.save(update_fields=["name", "currency", "time_zone", "date_format", "paper_size"])
    return tenant

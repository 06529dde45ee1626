"""Invitations: how a user who already has an account joins another tenant (issue 9, finding 11).

An admin adding an existing user's address makes an `Invitation`, never a membership; the
user gets an e-mail with a link and, signed in as themselves, accepts or declines. Accepting
makes the membership and changes nothing about the tenant the user is working in.

The link's token is random and only its SHA-256 is stored. The invited user reads their
invitations from any tenant context (the row-level security policy shows a user their own
rows, as it does their memberships); accepting, declining and withdrawing write under the
invitation's own tenant.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from erp.errors import AlreadyMember, DomainError
from erp.models import Invitation, InvitationStatus, Membership, Tenant, User
from erp.roles import Role, require_role
from erp.tenancy import tenant_context

VALID_FOR = datetime.timedelta(days=14)


class InvitationNotFound(DomainError):
    message = _("This invitation is not addressed to the account you are signed in with.")


class InvitationClosed(DomainError):
    message = _("This invitation to {tenant} was {status}; it can no longer be answered.")


class InvitationExpired(DomainError):
    message = _(
        "This invitation to {tenant} expired on {expires}. Ask an admin of {tenant} to "
        "invite you again."
    )


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _send(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "tenant": invitation.tenant.name,
        "role": invitation.get_role_display(),
        "invited_by": invitation.invited_by,
        "link": urljoin(settings.BASE_URL, reverse("invitations:open", args=[token])),
        "expires": invitation.expires_at,
    }
    subject = render_to_string("erp/invitations/email_subject.txt", context).strip()
    body = render_to_string("erp/invitations/email.txt", context)
    send_mail(subject, body, None, [invitation.user.email])


@transaction.atomic
def invite(*, tenant: Tenant, user: User, invitee: User, role: Role) -> Invitation:
    """Offer `invitee` the `role` in `tenant` and e-mail them a link (after commit).

    Inviting again while an invitation is pending renews it (the new role, a new link, a new
    expiry) instead of adding a second; the old link stops working. Locks the invitee's user
    row first, so two admins inviting the same person at once make one invitation.
    Raises `RoleRequired` unless `user` is an admin, `AlreadyMember` if the invitee is one.
    """
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    invitee = User.objects.select_for_update().get(pk=invitee.pk)
    if Membership.objects.filter(tenant=tenant, user=invitee).exists():
        raise AlreadyMember(email=invitee.email, tenant=tenant.name)
    now = timezone.now()
    invitation = (
        Invitation.objects.select_for_update()
        .filter(tenant=tenant, user=invitee, status=InvitationStatus.PENDING)
        .first()
    )
    if invitation is not None and invitation.state == InvitationStatus.EXPIRED:
        invitation.status, invitation.closed_at = InvitationStatus.EXPIRED, now
        invitation.save(update_fields=["status", "closed_at"])
        invitation = None
    token = secrets.token_urlsafe(32)
    if invitation is None:
        invitation = Invitation(tenant=tenant, user=invitee)
    invitation.role = role
    invitation.invited_by = user
    invitation.token_hash = hash_token(token)
    invitation.expires_at = now + VALID_FOR
    invitation.save()
    transaction.on_commit(lambda: _send(invitation, token))
    return invitation


def _refuse_unless_open(invitation: Invitation) -> None:
    if invitation.state == InvitationStatus.EXPIRED:
        raise InvitationExpired(
            tenant=invitation.tenant.name,
            expires=timezone.localtime(invitation.expires_at).date().isoformat(),
        )
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationClosed(
            tenant=invitation.tenant.name, status=invitation.get_status_display().lower()
        )


def _locked_for_answer(*, user: User, invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .filter(pk=invitation.pk, user=user)
        .first()
    )
    if locked is None:
        raise InvitationNotFound()
    _refuse_unless_open(locked)
    return locked


@transaction.atomic
def accept(*, user: User, invitation: Invitation) -> Membership:
    """Make `user` a member of the invitation's tenant with the offered role.

    Only the invited user can accept, and only while the invitation is pending and unexpired.
    Works under the invitation's tenant and restores the caller's tenant on return, so the
    tenant the user is working in does not change. Locks the invitation row.
    Raises `InvitationNotFound`, `InvitationExpired`, `InvitationClosed`, `AlreadyMember`.
    """
    with tenant_context(invitation.tenant_id, user=user):
        invitation = _locked_for_answer(user=user, invitation=invitation)
        if Membership.objects.filter(tenant_id=invitation.tenant_id, user=user).exists():
            raise AlreadyMember(email=user.email, tenant=invitation.tenant.name)
        membership = Membership.objects.create(
            tenant_id=invitation.tenant_id, user=user, role=invitation.role
        )
        invitation.status, invitation.closed_at = InvitationStatus.ACCEPTED, timezone.now()
        invitation.save(update_fields=["status", "closed_at"])
    return membership


@transaction.atomic
def decline(*, user: User, invitation: Invitation) -> Invitation:
    """Turn the invitation down; only the invited user can, while it is pending.
    Raises `InvitationNotFound`, `InvitationExpired`, `InvitationClosed`."""
    with tenant_context(invitation.tenant_id, user=user):
        invitation = _locked_for_answer(user=user, invitation=invitation)
        invitation.status, invitation.closed_at = InvitationStatus.DECLINED, timezone.now()
        invitation.save(update_fields=["status", "closed_at"])
    return invitation


@transaction.atomic
def revoke(*, tenant: Tenant, user: User, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation of `tenant` (admins only); its link stops working.
    Raises `RoleRequired`, `InvitationClosed`."""
    require_role(tenant=tenant, user=user, roles=[Role.ADMIN])
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .get(tenant=tenant, pk=invitation.pk)
    )
    # An expired one may still be withdrawn: that only records what the admin meant.
    if invitation.status != InvitationStatus.PENDING:
        raise InvitationClosed(tenant=tenant.name, status=invitation.get_status_display().lower())
    invitation.status, invitation.closed_at = InvitationStatus.REVOKED, timezone.now()
    invitation.save(update_fields=["status", "closed_at"])
    return invitation

"""Reads of the platform's tables for views and tasks."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils import timezone

from erp.models import Invitation, InvitationStatus, Membership, Tenant, User

M = TypeVar("M", bound=Model)


def memberships(*, tenant: Tenant) -> QuerySet[Membership]:
    """The tenant's people; API tokens' client users are listed with the tokens instead."""
    return Membership.objects.filter(tenant=tenant, user__is_api_client=False).select_related(
        "user"
    )


def invitations(*, tenant: Tenant) -> QuerySet[Invitation]:
    """The tenant's invitations, newest first. The tenant filter matters: the policy also
    shows the signed-in user their own invitations from other tenants."""
    return (
        Invitation.objects.filter(tenant=tenant)
        .select_related("user", "invited_by")
        .order_by("-created_at", "-pk")
    )


def pending_invitations(*, tenant: Tenant) -> QuerySet[Invitation]:
    """The tenant's invitations still waiting for an answer."""
    return invitations(tenant=tenant).filter(
        status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    )


def invitations_for(*, user: User) -> QuerySet[Invitation]:
    """`user`'s invitations in every tenant and state. The user filter matters: the policy
    also shows an admin the invitations of the tenant they work in."""
    return (
        Invitation.objects.filter(user=user)
        .select_related("tenant", "invited_by")
        .order_by("-created_at", "-pk")
    )


def invitations_waiting_for(*, user: User) -> QuerySet[Invitation]:
    """`user`'s invitations still waiting for their answer, in every tenant."""
    return invitations_for(user=user).filter(
        status=InvitationStatus.PENDING, expires_at__gt=timezone.now()
    )


# Longer than any token erp.invitations makes: a longer one in a URL is not looked up.
MAX_TOKEN_LENGTH = 100


def invitation_by_token(*, user: User, token: str) -> Invitation | None:
    """`user`'s invitation whose link carries `token`, in any state; None for another user's
    link, a renewed invitation's old link or a mistyped one."""
    from erp.invitations import hash_token

    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return None
    return invitations_for(user=user).filter(token_hash=hash_token(token)).first()


def tenant_settings(model: type[M], *, tenant: Tenant) -> M:
    """The tenant's row of a one-per-tenant settings model, or an unsaved one holding the
    defaults. Reading settings never writes: pages that show them are GETs, and the row is
    made by the first save."""
    return model.objects.filter(tenant=tenant).first() or model(tenant=tenant)

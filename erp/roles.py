"""Roles a membership can hold, and the checks that enforce them in views and services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from erp.models import Membership, Tenant, User


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    PLANNER = "planner", _("Planner")
    FINANCE = "finance", _("Finance")
    ADMIN = "admin", _("Admin")
    # Owners and executives: they read the figures (landing page, reports, valuation, the
    # finance registers) and post nothing.
    OWNER = "owner", _("Owner")


ALL_ROLES = frozenset(Role)
# Everyone who works in the system rather than only reading it: every role but the owner.
STAFF = ALL_ROLES - frozenset({Role.OWNER})


def may_open(request, name: str) -> bool:
    """Whether the member's role may open the page named `name` (a URL name without
    arguments), read from its view's `roles_required`: an app links to a page of an app to its
    right without importing that app's code or copying its role set."""
    from django.urls import resolve, reverse

    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    allowed = getattr(resolve(reverse(name)).func, "allowed_roles", ALL_ROLES)
    return membership.role in allowed


def roles_required(*roles: Role) -> Callable:
    """Allow a view only to members whose active role is one of `roles`.

    Anonymous users are sent to sign in; members of other roles get 403. The allowed roles
    are kept on the view (`allowed_roles`) so the URL coverage test can check every page.
    """
    allowed = frozenset(roles)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            membership = getattr(request, "membership", None)
            if membership is None:
                raise PermissionDenied(_("You have no active membership in any organisation."))
            if membership.role not in allowed:
                raise PermissionDenied(_("Your role cannot open this page."))
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed
        return wrapper

    return decorator


def any_member(view: Callable) -> Callable:
    return roles_required(*Role)(view)


def signed_in(view: Callable) -> Callable:
    """Allow any signed-in user, member of some tenant or of none (answering invitations is
    how a user without a membership gets one). Anonymous users are sent to sign in."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.allowed_roles = ALL_ROLES
    return wrapper


def public(view: Callable) -> Callable:
    """Mark a view as open to anonymous visitors (sign-in, password reset)."""
    view.allowed_roles = None
    view.is_public = True
    return view


def has_role(request, roles: Iterable[Role]) -> bool:
    """Whether the request's active membership holds one of `roles` (for showing actions)."""
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role in set(roles)


def membership_for(*, tenant: Tenant, user: User) -> Membership | None:
    cache = getattr(user, "_stockline_memberships", None)
    if cache is None:
        cache = user._stockline_memberships = {}
    if tenant.pk not in cache:
        from erp.models import Membership

        cache[tenant.pk] = Membership.objects.filter(
            tenant=tenant, user=user, is_active=True
        ).first()
    return cache[tenant.pk]


def require_role(*, tenant: Tenant, user: User, roles: Iterable[Role]) -> Membership:
    """Service-side check: raise `RoleRequired` unless `user` holds one of `roles` in `tenant`."""
    from erp.errors import RoleRequired

    membership = membership_for(tenant=tenant, user=user)
    allowed = frozenset(roles)
    if membership is None or membership.role not in allowed:
        raise RoleRequired(roles=sorted(str(r.label) for r in allowed))
    return membership

"""Reads of the platform's tables for views and tasks."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from erp.models import Membership, Tenant

M = TypeVar("M", bound=Model)


def memberships(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=tenant).select_related("user")


def tenant_settings(model: type[M], *, tenant: Tenant) -> M:
    """The tenant's row of a one-per-tenant settings model, or an unsaved one holding the
    defaults. Reading settings never writes: pages that show them are GETs, and the row is
    made by the first save."""
    return model.objects.filter(tenant=tenant).first() or model(tenant=tenant)

"""Reads of the platform's tables for views and tasks."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.models import Membership, Tenant


def memberships(*, tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=tenant).select_related("user")

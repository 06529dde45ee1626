"""Reads of alerts: a member's inbox, the unacknowledged count in the navigation."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.alerts.models import Alert, AlertSettings, AlertStatus, AlertSubscription
from erp.models import Tenant
from erp.selectors import tenant_settings


def alerts_for(*, tenant: Tenant, role: str) -> QuerySet[Alert]:
    """The tenant's alerts routed to `role`."""
    return Alert.objects.filter(tenant=tenant, roles__contains=[role]).select_related(
        "acknowledged_by", "resolved_by"
    )


def unseen_count(*, tenant: Tenant, role: str) -> int:
    """Open alerts nobody has acknowledged yet, for the navigation."""
    return Alert.objects.filter(
        tenant=tenant, roles__contains=[role], status=AlertStatus.OPEN
    ).count()


def subscribed_kinds(*, tenant: Tenant, user) -> set[str]:
    return set(
        AlertSubscription.objects.filter(tenant=tenant, user=user).values_list("kind", flat=True)
    )


def settings_for(tenant: Tenant) -> AlertSettings:
    return tenant_settings(AlertSettings, tenant=tenant)

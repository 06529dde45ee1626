"""Reads of alerts: a member's inbox, the unacknowledged count in the navigation."""

from __future__ import annotations

from django.db.models import Case, CharField, F, QuerySet, Value, When

from erp.alerts import registry
from erp.alerts.models import Alert, AlertSettings, AlertStatus, AlertSubscription
from erp.models import Tenant
from erp.selectors import tenant_settings


def alerts_for(*, tenant: Tenant, role: str) -> QuerySet[Alert]:
    """The tenant's alerts routed to `role`."""
    return Alert.objects.filter(tenant=tenant, roles__contains=[role]).select_related(
        "acknowledged_by", "resolved_by"
    )


def inbox(*, tenant: Tenant, role: str) -> QuerySet[Alert]:
    """`alerts_for` with each alert's `kind_label` (the registered rule's label, or the kind
    itself for a rule no longer registered), so the inbox shows, sorts and exports the label."""
    return alerts_for(tenant=tenant, role=role).annotate(
        kind_label=Case(
            *[When(kind=kind, then=Value(label)) for kind, label in registry.kind_choices()],
            default=F("kind"),
            output_field=CharField(),
        )
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

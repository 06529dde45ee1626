"""Reporting's reads. Reports go to a replica when there is one (erp.replica): nothing here
writes, and querysets are evaluated by the caller inside its read."""

from __future__ import annotations

from django.db.models import QuerySet

from reporting.models import AuditEvent, AuditReport


def audit_events(*, tenant) -> QuerySet[AuditEvent]:
    """The tenant's stock transactions and history records (the view reporting_audit_event),
    with the names a row shows joined in (no query per row)."""
    return AuditEvent.objects.filter(tenant=tenant).select_related("user", "item", "lot", "serial")


def audit_reports(*, tenant, user) -> QuerySet[AuditReport]:
    """The audit reports `user` asked for in `tenant`: only the requester may see or download
    one."""
    return AuditReport.objects.filter(tenant=tenant, created_by=user)

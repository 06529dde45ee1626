"""Reads of import jobs for the import pages."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.imports.models import ImportJob


def import_jobs(*, tenant, kind: str) -> QuerySet[ImportJob]:
    """The tenant's uploads of one kind, newest first (a job of another kind is not found)."""
    return ImportJob.objects.filter(tenant=tenant, kind=kind).select_related("created_by")

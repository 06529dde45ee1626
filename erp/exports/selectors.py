"""Reads of export jobs for their pages: a user sees only their own, in the active tenant."""

from __future__ import annotations

from django.db.models import QuerySet

from erp.exports.models import ExportJob


def export_jobs(*, tenant, user) -> QuerySet[ExportJob]:
    return ExportJob.objects.filter(tenant=tenant, created_by=user)

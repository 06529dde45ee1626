"""An uploaded CSV file, its check report and its progress, for any registered importer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantModel


class ImportStatus(models.TextChoices):
    VALIDATING = "validating", _("Checking")
    INVALID = "invalid", _("Has errors")
    READY = "ready", _("Ready to import")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportJob(TenantModel):
    """One uploaded CSV of one `kind`. Nothing is imported unless every line checked clean."""

    # No choices: the kinds are whatever apps register (erp.imports.registry).
    kind = models.CharField(max_length=60)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.VALIDATING
    )
    row_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # The first checked rows as display strings, so the page shows them without re-checking.
    preview = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # Set (and committed) by the worker as it takes the job up, before the long transaction:
    # a job taken up whose worker holds no lock on it any more was interrupted (erp.imports.jobs).
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ImportStatus.values),
                name="erp_importjob_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "kind", "-created_at"], name="erp_importjob_kind_idx")
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def in_progress(self) -> bool:
        return self.status in (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

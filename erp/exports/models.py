"""An export too large to stream while the user waits, run by a worker into a stored file."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from erp.fields import TenantModel


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Exporting")
    DONE = "done", _("Ready to download")
    FAILED = "failed", _("Failed")


class ExportJob(TenantModel):
    """One export of one page's filtered rows, owned by the user who asked: only they (in this
    tenant) see its page and download its file, until `expires_at`."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    # The page's request, replayed by the worker as its owner: the same view, filters and
    # sort give the same rows, and the view's role check applies again.
    path = models.CharField(max_length=500)
    query = models.TextField(blank=True)
    # The session values the page reads (the member's current site), as they were then.
    session = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200, blank=True)  # what the page is called, for the list
    format = models.CharField(max_length=10)
    status = models.CharField(
        max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveBigIntegerField(default=0)
    rows_done = models.PositiveBigIntegerField(default=0)
    filename = models.CharField(max_length=255, blank=True)  # what the download is called
    stored_as = models.CharField(max_length=500, blank=True)  # its name in the exports storage
    size = models.PositiveBigIntegerField(default=0)
    message = models.TextField(blank=True)
    taken_at = models.DateTimeField(null=True, blank=True)
    taken_by = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values),
                name="erp_exportjob_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=["csv", "xlsx"]), name="erp_exportjob_format_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["tenant", "created_by", "-created_at"], name="erp_exportjob_user_idx"
            ),
            models.Index(fields=["tenant", "expires_at"], name="erp_exportjob_expiry_idx"),
        ]

    def __str__(self) -> str:
        return self.filename or f"Export {self.pk}"

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)
